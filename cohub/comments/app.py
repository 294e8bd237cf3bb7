"""The comment service as an ASGI application: the parts below, wired to their addresses.

Pages are rendered from ``templates/`` with autoescaping on. No request, however
malformed, gets a traceback: every failure is answered with a plain page
(``pages``). Every response, whatever sends it, carries the security headers
(``headers``). Forwarded client addresses are believed only from the proxies
named in ``settings.forwarded_allow_ips`` (``server``); run uvicorn through
``uvicorn_config``, which leaves that to the app and sends no Server header.

One job per module: ``commenting`` takes comments, ``moderation`` signs
moderators in and records their decisions, ``origin`` and ``body`` check where
a post came from and how big it is, ``site_files`` serves the built site and
the service's own assets, ``background`` runs the retention rules and emails
moderators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Mount, Route

from cohub.comments.background import BackgroundWork
from cohub.comments.client_hash import ClientHasher, key_file_beside
from cohub.comments.commenting import Commenting
from cohub.comments.moderation import SESSION_COOKIE, Moderation
from cohub.comments.origin import origin_of
from cohub.comments.pages import Pages
from cohub.comments.server import Service, uvicorn_config
from cohub.comments.settings import CommentSettings
from cohub.comments.site_files import SiteFiles, compressed, own_asset
from cohub.comments.store import CommentStore

__all__ = ("SESSION_COOKIE", "create_app", "uvicorn_config")


def create_app(
    *,
    site_dir: Path | None,
    store: CommentStore,
    site_url: str,
    known_pages: Callable[[], frozenset[str]] | frozenset[str],
    settings: CommentSettings,
    case_study_titles: Mapping[str, str] | None = None,
    content_security_policy: str | None = None,
    service_url: str | None = None,
) -> Starlette:
    """Build the comment service as an ASGI application.

    Args:
        site_dir: The built site to serve as well, or None to serve only the
            comment and moderation pages.
        store: Where comments are kept.
        site_url: The site's public address. Comment forms must be sent
            from its origin; the service's pages link back to it.
        known_pages: The case study slugs that can be commented on, or a
            function giving them (called on each submission, so it can
            follow a rebuilt site).
        settings: Limits, names and notification settings.
        case_study_titles: Each case study's title by slug, for the
            moderation page (the slug is shown for any not given).
        content_security_policy: A Content-Security-Policy to send with
            every response (site files too); None to send the service's own
            policy with its own pages only.
        service_url: The service's own public address when it is not the
            site's (the site on a static host, the service apart), or None.
            Moderation forms must come from it, and cookies are marked
            Secure when it is https.

    Returns:
        The application, for uvicorn (see ``uvicorn_config``) or any ASGI server.

    Raises:
        ValueError: ``site_url`` or ``service_url`` is not an http or https address.
    """
    site_origin = origin_of(site_url)
    if site_origin is None:
        raise ValueError(f"site_url must be an http or https address, not {site_url!r}")
    own_url = service_url or site_url
    own_origin = origin_of(own_url)
    if own_origin is None:
        raise ValueError(f"service_url must be an http or https address, not {service_url!r}")
    secure = own_origin.startswith("https:")
    hasher = ClientHasher(
        rotation=timedelta(days=settings.client_hash_rotation_days),
        clock=store.now,
        secret=settings.client_hash_secret,
        key_file=key_file_beside(store.path),
    )
    # Apart from the site, the service's pages link back to it in full.
    site_root = "" if own_origin == site_origin else site_url.rstrip("/")
    pages = Pages(settings=settings, site_dir=site_dir, site_root=site_root)
    background = BackgroundWork(store=store, settings=settings, service_url=own_url.rstrip("/"))
    commenting = Commenting(
        pages=pages,
        store=store,
        settings=settings,
        site_origin=site_origin,
        known_pages=known_pages if callable(known_pages) else lambda: known_pages,
        hasher=hasher,
        background=background,
    )
    moderation = Moderation(
        pages=pages,
        store=store,
        settings=settings,
        own_origin=own_origin,
        secure_cookies=secure,
        hasher=hasher,
        case_study_titles=case_study_titles or {},
    )
    routes: tuple[BaseRoute, ...] = (
        Route("/comments", commenting.submit_comment, methods=["POST"]),
        Route("/comments/thanks", commenting.thanks, methods=["GET"]),
        Route("/comments/static/{name}", own_asset, methods=["GET"]),
        Route("/moderate", moderation.moderation_list, methods=["GET"]),
        Route("/moderate/login", moderation.login_page, methods=["GET"]),
        Route("/moderate/login", moderation.login, methods=["POST"]),
        Route("/moderate/logout", moderation.logout, methods=["POST"]),
        Route("/moderate/{comment_id}/{decision}", moderation.decide, methods=["POST"]),
    )
    if site_dir is not None:
        site_files = SiteFiles(directory=site_dir, comments_html=commenting.comments_html)
        routes += (Mount("/", app=compressed(site_files)),)
    return Service(
        settings=settings,
        hsts=secure,
        content_security_policy=content_security_policy,
        routes=list(routes),
        exception_handlers={HTTPException: pages.http_error, Exception: pages.server_error},
        lifespan=background.lifespan,
    )

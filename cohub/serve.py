"""Running the hub: ``cohub serve`` (the site and its comment service, one process, one port) and
``cohub comments serve`` (the comment service alone, beside a site on any static host)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import uvicorn

from cohub.build import build_site
from cohub.comments import CommentStore, create_app, settings_from_env
from cohub.comments.address import comment_service_url
from cohub.comments.app import uvicorn_config
from cohub.csp import content_security_policy, form_targets, site_script_hashes
from cohub.hub import load_hub
from cohub.siteconfig import comment_settings_mapping, read_site_config

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from starlette.applications import Starlette

    from cohub.comments import CommentSettings
    from cohub.model import CaseStudy

__all__ = ("ServeError", "comment_addresses", "comments_app", "hub_app", "serve", "serve_comments")


class ServeError(Exception):
    """The hub's settings leave no way to serve it (said in one line)."""


def _settings(site_config: Mapping[str, Any], forwarded_allow_ips: str | None) -> CommentSettings:
    return settings_from_env(
        os.environ,
        {
            "site_name": site_config.get("site_name", "cohub"),
            **comment_settings_mapping(dict(site_config)),
            **({} if forwarded_allow_ips is None else {"forwarded_allow_ips": forwarded_allow_ips}),
        },
    )


def _commentable(root: Path) -> tuple[CaseStudy, ...]:
    return tuple(case_study for case_study in load_hub(root).case_studies if case_study.comments)


def hub_app(
    root: Path, *, site_dir: Path, db_path: Path | str, site_url: str, forwarded_allow_ips: str | None = None
) -> Starlette:
    """The ASGI app that serves ``site_dir`` and takes comments into ``db_path``.

    Args:
        root: The hub's root folder (for ``mkdocs.yml`` and the case studies).
        site_dir: The built site.
        db_path: The comments database (see ``cohub.comments.location``); made on first use.
        site_url: The address people reach the hub at; comment posts must
            come from it.
        forwarded_allow_ips: The proxies to believe, replacing the
            ``forwarded_allow_ips`` setting; None to keep the setting.

    Raises:
        SettingsError: When a comment setting in ``mkdocs.yml`` or the
            environment cannot be used.
    """
    site_config = read_site_config(root)
    settings = _settings(site_config, forwarded_allow_ips)
    commentable = _commentable(root)
    # The pages carry the policy too; the header adds what a <meta> cannot say, and covers the service's pages.
    policy = content_security_policy(
        site_script_hashes(site_dir), form_targets(comment_service_url(site_config.get("extra"))), header=True
    )
    return create_app(
        site_dir=site_dir,
        store=CommentStore(db_path),
        site_url=site_url,
        known_pages=frozenset(case_study.slug for case_study in commentable),
        settings=settings,
        case_study_titles={case_study.slug: case_study.title for case_study in commentable},
        content_security_policy=policy,
    )


def comments_app(
    root: Path, *, store: CommentStore, site_url: str | None = None, forwarded_allow_ips: str | None = None
) -> Starlette:
    """The comment service alone, for a site served by something else; nothing is built.

    Its own address is ``extra.cohub.comments.url`` in ``mkdocs.yml``, or the
    site's when that is not set (a proxy in front sends it ``/comments`` and
    ``/moderate``). The case studies that take comments are read from
    ``root`` when it starts.

    Args:
        root: The hub's root folder (for ``mkdocs.yml`` and the case studies).
        store: Where comments are kept.
        site_url: The site's address, replacing ``$COHUB_SITE_URL`` and
            ``site_url`` in ``mkdocs.yml``.
        forwarded_allow_ips: The proxies to believe, replacing the setting.

    Raises:
        ServeError: No site address is given anywhere.
        CommentAddressError: ``extra.cohub.comments.url`` cannot be used.
        SettingsError: A comment setting cannot be used.
    """
    site_config = read_site_config(root)
    address, service_url = comment_addresses(root, site_url)
    commentable = _commentable(root)
    return create_app(
        site_dir=None,
        store=store,
        site_url=address,
        known_pages=frozenset(case_study.slug for case_study in commentable),
        settings=_settings(site_config, forwarded_allow_ips),
        case_study_titles={case_study.slug: case_study.title for case_study in commentable},
        service_url=service_url,
    )


def comment_addresses(root: Path, site_url: str | None = None) -> tuple[str, str | None]:
    """The site's address and the comment service's own (None: the site's, through a proxy).

    Raises:
        ServeError: No site address is given anywhere.
        CommentAddressError: ``extra.cohub.comments.url`` cannot be used.
    """
    site_config = read_site_config(root)
    address = site_url or os.environ.get("COHUB_SITE_URL") or site_config.get("site_url")
    if not isinstance(address, str) or not address:
        raise ServeError(
            "the comment service needs the site's address: set site_url in mkdocs.yml, "
            "or give --site-url or COHUB_SITE_URL"
        )
    return address, comment_service_url(site_config.get("extra"))


def serve(
    root: Path,
    *,
    host: str,
    port: int,
    db_path: Path | str,
    site_url: str | None,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Build the site, then serve it and the comment service until stopped.

    ``forwarded_allow_ips`` replaces the setting of that name when given.

    Raises:
        BuildFailed: When the site does not build.
        SettingsError: When a comment setting cannot be used.
    """
    site_dir = build_site(root)
    url = site_url or os.environ.get("COHUB_SITE_URL") or f"http://{host}:{port}/"
    app = hub_app(root, site_dir=site_dir, db_path=db_path, site_url=url, forwarded_allow_ips=forwarded_allow_ips)
    print(f"Serving the hub at {url} (press Ctrl+C to stop).", flush=True)
    uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level="warning")).run()


def serve_comments(
    root: Path,
    *,
    host: str,
    port: int,
    store: CommentStore,
    site_url: str | None = None,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve the comment service alone until stopped (see ``comments_app``)."""
    app = comments_app(root, store=store, site_url=site_url, forwarded_allow_ips=forwarded_allow_ips)
    address, service_url = comment_addresses(root, site_url)
    reached = service_url or f"{address.rstrip('/')} through a proxy that sends it /comments and /moderate"
    print(
        f"Serving the comment service on {host}:{port}, reached at {reached}, taking comments from pages"
        f" at {address} (press Ctrl+C to stop).",
        flush=True,
    )
    uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level="warning")).run()

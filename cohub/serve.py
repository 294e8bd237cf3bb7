"""``cohub serve``: the built site and its comment service, one process, one port."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import uvicorn

from cohub.build import build_site
from cohub.comments import CommentStore, create_app, settings_from_env
from cohub.comments.app import uvicorn_config
from cohub.csp import content_security_policy, form_targets, site_script_hashes
from cohub.hub import load_hub
from cohub.siteconfig import comment_settings_mapping, read_site_config

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.applications import Starlette


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
    settings = settings_from_env(os.environ, {
        "site_name": site_config.get("site_name", "cohub"),
        **comment_settings_mapping(site_config),
        **({} if forwarded_allow_ips is None else {"forwarded_allow_ips": forwarded_allow_ips}),
    })
    hub = load_hub(root)
    commentable = tuple(case_study for case_study in hub.case_studies if case_study.comments)
    # The pages carry the policy too; the header adds what a <meta> cannot say, and covers the service's pages.
    policy = content_security_policy(site_script_hashes(site_dir),
                                     form_targets(comment_settings_mapping(site_config)), header=True)
    return create_app(site_dir=site_dir, store=CommentStore(db_path), site_url=site_url,
                      known_pages=frozenset(case_study.slug for case_study in commentable), settings=settings,
                      case_study_titles={case_study.slug: case_study.title for case_study in commentable},
                      content_security_policy=policy)


def serve(
    root: Path, *, host: str, port: int, db_path: Path | str, site_url: str | None, forwarded_allow_ips: str | None = None
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

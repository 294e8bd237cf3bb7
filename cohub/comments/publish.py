"""Write the comments approved so far into a built site, for councils that host ``site/`` as static files."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from cohub.addresses import case_study_url
from cohub.comments.render import inject_comments, render_approved_comments, template_environment
from cohub.comments.store import CommentStore

if TYPE_CHECKING:
    from collections.abc import Iterable

# The comment form's style and script, which the site ships as its own assets.
COMMENT_ASSETS = ("comments.css", "comments.js")


def comment_asset(name: str) -> Path:
    """The file behind one of :data:`COMMENT_ASSETS`."""
    return Path(str(files("cohub.comments").joinpath("templates", name)))


def publish_approved_comments(site_dir: Path, location: Path | str, slugs: Iterable[str]) -> int:
    """Put each case study's approved comments into its built page.

    Each page is replaced whole (written beside it, then renamed), so a
    reader never gets half a page.

    Args:
        site_dir: The built site.
        location: The comments database (see ``cohub.comments.location``); it must exist.
        slugs: The case studies that take comments.

    Returns:
        How many comments were written into pages.
    """
    env = template_environment()
    published = 0
    with CommentStore(location, create=False) as store:
        for slug in slugs:
            page = site_dir / case_study_url(slug) / "index.html"
            if not page.is_file():
                continue
            comments = store.approved_for(slug)
            html = inject_comments(page.read_text(encoding="utf-8"), slug, render_approved_comments(env, comments))
            partial = page.with_name(f".{page.name}.tmp")
            partial.write_text(html, encoding="utf-8")
            os.replace(partial, page)
            published += len(comments)
    return published

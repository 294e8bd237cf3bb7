"""Turning approved comments into HTML and putting them into built pages.

Pure functions, used both by the live service and by the site build.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from cohub.comments.store import Comment
from cohub.comments.validation import COMMENT_MAX_LENGTH

__all__ = (
    "APPROVED_COMMENTS_END_MARKER",
    "APPROVED_COMMENTS_MARKER",
    "TEMPLATES_DIR",
    "inject_comments",
    "long_date",
    "long_date_time",
    "paragraphs",
    "render_approved_comments",
    "template_environment",
)

APPROVED_COMMENTS_MARKER = "<!-- cohub:approved-comments -->"
APPROVED_COMMENTS_END_MARKER = "<!-- /cohub:approved-comments -->"
TEMPLATES_DIR = Path(__file__).parent / "templates"

_logger = logging.getLogger(__name__)
_UK_TIME = ZoneInfo("Europe/London")

# The container the site's comment partial puts the marker in. Quotes are
# optional because HTML minifiers remove them.
_CONTAINER = re.compile(r"""<div\b[^>]*\bid=(["']?)approved-comments\1[\s>/]""")

# A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class _CommentView:
    author: str
    date_iso: str
    date_text: str
    paragraphs: tuple[tuple[str, ...], ...]


def long_date(moment: datetime) -> str:
    """Format a time as a UK date in GOV.UK style, like "5 March 2025"."""
    local = moment.astimezone(_UK_TIME)
    return f"{local.day} {local:%B %Y}"


def long_date_time(moment: datetime) -> str:
    """Format a time as UK date and time in GOV.UK style, like "5 March 2025 at 2:30pm"."""
    local = moment.astimezone(_UK_TIME)
    hour = local.hour % 12 or 12
    return f"{long_date(moment)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def paragraphs(text: str) -> tuple[tuple[str, ...], ...]:
    """Split plain text into paragraphs on blank lines, and each paragraph into lines."""
    return tuple(tuple(paragraph.split("\n")) for paragraph in _PARAGRAPH_BREAK.split(text.strip()))


def template_environment() -> jinja2.Environment:
    """Return a Jinja environment for the comment service's templates, autoescaping on."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["comment_max_length"] = COMMENT_MAX_LENGTH
    env.filters["long_date_time"] = long_date_time
    env.filters["paragraphs"] = paragraphs
    return env


def _view(comment: Comment) -> _CommentView:
    return _CommentView(
        author=comment.name or "Anonymous",
        date_iso=comment.created_at.astimezone(_UK_TIME).date().isoformat(),
        date_text=long_date(comment.created_at),
        paragraphs=paragraphs(comment.body),
    )


def render_approved_comments(env: jinja2.Environment, comments: Iterable[Comment]) -> str:
    """Render a case study's approved comments as an HTML fragment.

    Each comment shows its author (or "Anonymous"), the date it was sent and
    its text as escaped plain text, split into paragraphs on blank lines.
    Email addresses are never shown. Each comment has an ``h3`` heading, so
    the fragment belongs under the comment section's ``h2``.

    Args:
        env: From ``template_environment()``, or any environment that can
            load ``approved_comments.html`` from ``TEMPLATES_DIR``.
        comments: Approved comments, in the order to show them.

    Returns:
        The HTML fragment.
    """
    views = tuple(_view(comment) for comment in comments)
    return env.get_template("approved_comments.html").render(comments=views)


def inject_comments(page_html: str, slug: str, comments_html: str) -> str:
    """Put rendered comments into a built case study page.

    The comments go where the marker is inside ``<div id="approved-comments">``,
    between the marker and an end marker. A page that has been injected
    before has its old comments replaced, so a page built with comments can
    be brought up to date by the live service.

    Args:
        page_html: The whole page.
        slug: The case study's slug, for the log if the marker is missing.
        comments_html: From ``render_approved_comments``.

    Returns:
        The page with the comments in it, or unchanged if it has no marker.
    """
    container = _CONTAINER.search(page_html)
    start = -1 if container is None else page_html.find(APPROVED_COMMENTS_MARKER, container.end())
    if start == -1:
        _logger.warning("The page for case study %r has no place for comments; it is served without them", slug)
        return page_html
    after_marker = start + len(APPROVED_COMMENTS_MARKER)
    end = page_html.find(APPROVED_COMMENTS_END_MARKER, after_marker)
    rest = page_html[after_marker:] if end == -1 else page_html[end + len(APPROVED_COMMENTS_END_MARKER) :]
    return f"{page_html[:start]}{APPROVED_COMMENTS_MARKER}{comments_html}{APPROVED_COMMENTS_END_MARKER}{rest}"

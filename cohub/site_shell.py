"""The parts of the built site that the comment service's own pages share.

The site's footer (who runs the hub, contact details, links to the legal
pages) is written once, by ``overrides/partials/footer.html``, and marked
with two comments; the site's colour scheme and palette are attributes of
its ``<body>``. The comment service copies both from the built site's
``404.html``, whose links all start at the site's root, so its pages look
like the site's without a second copy of its templates or settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from pathlib import Path

FOOTER_START = "<!-- cohub-footer -->"
FOOTER_END = "<!-- /cohub-footer -->"
ROOT_PAGE = "404.html"
# A footer is a few kilobytes; a page much larger than this is not one the hub wrote.
MAX_PAGE_BYTES = 2_000_000
_BODY = re.compile(r"<body\b[^>]*>")
_PALETTE = re.compile(r'\bdata-md-color-(scheme|primary|accent)="([a-z-]{1,30})"')


@dataclass(frozen=True)
class SiteShell:
    """What the comment service's pages take from the site.

    Attributes:
        footer: The site's footer, already HTML (the site's own build output).
        palette: The ``data-md-color-*`` attributes of the site's pages, as (name, value) pairs.
    """

    footer: Markup = Markup("")
    palette: tuple[tuple[str, str], ...] = ()


def read_shell(page_html: str) -> SiteShell:
    """The footer between the markers, and the body's palette, of a page the hub built."""
    start = page_html.find(FOOTER_START)
    end = page_html.find(FOOTER_END, start + len(FOOTER_START))
    # The site's own build output, not anyone's input: it is already HTML.
    footer = Markup(page_html[start + len(FOOTER_START) : end].strip()) if 0 <= start < end else Markup("")  # noqa: S704
    body = _BODY.search(page_html)
    palette = tuple(_PALETTE.findall(body.group(0))) if body else ()
    return SiteShell(footer, palette)


def site_shell(site_dir: Path | None) -> SiteShell:
    """The built site's shell, for the comment service's pages (empty when there is no built site)."""
    if site_dir is None:
        return SiteShell()
    page = site_dir / ROOT_PAGE
    try:
        if page.stat().st_size > MAX_PAGE_BYTES:
            return SiteShell()
        return read_shell(page.read_text(encoding="utf-8"))
    except OSError:
        return SiteShell()

"""The second wall: every rendered story is cleaned before it reaches a page.

``cohub.body_policy`` refuses anything outside the policy before a build
starts. This cleans the HTML that Markdown made from a story with nh3, a
maintained sanitiser, keeping only the elements and attributes that the
hub's Markdown extensions write, so that if the check ever has a gap, no
script, event handler, style sheet or unsafe address reaches the page.
"""

from __future__ import annotations

import nh3

from cohub.body_policy import ALLOWED_SCHEMES

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_STORY_ELEMENTS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "hr",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    *_HEADINGS,
}
_STORY_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    # Heading permalinks are kept out of the Tab order and out of headings' names.
    "a": {"href", "aria-hidden", "tabindex"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "details": {"open"},
    # Markdown tables align columns with a style attribute; only text-align is kept.
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
}

_cleaner = nh3.Cleaner(
    tags=_STORY_ELEMENTS,
    clean_content_tags={"script", "style"},
    attributes=_STORY_ATTRIBUTES,
    url_schemes=set(ALLOWED_SCHEMES),
    filter_style_properties={"text-align"},
    link_rel=None,
    strip_comments=True,
)


def sanitise_story(html: str) -> str:
    """``html`` with everything a story's Markdown could not legitimately make removed."""
    return _cleaner.clean(html)

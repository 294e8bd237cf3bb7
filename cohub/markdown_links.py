"""A Python-Markdown extension: link first mentions, and mark links that leave the site.

It runs after the ``abbr`` extension has wrapped each acronym in ``<abbr>``
and before MkDocs rewrites links, so that:

- the first mention of each configured phrase (an acronym, an organisation's
  name) outside headings, links and code becomes a link to its page;
- every link to another website gets the class ``cohub-external`` (its icon
  comes from CSS) and visually hidden text saying so. It still opens in the
  same window.

Elements are built with ElementTree, never from strings of HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

if TYPE_CHECKING:
    from collections.abc import Mapping

    from markdown import Markdown

EXTERNAL_CLASS = "cohub-external"
HIDDEN_CLASS = "cohub-visually-hidden"
# Text inside these is never linked: it is a link, a heading or code already.
_NOT_LINKED = frozenset({"a", "abbr", "code", "pre", "kbd", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6"})


def is_external(href: str, site_url: str) -> bool:
    """Whether a link leaves the site: a web address on another site."""
    return urlsplit(href).scheme in ("http", "https") and not (site_url and href.startswith(site_url))


class LinksTreeprocessor(Treeprocessor):
    """Links first mentions and marks links that leave the site."""

    def __init__(self, md: Markdown, first_mentions: Mapping[str, str], site_url: str, hint: str) -> None:
        super().__init__(md)
        self.first_mentions = first_mentions
        self.site_url = site_url
        self.hint = hint

    def run(self, root: etree.Element) -> None:
        """Change the document tree in place."""
        for phrase, href in self.first_mentions.items():
            pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
            _link_first(root, phrase, pattern, href, blocked=False)
        for link in list(root.iter("a")):
            if is_external(link.get("href", ""), self.site_url):
                link.set("class", f"{link.get('class', '')} {EXTERNAL_CLASS}".strip())
                hint = etree.SubElement(link, "span", {"class": HIDDEN_CLASS})
                hint.text = AtomicString(f" {self.hint}")


def _new_link(href: str, text: str) -> etree.Element:
    link = etree.Element("a", {"href": href})
    link.text = AtomicString(text)
    return link


def _link_first(element: etree.Element, phrase: str, pattern: re.Pattern[str], href: str, *, blocked: bool) -> bool:
    """Link the first mention of ``phrase`` under ``element``; say whether one was found."""
    blocked = blocked or element.tag in _NOT_LINKED
    text = element.text
    if not blocked and text and not isinstance(text, AtomicString) and (match := pattern.search(text)):
        link = _new_link(href, match.group(0))
        link.tail = text[match.end():]
        element.text = text[:match.start()]
        element.insert(0, link)
        return True
    for index, child in enumerate(list(element)):
        if child.tag == "abbr" and not blocked and child.text == phrase:
            # An acronym the abbr extension has marked: the link goes round its <abbr>.
            link = etree.Element("a", {"href": href})
            link.tail, child.tail = child.tail, None
            element[index] = link
            link.append(child)
            return True
        if _link_first(child, phrase, pattern, href, blocked=blocked):
            return True
        tail = child.tail
        if not blocked and tail and not isinstance(tail, AtomicString) and (match := pattern.search(tail)):
            link = _new_link(href, match.group(0))
            link.tail = tail[match.end():]
            child.tail = tail[:match.start()]
            element.insert(index + 1, link)
            return True
    return False


class LinksExtension(Extension):
    """Link first mentions and mark links that leave the site.

    ```yaml
    markdown_extensions:
      - cohub.markdown_links:
          first_mentions: {ULO: /glossary.md#ulo}
          site_url: https://hub.example.gov.uk/
    ```
    """

    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "first_mentions": [{}, "Phrase -> where its first mention in a page links to."],
            "site_url": ["", "The site's own address: links that start with it stay on the site."],
            "hint": ["(another website)", "Visually hidden text added to every link that leaves the site."],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Run after ``abbr`` (7) and before MkDocs' link rewriting (0)."""
        md.treeprocessors.register(
            LinksTreeprocessor(md, self.getConfig("first_mentions"), self.getConfig("site_url"),
                               self.getConfig("hint")),
            "cohub_links", 6,
        )


def makeExtension(**kwargs: object) -> LinksExtension:  # noqa: N802 (Python-Markdown's name)
    """Python-Markdown's entry point for ``cohub.markdown_links``."""
    return LinksExtension(**kwargs)

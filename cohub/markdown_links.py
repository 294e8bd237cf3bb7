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

import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from cohub.wholewords import PhraseFinder

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


@dataclass(frozen=True)
class _Phrases:
    """What every page's linking shares: the finder, and the phrases that link to each address."""

    finder: PhraseFinder
    by_target: Mapping[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def _phrases_for(first_mentions: tuple[tuple[str, str], ...]) -> _Phrases:
    # MkDocs makes a new Markdown converter, and so this extension, for every
    # page; the phrases are the same for the whole build, and there is one per
    # organisation, so nothing here is worked out again per page or per link.
    by_target: dict[str, list[str]] = {}
    for phrase, target in first_mentions:
        by_target.setdefault(target, []).append(phrase)
    return _Phrases(
        finder=PhraseFinder(tuple(phrase for phrase, _target in first_mentions)),
        by_target=MappingProxyType({target: tuple(phrases) for target, phrases in by_target.items()}),
    )


class LinksTreeprocessor(Treeprocessor):
    """Links first mentions and marks links that leave the site."""

    def __init__(self, md: Markdown, first_mentions: Mapping[str, str], site_url: str, hint: str) -> None:
        super().__init__(md)
        self.first_mentions = first_mentions
        self.phrases = _phrases_for(tuple(first_mentions.items()))
        self.site_url = site_url
        self.hint = hint

    def run(self, root: etree.Element) -> None:
        """Change the document tree in place."""
        unlinked = dict(self.first_mentions)
        self._link_first_mentions(root, unlinked, blocked=False)
        for link in list(root.iter("a")):
            if is_external(link.get("href", ""), self.site_url):
                link.set("class", f"{link.get('class', '')} {EXTERNAL_CLASS}".strip())
                hint = etree.SubElement(link, "span", {"class": HIDDEN_CLASS})
                hint.text = AtomicString(f" {self.hint}")

    def _link_first_mentions(self, element: etree.Element, unlinked: dict[str, str], *, blocked: bool) -> None:
        """Walk ``element`` in reading order, linking each phrase in ``unlinked`` where it first appears."""
        blocked = blocked or element.tag in _NOT_LINKED
        children = list(element)
        position = 0
        if not blocked:
            element.text, links = self._split(element.text, unlinked)
            for link in links:
                element.insert(position, link)
                position += 1
        for child in children:
            if not unlinked:
                return
            if child.tag == "abbr" and not blocked and child.text in unlinked:
                # An acronym the abbr extension has marked: the link goes round its <abbr>.
                link = etree.Element("a", {"href": self._take(unlinked, child.text)})
                link.tail, child.tail = child.tail, None
                element[position] = link
                link.append(child)
                child = link
            else:
                self._link_first_mentions(child, unlinked, blocked=blocked)
            position += 1
            if not blocked:
                child.tail, links = self._split(child.tail, unlinked)
                for link in links:
                    element.insert(position, link)
                    position += 1

    def _split(self, text: str | None, unlinked: dict[str, str]) -> tuple[str | None, list[etree.Element]]:
        """Cut the first mentions out of ``text``: the text before them, and a link for each with the text after it."""
        if not text or isinstance(text, AtomicString) or not unlinked:
            return text, []
        before = text
        links: list[etree.Element] = []
        end = 0
        # The finder reads ``unlinked`` as it goes, so a phrase linked here is not found again further on.
        for start, phrase in self.phrases.finder.mentions(text, unlinked):
            if links:
                links[-1].tail = text[end:start]
            else:
                before = text[:start]
            link = etree.Element("a", {"href": self._take(unlinked, phrase)})
            link.text = AtomicString(phrase)
            links.append(link)
            end = start + len(phrase)
        if links:
            links[-1].tail = text[end:]
        return before, links

    def _take(self, unlinked: dict[str, str], phrase: str) -> str:
        """Where ``phrase`` links to; no phrase that links there (an acronym's plural) is linked again on the page."""
        href = unlinked[phrase]
        for other in self.phrases.by_target[href]:
            unlinked.pop(other, None)
        return href


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
            LinksTreeprocessor(
                md, self.getConfig("first_mentions"), self.getConfig("site_url"), self.getConfig("hint")
            ),
            "cohub_links",
            6,
        )


def makeExtension(**kwargs: object) -> LinksExtension:  # noqa: N802 (Python-Markdown's name)
    """Python-Markdown's entry point for ``cohub.markdown_links``."""
    return LinksExtension(**kwargs)

"""A Python-Markdown extension: keep each heading's "¶" permalink out of what screen readers say.

The ``toc`` extension puts a link whose only text is "¶" inside every heading,
so a screen reader reads "What happened ¶" and lists links named "¶". The
link stays for mouse users (it shows on hover); it is hidden from screen
readers and left out of the tab order, since the table of contents links to
the same places with real names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

    from markdown import Markdown

PERMALINK_CLASS = "headerlink"


class PermalinksTreeprocessor(Treeprocessor):
    """Hides the ``toc`` extension's permalinks from screen readers and the keyboard."""

    def run(self, root: etree.Element) -> None:
        """Change the document tree in place."""
        for link in root.iter("a"):
            if PERMALINK_CLASS in (link.get("class") or "").split():
                link.set("aria-hidden", "true")
                link.set("tabindex", "-1")


class PermalinksExtension(Extension):
    """Hide headings' permalinks from screen readers and the keyboard.

    ```yaml
    markdown_extensions:
      - toc:
          permalink: true
      - cohub.markdown_permalinks
    ```
    """

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Run after ``toc`` (5) has added the permalinks."""
        md.treeprocessors.register(PermalinksTreeprocessor(md), "cohub_permalinks", 4)


def makeExtension(**kwargs: object) -> PermalinksExtension:  # noqa: N802 (Python-Markdown's name)
    """Python-Markdown's entry point for ``cohub.markdown_permalinks``."""
    return PermalinksExtension(**kwargs)

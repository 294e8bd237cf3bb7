"""What a case study's Markdown may contain, checked before it is built.

A story is plain Markdown: headings, paragraphs, lists, emphasis, quotes,
tables, links and the hub's own wikilinks. Anything that could put markup or
script on the page is refused with the line it is on:

- raw HTML of any kind (tags, comments, processing instructions);
- attribute lists (``{: onclick=... }``) that set anything but a class;
- abbreviation definitions (``*[ULO]: ...``): acronyms live in ``taxonomy/``;
- link and image addresses other than ``http:``, ``https:``, ``mailto:`` or
  an address on the site;
- images from other sites, which would tell those sites who reads the page.

Text inside code (backticks or fenced blocks) is shown as written, so it is
not checked. ``cohub.sanitise`` cleans every rendered story as a second wall,
in case this check ever misses something.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from cohub.problems import Problem, line_finder, printable

if TYPE_CHECKING:
    from collections.abc import Iterator

ALLOWED_SCHEMES = frozenset(("http", "https", "mailto"))

_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_ATTRIBUTE_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_ABBREVIATION = re.compile(r"^[ \t]*\*\[[^\]\n]*\]:", re.MULTILINE)
_INLINE_LINK = re.compile(r"(!?)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^>\n]*>|[^\s)]*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def body_problems(body: str, path: str, body_line: int) -> tuple[Problem, ...]:
    """Everything in ``body`` outside the policy, in line order.

    Args:
        body: The Markdown after the front matter.
        path: The file, for messages.
        body_line: The file line the body starts on.
    """
    text = without_code(body)
    # Each kind of markup needs a character most stories never use: look only where it could be.
    findings: list[tuple[int, str, str]] = []
    if "<" in text:
        findings.extend(_raw_html(text))
    if "{" in text:
        findings.extend(_attribute_lists(text))
    if "*[" in text:
        findings.extend(_abbreviations(text))
    if "](" in text or "]:" in text or "<" in text:
        findings.extend(_addresses(text))
    if not findings:
        return ()
    line_at = line_finder(text, body_line)
    return tuple(
        sorted(
            (Problem(path, line_at(offset), message, fix) for offset, message, fix in findings),
            key=lambda problem: problem.line,
        )
    )


@lru_cache(maxsize=2)
def without_code(body: str) -> str:
    """``body`` with the contents of code blocks and code spans blanked out, lines kept."""
    if "`" not in body and "~~~" not in body:
        return body
    lines = body.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            lines[index] = ""
        elif fence is not None:
            if (
                opening
                and opening.group(1)[0] == fence[0]
                and len(opening.group(1)) >= len(fence)
                and not line[opening.end() :].strip()
            ):
                fence = None
            lines[index] = ""
        else:
            lines[index] = _without_code_spans(line)
    return "\n".join(lines)


def _without_code_spans(line: str) -> str:
    if "`" not in line:
        return line
    runs = list(_BACKTICKS.finditer(line))
    # For each run, the index of the next run of the same length: that is where its span closes.
    next_same: list[int | None] = [None] * len(runs)
    last_seen: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = len(runs[index].group())
        next_same[index] = last_seen.get(length)
        last_seen[length] = index
    pieces: list[str] = []
    kept_from = 0
    index = 0
    while index < len(runs):
        closing_index = next_same[index]
        if closing_index is None:
            index += 1
            continue
        opening, closing = runs[index], runs[closing_index]
        pieces.append(line[kept_from : opening.end()])
        pieces.append(" " * (closing.start() - opening.end()))
        kept_from = closing.start()
        index = closing_index + 1
    pieces.append(line[kept_from:])
    return "".join(pieces)


def _raw_html(text: str) -> Iterator[tuple[int, str, str]]:
    for found in _TAG_START.finditer(text):
        start = found.start()
        autolink = _AUTOLINK.match(text, start)
        if autolink:
            continue
        snippet = text[start : start + 40].split("\n")[0]
        end = snippet.find(">")
        snippet = snippet[: end + 1] if end >= 0 else snippet
        yield (
            start,
            f"raw HTML is not allowed in a case study ({printable(snippet, 60)})",
            "write it in Markdown instead (see CONTRIBUTING.md); to show HTML as text, put it "
            "between backticks, like `<br>`",
        )


def _abbreviations(text: str) -> Iterator[tuple[int, str, str]]:
    for found in _ABBREVIATION.finditer(text):
        yield (
            found.start(),
            "an abbreviation is defined in the story",
            "acronyms are defined once, in taxonomy/acronyms.yml: remove this line",
        )


def _attribute_lists(text: str) -> Iterator[tuple[int, str, str]]:
    for found in _ATTRIBUTE_LIST.finditer(text):
        words = found.group(1).split()
        if any("=" in word or word.startswith("#") for word in words):
            yield (
                found.start(),
                f"an attribute list sets more than a class ({printable(found.group(), 60)})",
                "remove it: a case study's look comes from the site",
            )


def _addresses(text: str) -> Iterator[tuple[int, str, str]]:
    addresses = [(found.start(), found.group(1) == "!", found.group(2)) for found in _INLINE_LINK.finditer(text)]
    addresses += [(found.start(), False, found.group(1)) for found in _REFERENCE.finditer(text)]
    addresses += [(found.start(), False, found.group(1)) for found in _AUTOLINK.finditer(text)]
    for offset, is_image, written in sorted(addresses):
        address = link_address(written)
        scheme = _SCHEME.match(address)
        if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
            yield (
                offset,
                f"the address '{printable(written, 60)}' is not allowed",
                "links start with https://, http:// or mailto:, or are an address on this site",
            )
        elif is_image and (scheme or address.startswith("//")):
            yield (
                offset,
                f"the image '{printable(written, 60)}' comes from another site",
                "save the image in the hub and link to it there: an image from another site "
                "tells that site who reads the page",
            )


def link_address(written: str) -> str:
    """The address a browser would follow for ``written``: entities decoded, escapes and invisible characters gone."""
    address = written[1:-1] if written.startswith("<") and written.endswith(">") else written
    address = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(address))
    return _INVISIBLE.sub("", address)

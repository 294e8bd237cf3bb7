"""The shape every story shares: the template's sections, in order, written in.

``case_studies/_template.md`` is the one place the sections are named: its
``## `` headings are the sections every case study must have, in the same
order, and the text under each is the instruction a writer replaces. A hub
that changes its template changes what is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from cohub.body_policy import without_code
from cohub.limits import STORY_MAX_WORDS, STORY_MIN_WORDS
from cohub.problems import Problem, line_finder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from cohub.model import CaseStudy

TEMPLATE = "case_studies/_template.md"
SECTION_LEVEL = 2

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
# Heading marks, bullets and quote marks standing alone: not words.
_MARKUP_TOKEN = re.compile(r"(?<!\S)[#*>+|-]+(?!\S)")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True, eq=False)
class Section:
    """One section a story must have.

    Attributes:
        title: Its heading, as the template writes it.
        instructions: The template's text under it, which a writer replaces.
    """

    title: str
    instructions: str

    @cached_property
    def key(self) -> str:
        """The title as headings are compared: words only, in lower case."""
        return _key(self.title)

    @cached_property
    def instructions_pattern(self) -> re.Pattern[str] | None:
        """Finds the instructions' words in a story, whatever stars and line breaks lie between them."""
        words = _WORD.findall(self.instructions)
        return re.compile(r"[\W_]+".join(map(re.escape, words))) if words else None


@dataclass(frozen=True)
class Outline:
    """The sections every story has, in order; none when the hub has no template."""

    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class _Heading:
    level: int
    title: str
    offset: int
    end: int


def read_outline(root: Path) -> Outline:
    """The outline of ``root``'s template, or an empty one if it has none."""
    template = root / TEMPLATE
    if not template.is_file():
        return Outline()
    return outline_of(template.read_text(encoding="utf-8"))


def outline_of(template: str) -> Outline:
    """The sections of a template's story, after its front matter."""
    parts = re.split(r"^---[ \t]*$", template, maxsplit=2, flags=re.MULTILINE)
    body = parts[2] if len(parts) == 3 else template
    headings = _headings(body)
    return Outline(
        tuple(
            Section(heading.title, _plain(body[heading.end : following.offset if following else len(body)]))
            for heading, following in zip(headings, (*headings[1:], None), strict=True)
            if heading.level == SECTION_LEVEL
        )
    )


def outline_problems(body: str, path: str, body_line: int, outline: Outline) -> tuple[Problem, ...]:
    """How ``body`` departs from the outline: headings that jump a level, sections missing,
    out of order, empty or still holding the template's instructions."""
    text = without_code(body)
    headings = _headings(text)

    finders: list[Callable[[int], int]] = []

    def line_at(offset: int) -> int:
        # Most stories have no problem: only count lines for one that has.
        if not finders:
            finders.append(line_finder(text, body_line))
        return finders[0](offset)

    problems: list[Problem] = []
    level = 1  # the page's title is its only level-1 heading
    for heading in headings:
        if heading.level == 1:
            problems.append(
                Problem(
                    path,
                    line_at(heading.offset),
                    "a '# ' heading in the story",
                    "the title comes from 'title:'; start sections with '## '",
                )
            )
        elif heading.level > level + 1:
            problems.append(
                Problem(
                    path,
                    line_at(heading.offset),
                    f"the heading jumps from level {level} to level {heading.level}",
                    f"use {'#' * (level + 1)} here, so that screen-reader users can follow the page's outline",
                )
            )
        level = heading.level
    problems.extend(_section_problems(body, headings, path, body_line, line_at, outline))
    return tuple(sorted(problems, key=lambda problem: problem.line))


def _section_problems(
    body: str,
    headings: list[_Heading],
    path: str,
    body_line: int,
    line_at: Callable[[int], int],
    outline: Outline,
) -> Iterator[Problem]:
    sections = [heading for heading in headings if heading.level == SECTION_LEVEL]
    found = {_key(heading.title): heading for heading in reversed(sections)}
    expected_next = 0
    for section in outline.sections:
        heading = found.get(section.key)
        if heading is None:
            yield Problem(
                path,
                body_line,
                f"the section '{section.title}' is missing",
                f"add a heading '## {section.title}' and write under it, in the template's order",
            )
            continue
        position = sections.index(heading)
        if position < expected_next:
            yield Problem(
                path,
                line_at(heading.offset),
                f"the section '{section.title}' is out of order",
                "put the sections in this order: " + ", ".join(s.title for s in outline.sections),
            )
        expected_next = max(expected_next, position + 1)
        following = next(
            (later for later in headings if later.offset > heading.offset and later.level <= SECTION_LEVEL), None
        )
        written = body[heading.end : following.offset if following else len(body)]
        if not _WORD.search(written):
            yield Problem(
                path, line_at(heading.offset), f"the section '{section.title}' is empty", "write this part of the story"
            )
        elif section.instructions_pattern and section.instructions_pattern.search(written):
            yield Problem(
                path,
                line_at(heading.offset),
                f"the section '{section.title}' still holds the template's instructions",
                "replace the instructions in *stars* with your own words",
            )


def length_warnings(case_study: CaseStudy) -> tuple[Problem, ...]:
    """A warning when a story is too short to learn from, or long enough to split."""
    words = len(case_study.body.split()) - len(_MARKUP_TOKEN.findall(case_study.body))
    if words < STORY_MIN_WORDS:
        return (
            Problem(
                case_study.path,
                case_study.body_line,
                f"the story is {words} words long, under {STORY_MIN_WORDS}",
                "say more about what happened, who took part and what changed",
            ),
        )
    if words > STORY_MAX_WORDS:
        return (
            Problem(
                case_study.path,
                case_study.body_line,
                f"the story is {words} words long, over {STORY_MAX_WORDS}",
                "split it into parts of a series (see taxonomy/series.yml)",
            ),
        )
    return ()


def _headings(text: str) -> list[_Heading]:
    headings = []
    # Jump from one '#' to the next: a story has a few headings in thousands of characters.
    position = text.find("#")
    while position >= 0:
        line_start = text.rfind("\n", 0, position) + 1
        if position - line_start <= 3 and not text[line_start:position].strip(" "):
            found = _HEADING.match(text, line_start)
            if found:
                headings.append(
                    _Heading(len(found.group(1)), (found.group(2) or "").strip(), found.start(), found.end())
                )
        line_end = text.find("\n", position)
        position = text.find("#", line_end) if line_end >= 0 else -1
    return headings


def _key(title: str) -> str:
    return " ".join(_WORD.findall(title.casefold()))


def _plain(text: str) -> str:
    """Text without Markdown's emphasis marks and with single spaces, for comparing."""
    return " ".join(text.replace("*", " ").replace("_", " ").split())

"""Wikilinks: ``[[slug]]`` and ``[[slug|text]]`` in a case study link to another case study.

The same scanner serves ``cohub check`` (which reports links to missing or
draft case studies) and the site build (which turns each wikilink into an
ordinary Markdown link), so the two can never disagree about what is a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.problems import Problem, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cohub.model import CaseStudy

_WIKILINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
# Characters that would change the meaning of a case-study title put inside link text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass(frozen=True)
class Wikilink:
    """One ``[[...]]`` in a Markdown text.

    Attributes:
        target: The slug it names, without surrounding spaces.
        text: The link text after ``|``; empty when none is given.
        line: The 0-based line of the text it starts on.
        start: Where it starts in the text.
        end: Where it ends in the text.
    """

    target: str
    text: str
    line: int
    start: int
    end: int


def find_wikilinks(markdown: str) -> tuple[Wikilink, ...]:
    """Every wikilink in ``markdown`` outside code blocks and code spans.

    Args:
        markdown: A case study's body.

    Returns:
        The wikilinks, in the order they appear.
    """
    # Most case studies have none: one substring test spares them the line-by-line scan.
    if "[[" not in markdown:
        return ()
    links: list[Wikilink] = []
    fence = ""
    offset = 0
    for number, line in enumerate(markdown.splitlines(keepends=True)):
        opening = _FENCE.match(line)
        if fence:
            if (
                opening
                and opening.group(1)[0] == fence[0]
                and len(opening.group(1)) >= len(fence)
                and not line.strip().strip(fence[0])
            ):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            # Blank out code spans, keeping every offset, so '[[x]]' in code stays text.
            visible = _CODE_SPAN.sub(lambda match: " " * len(match.group(0)), line)
            links.extend(
                Wikilink(
                    target=match.group(1).strip(),
                    text=(match.group(2) or "").strip(),
                    line=number,
                    start=offset + match.start(),
                    end=offset + match.end(),
                )
                for match in _WIKILINK.finditer(visible)
            )
        offset += len(line)
    return tuple(links)


def resolve_wikilinks(markdown: str, titles: Mapping[str, str]) -> str:
    """Turn each wikilink into a Markdown link to the case study it names.

    Case-study pages sit side by side (``cohub.addresses.case_study_page``), so the
    link is the target's file name, which MkDocs then checks and rewrites.

    Args:
        markdown: A case study's body.
        titles: Each published case study's title, by slug.

    Returns:
        The body with ``[[slug]]`` as ``[Title](slug.md)`` and
        ``[[slug|text]]`` as ``[text](slug.md)``.
    """
    pieces: list[str] = []
    last = 0
    for link in find_wikilinks(markdown):
        text = link.text or _MARKDOWN_SPECIAL.sub(r"\\\1", titles.get(link.target, link.target))
        pieces += [markdown[last : link.start], f"[{text}]({link.target}.md)"]
        last = link.end
    return "".join(pieces) + markdown[last:]


def wikilink_problems(case_studies: Iterable[CaseStudy]) -> tuple[Problem, ...]:
    """Wikilinks that name no case study, a draft, or their own page.

    A draft may link to another draft: neither is on the site yet.

    Args:
        case_studies: Every case study that could be read, drafts included.

    Returns:
        One problem per bad wikilink, in file order.
    """
    studies = tuple(case_studies)
    published = {case_study.slug for case_study in studies if not case_study.draft}
    drafts = {case_study.slug for case_study in studies if case_study.draft}
    known = published | drafts
    problems: list[Problem] = []
    for case_study in studies:
        for link in find_wikilinks(case_study.body):
            line = case_study.body_line + link.line
            written = f"[[{link.target}{'|' + link.text if link.text else ''}]]"
            if not link.target:
                problems.append(
                    Problem(
                        case_study.path,
                        line,
                        f"'{written}' does not name a case study",
                        "put the page address of the case study inside, like [[thurrock-direct-payments]]",
                    )
                )
            elif link.target == case_study.slug:
                problems.append(
                    Problem(
                        case_study.path,
                        line,
                        f"'{written}' links this case study to itself",
                        "link to a different case study, or remove the brackets",
                    )
                )
            elif link.target in drafts and not case_study.draft:
                problems.append(
                    Problem(
                        case_study.path,
                        line,
                        f"'{written}' links to a draft case study, which is not on the site",
                        f"publish '{link.target}' first (draft: false), or remove the link",
                    )
                )
            elif link.target not in known:
                problems.append(
                    Problem(
                        case_study.path,
                        line,
                        f"'{written}' links to a case study that does not exist",
                        did_you_mean(
                            link.target, published, otherwise="use the file name of a case study, without .md"
                        ),
                    )
                )
    return tuple(problems)

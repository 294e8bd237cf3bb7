"""The glossary: acronyms with their expansions, and the words the taxonomy defines.

It also finds acronyms in plain text, so templates can mark each one as an
``<abbr>``, and warns when a case study uses an acronym before spelling it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.problems import Problem
from cohub.wholewords import acronym_forms, acronym_pattern

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from cohub.model import CaseStudy
    from cohub.taxonomy import Acronym, Taxonomy

GLOSSARY_PAGE = "glossary.md"


@dataclass(frozen=True)
class GlossaryEntry:
    """One entry on the glossary page.

    Attributes:
        anchor: The entry's id on the glossary page.
        name: What is explained: an acronym, or a term's label.
        meaning: An acronym's expansion; empty for a term.
        description: One plain sentence.
        kind: For a term, what sort of word it is ("Theme").
        url: For a term, the page listing its case studies ("" if none).
    """

    anchor: str
    name: str
    meaning: str
    description: str
    kind: str = ""
    url: str = ""


@dataclass(frozen=True)
class Glossary:
    """The glossary page's two lists, each in alphabetical order."""

    acronyms: tuple[GlossaryEntry, ...]
    terms: tuple[GlossaryEntry, ...]

    @property
    def anchors(self) -> tuple[str, ...]:
        """Every entry's id, so links to them can be checked."""
        return tuple(entry.anchor for entry in (*self.acronyms, *self.terms))


@dataclass(frozen=True)
class TextPiece:
    """A run of plain text, or one acronym with its expansion."""

    text: str
    expansion: str = ""


def acronym_anchor(abbreviation: str) -> str:
    """The id of an acronym's entry on the glossary page (``ULO`` -> ``ulo``)."""
    return re.sub(r"[^a-z0-9]+", "-", abbreviation.lower()).strip("-")


def term_anchor(facet_id: str, term_id: str) -> str:
    """The id of a term's entry on the glossary page."""
    return f"{facet_id.replace('_', '-')}-{term_id}"


def build_glossary(taxonomy: Taxonomy, term_url: Callable[[str, str], str]) -> Glossary:
    """The glossary from the taxonomy: its acronyms, and the terms of facets with ``glossary: true``.

    Args:
        taxonomy: The controlled vocabulary.
        term_url: The address of the page listing a term's case studies, by
            facet id and term id ("" when it has none).
    """
    acronyms = tuple(
        sorted(
            (
                GlossaryEntry(
                    anchor=acronym_anchor(acronym.abbreviation),
                    name=acronym.abbreviation,
                    meaning=acronym.expansion,
                    description=acronym.description,
                )
                for acronym in taxonomy.acronyms.values()
            ),
            key=lambda entry: entry.name.casefold(),
        )
    )
    terms = tuple(
        sorted(
            (
                GlossaryEntry(
                    anchor=term_anchor(facet.id, term.id),
                    name=term.label,
                    meaning="",
                    description=term.description,
                    kind=facet.term_name,
                    url=term_url(facet.id, term.id),
                )
                for facet in taxonomy.facets.values()
                if facet.glossary
                for term in facet.terms
            ),
            key=lambda entry: (entry.name.casefold(), entry.kind),
        )
    )
    return Glossary(acronyms, terms)


def abbr_glossary(acronyms: Mapping[str, Acronym]) -> dict[str, str]:
    """What the Markdown ``abbr`` extension marks, and the title of each: every form of every acronym.

    The extension matches whole words as ``acronym_pattern`` does, but only
    the words it is given, so each plural is spelled out for it.
    """
    glossary: dict[str, str] = {}
    for acronym in acronyms.values():
        for form in acronym_forms(acronym.abbreviation):
            glossary.setdefault(form, acronym.expansion)
    # An acronym that is the plural of another ("ICS", "IC") means itself.
    glossary.update({abbreviation: acronym.expansion for abbreviation, acronym in acronyms.items()})
    return glossary


def split_acronyms(text: str, acronyms: Mapping[str, Acronym]) -> tuple[TextPiece, ...]:
    """Split plain text into runs of text and acronyms, for ``<abbr>`` in templates.

    Args:
        text: Plain text, such as a summary or an organisation's description.
        acronyms: The taxonomy's acronyms, by abbreviation.

    Returns:
        The pieces, which join back into ``text``.
    """
    if not acronyms or not text:
        return (TextPiece(text),) if text else ()
    pieces: list[TextPiece] = []
    last = 0
    for match in acronym_pattern(tuple(acronyms)).finditer(text):
        if match.start() > last:
            pieces.append(TextPiece(text[last : match.start()]))
        pieces.append(TextPiece(match.group(0), acronyms[match["abbreviation"]].expansion))
        last = match.end()
    if last < len(text):
        pieces.append(TextPiece(text[last:]))
    return tuple(pieces)


def _spelled_out(expansion: str) -> re.Pattern[str]:
    # Any case and spacing, either apostrophe, and a plural ending is fine.
    words = (re.escape(word).replace("'", "['’]") for word in expansion.split())
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def acronym_warnings(case_study: CaseStudy, acronyms: Mapping[str, Acronym]) -> tuple[Problem, ...]:
    """Acronyms that a case study uses before it spells them out.

    An acronym counts as spelled out when its expansion comes before its first
    use ("user-led organisation (ULO)") or straight after it in brackets
    ("ULO (user-led organisation)").

    Args:
        case_study: The case study whose body is read.
        acronyms: The taxonomy's acronyms, by abbreviation.

    Returns:
        One warning per acronym, at the line of its first use.
    """
    body = case_study.body
    warnings = []
    for acronym in acronyms.values():
        # Most case studies use few of the acronyms: a substring test rules the others out cheaply.
        if acronym.abbreviation not in body:
            continue
        first = acronym_pattern((acronym.abbreviation,)).search(body)
        if first is None:
            continue
        expansion = _spelled_out(acronym.expansion)
        after = re.match(rf"\s*\(\s*{expansion.pattern}", body[first.end() :], re.IGNORECASE)
        if expansion.search(body, 0, first.start()) or after:
            continue
        warnings.append(
            Problem(
                case_study.path,
                case_study.body_line + body.count("\n", 0, first.start()),
                f"'{acronym.abbreviation}' is used before it is spelled out",
                f"the first time, write '{acronym.expansion} ({acronym.abbreviation})'",
            )
        )
    return tuple(sorted(warnings, key=lambda warning: warning.line))

"""Tagging: terms declared in front matter plus terms found in the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.taxonomy import FACET_FIELDS
from cohub.wholewords import WholeWordPattern, words_of

if TYPE_CHECKING:
    from cohub.model import CaseStudy
    from cohub.taxonomy import Taxonomy


@dataclass(frozen=True)
class TermMatcher:
    """Finds a facet's terms in text through their synonyms: whole words, in any case.

    Only facets whose field takes a list are detected: a case study has one
    ladder rung and one region, and only its author can say which.
    """

    # By case-study field: each term's id and its synonyms, in lower case.
    patterns: tuple[tuple[str, tuple[tuple[str, WholeWordPattern], ...]], ...]

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> TermMatcher:
        """One pattern per term that has synonyms, by case-study field."""
        patterns = []
        for facet_id, (field, many) in FACET_FIELDS.items():
            if not many:
                continue
            term_patterns = tuple(
                (term.id, pattern)
                for term in taxonomy.facets[facet_id].terms
                if (pattern := WholeWordPattern.of_phrases(synonym.lower() for synonym in term.synonyms)).phrases
            )
            patterns.append((field, term_patterns))
        return cls(tuple(patterns))

    def first_line(self, field: str, term_id: str, text: str) -> int | None:
        """The 0-based line of ``text`` where ``term_id`` is first found."""
        lowered = text.lower()
        for pattern_field, term_patterns in self.patterns:
            for pattern_term, pattern in term_patterns:
                if (pattern_field, pattern_term) == (field, term_id):
                    start = pattern.find(lowered, words_of(lowered))
                    return None if start is None else lowered.count("\n", 0, start)
        return None

    def detect(self, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Term ids whose synonyms occur in ``text``, by case-study field."""
        lowered = text.lower()
        words = words_of(lowered)
        return tuple(
            (field, tuple(term_id for term_id, pattern in term_patterns if pattern.find(lowered, words) is not None))
            for field, term_patterns in self.patterns
        )


def tags_for(case_study: CaseStudy, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The tags a case study carries: declared terms, then detected ones."""
    tags: list[str] = []
    for facet_id, (field, _many) in FACET_FIELDS.items():
        facet = taxonomy.facets[facet_id]
        for term_id in (*case_study.declared(field), *case_study.detected_for(field)):
            term = facet.term(term_id)
            if term is not None and facet.tag(term) not in tags:
                tags.append(facet.tag(term))
    return tuple(tags)


def undeclared_terms(case_study: CaseStudy) -> tuple[tuple[str, str], ...]:
    """``(field, term id)`` found in the text but not in the front matter."""
    return tuple(
        (field, term_id)
        for field, term_ids in case_study.detected
        for term_id in term_ids
        if term_id not in case_study.declared(field)
    )

"""Tagging: terms declared in front matter plus terms found in the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.wholewords import WholeWordPattern, words_of

if TYPE_CHECKING:
    from cohub.model import CaseStudy
    from cohub.taxonomy import Taxonomy


@dataclass(frozen=True)
class TermMatcher:
    """Finds a facet's terms in text through their synonyms: whole words, in any case.

    Only facets whose file says ``detect: true`` are searched for; by default
    those whose field takes a list, since a case study has one ladder rung
    and one region, and only its author can say which.
    """

    # By facet id: each term's id and its synonyms, in lower case.
    patterns: tuple[tuple[str, tuple[tuple[str, WholeWordPattern], ...]], ...]

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> TermMatcher:
        """One pattern per term that has synonyms, by facet id."""
        return cls(
            tuple(
                (
                    facet.id,
                    tuple(
                        (term.id, pattern)
                        for term in facet.terms
                        if (
                            pattern := WholeWordPattern.of_phrases(synonym.lower() for synonym in term.synonyms)
                        ).phrases
                    ),
                )
                for facet in taxonomy.facets.values()
                if facet.detect
            )
        )

    def first_line(self, facet_id: str, term_id: str, text: str) -> int | None:
        """The 0-based line of ``text`` where ``term_id`` is first found."""
        lowered = text.lower()
        for pattern_facet, term_patterns in self.patterns:
            for pattern_term, pattern in term_patterns:
                if (pattern_facet, pattern_term) == (facet_id, term_id):
                    start = pattern.find(lowered, words_of(lowered))
                    return None if start is None else lowered.count("\n", 0, start)
        return None

    def detect(self, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Term ids whose synonyms occur in ``text``, by facet id."""
        lowered = text.lower()
        words = words_of(lowered)
        return tuple(
            (facet_id, tuple(term_id for term_id, pattern in term_patterns if pattern.find(lowered, words) is not None))
            for facet_id, term_patterns in self.patterns
        )


def tags_for(case_study: CaseStudy, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The tags a case study carries: declared terms, then detected ones."""
    tags: list[str] = []
    for facet in taxonomy.tagged_facets:
        for term_id in case_study.carried(facet.id):
            term = facet.term(term_id)
            if term is not None and facet.tag(term) not in tags:
                tags.append(facet.tag(term))
    return tuple(tags)


def undeclared_terms(case_study: CaseStudy) -> tuple[tuple[str, str], ...]:
    """``(facet id, term id)`` found in the text but not in the front matter."""
    return tuple(
        (facet_id, term_id)
        for facet_id, term_ids in case_study.detected
        for term_id in term_ids
        if term_id not in case_study.declared(facet_id)
    )

"""Site search: what each page tells Pagefind, and indexing the built site.

Pagefind reads ``data-pagefind-*`` attributes from the built pages and writes
a static search bundle into ``site/pagefind/``; the browser then fetches only
the parts of the index that a query needs. This module works out the filter
values, sort date and extra search words each page carries (the templates
write them), finds the Pagefind program that the ``pagefind-bin`` package
ships, so nothing is downloaded at build time (``cohub.search_stream`` runs
it), and finishes the bundle it writes. It does not import MkDocs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cohub.search_compression import recompress_metadata
from cohub.search_order import SearchOrderError, write_newest_first
from cohub.taxonomy import REGIONS
from cohub.wholewords import WholeWordPattern, acronym_pattern

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from cohub.model import CaseStudy
    from cohub.taxonomy import Acronym, Facet, Taxonomy

BUNDLE_DIR = "pagefind"
# Parts of the article that are not its text, and would make every case study
# match words like "ladder", "told" or "comment": the "¶" links beside
# headings, the hidden "(another website)" after a link that leaves the site,
# the labels of a case study's facts and the date it was added, the headings
# and set wording of "About this case study" and of its credit, and the
# comment section. Each repeat of a word on every page also grows
# the chunk of the index that a search for that word fetches.
UNINDEXED_SELECTORS = (
    ".headerlink",
    ".cohub-external .cohub-visually-hidden",
    ".cohub-facts dt",
    ".cohub-facts time",
    "#cohub-about-heading",
    "#cohub-credit-heading",
    ".cohub-set-wording",
    ".cohub-comments-section",
)
# The attribute that marks the text of a page to index; pages without one are left out.
BODY_MARKER = "data-pagefind-body"
# Pagefind's memory allocator (jemalloc, which reads this variable) keeps memory
# it has freed for ten seconds by default, and building the index frees much as
# it goes: giving it back at once took Pagefind's peak for 5,000 case studies
# from about 1,660 MB to about 1,300 MB, for a tenth to a fifth more of its time.
PAGEFIND_ALLOCATOR_VARIABLE = "_RJEM_MALLOC_CONF"
PAGEFIND_ALLOCATOR_SETTINGS = "dirty_decay_ms:0,muzzy_decay_ms:0"


@dataclass(frozen=True)
class PageSearch:
    """What a page adds to the search index besides its visible text.

    Attributes:
        filters: ``(filter name, value)`` pairs: a facet's label and one of
            its terms' labels, such as ``("Themes", "Direct payments")``.
        details: A line shown under the page's title in search results.
        terms: Words the page implies but never spells out, such as the
            expansion of an acronym it uses, so that searching for either
            finds it.
        subject: What the case study says it is about: the label and
            synonyms of each term its front matter gives, a metadata field
            that ranking weighs above the body, so that a story tagged
            "Supported living" outranks one that only says "support".
    """

    filters: tuple[tuple[str, str], ...] = ()
    details: str = ""
    terms: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexReport:
    """What Pagefind made of the built site.

    Attributes:
        bundle: The folder holding the search bundle.
        pages: How many pages were indexed.
    """

    bundle: Path
    pages: int


class SearchIndexError(Exception):
    """The search index could not be built; the message says why and what to do."""


def filter_name(facet: Facet) -> str:
    """The name a facet's filter has in the index and on the search page.

    Pagefind reads ``name:value`` and splits names on commas, so neither a
    colon nor a comma may appear in one.
    """
    return re.sub(r"\s*[:,]\s*", " ", facet.label).strip() or facet.id


def case_study_search(case_study: CaseStudy, taxonomy: Taxonomy, text: str) -> PageSearch:
    """What a case-study page adds to the search index.

    Its filters are the terms it carries in each facet whose file has
    ``search: true``: declared and found in the text, as on its tags, and for
    organisation types, the kinds of organisation it names.

    Args:
        case_study: The case study.
        taxonomy: The controlled vocabulary, for labels and acronyms.
        text: The page's Markdown, searched for acronyms.
    """
    filters = [
        pair
        for facet in taxonomy.facets.values()
        if facet.search
        for pair in _labelled(facet, case_study.carried(facet.id))
    ]
    return PageSearch(
        filters=tuple(dict.fromkeys(filters)),
        details=result_details(case_study, taxonomy),
        terms=acronym_terms(f"{case_study.title}\n{case_study.summary}\n{text}", taxonomy.acronyms),
        subject=subject_words(case_study, taxonomy),
    )


def result_details(case_study: CaseStudy, taxonomy: Taxonomy) -> str:
    """The line shown under a case study's title in search results: its place, region and date."""
    added = case_study.date
    return f"{case_study.place}, {taxonomy.label(REGIONS, case_study.first(REGIONS))}. Added {added.day} {added:%B %Y}."


def subject_words(case_study: CaseStudy, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The words of the labels and synonyms of the terms a case study's front matter gives, in searchable facets.

    Each word once, in lower case: Pagefind matches words, not phrases, and
    every repeat of a word would grow the index chunk of that word for every
    case study that carries the term. Only declared terms count: a term found
    in the text through a synonym is already in the text, and a story that
    mentions a service in passing is not about it.
    """
    phrases = (
        phrase
        for facet in taxonomy.facets.values()
        if facet.search
        for term_id in case_study.declared(facet.id)
        if (term := facet.term(term_id)) is not None
        for phrase in (term.label, *term.synonyms)
    )
    return tuple(dict.fromkeys(word for phrase in phrases for word in re.findall(r"[\w'-]+", phrase.casefold())))


def page_search(text: str, taxonomy: Taxonomy) -> PageSearch:
    """What a hand-written page adds to the search index: its acronyms only."""
    return PageSearch(terms=acronym_terms(text, taxonomy.acronyms))


def _labelled(facet: Facet, term_ids: Iterable[str]) -> list[tuple[str, str]]:
    name = filter_name(facet)
    return [(name, term.label) for term_id in term_ids if (term := facet.term(term_id)) is not None]


def acronym_terms(text: str, acronyms: Mapping[str, Acronym]) -> tuple[str, ...]:
    """The other half of every acronym that ``text`` uses only one half of.

    Where the text says "ULO" but never "user-led organisation", the
    expansion is returned, and the other way round, so that a search for
    either finds the page. Abbreviations match whole words with their case
    ("PA", not "pa"); expansions match in any case, with hyphens or spaces
    and an optional plural "s".

    Args:
        text: The page's text or Markdown.
        acronyms: The hub's acronyms, by abbreviation.

    Returns:
        The missing halves, in the order of ``acronyms``.
    """
    # Typographic apostrophes are common in pasted text ("people’s").
    text = text.replace("\u2019", "'")
    folded = text.casefold()
    used = {match["abbreviation"] for match in acronym_pattern(tuple(acronyms)).finditer(text)}
    terms: list[str] = []
    for acronym in acronyms.values():
        has_abbreviation = acronym.abbreviation in used
        # Few acronyms, so substring tests rule them out quicker than sets of words would.
        has_expansion = _expansion_pattern(acronym.expansion).find(folded, folded) is not None
        if has_abbreviation and not has_expansion:
            terms.append(acronym.expansion)
        elif has_expansion and not has_abbreviation:
            terms.append(acronym.abbreviation)
    return tuple(dict.fromkeys(terms))


@cache
def _expansion_pattern(expansion: str) -> WholeWordPattern:
    """The expansion in folded case, its words joined by spaces or hyphens."""
    return WholeWordPattern.of_phrases(
        [expansion.replace("\u2019", "'").strip().casefold()], between=r"[\s-]+", plural=True
    )


def finish_index(bundle: Path, newest_first: Sequence[str]) -> None:
    """Write the case studies' order beside a written bundle, and shrink the metadata every search fetches.

    Args:
        bundle: The search bundle Pagefind wrote.
        newest_first: The case studies' addresses (``case-studies/x/``), newest first.

    Raises:
        SearchIndexError: When the bundle cannot be read.
    """
    try:
        write_newest_first(bundle, newest_first)
    except SearchOrderError as error:
        raise SearchIndexError(f"the search index was not finished: {error}") from None
    recompress_metadata(bundle)


def failure_detail(printed: str) -> str:
    """What Pagefind printed about a failure, on one line of at most 500 characters."""
    # Pagefind can print the same error line more than once.
    lines = dict.fromkeys(line.strip() for line in printed.splitlines())
    return " ".join(line for line in lines if line)[-500:]


def pagefind_program() -> Path:
    """The Pagefind program that the ``pagefind-bin`` package installed (or ``$PAGEFIND_BINARY_PATH``)."""
    missing = SearchIndexError(
        "the search index was not built: the Pagefind program is missing; "
        "reinstall cohub with 'pip install -e .', which installs pagefind[bin]",
    )
    # Imported here so that a broken install gives that message, not a traceback.
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise missing from None
    program = get_executable()
    if program is None or not program.is_file():
        raise missing
    return program


def pagefind_environment() -> dict[str, str]:
    """The environment to run Pagefind in: this process's, with Pagefind's allocator settings unless already set."""
    return {PAGEFIND_ALLOCATOR_VARIABLE: PAGEFIND_ALLOCATOR_SETTINGS, **os.environ}


@dataclass(frozen=True)
class SearchFilter:
    """A facet as the search page filters by it, and as the page's address names it.

    Attributes:
        param: The name the facet has in the search page's address
            (``search/?q=tender&themes=tendering``): its id in the registry.
        name: The filter's name in the index (``filter_name``).
        terms: ``(term id, label)`` for each term: the id in the address,
            the label in the index.
    """

    param: str
    name: str
    terms: tuple[tuple[str, str], ...]


def search_filters(taxonomy: Taxonomy) -> tuple[SearchFilter, ...]:
    """Every facet search can filter by, in the registry's order."""
    return tuple(
        SearchFilter(
            param=facet.id, name=filter_name(facet), terms=tuple((term.id, term.label) for term in facet.terms)
        )
        for facet in taxonomy.facets.values()
        if facet.search
    )


# Words shorter than this are left out of the suggestions' vocabulary: one
# wrong letter in a short word is as likely another word as a typing slip.
SHORTEST_SUGGESTED_WORD = 4


def search_vocabulary(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The words the search page may suggest for a misspelt one: every word of the vocabulary's terms.

    The words of every term's label and synonyms, in every facet, and of every
    acronym's expansion, in lower case, sorted.
    """
    phrases = [
        *(
            phrase
            for facet in taxonomy.facets.values()
            for term in facet.terms
            for phrase in (term.label, *term.synonyms)
        ),
        *(acronym.expansion for acronym in taxonomy.acronyms.values()),
    ]
    words = {word for phrase in phrases for word in re.findall(r"[a-z]+", phrase.casefold())}
    return tuple(sorted(word for word in words if len(word) >= SHORTEST_SUGGESTED_WORD))

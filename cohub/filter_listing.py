"""The search page's listing for filters ticked with no words, as small static JSON files.

Pagefind answers a search with no words by fetching its whole word index
(about 17 MB at 10,000 case studies), so the search page lists the case
studies with the ticked terms from these files instead:

- ``search/listing/<facet id>/<term id>.json``, one per term of every facet
  search filters by: the case studies carrying that term, newest first, each
  as ``[step, term number, term number, …]``. The step is how far the case
  study's place in the shared listing is past the row before's (the first
  row's step is its place): small numbers, a quarter less to fetch than
  places at 10,000 case studies. The term numbers are every search term it
  carries (the positions of the terms in ``search_filters``' order), from
  which the page counts the terms among the listed results.
- ``search/listing/<n>.json``: the shared listing, newest first, in chunks of
  ``CHUNK_SIZE`` case studies, each as ``[address, title, details, summary]``;
  the page fetches a chunk only when a result in it is shown.

A case study carries a term here exactly when its page carries that filter in
the search index (``case_study_search``), so the listing and Pagefind agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.search import result_details, search_filters

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cohub.model import CaseStudy
    from cohub.taxonomy import Taxonomy

LISTING_DIR = "search/listing"
# Case studies per shared chunk: the first results of a term are the newest,
# so they mostly fall in the first chunks.
CHUNK_SIZE = 100


@dataclass(frozen=True)
class ListingFile:
    """One file of the listing: its path in the site and its JSON text."""

    path: str
    content: str


def filter_listing(case_studies: Iterable[CaseStudy], taxonomy: Taxonomy) -> tuple[ListingFile, ...]:
    """The listing's files for these case studies: the shared chunks, then one file per term.

    Args:
        case_studies: Every published case study, newest first, as the hub orders them (``Hub.case_studies``).
        taxonomy: The controlled vocabulary: which facets search filters by, and their terms.
    """
    newest_first = tuple(case_studies)
    filters = search_filters(taxonomy)
    numbers = {
        (search_filter.param, term_id): number
        for number, (search_filter, term_id) in enumerate(
            (search_filter, term_id) for search_filter in filters for term_id, _label in search_filter.terms
        )
    }
    carried = [
        tuple(
            sorted(
                numbers[search_filter.param, term_id]
                for search_filter in filters
                for term_id in case_study.carried(search_filter.param)
                if (search_filter.param, term_id) in numbers
            )
        )
        for case_study in newest_first
    ]
    chunks = tuple(
        ListingFile(
            f"{LISTING_DIR}/{start // CHUNK_SIZE}.json",
            _compact(
                [
                    [case_study.url, case_study.title, result_details(case_study, taxonomy), case_study.summary]
                    for case_study in newest_first[start : start + CHUNK_SIZE]
                ]
            ),
        )
        for start in range(0, len(newest_first), CHUNK_SIZE)
    )
    terms = tuple(
        ListingFile(
            f"{LISTING_DIR}/{param}/{term_id}.json",
            _compact(
                _stepped(
                    [(place, term_numbers) for place, term_numbers in enumerate(carried) if number in term_numbers]
                )
            ),
        )
        for (param, term_id), number in numbers.items()
    )
    return chunks + terms


def _stepped(rows: list[tuple[int, tuple[int, ...]]]) -> list[list[int]]:
    """Rows of (place, term numbers), places rising, as [step from the last place, term numbers…]."""
    return [
        [place - (rows[index - 1][0] if index else 0), *term_numbers]
        for index, (place, term_numbers) in enumerate(rows)
    ]


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

"""Related case studies, found the way Hugo finds related content.

Like Hugo's ``related/inverted_index.go``: each facet is an inverted index
(term -> the case studies that carry it) with a weight; a case study's score
against another is the weight of the terms they share; a 0-100 threshold,
a cut-off for terms that nearly every case study carries, and stable
tie-breaks decide what is shown.

Unlike Hugo, which walks every posting list in full, each case study only
looks at the ``candidates_per_term`` case studies nearest to it (newest
first) in each of its terms' lists. The work therefore grows with the number
of case studies times the terms each carries, never with its square; while
no list is longer than that window, the result is exact.
"""

from __future__ import annotations

import functools
import heapq
import math
import operator
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cohub.problems import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date as Date

    from cohub.model import CaseStudy
    from cohub.taxonomy import Facet

# What relates case studies besides the facets, whose weights are in their own
# files (related_weight); shared terms are listed facets first, then these.
ORGANISATIONS = "organisations"
SERIES = "series"
DEFAULT_WEIGHTS: Mapping[str, int] = MappingProxyType({ORGANISATIONS: 30, SERIES: 50})


class RelatedConfigError(ValueError):
    """A related-content setting is out of range; the message says which and why."""


@dataclass(frozen=True)
class RelatedConfig:
    """How related case studies are chosen.

    Every setting is optional; set them in ``mkdocs.yml``:

    ```yaml
    extra:
      cohub:
        related:
          threshold: 20
          limit: 5
          weights:
            organisations: 30
            series: 50
    ```
    """

    weights: tuple[tuple[str, int], ...] = tuple(DEFAULT_WEIGHTS.items())
    """How much a shared organisation or series counts, from 0 to 100; 0 leaves it out.
    A facet's weight is ``related_weight`` in its own file in ``taxonomy/``.

    ```yaml
    weights: {organisations: 30, series: 50}
    ```
    """

    threshold: int = 20
    """From 0 to 100: show another case study only if it shares at least this
    percentage of the weight of this case study's terms.

    ```yaml
    threshold: 20
    ```
    """

    limit: int = 5
    """How many related case studies to show, at most (0 to 50; 0 shows none).

    ```yaml
    limit: 5
    ```
    """

    common_term_cutoff: int = 80
    """From 0 to 100: ignore a term when more than this percentage of case
    studies carry it, since it tells them apart from nothing; 0 ignores none.

    ```yaml
    common_term_cutoff: 80
    ```
    """

    cutoff_from: int = 10
    """Apply ``common_term_cutoff`` only once the hub has this many case
    studies: in a small hub every shared term looks common.

    ```yaml
    cutoff_from: 10
    ```
    """

    candidates_per_term: int = 200
    """How many case studies, nearest in date, each term offers as candidates
    (1 to 100000). Higher is more thorough and slower on a large hub.

    ```yaml
    candidates_per_term: 200
    ```
    """

    @property
    def weight_of(self) -> Mapping[str, int]:
        """The weight of each facet, organisations and series."""
        return dict(self.weights)

    def with_facets(self, facets: Iterable[Facet]) -> RelatedConfig:
        """These settings with each facet's weight from its file, facets first."""
        return replace(self, weights=(*((facet.id, facet.related_weight) for facet in facets), *self.weights))


_RANGES = {
    "threshold": (0, 100),
    "limit": (0, 50),
    "common_term_cutoff": (0, 100),
    "cutoff_from": (0, 1_000_000),
    "candidates_per_term": (1, 100_000),
}


def _whole_number(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RelatedConfigError(f"'{name}' must be a whole number from {low} to {high}, not {value!r}")
    return value


def decode_related_config(raw: Any, facet_ids: Iterable[str] = ()) -> RelatedConfig:
    """Read the related-content settings, rejecting anything out of range.

    Args:
        raw: The value of ``extra: cohub: related:`` in ``mkdocs.yml``
            (``None`` when it is not set).

    Returns:
        The settings, with defaults for what is not given.

    Raises:
        RelatedConfigError: When a setting is unknown, not a whole number, or
            out of its range.
    """
    if raw is None:
        return RelatedConfig()
    if not isinstance(raw, dict):
        raise RelatedConfigError(f"the settings must be 'name: value' lines, not {raw!r}")
    names = [option.name for option in fields(RelatedConfig)]
    for name in raw:
        if name not in names:
            raise RelatedConfigError(f"unknown setting '{name}': {did_you_mean(str(name), names)}")
    values: dict[str, Any] = {name: _whole_number(name, raw[name], *_RANGES[name]) for name in _RANGES if name in raw}
    if "weights" in raw:
        given = raw["weights"]
        if not isinstance(given, dict):
            raise RelatedConfigError(f"'weights' must be 'facet: weight' lines, not {given!r}")
        facets = tuple(facet_ids)
        for name in given:
            if name in facets:
                raise RelatedConfigError(
                    f"'{name}' is a facet: set its weight as 'related_weight' in taxonomy/{name}.yml"
                )
            if name not in DEFAULT_WEIGHTS:
                raise RelatedConfigError(
                    f"unknown name '{name}' in 'weights': {did_you_mean(str(name), (*DEFAULT_WEIGHTS, *facets))}"
                )
        values["weights"] = tuple(
            (facet, _whole_number(f"weights: {facet}", given[facet], 0, 100) if facet in given else weight)
            for facet, weight in DEFAULT_WEIGHTS.items()
        )
    return RelatedConfig(**values)


@dataclass(frozen=True)
class Document:
    """What the index needs to know of a case study (Hugo's ``Document``).

    Attributes:
        key: Names the document in the results (a case study's slug).
        date: Newer documents win ties.
        title: Then titles, A to Z, win ties.
        terms: The terms it carries, by facet.
    """

    key: str
    date: Date
    title: str
    terms: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Match:
    """One related document.

    Attributes:
        key: The related document's key.
        score: The percentage (0-100) of the weight of the first document's
            terms that this one shares.
        shared: The shared terms as ``(facet, term)``, in the first document's order.
    """

    key: str
    score: int
    shared: tuple[tuple[str, str], ...] = ()


def document_for(case_study: CaseStudy) -> Document:
    """The terms of a case study that relate it to others: its terms by facet, its organisations and its series."""
    return Document(
        key=case_study.slug,
        date=case_study.date,
        title=case_study.title,
        terms=(
            *case_study.terms,
            (ORGANISATIONS, tuple(organisation.id for organisation in case_study.organisations)),
            (SERIES, (case_study.series.id,) if case_study.series else ()),
        ),
    )


# The last result: a preview rebuilds after each save, and most saves change no document's terms or place in line.
_last_found: list[tuple[object, RelatedConfig, Mapping[str, tuple[Match, ...]]]] = []


def find_related(documents: Iterable[Document], config: RelatedConfig) -> Mapping[str, tuple[Match, ...]]:
    """The related documents of every document, worked out again only when the result could differ from last time.

    Dates and titles only break ties, so the result depends on them only
    through the order they put the documents in.

    Args:
        documents: Every document; keys must be unique.
        config: Weights, threshold, cut-off and limits.

    Returns:
        As :func:`related_documents`.
    """
    ordered = tuple(sorted(documents, key=_tie_break))
    signature = tuple((document.key, document.terms) for document in ordered)
    for last_signature, last_config, found in _last_found:
        if last_signature == signature and last_config == config:
            return found
    found = related_documents(ordered, config)
    _last_found[:] = [(signature, config, found)]
    return found


def _tie_break(document: Document) -> tuple[int, str, str]:
    return (-document.date.toordinal(), document.title, document.key)


def related_documents(documents: Iterable[Document], config: RelatedConfig) -> Mapping[str, tuple[Match, ...]]:
    """The related documents of every document.

    Args:
        documents: Every document; keys must be unique.
        config: Weights, threshold, cut-off and limits.

    Returns:
        Each document's matches, best first: higher score, then newer, then
        title A to Z, then key A to Z.
    """
    # Index order is the tie-break order, so comparing indexes breaks ties.
    ordered = sorted(documents, key=_tie_break)
    weight_of = config.weight_of
    term_index: dict[tuple[str, str], int] = {}
    term_names: list[tuple[str, str]] = []
    term_weights: list[int] = []
    postings: list[list[int]] = []
    carried: list[list[tuple[int, int]]] = []
    for number, document in enumerate(ordered):
        terms: list[tuple[int, int]] = []
        for facet, values in document.terms:
            weight = weight_of.get(facet, 0)
            if weight <= 0:
                continue
            for value in dict.fromkeys(values):
                term = term_index.setdefault((facet, value), len(term_names))
                if term == len(term_names):
                    term_names.append((facet, value))
                    term_weights.append(weight)
                    postings.append([])
                # Where this document sits in the term's list, to find its neighbours there.
                terms.append((term, len(postings[term])))
                postings[term].append(number)
        carried.append(terms)

    total = len(ordered)
    common: set[int] = set()
    if config.common_term_cutoff and total >= config.cutoff_from:
        common = {
            term for term, posting in enumerate(postings) if len(posting) * 100 > config.common_term_cutoff * total
        }
    kept = [[(term, place) for term, place in terms if term not in common] for terms in carried]
    term_sets = [frozenset(term for term, _place in terms) for terms in kept]

    # Each term owns weight/unit bits of one big integer, so the weight two
    # documents share is the number of bits their masks share, times unit:
    # one AND and one bit count per pair, however many terms they carry.
    unit = math.gcd(*term_weights) or 1
    term_masks: list[int] = []
    offset = 0
    for weight in term_weights:
        term_masks.append(((1 << (weight // unit)) - 1) << offset)
        offset += weight // unit
    masks = [functools.reduce(operator.or_, (term_masks[term] for term in terms), 0) for terms in term_sets]

    window = config.candidates_per_term
    results: dict[str, tuple[Match, ...]] = {}
    for number, document in enumerate(ordered):
        own = masks[number].bit_count()
        if own == 0 or config.limit == 0:
            results[document.key] = ()
            continue
        candidates: set[int] = set()
        for term, place in kept[number]:
            posting = postings[term]
            start = max(0, min(place - window // 2, len(posting) - window - 1))
            candidates.update(posting[start : start + window + 1])
        candidates.discard(number)
        mask = masks[number]
        least = config.threshold * own
        scored = [
            (-shared, other) for other in candidates if (shared := (mask & masks[other]).bit_count()) * 100 >= least
        ]
        results[document.key] = tuple(
            Match(
                key=ordered[other].key,
                score=-negative_shared * 100 // own,
                shared=tuple(term_names[term] for term, _place in kept[number] if term in term_sets[other]),
            )
            for negative_shared, other in heapq.nsmallest(config.limit, scored)
        )
    return MappingProxyType(results)

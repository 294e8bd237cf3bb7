"""Series: case studies told in numbered parts.

A series is only checked and shown through its published parts: a draft part
keeps its place for later, and the parts on the site must run 1, 2, 3 ...
with no repeat and no gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cohub.model import CaseStudy, SeriesPart
    from cohub.taxonomy import Series

_FIX_NUMBERS = "number the parts of a series 1, 2, 3 and so on, with no gaps (drafts do not count)"


@dataclass(frozen=True)
class SeriesParts:
    """A series and its published parts, in order."""

    series: Series
    parts: tuple[CaseStudy, ...]


@dataclass(frozen=True)
class SeriesNav:
    """Where one case study sits in its series, for its page.

    Attributes:
        series: The series.
        position: This part's number.
        total: How many parts the series has on the site.
        previous: The part before, if any.
        next: The part after, if any.
    """

    series: Series
    position: int
    total: int
    previous: CaseStudy | None
    next: CaseStudy | None


def _published_parts(case_studies: Iterable[CaseStudy]) -> dict[str, list[tuple[SeriesPart, CaseStudy]]]:
    by_series: dict[str, list[tuple[SeriesPart, CaseStudy]]] = {}
    for case_study in case_studies:
        if case_study.series is not None and not case_study.draft:
            by_series.setdefault(case_study.series.id, []).append((case_study.series, case_study))
    for parts in by_series.values():
        parts.sort(key=lambda part: (part[0].position, part[1].path))
    return by_series


def series_problems(case_studies: Iterable[CaseStudy]) -> tuple[Problem, ...]:
    """Parts that share a number, and gaps in the numbering, of every series.

    Args:
        case_studies: Every case study that could be read; drafts are skipped.

    Returns:
        One problem per part that repeats a number (on each of the parts, so
        it does not matter which was written first) and one per gap (on the
        part after it).
    """
    problems: list[Problem] = []
    for series_id, parts in sorted(_published_parts(case_studies).items()):
        by_position: dict[int, list[tuple[SeriesPart, CaseStudy]]] = {}
        for series_part, case_study in parts:
            by_position.setdefault(series_part.position, []).append((series_part, case_study))
        expected = 1
        for position, sharing in sorted(by_position.items()):
            if len(sharing) > 1:
                problems.extend(
                    Problem(
                        part.path,
                        series_part.line,
                        f"part {position} of series '{series_id}' is also "
                        + ", ".join(other.path for _, other in sharing if other is not part),
                        _FIX_NUMBERS,
                    )
                    for series_part, part in sharing
                )
            if position != expected:
                first_part, first = sharing[0]
                gap = "there is no part 1" if expected == 1 else f"it jumps from part {expected - 1}"
                problems.append(
                    Problem(
                        first.path,
                        first_part.line,
                        f"this is part {position} of series '{series_id}', but {gap}",
                        _FIX_NUMBERS,
                    )
                )
            expected = position + 1
    return tuple(problems)


def series_parts(case_studies: Iterable[CaseStudy], series: Mapping[str, Series]) -> tuple[SeriesParts, ...]:
    """Every series with at least one published part, by title.

    Args:
        case_studies: The case studies; drafts are skipped.
        series: The series in the taxonomy, by id.
    """
    return tuple(
        sorted(
            (
                SeriesParts(series[series_id], tuple(case_study for _, case_study in parts))
                for series_id, parts in _published_parts(case_studies).items()
                if series_id in series
            ),
            key=lambda listing: (listing.series.title, listing.series.id),
        )
    )


def series_nav(listing: SeriesParts, case_study: CaseStudy) -> SeriesNav:
    """Previous and next parts around ``case_study`` in its series.

    Args:
        listing: The series ``case_study`` is part of.
        case_study: One of ``listing.parts``.
    """
    index = listing.parts.index(case_study)
    return SeriesNav(
        series=listing.series,
        position=index + 1,
        total=len(listing.parts),
        previous=listing.parts[index - 1] if index > 0 else None,
        next=listing.parts[index + 1] if index + 1 < len(listing.parts) else None,
    )

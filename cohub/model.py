"""The case-study domain model: frozen records built from validated front matter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date

from cohub.addresses import case_study_url


@dataclass(frozen=True)
class Author:
    """Who told the story."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class OrganisationRole:
    """An organisation named in a case study, and its part in the story."""

    id: str
    role: str


@dataclass(frozen=True)
class SeriesPart:
    """Where a case study sits in a series.

    Attributes:
        id: The series id from ``taxonomy/series.yml``.
        position: The part's number, from 1.
        line: The file line of ``position``, for messages about the series.
    """

    id: str
    position: int
    line: int = 1


@dataclass(frozen=True)
class Source:
    """Where the story was first told; shown on the page as its credit."""

    title: str
    publisher: str
    url: str
    date: Date | None = None


@dataclass(frozen=True)
class Resource:
    """A further-reading link."""

    title: str
    url: str
    publisher: str = ""


@dataclass(frozen=True)
class CaseStudy:
    """One story of co-production, as the front matter and body describe it.

    Attributes:
        slug: Names its page (see ``cohub.addresses``).
        path: The file, relative to the hub's root.
        body: The Markdown after the front matter.
        body_line: The file line the body starts on.
        terms: The term ids it carries, by facet id: those its front matter
            gives, and for organisation types, those of its organisations.
        detected: Term ids found in the body through synonyms, by facet id;
            they include declared ones.
        easy_read: The Easy Read version, one short sentence each; empty if
            there is none.
        summary_line, easy_read_line: The file lines those fields start on.
    """

    slug: str
    path: str
    title: str
    summary: str
    date: Date
    authors: tuple[Author, ...]
    organisations: tuple[OrganisationRole, ...]
    place: str
    terms: tuple[tuple[str, tuple[str, ...]], ...]
    source: Source
    body: str
    body_line: int
    series: SeriesPart | None = None
    resources: tuple[Resource, ...] = ()
    comments: bool = True
    draft: bool = False
    detected: tuple[tuple[str, tuple[str, ...]], ...] = ()
    easy_read: tuple[str, ...] = ()
    summary_line: int = 1
    easy_read_line: int = 1

    def declared(self, facet_id: str) -> tuple[str, ...]:
        """The term ids it carries for a facet, as its front matter gives them."""
        return dict(self.terms).get(facet_id, ())

    def first(self, facet_id: str) -> str:
        """The first term id it carries for a facet ("" if none), such as its region."""
        return next(iter(self.declared(facet_id)), "")

    def detected_for(self, facet_id: str) -> tuple[str, ...]:
        """The term ids found in the body for a facet."""
        return dict(self.detected).get(facet_id, ())

    def carried(self, facet_id: str) -> tuple[str, ...]:
        """The term ids its tags come from: the declared ones, then those found in the text."""
        return tuple(dict.fromkeys((*self.declared(facet_id), *self.detected_for(facet_id))))

    @property
    def url(self) -> str:
        """The page's address relative to the site root."""
        return case_study_url(self.slug)

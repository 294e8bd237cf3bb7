"""Who carries what: case studies by facet term, by organisation and by place.

Each listing is built in one pass over the corpus, so the cost grows with the
number of case studies times the terms each carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.corpus import slugify
from cohub.taxonomy import REGIONS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cohub.model import CaseStudy
    from cohub.taxonomy import Facet, Organisation, Taxonomy, Term


@dataclass(frozen=True)
class TermListing:
    """One term and the case studies that carry it, newest first."""

    facet: Facet
    term: Term
    case_studies: tuple[CaseStudy, ...]


@dataclass(frozen=True)
class FacetListing:
    """A facet's terms, in the facet's own order, each with its case studies."""

    facet: Facet
    terms: tuple[TermListing, ...]


@dataclass(frozen=True)
class Involvement:
    """An organisation's part in one case study."""

    case_study: CaseStudy
    role: str


@dataclass(frozen=True)
class OrganisationListing:
    """An organisation and every case study it takes part in, newest first."""

    organisation: Organisation
    involvements: tuple[Involvement, ...]


@dataclass(frozen=True)
class PlaceListing:
    """A place named in case studies, and those case studies, newest first.

    Attributes:
        slug: The place's page address.
        name: The place as the newest case study spells it.
        regions: The region ids its case studies give.
        case_studies: The case studies that took place there.
    """

    slug: str
    name: str
    regions: tuple[str, ...]
    case_studies: tuple[CaseStudy, ...]


def facet_listings(case_studies: Iterable[CaseStudy], taxonomy: Taxonomy) -> tuple[FacetListing, ...]:
    """Every browsable facet with every term's case studies.

    Args:
        case_studies: The published case studies, newest first.
        taxonomy: The controlled vocabulary.

    Returns:
        One listing per facet whose file has ``browse: true``, in the
        facets' order; terms go in their ``order`` where they have one (ladder
        rungs go from the bottom of the ladder up), otherwise in their file's order.
    """
    studies = tuple(case_studies)
    listings = []
    for facet in taxonomy.facets.values():
        if not facet.browse:
            continue
        carriers: dict[str, list[CaseStudy]] = {term.id: [] for term in facet.terms}
        for case_study in studies:
            for term_id in case_study.carried(facet.id):
                carriers.setdefault(term_id, []).append(case_study)
        terms = sorted(facet.terms, key=lambda term: term.order or 0)
        listings.append(
            FacetListing(facet, tuple(TermListing(facet, term, tuple(carriers[term.id])) for term in terms))
        )
    return tuple(listings)


def organisation_listings(case_studies: Iterable[CaseStudy], taxonomy: Taxonomy) -> tuple[OrganisationListing, ...]:
    """Every organisation in the taxonomy, A to Z, with its case studies.

    Args:
        case_studies: The published case studies, newest first.
        taxonomy: The controlled vocabulary.
    """
    involvements: dict[str, list[Involvement]] = {org_id: [] for org_id in taxonomy.organisations}
    for case_study in case_studies:
        for organisation in case_study.organisations:
            involvements.setdefault(organisation.id, []).append(Involvement(case_study, organisation.role))
    return tuple(
        sorted(
            (
                OrganisationListing(organisation, tuple(involvements[org_id]))
                for org_id, organisation in taxonomy.organisations.items()
            ),
            key=lambda listing: (listing.organisation.name.casefold(), listing.organisation.id),
        )
    )


def place_listings(case_studies: Iterable[CaseStudy]) -> tuple[PlaceListing, ...]:
    """Every place named in the case studies, A to Z.

    Places are free text, so two spellings that make the same address
    ("Essex", "essex") are one place.

    Args:
        case_studies: The published case studies, newest first.
    """
    by_slug: dict[str, list[CaseStudy]] = {}
    for case_study in case_studies:
        slug = slugify(case_study.place)
        if slug:
            by_slug.setdefault(slug, []).append(case_study)
    listings = (
        PlaceListing(
            slug=slug,
            name=studies[0].place,
            regions=tuple(dict.fromkeys(case_study.first(REGIONS) for case_study in studies)),
            case_studies=tuple(studies),
        )
        for slug, studies in by_slug.items()
    )
    return tuple(sorted(listings, key=lambda listing: (listing.name.casefold(), listing.slug)))

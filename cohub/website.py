"""The pages the hub adds to the site, and the links between every page.

Everything here is computed once from the whole corpus, after it has been
read, so no page's links depend on the order MkDocs builds pages in. Templates
read the result through the ``cohub_site`` global.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from cohub.addresses import LISTING_PAGE, page_url
from cohub.browse import (
    FacetListing,
    OrganisationListing,
    PlaceListing,
    facet_listings,
    organisation_listings,
    place_listings,
)
from cohub.corpus import slugify
from cohub.feeds import FEED_MEDIA_TYPE, NEWEST_FEED, term_feed
from cohub.glossary import (
    GLOSSARY_PAGE,
    Glossary,
    TextPiece,
    acronym_anchor,
    build_glossary,
    split_acronyms,
    term_anchor,
)
from cohub.open_data import CSV_FILE, JSON_FILE, SCHEMA_FILE
from cohub.related import ORGANISATIONS, SERIES, document_for, find_related
from cohub.series import SeriesNav, SeriesParts, series_nav, series_parts
from cohub.taxonomy import REGIONS
from cohub.wholewords import acronym_forms

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cohub.accessibility_statement import AccessibilityStatement
    from cohub.hub import Hub
    from cohub.model import CaseStudy
    from cohub.organisation import Organisation
    from cohub.privacy_notice import PrivacyNotice
    from cohub.related import RelatedConfig
    from cohub.taxonomy import Taxonomy

BROWSE_PAGE = "browse/index.md"
ORGANISATIONS_PAGE = "browse/organisations/index.md"
ACCESSIBILITY_PAGE = "accessibility.md"
PRIVACY_PAGE = "privacy.md"
CONTRIBUTE_PAGE = "contribute.md"
SEARCH_PAGE = "search.md"
OPEN_DATA_PAGE = "open-data.md"
NEWEST_ON_HOME = 5
LEAVES_SITE_HINT = "(another website)"


def facet_page(facet_id: str) -> str:
    """The page listing a facet's terms."""
    return f"browse/{facet_id.replace('_', '-')}/index.md"


def term_page(facet_id: str, term_id: str) -> str:
    """The page listing a term's case studies."""
    return f"browse/{facet_id.replace('_', '-')}/{term_id}.md"


def organisation_page(org_id: str) -> str:
    """An organisation's page."""
    return f"organisations/{org_id}.md"


def place_page(place: str) -> str:
    """A place's page."""
    return f"places/{slugify(place)}.md"


def series_page(series_id: str) -> str:
    """A series' page."""
    return f"series/{series_id}.md"


def first_mention_links(taxonomy: Taxonomy) -> Mapping[str, str]:
    """What the first mention of a phrase in a Markdown page links to.

    Acronyms link to their glossary entry and organisation names to their
    page. Links start with ``/``: MkDocs resolves them from the docs folder
    (``validation: links: absolute_links: relative_to_docs``).
    """
    # An acronym's plural links where the acronym does, unless it is an acronym itself ("ICS", "IC").
    plurals = {form: acronym for acronym in taxonomy.acronyms for form in acronym_forms(acronym)[1:]}
    return MappingProxyType(
        {
            **{
                form: f"/{GLOSSARY_PAGE}#{acronym_anchor(acronym)}"
                for form, acronym in (*plurals.items(), *((acronym, acronym) for acronym in taxonomy.acronyms))
            },
            **{
                organisation.name: f"/{organisation_page(org_id)}"
                for org_id, organisation in taxonomy.organisations.items()
            },
        }
    )


@dataclass(frozen=True)
class GeneratedPage:
    """A page the hub adds to the site.

    Attributes:
        src_uri: Where the page sits among the docs, like ``glossary.md``.
        title: The page's title.
        template: The template in ``overrides/`` that renders it.
        content: What the template shows, handed to it as ``cohub_page``.
        in_nav: Whether ``mkdocs.yml``'s nav lists it; every other page
            stays out of the sidebar.
        indexed: Whether search finds it; pages that only list other pages are left out.
    """

    src_uri: str
    title: str
    template: str
    content: object = None
    in_nav: bool = False
    indexed: bool = False

    @property
    def url(self) -> str:
        """The page's address relative to the site root."""
        return page_url(self.src_uri)


@dataclass(frozen=True)
class RelatedLink:
    """A related case study, with the labels of what the two share."""

    case_study: CaseStudy
    score: int
    shared: tuple[str, ...]


@dataclass(frozen=True)
class FactLink:
    """One term in a case study's facts: its label, and its page ("" when it has none)."""

    label: str
    url: str


@dataclass(frozen=True)
class FactRow:
    """One facet's row in a case study's facts.

    Attributes:
        label: The row's name (the facet's ``facts_label``).
        place: Where the page shows it: ``place`` (after the place, at the top)
            or ``about`` (in "About this case study").
        links: The case study's terms in that facet.
    """

    label: str
    place: str
    links: tuple[FactLink, ...]


@dataclass(frozen=True)
class Website:
    """The hub's generated pages and the links between all pages.

    Attributes:
        hub: The taxonomy and the case studies.
        pages: Every generated page, by ``src_uri``.
        glossary: The glossary's entries.
        facets: Each browsable facet's terms and their case studies.
        organisations: Every organisation and its case studies.
        places: Every place and its case studies.
        series: Every series with published parts.
        series_navs: Where each part of a series sits in it, by slug.
        related: Each case study's related case studies, by slug.
        organisation: Who runs the hub, for the footer and the legal pages.
    """

    hub: Hub
    pages: Mapping[str, GeneratedPage]
    glossary: Glossary
    facets: tuple[FacetListing, ...]
    organisations: tuple[OrganisationListing, ...]
    places: tuple[PlaceListing, ...]
    series: tuple[SeriesParts, ...]
    series_navs: Mapping[str, SeriesNav]
    related: Mapping[str, tuple[RelatedLink, ...]]
    organisation: Organisation | None = None

    leaves_site_hint: ClassVar[str] = LEAVES_SITE_HINT
    glossary_url: ClassVar[str] = page_url(GLOSSARY_PAGE)
    browse_url: ClassVar[str] = page_url(BROWSE_PAGE)
    organisations_url: ClassVar[str] = page_url(ORGANISATIONS_PAGE)
    accessibility_url: ClassVar[str] = page_url(ACCESSIBILITY_PAGE)
    privacy_url: ClassVar[str] = page_url(PRIVACY_PAGE)
    contribute_url: ClassVar[str] = page_url(CONTRIBUTE_PAGE)
    search_url: ClassVar[str] = page_url(SEARCH_PAGE)
    case_studies_url: ClassVar[str] = page_url(LISTING_PAGE)
    regions: ClassVar[str] = REGIONS
    feed_url: ClassVar[str] = NEWEST_FEED
    feed_media_type: ClassVar[str] = FEED_MEDIA_TYPE
    open_data_url: ClassVar[str] = page_url(OPEN_DATA_PAGE)
    json_url: ClassVar[str] = JSON_FILE
    csv_url: ClassVar[str] = CSV_FILE
    schema_url: ClassVar[str] = SCHEMA_FILE

    @property
    def newest(self) -> tuple[CaseStudy, ...]:
        """The newest case studies, for the home page."""
        return self.hub.case_studies[:NEWEST_ON_HOME]

    def text(self, value: str) -> tuple[TextPiece, ...]:
        """Plain text split into text and acronyms, for ``<abbr>`` in templates."""
        return split_acronyms(value, self.hub.taxonomy.acronyms)

    def url_of(self, src_uri: str) -> str:
        """The address of a generated page, or "" when the site has no such page."""
        return page_url(src_uri) if src_uri in self.pages else ""

    def facet_url(self, facet_id: str) -> str:
        """The page listing a facet's terms."""
        return self.url_of(facet_page(facet_id))

    def term_url(self, facet_id: str, term_id: str) -> str:
        """The page listing a term's case studies ("" when it has none)."""
        return self.url_of(term_page(facet_id, term_id))

    def term_feed_url(self, facet_id: str, term_id: str) -> str:
        """The feed of a term's case studies ("" when the term has no page, and so no feed)."""
        return term_feed(facet_id, term_id) if self.term_url(facet_id, term_id) else ""

    def organisation_url(self, org_id: str) -> str:
        """An organisation's page."""
        return self.url_of(organisation_page(org_id))

    def place_url(self, place: str) -> str:
        """A place's page."""
        return self.url_of(place_page(place))

    def series_url(self, series_id: str) -> str:
        """A series' page."""
        return self.url_of(series_page(series_id))

    def glossary_term_url(self, facet_id: str, term_id: str) -> str:
        """The address of a term's entry in the glossary."""
        return f"{self.glossary_url}#{term_anchor(facet_id, term_id)}"

    def facts(self, case_study: CaseStudy, place: str) -> tuple[FactRow, ...]:
        """The rows of a case study's facts that its page shows at ``place``, one per facet, in the facets' order.

        Args:
            case_study: The case study.
            place: ``place`` for the terms shown after its place at the top,
                ``about`` for the rows of "About this case study".
        """
        taxonomy = self.hub.taxonomy
        return tuple(
            FactRow(
                facet.facts_label,
                facet.facts,
                tuple(
                    FactLink(taxonomy.label(facet.id, term_id), self.term_url(facet.id, term_id))
                    for term_id in case_study.declared(facet.id)
                ),
            )
            for facet in taxonomy.facets.values()
            if facet.facts == place and case_study.declared(facet.id)
        )

    def ways_to_browse(self, joiner: str) -> str:
        """What one term of each browsable facet is called, in lower case, as a list in words.

        Args:
            joiner: The word before the last one ("or", "and").
        """
        return in_words((listing.facet.term_name.lower() for listing in self.facets), joiner)

    def ways_to_tag(self, joiner: str) -> str:
        """What one term of each facet that gives tags is called, in lower case, as a list in words."""
        return in_words((facet.term_name.lower() for facet in self.hub.taxonomy.tagged_facets), joiner)

    def related_to(self, case_study: CaseStudy) -> tuple[RelatedLink, ...]:
        """The case studies related to ``case_study``, best first."""
        return self.related.get(case_study.slug, ())

    def series_nav(self, case_study: CaseStudy) -> SeriesNav | None:
        """Where ``case_study`` sits in its series, if it is part of one."""
        return self.series_navs.get(case_study.slug)

    def places_in(self, region_id: str) -> tuple[PlaceListing, ...]:
        """The places whose case studies are in a region."""
        return tuple(place for place in self.places if region_id in place.regions)

    def organisations_in(self, region_id: str) -> tuple[OrganisationListing, ...]:
        """The organisations based in a region."""
        return tuple(listing for listing in self.organisations if listing.organisation.region == region_id)


def in_words(names: Iterable[str], joiner: str) -> str:
    """Names as a list in words: "a, b and c"."""
    listed = tuple(names)
    return f"{', '.join(listed[:-1])} {joiner} {listed[-1]}" if len(listed) > 1 else "".join(listed)


def build_website(
    hub: Hub,
    related_config: RelatedConfig,
    statement: AccessibilityStatement | None = None,
    notice: PrivacyNotice | None = None,
) -> Website:
    """Work out every generated page and every link, from the whole hub.

    Args:
        hub: The taxonomy and the published case studies.
        related_config: How related case studies are chosen.
        statement: The accessibility statement, when the organisation block gives one.
        notice: The privacy notice, when the organisation block gives one.

    Returns:
        The website: its pages and the links between them.
    """
    taxonomy = hub.taxonomy
    facets = facet_listings(hub.case_studies, taxonomy)
    organisations = organisation_listings(hub.case_studies, taxonomy)
    places = place_listings(hub.case_studies)
    series = series_parts(hub.case_studies, taxonomy.series)

    pages = [GeneratedPage(BROWSE_PAGE, "Browse the case studies", "browse.html", in_nav=True)]
    for listing in facets:
        pages.append(GeneratedPage(facet_page(listing.facet.id), listing.facet.label, "facet.html", listing))
        pages.extend(
            GeneratedPage(term_page(listing.facet.id, term.term.id), listing.facet.tag(term.term), "term.html", term)
            for term in listing.terms
            if term.case_studies
        )
    pages.append(GeneratedPage(ORGANISATIONS_PAGE, "Organisations", "organisations.html", organisations))
    pages.extend(
        GeneratedPage(organisation_page(org.organisation.id), org.organisation.name, "organisation.html", org)
        for org in organisations
    )
    pages.extend(GeneratedPage(place_page(listing.name), listing.name, "place.html", listing) for listing in places)
    pages.extend(
        GeneratedPage(series_page(listing.series.id), listing.series.title, "series.html", listing)
        for listing in series
    )
    listed = {page.src_uri for page in pages}

    def term_url(facet_id: str, term_id: str) -> str:
        return page_url(term_page(facet_id, term_id)) if term_page(facet_id, term_id) in listed else ""

    glossary = build_glossary(taxonomy, term_url)
    pages.append(GeneratedPage(GLOSSARY_PAGE, "Glossary", "glossary.html", glossary, in_nav=True))
    if statement is not None:
        pages.append(
            GeneratedPage(
                ACCESSIBILITY_PAGE,
                "Accessibility statement",
                "accessibility.html",
                statement,
                in_nav=True,
                indexed=True,
            )
        )
    if notice is not None:
        pages.append(GeneratedPage(PRIVACY_PAGE, "Privacy notice", "privacy.html", notice, in_nav=True, indexed=True))

    by_slug = {case_study.slug: case_study for case_study in hub.case_studies}
    found = find_related(
        (document_for(case_study) for case_study in hub.case_studies),
        related_config.with_facets(taxonomy.facets.values()),
    )
    related = {
        slug: tuple(
            RelatedLink(by_slug[match.key], match.score, tuple(_shared_label(taxonomy, *term) for term in match.shared))
            for match in matches
        )
        for slug, matches in found.items()
    }
    return Website(
        hub=hub,
        pages=MappingProxyType({page.src_uri: page for page in pages}),
        glossary=glossary,
        facets=facets,
        organisations=organisations,
        places=places,
        series=series,
        series_navs=MappingProxyType(
            {part.slug: series_nav(listing, part) for listing in series for part in listing.parts}
        ),
        related=MappingProxyType(related),
        organisation=statement.organisation if statement is not None else None,
    )


def _shared_label(taxonomy: Taxonomy, relation: str, term_id: str) -> str:
    if relation == ORGANISATIONS:
        return taxonomy.organisations[term_id].name
    if relation == SERIES:
        return taxonomy.series[term_id].title
    facet = taxonomy.facets[relation]
    term = facet.term(term_id)
    return facet.tag(term) if term else term_id

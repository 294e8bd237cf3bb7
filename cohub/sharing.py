"""What a page says about itself when its address is shared, and when it last changed.

Open Graph and Twitter card tags let Teams, Slack, email and social sites show
a shared link's title, summary and image. The image is the organisation's own
file on this site (``share_image``, else its ``logo``), so showing a preview
asks nothing of any other site. The sitemap's ``lastmod`` comes from the case
studies' own dates, so a rebuild of the same hub writes the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from cohub.addresses import LISTING_PAGE, case_study_page
from cohub.browse import FacetListing, OrganisationListing, PlaceListing, TermListing
from cohub.series import SeriesParts

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date as Date

    from cohub.model import CaseStudy
    from cohub.organisation import Organisation
    from cohub.website import Website

HOME_PAGE = "index.md"


@dataclass(frozen=True)
class ShareCard:
    """The Open Graph and Twitter card facts of one page.

    Attributes:
        title: The page's title (the hub's name on the home page).
        description: A case study's summary, else the page's description, else the hub's.
        url: The page's full address; "" when the site's address is unknown.
        kind: ``article`` for a case study, ``website`` for any other page.
        site_name: The hub's name.
        image: The image's full address; "" when there is none or the site's address is unknown.
        image_alt: What the image shows, for people who cannot see it.
        twitter_card: ``summary_large_image`` for a share image, else ``summary``.
        published: A case study's date, as YYYY-MM-DD; "" for other pages.
    """

    title: str
    description: str
    url: str
    kind: str
    site_name: str
    image: str
    image_alt: str
    twitter_card: str
    published: str = ""


def share_card(
    *,
    title: str,
    description: str,
    canonical_url: str,
    site_name: str,
    site_description: str,
    site_url: str,
    organisation: Organisation | None,
    case_study: CaseStudy | None,
    is_home: bool,
) -> ShareCard:
    """The share card of one page.

    Args:
        title: The page's title.
        description: The page's own description ("" when it has none).
        canonical_url: The page's full address, as MkDocs gives it ("" without ``site_url``).
        site_name: ``site_name`` from ``mkdocs.yml``.
        site_description: ``site_description`` from ``mkdocs.yml``.
        site_url: ``site_url`` from ``mkdocs.yml`` ("" when not set).
        organisation: Who runs the hub, for the image.
        case_study: The page's case study, if it is one.
        is_home: Whether the page is the home page.
    """
    image_path = (organisation.share_image or organisation.logo) if organisation is not None else ""
    image = f"{site_url.rstrip('/')}/{image_path}" if image_path and site_url else ""
    return ShareCard(
        title=site_name if is_home else (case_study.title if case_study is not None else title) or site_name,
        description=case_study.summary if case_study is not None else (description or site_description),
        url=canonical_url,
        kind="article" if case_study is not None else "website",
        site_name=site_name,
        image=image,
        image_alt=site_name if image else "",
        twitter_card="summary_large_image" if image and organisation and organisation.share_image else "summary",
        published=case_study.date.isoformat() if case_study is not None else "",
    )


def page_dates(website: Website) -> Mapping[str, Date]:
    """When each page last changed, by its place among the docs, for the sitemap.

    A case study's page takes its own date; the home page, the list of case
    studies and each page listing case studies (a facet's, a term's, an
    organisation's, a place's, a series') take the newest of theirs. Other
    pages are left to MkDocs (the build's date).
    """
    case_studies = website.hub.case_studies
    dates: dict[str, Date] = {case_study_page(case_study.slug): case_study.date for case_study in case_studies}
    newest = _newest(case_studies)
    if newest is not None:
        dates[HOME_PAGE] = dates[LISTING_PAGE] = newest
    for page in website.pages.values():
        day = _newest(_listed(page.content))
        if day is not None:
            dates[page.src_uri] = day
    return MappingProxyType(dates)


def _listed(content: object) -> Iterable[CaseStudy]:
    """The case studies a generated page lists, from what its template shows."""
    if isinstance(content, (TermListing, PlaceListing)):
        return content.case_studies
    if isinstance(content, FacetListing):
        return (case_study for term in content.terms for case_study in term.case_studies)
    if isinstance(content, OrganisationListing):
        return (involvement.case_study for involvement in content.involvements)
    if isinstance(content, SeriesParts):
        return content.parts
    return ()


def _newest(case_studies: Iterable[CaseStudy]) -> Date | None:
    return max((case_study.date for case_study in case_studies), default=None)

"""Atom feeds of new case studies: one of the newest, and one per facet term.

The feeds are worked out from the website's listings (so they follow the
facets in ``taxonomy/``) and rendered from ``templates/feed.xml`` with
autoescaping: a case study's title, summary and names reach the XML as text,
never as markup. Entries carry the summary only, not the story's HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:
    from collections.abc import Callable

    from cohub.model import CaseStudy
    from cohub.website import Website

# The feed of the newest case studies, and the folder holding one feed per facet term.
FEEDS_FOLDER = "feeds"
NEWEST_FEED = f"{FEEDS_FOLDER}/case-studies.xml"
# The media type a feed is sent with, and named by in the links to it.
FEED_MEDIA_TYPE = "application/atom+xml"
# Entries per feed: enough for a reader that checks weekly, small enough at 10,000 case studies.
FEED_ENTRIES = 20

_env = Environment(
    loader=PackageLoader("cohub", "templates"),
    autoescape=select_autoescape(["xml"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def is_feed(path: str) -> bool:
    """Whether a file of the built site, by its path relative to the site root, is one of the feeds."""
    return path.startswith(f"{FEEDS_FOLDER}/") and path.endswith(".xml")


def term_feed(facet_id: str, term_id: str) -> str:
    """The address, relative to the site root, of the feed of one facet term's case studies."""
    return f"{FEEDS_FOLDER}/{facet_id.replace('_', '-')}/{term_id}.xml"


@dataclass(frozen=True)
class FeedCategory:
    """A term an entry carries: its id, its facet's page ("" when it has none) and its label."""

    term: str
    scheme: str
    label: str


@dataclass(frozen=True)
class FeedEntry:
    """One case study in a feed; addresses are absolute when the site's address is known."""

    id: str
    title: str
    link: str
    summary: str
    updated: str
    authors: tuple[str, ...]
    categories: tuple[FeedCategory, ...]


@dataclass(frozen=True)
class Feed:
    """One Atom feed.

    Attributes:
        path: Where it is written, relative to the site root.
        id: Its permanent id (its own address when the site's address is known).
        title: Its title, naming the hub and what it follows.
        subtitle: One sentence on what it holds.
        link: The page it follows (the list of case studies, or a term's page).
        self_link: Its own address.
        updated: The newest entry's date (the hub's newest when it has none), so a
            rebuild of the same case studies writes the same feed.
        author: Who publishes it: the hub's name.
        entries: The newest case studies, newest first.
    """

    path: str
    id: str
    title: str
    subtitle: str
    link: str
    self_link: str
    updated: str
    author: str
    entries: tuple[FeedEntry, ...]


def site_feeds(website: Website, site_name: str, site_url: str) -> tuple[Feed, ...]:
    """The feed of the newest case studies, then one per term that has a page.

    Args:
        website: The hub's pages and listings.
        site_name: The hub's name, for the feeds' titles.
        site_url: The site's address (``site_url`` in ``mkdocs.yml``); ""
            leaves addresses relative to the site root.
    """
    hub = website.hub
    fallback = max((case_study.date for case_study in hub.case_studies), default=Date(1970, 1, 1))
    # A case study is in the newest feed and in the feed of each of its terms: work its entry out once.
    entries: dict[str, FeedEntry] = {}

    def entry(case_study: CaseStudy) -> FeedEntry:
        if case_study.slug not in entries:
            entries[case_study.slug] = _entry(website, site_url, case_study)
        return entries[case_study.slug]

    feeds = [
        _feed(
            entry,
            site_name,
            site_url,
            NEWEST_FEED,
            f"{site_name}: new case studies",
            "The newest case studies on the hub.",
            website.case_studies_url,
            hub.case_studies,
            fallback,
        )
    ]
    for listing in website.facets:
        for term in listing.terms:
            page = website.term_url(listing.facet.id, term.term.id)
            path = website.term_feed_url(listing.facet.id, term.term.id)
            if not path:
                continue
            feeds.append(
                _feed(
                    entry,
                    site_name,
                    site_url,
                    path,
                    f"{site_name}: {listing.facet.tag(term.term)}",
                    f"New case studies with the {listing.facet.term_name.lower()} '{term.term.label}'.",
                    page,
                    term.case_studies,
                    fallback,
                )
            )
    return tuple(feeds)


def render_feed(feed: Feed) -> str:
    """The feed as Atom XML."""
    return _env.get_template("feed.xml").render(feed=feed, media_type=FEED_MEDIA_TYPE)


def _feed(
    entry: Callable[[CaseStudy], FeedEntry],
    site_name: str,
    site_url: str,
    path: str,
    title: str,
    subtitle: str,
    page: str,
    case_studies: tuple[CaseStudy, ...],
    fallback: Date,
) -> Feed:
    entries = tuple(entry(case_study) for case_study in case_studies[:FEED_ENTRIES])
    return Feed(
        path=path,
        id=_id(site_url, path),
        title=title,
        subtitle=subtitle,
        link=_absolute(site_url, page),
        self_link=_absolute(site_url, path),
        updated=max(item.updated for item in entries) if entries else _timestamp(fallback),
        author=site_name,
        entries=entries,
    )


def _entry(website: Website, site_url: str, case_study: CaseStudy) -> FeedEntry:
    taxonomy = website.hub.taxonomy
    categories = tuple(
        FeedCategory(
            term_id,
            _absolute(site_url, website.facet_url(facet.id)) if website.facet_url(facet.id) else "",
            facet.tag(term),
        )
        for facet in taxonomy.tagged_facets
        for term_id in case_study.declared(facet.id)
        if (term := facet.term(term_id)) is not None
    )
    return FeedEntry(
        id=_id(site_url, case_study.url),
        title=case_study.title,
        link=_absolute(site_url, case_study.url),
        summary=case_study.summary,
        updated=_timestamp(case_study.date),
        authors=tuple(author.name for author in case_study.authors),
        categories=categories,
    )


def _absolute(site_url: str, path: str) -> str:
    """``path`` under the site's address, or from the site root when there is none."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


def _id(site_url: str, path: str) -> str:
    # Atom ids must be absolute IRIs; without the site's address, a URN made from the path stands in.
    return _absolute(site_url, path) if site_url else f"urn:cohub:{path}"


def _timestamp(day: Date) -> str:
    """A date as an RFC 3339 timestamp at midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"

"""Atom feeds of new case studies: valid, absolute, escaped, one per facet term."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import feedparser
import pytest

from cohub.feeds import FEED_ENTRIES, NEWEST_FEED, render_feed, site_feeds, term_feed
from cohub.hub import load_hub
from cohub.related import RelatedConfig
from cohub.website import build_website
from tests.conftest import build_hub
from tests.test_check import VALID, write

if TYPE_CHECKING:
    from pathlib import Path

SITE_URL = "http://127.0.0.1:8000/"
# Front matter refuses HTML tags; what it lets through must still reach the XML as text.
HOSTILE_TITLE = """A "panel" & tenants' choice: 5 < 6 ]]> &amp; more"""
HOSTILE_SUMMARY = "Tenants sat on the panel & chose who runs their homes: 1 < 2 > 0 ]]> &lt;b&gt; &#x3C;i>."


def hostile(text: str) -> str:
    def quoted(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    return (
        text.replace("title: A tenancy panel run by tenants", f"title: {quoted(HOSTILE_TITLE)}")
        .replace(
            "summary: Tenants sat on the panel that chose who runs their homes.", f"summary: {quoted(HOSTILE_SUMMARY)}"
        )
        .replace("date: 2025-03-31", "date: 2027-01-15")
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_hub

    root = tmp_path_factory.mktemp("feeds") / "hub"
    root.mkdir()
    copy_hub(root)
    write(root, hostile(VALID), "hostile.md")
    return build_hub(root, root.parent / "site")


def parse(site: Path, path: str) -> feedparser.FeedParserDict:
    raw = (site / path).read_bytes()
    ET.fromstring(raw)  # well-formed XML, or this raises
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_newest_feed_lists_every_case_study_newest_first_with_absolute_links(site: Path) -> None:
    feed = parse(site, NEWEST_FEED)
    assert feed.version == "atom10"
    assert feed.feed.title == "Co-production hub: new case studies"
    assert feed.feed.link == f"{SITE_URL}case-studies/"
    assert feed.feed.updated == "2027-01-15T00:00:00Z"
    assert [entry.link for entry in feed.entries] == [
        f"{SITE_URL}case-studies/hostile/",
        f"{SITE_URL}case-studies/thurrock-direct-payments/",
        f"{SITE_URL}case-studies/essex-tender-evaluation/",
    ]
    for entry in feed.entries:
        assert entry.id == entry.link
        assert entry.updated_parsed is not None
        assert entry.title
        assert entry.summary
        assert entry.author
    assert feed.entries[2].title == "What a new commissioner learned from a co-produced tender evaluation"
    assert feed.entries[0].published == "2027-01-15T00:00:00Z"


def test_hostile_text_arrives_as_text_and_never_as_markup(site: Path) -> None:
    raw = (site / NEWEST_FEED).read_text(encoding="utf-8")
    assert "1 < 2" not in raw
    assert "&lt;b&gt;" not in raw.replace("&amp;lt;b&amp;gt;", "")
    assert "&#x3C;i>" not in raw
    entry = parse(site, NEWEST_FEED).entries[0]
    assert entry.title == HOSTILE_TITLE
    assert entry.title_detail.type == "text/plain"
    assert entry.summary == HOSTILE_SUMMARY
    assert entry.summary_detail.type == "text/plain"
    # The summary only: none of the story's own text.
    assert "Tenants chose the provider" not in raw


def test_each_term_has_a_feed_linked_from_its_page(site: Path) -> None:
    feed = parse(site, term_feed("themes", "tendering"))
    assert feed.feed.title == "Co-production hub: Tendering and procurement"
    assert feed.feed.link == f"{SITE_URL}browse/themes/tendering/"
    page = (site / "browse" / "themes" / "tendering" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="../../../(case-studies/[a-z-]+/)"', page)
    assert [entry.link for entry in feed.entries] == [f"{SITE_URL}{address}" for address in listed]
    essex = next(entry for entry in feed.entries if entry.link.endswith("/essex-tender-evaluation/"))
    assert ("tendering", "Tendering and procurement") in {(tag.term, tag.label) for tag in essex.tags}
    assert re.search(
        r'<link rel="alternate feed" type="application/atom\+xml" '
        r'title="Co-production hub: Tendering and procurement" '
        r'href="../../../feeds/themes/tendering.xml">',
        page,
    ), page
    assert 'href="../../../feeds/themes/tendering.xml" type="application/atom+xml">Follow' in page
    # Feeds follow the term pages: a term no case study carries has neither.
    assert {path.stem for path in (site / "feeds" / "themes").glob("*.xml")} == {
        path.parent.name for path in (site / "browse" / "themes").glob("*/index.html")
    }


def test_every_page_links_the_newest_feed_in_its_head_and_the_home_page_in_its_text(site: Path) -> None:
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        assert re.search(
            r'<link rel="alternate feed" type="application/atom\+xml" '
            r'title="Co-production hub: new case studies" href="[./]*feeds/case-studies.xml">',
            head,
        ), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="feeds/case-studies.xml" type="application/atom+xml">Follow new case studies' in home


def test_without_a_site_address_links_are_from_the_site_root_and_ids_are_urns(hub: Path) -> None:
    loaded = load_hub(hub)
    feeds = site_feeds(build_website(loaded, RelatedConfig()), "Hub & <friends>", "")
    newest = feedparser.parse(render_feed(feeds[0]))
    assert not newest.bozo
    assert newest.feed.title == "Hub & <friends>: new case studies"
    assert newest.entries[1].link == "/case-studies/essex-tender-evaluation/"
    assert newest.entries[1].id == "urn:cohub:case-studies/essex-tender-evaluation/"
    assert [feed.path for feed in feeds].count(NEWEST_FEED) == 1
    assert all(len(feed.entries) <= FEED_ENTRIES for feed in feeds)
    # One feed per term that has case studies, following the facets in taxonomy/.
    term_feeds = {feed.path for feed in feeds[1:]}
    assert term_feed("themes", "tendering") in term_feeds
    assert term_feed("regions", "east-of-england") in term_feeds

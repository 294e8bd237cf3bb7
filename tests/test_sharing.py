"""Shared links show a page's own title, summary and image; the sitemap dates case studies by their own dates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from cohub.sharing import share_card
from tests.conftest import build_hub, copy_hub, site_pages
from tests.test_check import VALID, write
from tests.test_feeds import HOSTILE_SUMMARY, HOSTILE_TITLE, SITE_URL, hostile

if TYPE_CHECKING:
    from pathlib import Path

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class HeadTags(HTMLParser):
    """The head's <meta property|name> values and <link rel> addresses, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or values.get("name")):
            key = values.get("property") or values.get("name") or ""
            self.meta.setdefault(key, []).append(values.get("content") or "")
        if tag == "link" and values.get("rel"):
            self.links.setdefault(values["rel"] or "", []).append(values.get("href") or "")


def head_tags(site: Path, page: str) -> HeadTags:
    parser = HeadTags()
    parser.feed((site / page / "index.html").read_text(encoding="utf-8").split("</head>", 1)[0])
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharing") / "hub"
    root.mkdir()
    copy_hub(root)
    write(root, hostile(VALID), "hostile.md")
    return build_hub(root, root.parent / "site")


def test_a_case_study_carries_its_own_title_and_summary_escaped(site: Path) -> None:
    tags = head_tags(site, "case-studies/hostile")
    assert tags.meta["og:title"] == [HOSTILE_TITLE]
    assert tags.meta["og:description"] == [HOSTILE_SUMMARY]
    assert tags.meta["twitter:title"] == [HOSTILE_TITLE]
    assert tags.meta["twitter:description"] == [HOSTILE_SUMMARY]
    assert tags.meta["og:type"] == ["article"]
    assert tags.meta["article:published_time"] == ["2027-01-15"]
    assert tags.meta["og:url"] == [f"{SITE_URL}case-studies/hostile/"]
    assert tags.links["canonical"] == [f"{SITE_URL}case-studies/hostile/"]
    assert tags.meta["og:site_name"] == ["Co-production hub"]
    # The council's own image, from this site.
    assert tags.meta["og:image"] == [f"{SITE_URL}assets/share.png"]
    assert (site / "assets" / "share.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tags.meta["twitter:card"] == ["summary_large_image"]
    raw = (site / "case-studies" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert 'content="A &#34;panel&#34; &amp; tenants&#39; choice: 5 &lt; 6 ]]&gt; &amp;amp; more"' in raw


def test_every_page_has_a_title_description_address_and_image(site: Path) -> None:
    # The page for a missing address ("404.html") is never shared, and has no address of its own.
    pages = [page for page in site_pages(site) if page != "404.html"]
    assert len(pages) > 20
    for page in pages:
        tags = head_tags(site, page.rstrip("/") or ".")
        for key in (
            "og:title",
            "og:description",
            "og:url",
            "og:site_name",
            "og:type",
            "og:image",
            "twitter:card",
            "twitter:title",
            "twitter:description",
        ):
            assert len(tags.meta.get(key, [])) == 1 and tags.meta[key][0], (page, key)
        assert tags.meta["og:url"] == tags.links["canonical"] == [f"{SITE_URL}{page}"], page
    home = head_tags(site, ".")
    assert home.meta["og:title"] == ["Co-production hub"]
    assert home.meta["og:type"] == ["website"]
    assert home.meta["og:description"] == [
        "Stories of co-production in adult social care commissioning, to learn from and add to."
    ]


def test_the_sitemap_dates_case_studies_and_their_lists_by_the_case_studies(site: Path) -> None:
    urls = ET.parse(site / "sitemap.xml").getroot()
    lastmod = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}
    assert lastmod[f"{SITE_URL}case-studies/hostile/"] == "2027-01-15"
    assert lastmod[f"{SITE_URL}case-studies/essex-tender-evaluation/"] == "2026-11-23"
    assert lastmod[SITE_URL] == lastmod[f"{SITE_URL}case-studies/"] == "2027-01-15"
    assert lastmod[f"{SITE_URL}browse/themes/tendering/"] == "2026-11-23"
    assert lastmod[f"{SITE_URL}browse/themes/"] == "2027-01-15"
    assert lastmod[f"{SITE_URL}organisations/think-local-act-personal/"] == "2026-11-23"
    assert lastmod[f"{SITE_URL}series/good-commissioning-hypothesis/"] == "2026-11-23"


@pytest.mark.parametrize(
    ("site_url", "share_image", "expected_image", "expected_card"),
    [
        (
            "https://hub.example.org/",
            "assets/share.png",
            "https://hub.example.org/assets/share.png",
            "summary_large_image",
        ),
        ("https://hub.example.org/", "", "https://hub.example.org/assets/logo.svg", "summary"),
        # Open Graph needs a full address; without the site's, no image at all rather than a broken one.
        ("", "assets/share.png", "", "summary"),
    ],
)
def test_the_image_is_the_organisations_own_file_on_this_site(
    site_url: str, share_image: str, expected_image: str, expected_card: str
) -> None:
    from tests.test_organisation import GOOD, decode

    organisation = decode(
        GOOD + "      logo: assets/logo.svg\n" + (f"      share_image: {share_image}\n" if share_image else "")
    )
    card = share_card(
        title="Glossary",
        description="",
        canonical_url="",
        site_name="Hub",
        site_description="About the hub.",
        site_url=site_url,
        organisation=organisation,
        case_study=None,
        is_home=False,
    )
    assert card.image == expected_image
    assert card.twitter_card == expected_card
    assert card.description == "About the hub."
    assert card.title == "Glossary"

"""Whole-site builds: glossary and acronyms, organisation, place, series and browse pages, related case studies."""

from __future__ import annotations

import logging
import re

import pytest
from mkdocs.exceptions import Abort, PluginError

from tests.conftest import build_hub
from tests.test_check import VALID
from tests.test_site_build import primary_nav, read

THURROCK = "thurrock-direct-payments"
ESSEX = "essex-tender-evaluation"


def article(site, address: str) -> str:
    html = read(site, address)
    return html[html.index("<article") : html.index("</article>")]


def case_studies_listed(site, address: str) -> list[str]:
    """The case studies a page links to, in order, once each."""
    return list(dict.fromkeys(re.findall(r'href="(?:\.\./)*case-studies/([a-z0-9-]+)/"', article(site, address))))


def test_every_acronym_is_an_abbr_and_the_first_links_to_the_glossary(built_site):
    text = article(built_site, f"case-studies/{THURROCK}")
    abbr = '<abbr title="user-led organisation">ULO</abbr>'
    assert text.count(f'<a href="../../glossary/#ulo">{abbr}</a>') == 1
    first = text.index("ULO")
    assert text[:first].endswith('<a href="../../glossary/#ulo"><abbr title="user-led organisation">'), (
        "the link is on the first ULO"
    )
    assert len(re.findall(r"\bULO\b", text)) == text.count(abbr) >= 3, "every ULO is in an <abbr>"


def test_template_text_marks_acronyms_too(built_site):
    text = article(built_site, f"case-studies/{ESSEX}")
    assert 'Think Local Act Personal (<abbr title="Think Local Act Personal">TLAP</abbr>) blog' in text


def test_the_glossary_explains_acronyms_and_terms(built_site):
    text = article(built_site, "glossary")
    assert '<dt id="ulo"><abbr title="user-led organisation">ULO</abbr></dt>' in text
    assert "<strong>user-led organisation</strong>" in text
    assert 'id="themes-direct-payments"' in text
    assert 'href="../browse/themes/direct-payments/">Case studies about Direct payments</a>' in text


@pytest.mark.parametrize(
    ("organisation", "name", "expected"),
    [
        ("thurrock-council", "Thurrock Council", [THURROCK]),
        ("thurrock-centre-for-independent-living", "Thurrock Centre for Independent Living", [THURROCK]),
        ("purple", "Purple", [THURROCK]),
        ("essex-county-council", "Essex County Council", [ESSEX]),
        ("think-local-act-personal", "Think Local Act Personal", [THURROCK, ESSEX]),
    ],
)
def test_organisation_pages_list_their_case_studies(built_site, organisation, name, expected):
    text = article(built_site, f"organisations/{organisation}")
    assert f"<h1>{name}</h1>" in text
    assert case_studies_listed(built_site, f"organisations/{organisation}") == expected


def test_an_organisation_page_gives_its_type_website_and_role(built_site):
    text = article(built_site, "organisations/purple")
    assert 'href="../../glossary/#organisation-types-provider">Care and support provider</a>' in text
    assert (
        '<a href="https://wearepurple.org.uk/" class="cohub-external">Purple website'
        '<span class="cohub-visually-hidden"> (another website)</span></a>'
    ) in text
    assert "Its part: Won the contract to run the direct payment support service." in text


def test_organisation_names_in_a_case_study_link_to_their_pages(built_site):
    text = article(built_site, f"case-studies/{THURROCK}")
    body = text[text.index('id="what-happened"') : text.index('id="cohub-about-heading"')]
    assert body.count('<a href="../../organisations/thurrock-council/">Thurrock Council</a>') == 1
    assert '<a href="../../organisations/purple/">Purple</a>' in body


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("places/thurrock", [THURROCK]),
        ("places/essex", [ESSEX]),
        ("browse/regions/east-of-england", [THURROCK, ESSEX]),
    ],
)
def test_place_and_region_pages_list_their_case_studies(built_site, address, expected):
    assert case_studies_listed(built_site, address) == expected


@pytest.mark.parametrize(
    ("slug", "part", "rel", "other"),
    [
        (THURROCK, 1, "next", ESSEX),
        (ESSEX, 2, "prev", THURROCK),
    ],
)
def test_each_part_of_a_series_points_at_the_other(built_site, slug, part, rel, other):
    text = article(built_site, f"case-studies/{slug}")
    assert f"Part {part} of 2 in the series" in text
    assert re.search(rf'<a href="\.\./{other}/" rel="{rel}">', text)
    assert 'href="../../series/good-commissioning-hypothesis/">Good commissioning depends on co-production</a>' in text


def test_the_series_page_lists_its_parts_in_order(built_site):
    text = article(built_site, "series/good-commissioning-hypothesis")
    assert case_studies_listed(built_site, "series/good-commissioning-hypothesis") == [THURROCK, ESSEX]
    assert "Part 1: Designing direct payment support" in text and "Part 2: What a new commissioner" in text


@pytest.mark.parametrize(
    ("facet", "term", "label"),
    [
        ("themes", "tendering", "Tendering and procurement"),
        ("themes", "lived-experience", "Lived experience"),
        ("commissioning-stages", "do", "Do"),
        ("ladder-rungs", "co-production", "Co-production"),
        ("regions", "east-of-england", "East of England"),
    ],
)
def test_browse_pages_count_terms_and_list_both_case_studies_where_they_match(built_site, facet, term, label):
    facet_page = article(built_site, f"browse/{facet}")
    assert re.search(rf'<a href="{term}/">{label}</a><span class="cohub-count"> \(2 case studies\)</span>', facet_page)
    assert sorted(case_studies_listed(built_site, f"browse/{facet}/{term}")) == sorted([THURROCK, ESSEX])


@pytest.mark.parametrize(
    ("facet", "term", "expected"),
    [
        ("themes", "direct-payments", [THURROCK]),
        ("service-types", "supported-living", [ESSEX]),
    ],
)
def test_browse_pages_list_only_the_case_studies_that_carry_a_term(built_site, facet, term, expected):
    assert case_studies_listed(built_site, f"browse/{facet}/{term}") == expected


def test_a_term_no_case_study_carries_has_a_count_but_no_page(built_site):
    facet_page = article(built_site, "browse/service-types")
    assert re.search(r"<h2>Shared Lives<span class=\"cohub-count\"> \(0 case studies\)</span>", facet_page)
    assert not (built_site / "browse" / "service-types" / "shared-lives").exists()


def test_the_organisations_browse_page_counts_each(built_site):
    text = article(built_site, "browse/organisations")
    assert re.search(r'Think Local Act Personal</a>\s*<span class="cohub-count"> \(2 case studies\)</span>', text)


def test_each_case_study_shows_the_other_as_related(built_site):
    for slug, other in ((THURROCK, ESSEX), (ESSEX, THURROCK)):
        text = article(built_site, f"case-studies/{slug}")
        related = text[text.index('id="cohub-related-heading"') :]
        assert re.search(rf'<h3><a href="\.\./{other}/">', related)
        assert "Also about: " in related


def test_the_home_page_shows_the_newest_case_studies_and_ways_to_browse(built_site):
    text = article(built_site, "")
    assert case_studies_listed(built_site, "") == [THURROCK, ESSEX]
    for address in ("browse/themes/", "browse/regions/", "browse/organisations/", "browse/", "glossary/"):
        assert f'href="{address}"' in text


def test_generated_pages_stay_out_of_the_sidebar(built_site):
    nav = primary_nav(read(built_site, ""))
    assert "Browse" in nav
    assert "Glossary" in nav
    for address in ("browse/themes/", "organisations/", "places/", "series/"):
        assert f'href="{address}' not in nav


def test_links_to_other_websites_say_so_and_never_open_a_new_window(built_site):
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert 'target="_blank"' not in html, path
        inner = html[html.find("<article") : html.find("</article>")]
        for link in re.findall(r"<a [^>]*href=\"https?://[^>]*>.*?</a>", inner, re.DOTALL):
            assert "cohub-external" in link and "(another website)</span>" in link, (path, link)


def test_wikilinks_become_links_with_the_target_title(hub):
    (hub / "case_studies" / "panel.md").write_text(
        VALID.replace(
            "Tenants chose the provider.",
            f"Tenants chose, as in [[{THURROCK}]] and [[{ESSEX}|the Essex story]].",
        ),
        encoding="utf-8",
    )
    text = article(build_hub(hub), "case-studies/panel")
    assert (f'<a href="../{THURROCK}/">Designing direct payment support with a user-led organisation</a>') in text
    assert f'<a href="../{ESSEX}/">the Essex story</a>' in text


def test_a_wikilink_to_a_missing_case_study_fails_the_strict_build(hub, caplog):
    (hub / "case_studies" / "panel.md").write_text(
        VALID.replace("Tenants chose the provider.", "See [[nowhere]]."), encoding="utf-8"
    )
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    assert any(
        record.getMessage().startswith(
            "case_studies/panel.md:25: '[[nowhere]]' links to a case study that does not exist"
        )
        for record in caplog.records
    )


def test_an_acronym_before_its_expansion_is_logged_but_does_not_fail_the_build(hub, caplog):
    (hub / "case_studies" / "panel.md").write_text(
        VALID.replace("Tenants chose the provider.", "The ULO chose the provider."), encoding="utf-8"
    )
    with caplog.at_level(logging.INFO):
        build_hub(hub)
    assert "case_studies/panel.md:25: warning: 'ULO' is used before it is spelled out" in caplog.text


@pytest.mark.parametrize(
    ("setting", "bad", "message"),
    [
        ("threshold: 20", "threshold: 150", "'threshold' must be a whole number from 0 to 100, not 150"),
        ("series: 50", "serie: 50", "unknown name 'serie' in 'weights': did you mean 'series'?"),
        ("series: 50", "themes: 40", "'themes' is a facet: set its weight as 'related_weight' in taxonomy/themes.yml"),
    ],
)
def test_bad_related_settings_stop_the_build_with_a_clear_message(hub, caplog, setting, bad, message):
    config = hub / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert f" {setting}\n" in text
    config.write_text(text.replace(f" {setting}\n", f" {bad}\n"), encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    assert f"mkdocs.yml: extra: cohub: related: {message}" in caplog.text

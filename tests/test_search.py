"""Search: what pages tell Pagefind, the index build, and searching in a real browser."""

from __future__ import annotations

import gzip
import itertools
import json
import logging
import re
import subprocess
import textwrap
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from mkdocs.exceptions import Abort, PluginError

from bench.corpus import REPO
from cohub.cli import main
from cohub.filter_listing import CHUNK_SIZE, LISTING_DIR, filter_listing
from cohub.hub import load_hub
from cohub.search import (
    PAGEFIND_ALLOCATOR_SETTINGS,
    PAGEFIND_ALLOCATOR_VARIABLE,
    acronym_terms,
    case_study_search,
    filter_name,
    pagefind_environment,
    pagefind_program,
    search_filters,
    search_vocabulary,
    subject_words,
)
from cohub.search_compression import recompress_metadata, recompressed
from cohub.search_order import (
    NEWEST_FIRST_FILE,
    SearchOrderError,
    newest_first,
    page_ids,
    read_fragment,
    write_newest_first,
)
from cohub.taxonomy import Facet, load_taxonomy
from tests.conftest import build_hub, copy_hub, published, sample_hub, serve_site
from tests.test_check import VALID
from tests.test_site_wide import _violations

if TYPE_CHECKING:
    from collections.abc import Iterator

TAXONOMY, _ = load_taxonomy(REPO)
HEADER_BOX = ".cohub-search pagefind-searchbox input[role=combobox]"
HEADER_RESULT = ".cohub-search [role=listbox] a[role=option]"
PAGE_INPUT = ".cohub-search-page pagefind-input input"
PAGE_RESULT = ".cohub-search-page .cohub-result__title a"
ESSEX = "case-studies/essex-tender-evaluation/"
THURROCK = "case-studies/thurrock-direct-payments/"
PANEL = "case-studies/panel/"

# A third case study, at another rung of the ladder, that uses acronyms
# without spelling them out, and spells out one without its acronym.
PANEL_TEXT = (
    VALID.replace("ladder_rung: co-production", "ladder_rung: co-design")
    .replace("region: east-of-england", "region: london")
    .replace(
        "Tenants chose the provider.",
        textwrap.dedent("""\
        Tenants chose the provider after a tender. The CQC had rated the old
        service as requiring improvement. The integrated care board paid for
        half of the new contract.
        """),
    )
)


# Pure functions.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is Thurrock's ULO.", ("user-led organisation",)),
        ("A user-led organisation (ULO) helped.", ()),
        ("Two user led organisations helped.", ("ULO",)),
        ("Local PAs were paid the living wage.", ("personal assistant",)),
        ("She had a pa and a spa.", ()),
        ("The disabled people\u2019s organisation spoke up.", ("DPO",)),
        ("The ICBs and the NHS agreed.", ("integrated care board", "National Health Service")),
        ("NHS-funded care", ("National Health Service",)),
        ("", ()),
    ],
)
def test_acronym_terms_add_the_missing_half(text, expected):
    assert acronym_terms(text, TAXONOMY.acronyms) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Themes", "Themes"),
        ("Ladder of co-production", "Ladder of co-production"),
        ("Topics: all, by name", "Topics all by name"),
    ],
)
def test_filter_names_never_hold_the_characters_pagefind_splits_on(label, expected):
    assert filter_name(Facet(id="x", label=label, description="", terms=())) == expected


def test_a_case_study_is_filtered_by_its_terms_and_its_organisations_kinds():
    hub = load_hub(sample_hub())
    thurrock = published(hub, "thurrock-direct-payments")
    search = case_study_search(thurrock, hub.taxonomy, thurrock.body)
    assert ("Themes", "Direct payments") in search.filters
    assert ("Service types", "Direct payment support services") in search.filters
    assert ("Commissioning stages", "Review") in search.filters
    assert ("Ladder of co-production", "Co-production") in search.filters
    assert ("Regions", "East of England") in search.filters
    assert ("Organisation types", "User-led organisation") in search.filters
    assert len(search.filters) == len(set(search.filters))
    assert search.details == "Thurrock, East of England. Added 23 November 2026."
    assert "CIL" in search.terms


def test_a_case_studys_subject_is_what_its_front_matter_tags_it_with_and_their_synonyms():
    hub = load_hub(sample_hub())
    essex = published(hub, "essex-tender-evaluation")
    subject = subject_words(essex, hub.taxonomy)
    assert {"supported", "living", "housing", "tender", "procurement"} <= set(subject)
    assert len(subject) == len(set(subject))
    thurrock = published(hub, "thurrock-direct-payments")
    assert "housing" not in subject_words(thurrock, hub.taxonomy)
    assert case_study_search(essex, hub.taxonomy, essex.body).subject == subject


def test_the_filter_listing_lists_each_terms_case_studies_newest_first_with_the_filters_their_pages_carry():
    hub = load_hub(sample_hub())
    files = {
        listing_file.path: json.loads(listing_file.content)
        for listing_file in filter_listing(hub.case_studies, hub.taxonomy)
    }
    newest_first = [
        row
        for start in range(0, len(hub.case_studies), CHUNK_SIZE)
        for row in files[f"{LISTING_DIR}/{start // CHUNK_SIZE}.json"]
    ]
    assert sorted(row[0] for row in newest_first) == sorted(case_study.url for case_study in hub.case_studies)
    by_url = {case_study.url: case_study for case_study in hub.case_studies}
    dates = [by_url[row[0]].date for row in newest_first]
    assert dates == sorted(dates, reverse=True)
    terms = [(f.param, f.name, term_id, label) for f in search_filters(hub.taxonomy) for term_id, label in f.terms]
    carried = {
        row[0]: set(case_study_search(by_url[row[0]], hub.taxonomy, by_url[row[0]].body).filters)
        for row in newest_first
    }
    listed = 0
    for param, name, term_id, label in terms:
        steps = files[f"{LISTING_DIR}/{param}/{term_id}.json"]
        places = list(itertools.accumulate(row[0] for row in steps))
        assert all(row[0] > 0 for row in steps[1:])
        rows = [[place, *numbers] for place, (_step, *numbers) in zip(places, steps, strict=True)]
        assert [newest_first[place][0] for place in places] == [
            row[0] for row in newest_first if (name, label) in carried[row[0]]
        ]
        for place, *numbers in rows:
            assert {terms[number][1::2] for number in numbers} == carried[newest_first[place][0]]
        listed += len(rows)
    assert listed > len(hub.case_studies)
    essex = newest_first[[row[0] for row in newest_first].index(ESSEX)]
    assert essex[1:] == [
        by_url[ESSEX].title,
        "Essex, East of England. Added 23 November 2026.",
        by_url[ESSEX].summary,
    ]


def test_the_search_page_points_to_the_filter_listing_built_with_the_site(built_site):
    html = read(built_site, "search")
    listing = re.search(r'id="cohub-filter-params" data-listing="([^"]+)"\s+data-chunk-size="(\d+)"', html)
    assert listing is not None, "the search page names no filter listing"
    assert listing.groups() == ("listing/", str(CHUNK_SIZE))
    rows = json.loads((built_site / "search" / "listing" / "regions" / "east-of-england.json").read_text("utf-8"))
    chunk = json.loads((built_site / "search" / "listing" / "0.json").read_text("utf-8"))
    assert {chunk[place][0] for place, *_ in rows} == {ESSEX, THURROCK}
    assert (built_site / "search" / "listing" / "regions" / "london.json").read_text("utf-8") == "[]"


def test_search_filters_follow_the_facet_registry():
    filters = search_filters(TAXONOMY)
    assert [f.param for f in filters] == [facet.id for facet in TAXONOMY.facets.values() if facet.search]
    themes = next(f for f in filters if f.param == "themes")
    assert themes.name == "Themes"
    assert ("tendering", "Tendering and procurement") in themes.terms


def test_the_suggestions_vocabulary_holds_the_terms_words():
    words = search_vocabulary(TAXONOMY)
    assert {"tender", "payments", "supported", "advocacy"} <= set(words)
    assert all(len(word) >= 4 and word == word.lower() for word in words)
    assert list(words) == sorted(set(words))


# Building the index.


@pytest.mark.parametrize(
    ("already", "given"),
    [
        (None, PAGEFIND_ALLOCATOR_SETTINGS),
        # A council that tunes Pagefind's allocator itself keeps its own settings.
        ("narenas:1", "narenas:1"),
    ],
)
def test_pagefind_is_given_its_allocator_settings_unless_some_are_set(monkeypatch, already, given):
    if already is None:
        monkeypatch.delenv(PAGEFIND_ALLOCATOR_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PAGEFIND_ALLOCATOR_VARIABLE, already)
    monkeypatch.setenv("COHUB_TEST_VARIABLE", "kept")
    environment = pagefind_environment()
    assert environment[PAGEFIND_ALLOCATOR_VARIABLE] == given
    assert environment["COHUB_TEST_VARIABLE"] == "kept"


def test_the_shipped_pagefind_accepts_its_allocator_settings():
    # jemalloc says so on standard error, and carries on, when a setting is wrong.
    run = subprocess.run(
        [str(pagefind_program()), "--version"], env=pagefind_environment(), capture_output=True, text=True, check=True
    )
    assert run.stderr == ""


@pytest.mark.parametrize(
    ("addresses", "expected"),
    [
        # In the case studies' order; the hand-written page is left out.
        (("c/", "b/"), ("id-c", "id-b")),
        # However the addresses sort.
        (("a/", "c/", "b/"), ("id-a", "id-c", "id-b")),
        # A case study that was not indexed changes nothing.
        (("gone/", "a/"), ("id-a",)),
        ((), ()),
    ],
)
def test_newest_first_gives_the_case_studies_ids_in_their_order(addresses, expected):
    ids = {"a/": "id-a", "b/": "id-b", "c/": "id-c", "about/": "id-about"}
    assert newest_first(ids, addresses) == expected


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not gzip at all", "not a Pagefind fragment"),
        (gzip.compress(b'{"url": "/a/"}'), "no 'pagefind_dcd' marker"),
        (gzip.compress(b"pagefind_dcd{not json"), "not a Pagefind fragment"),
        (gzip.compress(b'pagefind_dcd{"content": "no address"}'), "without an address"),
        (gzip.compress(b"pagefind_dcd[1, 2]"), "without an address"),
    ],
)
def test_a_fragment_that_is_not_pagefinds_is_a_clear_error(tmp_path, content, problem):
    fragment = tmp_path / "fragment" / "en_0000000.pf_fragment"
    fragment.parent.mkdir()
    fragment.write_bytes(content)
    with pytest.raises(SearchOrderError, match=re.escape(problem)):
        page_ids(tmp_path)
    with pytest.raises(SearchOrderError, match=re.escape(problem)):
        write_newest_first(tmp_path, ())
    assert not (tmp_path / NEWEST_FIRST_FILE).exists()


METADATA = b"pagefind_dcd" + b"".join(b"en-gb_%07x" % (number * 7919) for number in range(2000))


@pytest.mark.parametrize(
    ("data", "smaller"),
    [
        (gzip.compress(METADATA, compresslevel=6), True),
        (gzip.compress(METADATA, compresslevel=1), True),
        (b"not gzip", False),
        (gzip.compress(METADATA)[:-9], False),
        (gzip.compress(b"x"), False),
    ],
)
def test_recompressed_is_the_same_content_smaller_or_nothing(data, smaller):
    again = recompressed(data)
    assert (again is not None) is smaller
    if again is not None:
        assert len(again) < len(data)
        assert gzip.decompress(again) == METADATA
        assert recompressed(again) is None


def test_the_metadata_is_recompressed_in_place_and_nothing_else(tmp_path):
    (tmp_path / "pagefind.en-gb_123.pf_meta").write_bytes(gzip.compress(METADATA))
    (tmp_path / "wasm.en-gb.pagefind").write_bytes(gzip.compress(METADATA))
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "en-gb_1.pf_index").write_bytes(gzip.compress(METADATA))
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    saved = recompress_metadata(tmp_path)
    after = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert after.keys() == before.keys()
    meta = tmp_path / "pagefind.en-gb_123.pf_meta"
    assert saved == len(before[meta]) - len(after[meta]) > 0
    assert gzip.decompress(after[meta]) == METADATA
    assert {path: data for path, data in after.items() if path != meta} == {
        path: data for path, data in before.items() if path != meta
    }


def test_a_failed_index_fails_the_build_with_its_reason(hub, tmp_path, monkeypatch, caplog, capfd):
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    assert "the search index was not built: Pagefind failed: Error: out of memory" in caplog.text
    assert main(["--root", str(hub), "build"]) == 1
    captured = capfd.readouterr()
    assert "Pagefind failed: Error: out of memory" in captured.err
    assert "Traceback" not in captured.err + captured.out


# The built site.


def read(site, address: str) -> str:
    return (site / address / "index.html").read_text(encoding="utf-8")


def test_material_search_is_off_and_the_pagefind_bundle_is_served_from_the_site(built_site):
    assert not (built_site / "search" / "search_index.json").exists()
    for name in ("pagefind.js", "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-entry.json"):
        assert (built_site / "pagefind" / name).is_file(), name
    html = read(built_site, "")
    assert '<script src="pagefind/pagefind-component-ui.js" defer></script>' in html


@pytest.mark.parametrize(
    ("address", "indexed"),
    [
        ("", False),
        ("about-co-production", True),
        (THURROCK, True),
        ("case-studies", False),
        ("tags", False),
        ("search", False),
        ("glossary", False),
        ("browse", False),
        ("organisations/purple", False),
    ],
)
def test_only_content_pages_are_indexed(built_site, address, indexed):
    assert ("data-pagefind-body" in read(built_site, address)) is indexed


def test_the_not_found_page_is_not_indexed(built_site):
    assert "data-pagefind-body" not in (built_site / "404.html").read_text(encoding="utf-8")


def test_a_case_study_carries_its_filters_and_acronyms_hidden_and_no_sort(built_site):
    html = read(built_site, THURROCK)
    hidden_part = re.search(r"<div hidden>(.*?)</div>", html, re.DOTALL)
    assert hidden_part is not None, "the case study has no hidden part for search"
    hidden = hidden_part.group(1)
    assert '<span data-pagefind-filter="Ladder of co-production:Co-production"></span>' in hidden
    assert '<span data-pagefind-filter="Service types:Direct payment support services"></span>' in hidden
    assert '<span data-pagefind-filter="Organisation types:User-led organisation"></span>' in hidden
    assert "data-pagefind-sort" not in html
    # Its summary counts for more than its story.
    assert '<p class="cohub-summary" data-pagefind-weight="2">' in html
    assert "<p>CIL. DP</p>" in hidden


def test_the_build_writes_the_case_studies_newest_first_beside_the_index(built_site):
    hub = load_hub(sample_hub())
    ids = page_ids(built_site / "pagefind")
    order = json.loads((built_site / "pagefind" / NEWEST_FIRST_FILE).read_text(encoding="utf-8"))
    by_id = {page_id: address for address, page_id in ids.items()}
    addresses = [by_id[page_id] for page_id in order]
    assert sorted(addresses) == sorted(case_study.url for case_study in hub.case_studies)
    assert addresses == [case_study.url for case_study in hub.case_studies]
    dates = [published(hub, address.split("/")[1]).date for address in addresses]
    assert dates == sorted(dates, reverse=True)
    assert "about-co-production/" in ids


def test_the_built_metadata_is_recompressed(built_site):
    (meta,) = (built_site / "pagefind").glob("pagefind.*.pf_meta")
    assert gzip.decompress(meta.read_bytes()).startswith(b"pagefind_dcd")
    assert recompressed(meta.read_bytes()) is None


def test_a_case_studys_index_holds_its_story_but_not_the_pages_set_wording(built_site):
    ids = page_ids(built_site / "pagefind")
    fragment = read_fragment(built_site / "pagefind" / "fragment" / f"{ids[THURROCK]}.pf_fragment")
    content = fragment["content"]
    # The title, summary, place, publisher and the story's own words stay.
    assert "Thurrock" in content
    assert "Thurrock Council" in content
    for wording in (
        "Add your comment",
        "A moderator reads every comment",
        "About this case study",
        "retells, in our own words",
        "first published by",
        "The story was told by",
        "Where this story comes from",
        "another website",
        "Told by",
        "November 2026",
    ):
        assert wording not in content, wording


def test_the_header_search_has_a_shortcut_and_says_what_to_do_without_javascript(built_site):
    html = read(built_site, "about-co-production")
    assert (
        '<pagefind-searchbox class="cohub-search__box" placeholder="Search case studies" shortcut="mod+k" '
        'debounce="300">'
    ) in html
    noscript_part = re.search(r"<noscript>(.*?)</noscript>", html, re.DOTALL)
    assert noscript_part is not None, "the page says nothing to a browser without JavaScript"
    noscript = noscript_part.group(1)
    assert "Search needs JavaScript" in noscript
    assert 'href="../case-studies/"' in noscript and 'href="../tags/"' in noscript


# In a real browser.


@pytest.fixture(scope="module")
def panel_site(tmp_path_factory) -> Iterator[str]:
    """The real hub plus PANEL_TEXT, built and served."""
    root = tmp_path_factory.mktemp("panel") / "hub"
    root.mkdir()
    copy_hub(root)
    (root / "case_studies" / "panel.md").write_text(PANEL_TEXT, encoding="utf-8")
    with serve_site(build_hub(root)) as url:
        yield url


def listen_for_announcements(page) -> None:
    """Record every text that appears in Pagefind's live regions (it clears them soon after)."""
    page.evaluate("""() => {
        window.announced = [];
        new MutationObserver(() => {
            for (const region of document.querySelectorAll('[data-pagefind-announcer] [aria-live]')) {
                if (region.textContent && region.getAttribute('role') === 'status') {
                    window.announced.push(region.textContent);
                }
            }
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")


def header_search(page, query: str) -> list[str]:
    """Search from the header with the keyboard; return the results' addresses, best first."""
    page.keyboard.press("Control+k")
    page.keyboard.type(query)
    # Results load one by one into placeholders: wait until the best one has.
    page.wait_for_function(
        "document.querySelector('.cohub-search [role=listbox]')?.firstElementChild?.matches('a[role=option]')"
    )
    page.wait_for_timeout(200)
    return [
        urlsplit(href).path.lstrip("/")
        for href in page.eval_on_selector_all(HEADER_RESULT, "els => els.map(e => e.href)")
    ]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("tender evaluation", ESSEX),
        ("direct payment", THURROCK),
    ],
)
def test_the_best_match_comes_first(page, site_url, query, first):
    page.goto(site_url)
    assert header_search(page, query)[0] == first


@pytest.mark.parametrize("query", ["ULO", "user-led organisation"])
def test_an_acronym_and_its_expansion_both_find_the_story(page, site_url, query):
    page.goto(site_url)
    assert THURROCK in header_search(page, query)


@pytest.mark.parametrize("query", ["Care Quality Commission", "ICB"])
def test_the_hidden_half_of_an_acronym_is_searchable(page, panel_site, query):
    page.goto(panel_site)
    assert header_search(page, query) == [PANEL]


def test_the_result_count_is_announced_in_a_live_region(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    listen_for_announcements(page)
    header_search(page, "tender evaluation")
    page.wait_for_function("window.announced.some(text => /result/.test(text))")
    # Essex's story says "tender evaluation"; Thurrock's is tagged with Tendering, whose synonyms say it.
    assert "2 results for tender evaluation" in page.evaluate("window.announced")
    regions = page.eval_on_selector_all(
        "[data-pagefind-announcer] [role=status]", "els => els.map(e => e.getAttribute('aria-live'))"
    )
    assert "polite" in regions


def test_the_header_search_works_from_the_keyboard_alone(page, site_url):
    page.goto(site_url + THURROCK)
    for _ in range(20):
        if page.evaluate("document.activeElement.getAttribute('role')") == "combobox":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("tender evaluation")
    page.wait_for_selector(HEADER_RESULT)
    box = page.locator(HEADER_BOX)
    assert box.get_attribute("aria-expanded") == "true"
    selected = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{selected}").get_attribute("aria-selected") == "true"
    assert _violations(page) == []
    page.keyboard.press("Enter")
    page.wait_for_url(site_url + ESSEX)


def test_the_shortcut_focuses_the_search_box_from_anywhere(page, site_url):
    page.goto(site_url + "about-co-production/")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    assert page.locator(HEADER_BOX).get_attribute("aria-keyshortcuts") == "Control+k"


def tab_to(page, script: str, limit: int = 60) -> None:
    """Press Tab until ``script`` (about ``el``, the focused element) is true."""
    for _ in range(limit):
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({script}); }})()"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached: {script}")


def result_addresses(page) -> list[str]:
    return [
        urlsplit(href).path.lstrip("/")
        for href in page.eval_on_selector_all(PAGE_RESULT, "els => els.map(e => e.href)")
    ]


def count_beside(page, value: str) -> str:
    label = page.locator(".pf-filter-checkbox", has=page.locator(f"input[value='{value}']"))
    return label.locator(".pf-filter-checkbox-count").text_content()


def test_filters_narrow_a_query_from_the_keyboard_alone(page, panel_site):
    page.goto(panel_site + "search/")
    listen_for_announcements(page)
    tab_to(page, "el.matches('pagefind-input input')")
    page.keyboard.type("tender")
    page.wait_for_function(
        "document.querySelector('.cohub-search-page .pf-summary').textContent.includes('for tender')"
    )
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length >= 3")
    assert {ESSEX, THURROCK, PANEL} <= set(result_addresses(page))
    # The number shows; the words after it are for screen readers.
    assert count_beside(page, "Co-design") == "1 case study"
    assert count_beside(page, "Co-production") == "2 case studies"

    tab_to(page, "el.matches('summary') && el.textContent.includes('Ladder of co-production')")
    page.keyboard.press("Enter")
    tab_to(page, "el.matches('input[type=checkbox]') && el.value === 'Co-production'")
    page.keyboard.press("Space")
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 2")
    assert set(result_addresses(page)) == {ESSEX, THURROCK}

    tab_to(page, "el.matches('summary') && el.textContent.includes('Service types')")
    page.keyboard.press("Enter")
    tab_to(page, "el.matches('input[type=checkbox]') && el.value === 'Supported living'")
    page.keyboard.press("Space")
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 1")
    assert result_addresses(page) == [ESSEX]
    page.wait_for_function("window.announced.some(text => text === '1 result for tender')")
    assert _violations(page) == []

    tab_to(page, "el.id === 'cohub-order'")
    page.keyboard.press("ArrowDown")
    assert page.locator("#cohub-order").input_value() == "date"
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 1")
    assert result_addresses(page) == [ESSEX]

    tab_to(page, f"el.matches('{PAGE_RESULT}')")
    page.keyboard.press("Enter")
    page.wait_for_url(panel_site + ESSEX)


def test_results_can_be_ordered_newest_first(page, panel_site):
    page.goto(panel_site + "search/")
    summary = page.locator(".cohub-search-page .pf-summary")
    assert summary.inner_text() == "Type a word or two, or tick the filters to list the case studies they cover."
    page.locator(PAGE_INPUT).fill("tender")
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length >= 4")
    best = result_addresses(page)
    assert "about-co-production/" in best
    page.get_by_label("Order").select_option(label="Newest case studies first")
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 3")
    newest = result_addresses(page)
    assert set(newest[:2]) == {ESSEX, THURROCK}
    assert newest[2] == PANEL


def test_searching_asks_only_the_site_itself_and_the_header_skips_filters(page, site_url):
    own = urlsplit(site_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url)
    header_search(page, "direct payment")
    page.wait_for_load_state("networkidle")
    assert any("/pagefind/index/" in url for url in requested)
    assert not any("/pagefind/filter/" in url for url in requested)
    assert [url for url in requested if urlsplit(url).netloc != own] == []


def test_without_javascript_the_search_area_points_to_the_browse_pages(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(site_url)
        message = page.locator(".cohub-search__off")
        assert message.is_visible()
        assert "Search needs JavaScript" in message.inner_text()
        links = message.locator("a").evaluate_all("els => els.map(e => [e.textContent, e.getAttribute('href')])")
        assert links == [["case studies", "case-studies/"], ["tags", "tags/"]]
        page.goto(site_url + "search/")
        # Playwright's text selectors skip <noscript>, even when it is shown: use CSS.
        notice = page.locator("noscript .admonition")
        assert notice.is_visible()
        assert "JavaScript is switched off in your browser" in notice.inner_text()
        links = notice.locator("a").evaluate_all("els => els.map(e => [e.textContent, e.getAttribute('href')])")
        assert links == [
            ["browse all case studies, newest first", "../case-studies/"],
            ["browse case studies by tag", "../tags/"],
        ]
        assert not page.locator(".cohub-search-page").is_visible()
    finally:
        context.close()


def checked_values(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            ".cohub-search-page pagefind-filter-pane input[type=checkbox]:checked", "els => els.map(e => e.value)"
        )
    )


def test_a_link_to_a_search_opens_it_with_its_words_filters_and_order(page, panel_site):
    page.goto(panel_site + "search/?q=tender&ladder_rungs=co-production&order=date")
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 2")
    page.wait_for_timeout(300)
    assert set(result_addresses(page)) == {ESSEX, THURROCK}
    assert page.locator(PAGE_INPUT).input_value() == "tender"
    assert page.locator("#cohub-order").input_value() == "date"
    assert checked_values(page) == {"Co-production"}
    summary = page.locator(".cohub-search-page .pf-summary")
    assert summary.inner_text() == "2 results for tender"


def test_the_address_follows_the_search_without_adding_to_the_history(page, panel_site):
    page.goto(panel_site + "search/")
    page.wait_for_selector(".pf-filter-group")
    history = page.evaluate("history.length")
    page.locator(PAGE_INPUT).press_sequentially("tender", delay=50)
    page.wait_for_function("location.search === '?q=tender'")
    page.locator(".pf-filter-group summary", has_text="Service types").click()
    page.locator(".pf-filter-checkbox", has=page.locator("input[value='Supported living']")).click()
    page.wait_for_function("location.search === '?q=tender&service_types=supported-living'")
    page.get_by_label("Order").select_option(label="Newest case studies first")
    page.wait_for_function("location.search === '?q=tender&service_types=supported-living&order=date'")
    assert page.evaluate("history.length") == history
    # The address works as a link: a fresh page shows the same results.
    results = sorted(result_addresses(page))
    page.reload()
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === {len(results)}")
    assert sorted(result_addresses(page)) == results
    assert page.locator(PAGE_INPUT).input_value() == "tender"


@pytest.mark.parametrize(
    ("address", "summary", "cleaned"),
    [
        ("search/?q=%3Cb%3Etender&themes=%3Cb%3E&order=x", "No results for <b>tender", "?q=%3Cb%3Etender"),
        (
            "search/?themes=no-such-term&nothing=1",
            "Type a word or two, or tick the filters to list the case studies they cover.",
            "",
        ),
    ],
)
def test_a_mangled_address_is_searched_as_text_and_ignored_where_unknown(page, panel_site, address, summary, cleaned):
    page.goto(panel_site + address)
    page.wait_for_function(f"location.search === {cleaned!r}")
    page.wait_for_selector(".pf-filter-group", state="attached")
    page.wait_for_timeout(300)
    assert page.locator(".cohub-search-page .pf-summary").inner_text() == summary
    assert page.locator(".cohub-search-page b").count() == 0
    assert page.locator("#cohub-order").input_value() == ""
    assert checked_values(page) == set()


def test_filters_with_no_words_list_their_case_studies_with_counts_that_match(page, panel_site):
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    page.goto(panel_site + "search/")
    listen_for_announcements(page)
    page.wait_for_selector(".pf-filter-group")
    assert (
        page.locator(".cohub-search-page .pf-summary").inner_text()
        == "Type a word or two, or tick the filters to list the case studies they cover."
    )
    assert page.locator(PAGE_RESULT).count() == 0

    # One term: every case study with it, newest first (the hand-written pages have no date).
    page.locator(".pf-filter-group summary", has_text="Regions").click()
    page.locator(".pf-filter-checkbox", has=page.locator("input[value='East of England']")).click()
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 2")
    page.wait_for_timeout(300)
    assert set(result_addresses(page)) == {ESSEX, THURROCK}
    assert count_beside(page, "East of England") == "2 case studies"
    assert page.locator(".cohub-search-page .pf-summary").inner_text() == "2 results"
    page.locator(".pf-filter-checkbox", has=page.locator("input[value='East of England']")).click()
    page.wait_for_function("document.querySelector('.cohub-search-page .pf-summary').textContent.startsWith('Type')")

    page.locator(".pf-filter-group summary", has_text="Ladder of co-production").click()
    page.locator(".pf-filter-checkbox", has=page.locator("input[value='Co-production']")).click()
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 2")
    assert set(result_addresses(page)) == {ESSEX, THURROCK}
    assert count_beside(page, "Co-production") == "2 case studies"
    assert page.evaluate("location.search") == "?ladder_rungs=co-production"

    page.locator(".pf-filter-group summary", has_text="Service types").click()
    page.locator(".pf-filter-checkbox", has=page.locator("input[value='Supported living']")).click()
    page.wait_for_function(f"document.querySelectorAll('{PAGE_RESULT}').length === 1")
    page.wait_for_timeout(300)
    assert result_addresses(page) == [ESSEX]
    assert count_beside(page, "Co-production") == "1 case study"
    assert count_beside(page, "Supported living") == "1 case study"
    assert page.locator(".cohub-search-page .pf-summary").inner_text() == "1 result"
    page.wait_for_function("window.announced.some(text => /1 result/.test(text))")
    assert _violations(page) == []
    # Listed from cohub's small files, never from Pagefind's word index.
    assert "/search/listing/service_types/supported-living.json" in fetched
    assert "/search/listing/0.json" in fetched
    assert not [path for path in fetched if path.endswith(".pf_index")]


HOSTILE_TITLE = "Tenants &amp; staff <3 the panel"
HOSTILE_SUMMARY = 'They wrote &lt;b&gt;bold&lt;/b&gt; & "quoted" words < 5 times.'


def test_filters_with_no_words_show_titles_and_summaries_as_text(page, hub):
    story = (
        VALID.replace("title: A tenancy panel run by tenants", f"title: '{HOSTILE_TITLE}'")
        .replace(
            "summary: Tenants sat on the panel that chose who runs their homes.",
            f"summary: '{HOSTILE_SUMMARY}'",
        )
        .replace("region: east-of-england", "region: london")
    )
    (hub / "case_studies" / "hostile.md").write_text(story, encoding="utf-8")
    with serve_site(build_hub(hub)) as url:
        page.goto(url + "search/?regions=london")
        page.wait_for_selector(PAGE_RESULT)
        assert page.locator(PAGE_RESULT).inner_text() == HOSTILE_TITLE
        assert page.locator(".cohub-search-page .cohub-result__excerpt").inner_text() == HOSTILE_SUMMARY
        assert page.locator(".cohub-search-page .cohub-result b").count() == 0


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("tendr", "tender"),
        ("Tendr evalaution", "tender evaluation"),
    ],
)
def test_a_misspelt_search_suggests_the_nearest_words_of_the_vocabulary(page, panel_site, query, suggested):
    page.goto(panel_site + "search/")
    page.locator(PAGE_INPUT).fill(query)
    link = page.locator("#cohub-suggestion a")
    link.wait_for()
    assert page.locator("#cohub-suggestion").inner_text() == f"Did you mean {suggested}?"
    link.click()
    page.wait_for_function(
        f"document.querySelector('.cohub-search-page .pf-summary')?.textContent.endsWith('for {suggested}')"
    )
    page.wait_for_selector(PAGE_RESULT)
    assert page.locator("#cohub-suggestion").inner_text() == ""


def test_a_search_that_finds_something_suggests_nothing(page, panel_site):
    page.goto(panel_site + "search/?q=tender")
    page.wait_for_selector(PAGE_RESULT)
    assert page.locator("#cohub-suggestion").inner_text() == ""

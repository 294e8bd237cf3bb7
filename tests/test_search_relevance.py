"""Search relevance: the story a practitioner means comes first, through Pagefind's real index in Chromium.

The fixture hub (tests/relevance_hub/) holds thirteen short case studies on
different services and themes. Several say a word that a query's words stem
to ("support service", "living", "at home", "lives") without being about it,
and several are about a subject their text never names (a case study tagged
"Tendering" that only speaks of bids): the story a query names by its title,
summary or tags must still come first. The queries live in bench/relevance.py,
which measures Pagefind's ranking settings on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from bench.relevance import FIXTURE, KNOWN_MISSES, QUERIES, fixture_hub
from tests.conftest import build_hub, serve_site

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

RESULTS = ".cohub-search-page .pf-results"
TITLE = ".cohub-result__title a"


@pytest.fixture(scope="module")
def relevance_site(tmp_path_factory) -> Iterator[str]:
    """The hub's site with the fixture's case studies in place of the real ones, built and served."""
    root = tmp_path_factory.mktemp("relevance") / "hub"
    root.mkdir()
    with serve_site(build_hub(fixture_hub(root))) as url:
        yield url


@pytest.fixture(scope="module")
def search_page(browser: Browser, relevance_site: str) -> Iterator[Page]:
    """The fixture site's search page, open in one tab for every query."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(relevance_site + "search/")
    page.wait_for_selector(".cohub-search-page pagefind-input input")
    yield page
    context.close()


def first_result(page, query: str) -> str:
    """Search on the search page; return the best result's case study, or "" when nothing is found."""
    page.locator(".cohub-search-page pagefind-input input").fill(query)
    # One look at the summary and the first result together. The Component UI puts
    # a placeholder for each result, then fills each in as its data arrives, in any
    # order: the first link on the page may belong to the second result, and a
    # placeholder found by one call may be replaced by the next.
    found = page.wait_for_function(
        """([query, results, title]) => {
        const summary = document.querySelector('.cohub-search-page .pf-summary')?.textContent || '';
        if (summary.startsWith('No results for ' + query)) return {href: ''};
        if (!summary.endsWith(' for ' + query)) return null;
        const first = document.querySelector(results)?.firstElementChild;
        const link = first?.querySelector(title);
        return link ? {href: link.href} : null;
    }""",
        arg=[query, RESULTS, TITLE],
    ).json_value()
    return urlsplit(found["href"]).path.strip("/").removeprefix("case-studies/")


def test_the_fixture_is_big_and_varied_enough():
    stories = list(FIXTURE.glob("*.md"))
    assert len(stories) >= 12
    assert len(QUERIES) >= 20
    assert {first for _, first in QUERIES} == {story.stem for story in stories}
    assert not {query for query, _ in KNOWN_MISSES} & {query for query, _ in QUERIES}


@pytest.mark.parametrize(("query", "first"), QUERIES)
def test_the_story_a_query_names_comes_first(search_page, query, first):
    assert first_result(search_page, query) == first

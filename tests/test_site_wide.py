"""Checks every built page in a real browser: accessibility and privacy.

Later features inherit these checks by adding pages: nothing here names a page.
"""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlsplit

import pytest

from tests.conftest import sample_site, site_pages

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_SCRIPT = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


PAGES = site_pages(sample_site())


def test_the_site_has_the_pages_a_reader_expects():
    assert "" in PAGES
    assert "case-studies/" in PAGES
    assert "case-studies/thurrock-direct-payments/" in PAGES
    assert "case-studies/essex-tender-evaluation/" in PAGES


def _violations(page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']}: {violation['help']} at {node['target']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("address", PAGES)
def test_page_has_no_axe_violations(page, site_url, address):
    page.goto(site_url + address)
    assert _violations(page) == []


@pytest.mark.parametrize("address", PAGES)
def test_page_requests_only_its_own_site(page, site_url, address):
    own = urlsplit(site_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + address, wait_until="networkidle")
    foreign = [
        url
        for url in requested
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
    ]
    assert foreign == []
    assert requested, "the browser saw no request at all, so this check proved nothing"

"""Every request a page makes in a real browser is answered, none with an error.

A request that fails is a line in the council's error log on every page view and
a wasted round trip for every visitor, even when the page looks right.
"""

from __future__ import annotations

import pytest

# The home page, a case study and a term page: each links feeds in its head, the term page two.
ADDRESSES = ("", "case-studies/essex-tender-evaluation/", "browse/themes/tendering/")


@pytest.mark.parametrize("address", ADDRESSES)
def test_no_request_a_page_makes_gets_an_error(strict_page, site_url, address):
    answered: list[str] = []
    failed: list[str] = []

    def record(response) -> None:
        answered.append(response.url)
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    strict_page.on("response", record)
    strict_page.goto(site_url + address, wait_until="networkidle")
    assert failed == [], f"{site_url + address} made requests that failed: {', '.join(failed)}"
    # The page's own scripts must have run and asked for something, or this proved nothing.
    assert any("/assets/javascripts/bundle." in url for url in answered), answered

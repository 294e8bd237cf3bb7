"""The Content-Security-Policy: every page of the real hub works under it, and script a page's text
brings in never runs."""

from __future__ import annotations

import pytest

from cohub.csp import content_security_policy, inline_script_hashes, with_policy
from tests.conftest import build_hub, dialogs_shown, sample_site, serve_site, site_pages
from tests.test_comments_site import served_hub  # noqa: F401 (a fixture)
from tests.test_search import HEADER_BOX, HEADER_RESULT

PAGES = site_pages(sample_site())

# Records every violation, from before the page's first script.
RECORD_VIOLATIONS = """
window.cohubViolations = [];
document.addEventListener('securitypolicyviolation',
    event => window.cohubViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
"""


@pytest.mark.parametrize(
    ("page_html", "expected"),
    [
        ("<script>a()</script>", 1),
        ('<script src="x.js"></script>', 0),
        ('<script type="application/json">{}</script><script type="text/pagefind-template"><li></li></script>', 0),
        ('<script type="module">b()</script><SCRIPT>c()</SCRIPT>', 2),
    ],
)
def test_only_inline_scripts_a_browser_runs_are_hashed(page_html, expected):
    assert len(inline_script_hashes(page_html)) == expected


def test_the_policy_allows_what_it_names_and_forms_only_to_the_comment_service():
    policy = content_security_policy(
        {"'sha256-abc='"}, ["https://comments.example.gov.uk/comments", "/comments", 'https://x" onload="a']
    )
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='" in policy
    assert policy.endswith("form-action 'self' https://comments.example.gov.uk")
    assert "object-src 'none'" in policy and "base-uri 'self'" in policy
    assert "frame-ancestors" not in policy
    assert "frame-ancestors 'none'" in content_security_policy((), header=True)


def test_the_policy_comes_first_in_the_head():
    page = with_policy('<html><head><meta charset="utf-8"><script>x()</script></head></html>', "default-src 'self'")
    assert page.startswith(
        '<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'self'\"><script>"
    )


@pytest.mark.parametrize("address", PAGES)
def test_every_page_works_under_its_policy(strict_page, site_url, address):
    page = strict_page
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(site_url + address, wait_until="networkidle")
    assert 'http-equiv="Content-Security-Policy"' in page.content()
    assert page.evaluate("window.cohubViolations") == []


def test_search_works_under_the_policy(strict_page, site_url):
    page = strict_page
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(site_url, wait_until="networkidle")
    page.click(HEADER_BOX)
    page.keyboard.type("tender evaluation")
    page.wait_for_selector(HEADER_RESULT)
    assert page.evaluate("window.cohubViolations") == []


def test_script_in_a_pages_text_never_runs(hub, strict_page):
    page = strict_page
    # Hand-written pages are the hub's own and are not checked like case studies: the policy still holds.
    (hub / "docs" / "attack.md").write_text(
        "# Attack\n\n<script>window.cohubRan = 'inline';</script>\n\n"
        '<img src="missing.png" onerror="window.cohubRan = \'handler\'">\n\n'
        '<a id="go" href="javascript:window.cohubRan=\'link\'">Go</a>\n',
        encoding="utf-8",
    )
    dialogs = dialogs_shown(page)
    page.add_init_script(RECORD_VIOLATIONS)
    with serve_site(build_hub(hub)) as url:
        page.goto(url + "attack/", wait_until="networkidle")
        page.click("#go")
        page.wait_for_timeout(300)
        assert page.evaluate("window.cohubRan") is None
        violations = page.evaluate("window.cohubViolations")
    assert len([v for v in violations if v.startswith("script-src")]) >= 3, violations
    assert dialogs == []


def test_cohub_serve_sends_the_policy_and_its_pages_keep_to_it(strict_page, served_hub):  # noqa: F811 (the fixture)
    url, _db = served_hub
    page = strict_page
    page.add_init_script(RECORD_VIOLATIONS)
    visited = []
    for address in ("", "case-studies/essex-tender-evaluation/", "moderate/login", "no-such-page/"):
        response = page.goto(url + address, wait_until="networkidle")
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, address
        visited.append(page.evaluate("window.cohubViolations"))
    assert visited == [[], [], [], []]

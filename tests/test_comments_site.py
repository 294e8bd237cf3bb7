"""The comment form on the real hub's case studies, with ``cohub serve``'s app and Debian Chromium."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from cohub.cli import main
from cohub.comments.validation import COMMENT_MAX_LENGTH
from cohub.serve import hub_app
from tests.comments.helpers import _free_socket, _ServerThread
from tests.conftest import build_hub, dialogs_shown
from tests.test_site_wide import _violations

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CASE = "case-studies/essex-tender-evaluation/"
EMAIL = "commenter@example.org"


@pytest.fixture
def served_hub(hub, tmp_path) -> Iterator[tuple[str, Path]]:
    """The hub built and served as ``cohub serve`` serves it, on a free loopback port."""
    site = build_hub(hub)
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    db = tmp_path / "comments.sqlite3"
    server = _ServerThread(hub_app(hub, site_dir=site, db_path=db, site_url=url), sock)
    server.start()
    yield url, db
    server.stop()


def fill_and_send(page, comment: str, *, name: str = "Jo", email: str = EMAIL) -> None:
    page.fill("#comment", comment)
    page.fill("#name", name)
    page.fill("#email", email)
    page.check("#consent")
    follow(page, "button:has-text('Send comment')")


def follow(page, selector: str) -> None:
    """Click a button or link that loads a new page, and wait until that page has loaded."""
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_a_comment_waits_for_a_moderator_then_appears(browser, served_hub, javascript):
    url, db = served_hub
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url + CASE)
    fill_and_send(page, "We ran a tenants' panel too.\n\nIt changed our minds.")
    assert "/comments/thanks" in page.url
    assert "once a moderator has checked it" in page.content()
    follow(page, "text=Back to the case study")
    assert "We ran a tenants' panel too." not in page.content()

    assert main(["comments", "--db", str(db), "approve", "1"]) == 0
    page.goto(url + CASE)
    comments = page.locator("#approved-comments")
    assert "We ran a tenants' panel too." in comments.inner_text()
    assert "It changed our minds." in comments.inner_text()
    assert "Jo" in comments.inner_text()
    assert EMAIL not in page.content()
    if javascript:
        # axe runs as a script in the page, so it can only run where scripts do.
        assert _violations(page) == []
    context.close()


def test_mistakes_come_back_with_a_summary_and_the_typed_text(page, served_hub):
    url, _db = served_hub
    page.goto(url + CASE)
    page.fill("#name", "Jo <b>bold</b>")
    page.check("#consent")
    follow(page, "button:has-text('Send comment')")
    assert page.locator(".cohub-error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('cohub-error-summary')")
    assert page.input_value("#name") == "Jo <b>bold</b>"
    page.click(".cohub-error-summary a[href='#comment']")
    assert page.evaluate("document.activeElement.id") == "comment"
    long_text = "a" * 5001
    page.fill("#comment", long_text)
    follow(page, "button:has-text('Send comment')")
    assert "5,000 characters or fewer" in page.locator(".cohub-error-summary").inner_text()
    assert page.input_value("#comment") == long_text
    assert _violations(page) == []


def test_the_character_count_counts_down_as_people_type(page, served_hub):
    url, _db = served_hub
    page.goto(url + CASE)
    assert page.locator("#comment-count").inner_text() == "You have 5,000 characters remaining"
    page.fill("#comment", "a" * 5003)
    page.wait_for_function("document.getElementById('comment-count').textContent.includes('too many')")
    assert page.locator("#comment-count").inner_text() == "You have 3 characters too many"


def test_the_limit_is_said_once_and_the_count_reads_it_from_the_page(page, served_hub):
    url, _db = served_hub
    page.goto(url + CASE)
    textarea = page.locator("#comment")
    assert textarea.get_attribute("data-maxlength") == str(COMMENT_MAX_LENGTH)
    assert f"up to {COMMENT_MAX_LENGTH:,} characters" in page.locator("#comment-hint").inner_text()
    # The script counts against whatever the page says, not a number of its own.
    page.route(
        url + CASE,
        lambda route: route.fulfill(
            response=route.fetch(),
            body=route.fetch().text().replace(f'data-maxlength="{COMMENT_MAX_LENGTH}"', 'data-maxlength="12"'),
        ),
    )
    page.goto(url + CASE)
    assert page.locator("#comment-count").inner_text() == "You have 12 characters remaining"


def test_the_whole_journey_works_from_the_keyboard(page, served_hub):
    url, db = served_hub
    page.goto(url + CASE)
    page.focus("#comment")
    page.keyboard.type("Keyboard only, start to finish.")
    for _field in ("#name", "#email", "#consent"):
        page.keyboard.press("Tab")
        # The consent hint's privacy link sits between the checkbox and the button.
    assert page.evaluate("document.activeElement.id") == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send comment"
    page.keyboard.press("Enter")
    page.wait_for_url("**/comments/thanks**")
    with sqlite3.connect(db) as connection:
        assert connection.execute("select body, status from comments").fetchall() == [
            ("Keyboard only, start to finish.", "pending"),
        ]


def test_the_honeypot_is_hidden_from_everyone(page, served_hub):
    url, _db = served_hub
    page.goto(url + CASE)
    assert page.locator(".cohub-honeypot").evaluate("element => getComputedStyle(element).display") == "none"
    tree = page.accessibility.snapshot(interesting_only=False)
    assert "Leave this field empty" not in str(tree)


def test_cohub_build_writes_approved_comments_into_static_pages(hub, tmp_path, monkeypatch):
    # A relative database is in the hub's folder, as for every cohub command, wherever the build runs from.
    db = hub / "data" / "comments.sqlite3"
    monkeypatch.setenv("COHUB_COMMENTS_DB", "data/comments.sqlite3")
    monkeypatch.chdir(tmp_path)
    from cohub.comments import CommentStore

    store = CommentStore(db)
    kept = store.add("essex-tender-evaluation", "Sam", EMAIL, "Published in the static site.", "client")
    store.add("essex-tender-evaluation", "Pat", "", "Still waiting for a moderator.", "client")
    store.approve(kept.id)
    site = build_hub(hub)
    html = (site / CASE / "index.html").read_text(encoding="utf-8")
    assert "Published in the static site." in html
    assert "Still waiting for a moderator." not in html
    assert EMAIL not in html
    assert "Published in the static site." not in (site / "case-studies/thurrock-direct-payments/index.html").read_text(
        encoding="utf-8"
    )


def test_script_in_a_comment_or_name_is_shown_as_text_and_never_runs(page, served_hub):
    url, db = served_hub
    dialogs = dialogs_shown(page)
    page.goto(url + CASE)
    fill_and_send(
        page,
        "<script>alert('comment')</script> and <img src=x onerror=alert('img')>",
        name="<script>alert('name')</script>",
    )
    assert main(["comments", "--db", str(db), "approve", "1"]) == 0
    page.goto(url + CASE)
    shown = page.locator("#approved-comments").inner_text()
    assert "<script>alert('comment')</script>" in shown
    assert "<script>alert('name')</script>" in shown
    assert page.locator("#approved-comments script, #approved-comments img").count() == 0
    assert dialogs == []


def _post_from(url: str, forwarded_for: str) -> int:
    import http.client
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(url)
    body = urlencode(
        {
            "page": "essex-tender-evaluation",
            "comment": f"From {forwarded_for}, a useful comment.",
            "name": "",
            "email": "",
            "consent": "yes",
            "website": "",
        }
    )
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request(
            "POST",
            "/comments",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": url.rstrip("/"),
                "X-Forwarded-For": forwarded_for,
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize(("forwarded_allow_ips", "accepted"), [(None, 5), ("127.0.0.1", 7)])
def test_serve_believes_forwarded_addresses_only_from_the_proxies_it_is_told(
    hub, tmp_path, forwarded_allow_ips, accepted
):
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    app = hub_app(
        hub, site_dir=tmp_path, db_path=tmp_path / "c.sqlite3", site_url=url, forwarded_allow_ips=forwarded_allow_ips
    )
    server = _ServerThread(app, sock)
    server.start()
    try:
        statuses = [_post_from(url, f"192.0.2.{number}") for number in range(7)]
    finally:
        server.stop()
    assert statuses.count(303) == accepted


def test_the_serve_command_hands_on_the_trusted_proxies(hub, monkeypatch):
    import cohub.serve

    calls = []
    monkeypatch.setattr(cohub.serve, "serve", lambda root, **options: calls.append(options))

    assert main(["--root", str(hub), "serve", "--forwarded-allow-ips", "10.0.0.1,10.0.0.2"]) == 0

    assert calls[0]["forwarded_allow_ips"] == "10.0.0.1,10.0.0.2"

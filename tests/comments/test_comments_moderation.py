"""Moderation over real HTTP: signing in, sessions, CSRF, decisions and throttling."""

from __future__ import annotations

import logging
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStatus, CommentStore, RetentionPolicy

from .helpers import FakeClock, HttpResponse, LiveServer, Page, ServerFactory, good_comment, stored

PASSWORD = "a long password 1"


class SignedIn:
    """A moderator's browser: the session cookie and the CSRF token from the list page."""

    def __init__(self, server: LiveServer, login: HttpResponse) -> None:
        assert login.status == 303, login.text
        assert login.headers["location"] == "/moderate"
        self.server = server
        self.cookie = login.set_cookies[0].split(";")[0]
        self.csrf_token = self.list_page().find_all("input", name="csrf_token")[0].attrs["value"] or ""

    def list_page(self) -> Page:
        response = self.server.get("/moderate", headers={"Cookie": self.cookie})
        assert response.status == 200
        return Page(response.text)

    def post(self, path: str, *, csrf_token: str | None = None, origin: str | None = "same") -> HttpResponse:
        token = self.csrf_token if csrf_token is None else csrf_token
        return self.server.post_form(path, {"csrf_token": token}, origin=origin, headers={"Cookie": self.cookie})


def sign_in(server: LiveServer, username: str = "mod", password: str = PASSWORD) -> HttpResponse:
    return server.post_form("/moderate/login", {"username": username, "password": password})


@pytest.fixture
def moderated(server: LiveServer) -> LiveServer:
    """The default server with a moderator account and three pending comments."""
    server.store.set_moderator_password("mod", PASSWORD)
    for text in ("First comment", "Second comment", "Third comment"):
        server.post_form("/comments", good_comment(comment=text))
    return server


def test_the_list_needs_a_signed_in_moderator(moderated: LiveServer) -> None:
    response = moderated.get("/moderate")

    assert (response.status, response.headers["location"]) == (303, "/moderate/login")
    bogus = moderated.get("/moderate", headers={"Cookie": "cohub_moderator=made-up"})
    assert (bogus.status, bogus.headers["location"]) == (303, "/moderate/login")


def test_the_sign_in_page(moderated: LiveServer) -> None:
    response = moderated.get("/moderate/login")

    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title == "Sign in to moderate comments - Co-production hub"
    assert page.by_id("username").attrs["autocomplete"] == "username"
    assert page.by_id("password").attrs["type"] == "password"
    assert page.find_all("label", for_="username") and page.find_all("label", for_="password")


@pytest.mark.parametrize(
    ("username", "password", "expected"),
    (
        ("", "", (("#username", "Enter your username"), ("#password", "Enter your password"))),
        ("mod", "wrong password!!", (("#username", "Enter a correct username and password"),)),
        ("nobody", PASSWORD, (("#username", "Enter a correct username and password"),)),
    ),
)
def test_a_failed_sign_in_shows_an_error_summary(
    moderated: LiveServer, username: str, password: str, expected: tuple[tuple[str, str], ...]
) -> None:
    response = sign_in(moderated, username, password)

    assert response.status == 400
    assert response.set_cookies == ()
    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title.startswith("Error: Sign in to moderate comments")
    assert page.error_summary_links() == expected
    assert page.field_value("username") == username
    assert page.field_value("password") == ""


def test_signing_in_sets_a_strict_http_only_cookie(moderated: LiveServer) -> None:
    response = sign_in(moderated, "  MOD ")

    (cookie,) = response.set_cookies
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/moderate"} <= flags
    assert "secure" not in flags
    assert moderated.get("/moderate/login", headers={"Cookie": cookie.split(";")[0]}).status == 303


def test_the_cookie_is_secure_when_the_site_is_https(servers: ServerFactory) -> None:
    server = servers.start(https_site_url=True)
    server.store.set_moderator_password("mod", PASSWORD)

    response = server.post_form(
        "/moderate/login",
        {"username": "mod", "password": PASSWORD},
        origin=f"https://127.0.0.1:{server.port}",
    )

    (cookie,) = response.set_cookies
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_sign_in_from_another_site_is_refused(moderated: LiveServer) -> None:
    response = moderated.post_form(
        "/moderate/login", {"username": "mod", "password": PASSWORD}, origin="https://evil.example"
    )

    assert response.status == 403
    assert response.set_cookies == ()


def test_the_list_shows_pending_comments_with_a_form_for_each_decision(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    page = moderator.list_page()

    page.assert_accessible_basics()
    assert page.title == "Comments waiting for moderation - Co-production hub"
    assert "There are 3 comments waiting." in page.html
    for comment_id in (1, 2, 3):
        for decision in ("approve", "reject"):
            (form,) = page.find_all("form", action=f"/moderate/{comment_id}/{decision}")
            assert form.attrs["method"] == "post"
    tokens = {element.attrs["value"] for element in page.find_all("input", name="csrf_token")}
    assert tokens == {moderator.csrf_token}
    assert "sam@example.com" not in page.html
    assert "First comment" in page.html


def test_approving_publishes_the_comment(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    response = moderator.post("/moderate/2/approve")

    assert (response.status, response.headers["location"]) == (303, "/moderate?decided=approve&comment=2")
    assert stored(moderated.store, 2).status is CommentStatus.APPROVED
    assert "Second comment" in moderated.get("/case-studies/x/").text
    banner_page = Page(moderated.get(response.headers["location"], headers={"Cookie": moderator.cookie}).text)
    assert "Comment 2 has been approved." in banner_page.html
    assert not banner_page.find_all("form", action="/moderate/2/approve")


def test_rejecting_keeps_the_comment_off_the_site(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    response = moderator.post("/moderate/1/reject")

    assert response.status == 303
    assert stored(moderated.store, 1).status is CommentStatus.REJECTED
    assert "First comment" not in moderated.get("/case-studies/x/").text


@pytest.mark.parametrize(
    ("csrf_token", "origin"),
    (("", "same"), ("wrong-token", "same"), (None, "https://evil.example"), (None, None)),
)
def test_a_forged_decision_changes_nothing(moderated: LiveServer, csrf_token: str | None, origin: str | None) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    response = moderator.post("/moderate/1/approve", csrf_token=csrf_token, origin=origin)

    assert response.status == 403
    assert "This form has expired" in response.text
    assert stored(moderated.store, 1).status is CommentStatus.PENDING


def test_a_csrf_token_only_works_with_its_own_session(moderated: LiveServer) -> None:
    first = SignedIn(moderated, sign_in(moderated))
    second = SignedIn(moderated, sign_in(moderated))

    response = first.post("/moderate/1/approve", csrf_token=second.csrf_token)

    assert response.status == 403
    assert stored(moderated.store, 1).status is CommentStatus.PENDING


def test_replaying_an_approve_after_a_reject_does_nothing(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))
    assert moderator.post("/moderate/1/reject").status == 303
    others_before = moderated.store.list()[1:]

    response = moderator.post("/moderate/1/approve")

    assert response.status == 409
    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title.startswith("Nothing was changed")
    assert "Comment 1 had already been rejected." in response.text
    assert stored(moderated.store, 1).status is CommentStatus.REJECTED
    assert moderated.store.list()[1:] == others_before
    assert "First comment" not in moderated.get("/case-studies/x/").text


def test_a_decision_on_a_missing_comment_does_nothing(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))
    before = moderated.store.list()

    response = moderator.post("/moderate/99/approve")

    assert response.status == 404
    assert "Comment 99 does not exist." in response.text
    assert moderated.store.list() == before


def test_a_replay_after_purging_never_touches_a_newer_comment(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))
    assert moderator.post("/moderate/3/reject").status == 303
    policy = RetentionPolicy(pending=timedelta(days=1), rejected=timedelta(0), approved=timedelta(days=1))
    assert moderated.store.apply_retention(policy).rejected_deleted == 1
    moderated.post_form("/comments", good_comment(comment="A newer comment"))

    response = moderator.post("/moderate/3/approve")

    assert response.status == 404
    (newer,) = moderated.store.list(page="x", status="pending")[2:]
    assert (newer.id, newer.status) == (4, CommentStatus.PENDING)


def test_signing_out_ends_the_session(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    response = moderator.post("/moderate/logout")

    assert (response.status, response.headers["location"]) == (303, "/moderate/login?signed_out")
    (cleared,) = response.set_cookies
    assert cleared.startswith('cohub_moderator=""; ')
    assert "Max-Age=0" in cleared
    assert moderated.get("/moderate", headers={"Cookie": moderator.cookie}).status == 303
    assert moderator.post("/moderate/1/approve").status == 303
    assert stored(moderated.store, 1).status is CommentStatus.PENDING
    assert "You have signed out." in moderated.get("/moderate/login?signed_out").text


def throttled_server(servers: ServerFactory, db_path: Path, clock: FakeClock) -> LiveServer:
    store = CommentStore(db_path, clock=clock)
    store.set_moderator_password("mod", PASSWORD)
    store.set_moderator_password("other", PASSWORD)
    return servers.start(store=store, settings=CommentSettings(site_name="Co-production hub"))


def test_one_client_is_refused_after_the_limit_whatever_the_password(
    servers: ServerFactory, db_path: Path, clock: FakeClock
) -> None:
    server = throttled_server(servers, db_path, clock)
    for number in range(5):
        assert sign_in(server, f"guess{number}", "wrong password!!").status == 400

    refused = sign_in(server, "mod", PASSWORD)

    assert refused.status == 429
    assert refused.headers["retry-after"] == str(15 * 60)
    assert refused.set_cookies == ()
    assert Page(refused.text).error_summary_links() == (
        ("#username", "You have tried to sign in too many times. Wait 15 minutes, then try again"),
    )
    clock.advance(timedelta(minutes=15, seconds=1))
    assert sign_in(server, "mod", PASSWORD).status == 303


def sign_in_from(
    server: LiveServer, address: str, username: str, password: str, *, timeout: float = 30
) -> HttpResponse:
    return server.post_form(
        "/moderate/login",
        {"username": username, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=timeout,
    )


def test_guessing_from_many_addresses_cannot_lock_the_moderator_out(servers: ServerFactory, db_path: Path) -> None:
    store = CommentStore(db_path)
    store.set_moderator_password("mod", PASSWORD)
    settings = CommentSettings(
        site_name="Co-production hub", forwarded_allow_ips="127.0.0.1", login_delay_max_seconds=1
    )
    server = servers.start(store=store, settings=settings)
    for attacker in range(4):
        statuses = [sign_in_from(server, f"203.0.113.{attacker}", "mod", "a wrong guess!!").status for _ in range(6)]
        assert statuses == [400] * 5 + [429]

    started = time.monotonic()
    response = sign_in_from(server, "198.51.100.7", " MOD ", PASSWORD)

    assert response.status == 303
    # Slowed by the guesses, by no more than the longest delay.
    assert 1 <= time.monotonic() - started < 3


def at_once(count: int, send: Callable[[], HttpResponse]) -> list[HttpResponse]:
    """Send ``count`` requests from as many threads, released together."""
    start = threading.Barrier(count)

    def one(_number: int) -> HttpResponse:
        start.wait()
        return send()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_forty_sign_ins_at_once_from_one_client_get_exactly_the_limit_checked(
    servers: ServerFactory, db_path: Path, clock: FakeClock
) -> None:
    server = throttled_server(servers, db_path, clock)

    responses = at_once(40, lambda: sign_in(server, "mod", "a wrong guess!!"))

    statuses = sorted(response.status for response in responses)
    assert statuses == [400] * 5 + [429] * 35
    assert sign_in(server, "mod", PASSWORD).status == 429


def test_two_hundred_sign_ins_at_once_keep_memory_bounded(servers: ServerFactory, db_path: Path) -> None:
    store = CommentStore(db_path)
    store.set_moderator_password("mod", PASSWORD)
    settings = CommentSettings(site_name="Co-production hub", forwarded_allow_ips="127.0.0.1")
    server = servers.start(store=store, settings=settings)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # From 200 addresses, so that every one is let through to a password check.
    addresses = iter(range(200))
    lock = threading.Lock()

    def guess() -> HttpResponse:
        with lock:
            number = next(addresses)
        # The checks queue two at a time, so on a busy machine the last can take a while.
        return sign_in_from(
            server, f"10.1.{number // 250}.{number % 250}", f"user{number}", "a wrong guess!!", timeout=300
        )

    responses = at_once(200, guess)

    assert sorted({response.status for response in responses}) == [400]
    # Each scrypt check takes 16 MiB; 200 at once would take over 3 GiB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 150 * 1024


def test_the_list_shows_published_comments_with_titles_and_searches_them(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))
    moderator.post("/moderate/1/approve")
    moderator.post("/moderate/2/approve")

    page = moderator.list_page()
    assert len(page.find_all("form", action="/moderate/1/withdraw")) == 1
    assert "Comment 1 on Case study X" in page.html
    assert len(page.find_all("form", action="/moderate/2/withdraw")) == 1
    assert "There is 1 comment waiting." in page.html

    found = Page(moderated.get("/moderate?q=second", headers={"Cookie": moderator.cookie}).text)
    assert found.find_all("form", action="/moderate/2/withdraw")
    assert not found.find_all("form", action="/moderate/1/withdraw")
    assert found.field_value("q") == "second"
    nothing = moderated.get("/moderate?q=%3Cb%3Enowhere", headers={"Cookie": moderator.cookie}).text
    assert "No published comment contains “&lt;b&gt;nowhere”." in nothing


@pytest.mark.parametrize(
    "path",
    (
        "/moderate/" + "9" * 5000 + "/approve",
        "/moderate/99999999999999999999/reject",
        "/moderate/1e3/approve",
        "/moderate/-1/withdraw",
        "/moderate/1/publish",
    ),
)
def test_an_impossible_comment_id_or_decision_is_a_plain_404(
    moderated: LiveServer, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))
    before = moderated.store.list()

    with caplog.at_level(logging.DEBUG):
        response = moderator.post(path)

    assert response.status == 404
    assert "Page not found" in response.text
    assert "Traceback" not in caplog.text
    assert moderated.store.list() == before


def test_a_huge_comment_number_in_the_list_address_is_ignored(moderated: LiveServer) -> None:
    moderator = SignedIn(moderated, sign_in(moderated))

    response = moderated.get("/moderate?decided=approve&comment=" + "9" * 5000, headers={"Cookie": moderator.cookie})

    assert response.status == 200


def test_sessions_expire(servers: ServerFactory, db_path: Path, clock: FakeClock) -> None:
    server = throttled_server(servers, db_path, clock)
    moderator = SignedIn(server, sign_in(server))

    clock.advance(timedelta(hours=12, seconds=1))

    assert server.get("/moderate", headers={"Cookie": moderator.cookie}).status == 303


def test_without_the_site_the_banner_says_the_comment_shows_from_the_next_build(servers: ServerFactory) -> None:
    server = servers.start(serve_site=False)
    server.store.set_moderator_password("mod", PASSWORD)
    server.post_form("/comments", good_comment(comment="Waiting for a build"))
    moderator = SignedIn(server, sign_in(server))

    response = moderator.post("/moderate/1/approve")

    banner = Page(server.get(response.headers["location"], headers={"Cookie": moderator.cookie}).text).html
    assert "Comment 1 has been approved. It will be on" in banner
    assert "from the next build of the site." in banner
    assert "It is now on" not in banner

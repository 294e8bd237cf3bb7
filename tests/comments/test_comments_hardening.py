"""The service in public: limits under concurrency, forwarded addresses, security headers, logs, consent."""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from cohub.comments.client_hash import ClientHasher, key_file_beside
from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStore

from .helpers import FakeClock, HttpResponse, LiveServer, Page, ServerFactory, good_comment, run_cli

SETTINGS = CommentSettings(site_name="Co-production hub")


def at_once(count: int, send: Callable[[int], HttpResponse]) -> list[HttpResponse]:
    """Send ``count`` requests from as many threads, released together."""
    start = threading.Barrier(count)

    def one(number: int) -> HttpResponse:
        start.wait()
        return send(number)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_forty_comments_at_once_from_one_client_get_exactly_the_limit(server: LiveServer) -> None:
    responses = at_once(40, lambda number: server.post_form("/comments", good_comment(comment=f"At once {number}")))

    statuses = sorted(response.status for response in responses)
    assert statuses == [303] * 5 + [429] * 35
    assert len(server.store.list()) == 5
    assert {response.headers["retry-after"] for response in responses if response.status == 429} == {"600"}


def test_a_made_up_forwarded_address_is_not_believed_by_default(server: LiveServer) -> None:
    statuses = [
        server.post_form(
            "/comments", good_comment(comment=f"Spoofed {number}"), headers={"X-Forwarded-For": f"192.0.2.{number}"}
        ).status
        for number in range(12)
    ]

    assert statuses == [303] * 5 + [429] * 7


def test_forwarded_addresses_are_believed_from_a_trusted_proxy_only(servers: ServerFactory) -> None:
    behind_proxy = servers.start(
        settings=CommentSettings(site_name="Co-production hub", forwarded_allow_ips="127.0.0.1", rate_limit_count=1)
    )

    first = behind_proxy.post_form("/comments", good_comment(), headers={"X-Forwarded-For": "192.0.2.1"})
    second = behind_proxy.post_form("/comments", good_comment(), headers={"X-Forwarded-For": "192.0.2.2"})
    again = behind_proxy.post_form("/comments", good_comment(), headers={"X-Forwarded-For": "192.0.2.1"})

    assert (first.status, second.status, again.status) == (303, 303, 429)

    elsewhere = servers.start(
        settings=CommentSettings(site_name="Co-production hub", forwarded_allow_ips="10.0.0.1", rate_limit_count=1)
    )
    assert elsewhere.post_form("/comments", good_comment(), headers={"X-Forwarded-For": "192.0.2.1"}).status == 303
    assert elsewhere.post_form("/comments", good_comment(), headers={"X-Forwarded-For": "192.0.2.2"}).status == 429


def every_kind_of_response(server: LiveServer) -> dict[str, HttpResponse]:
    return {
        "site page": server.get("/"),
        "case study": server.get("/case-studies/x/"),
        "site file": server.get("/assets/stylesheets/main.abc123.min.css"),
        "404": server.get("/no/such/page/"),
        "comment page": server.post_form("/comments", good_comment(comment="")),
        "thanks": server.get("/comments/thanks?page=x"),
        "refusal": server.post_form("/comments", good_comment(), origin="https://evil.example"),
        "service file": server.get("/comments/static/comments.js"),
        "sign-in page": server.get("/moderate/login"),
        "redirect": server.get("/moderate"),
        "wrong method": server.request("DELETE", "/comments"),
    }


def test_every_response_carries_the_security_headers_and_no_server_header(server: LiveServer) -> None:
    for kind, response in every_kind_of_response(server).items():
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["referrer-policy"] == "same-origin", kind
        assert headers["x-frame-options"] == "DENY", kind
        assert "camera=()" in headers["permissions-policy"], kind
        assert "microphone=()" in headers["permissions-policy"], kind
        assert "server" not in headers, kind
        assert "strict-transport-security" not in headers, kind


def test_an_https_site_gets_hsts_on_every_response(servers: ServerFactory) -> None:
    server = servers.start(https_site_url=True)

    for kind, response in every_kind_of_response(server).items():
        assert response.headers["strict-transport-security"] == "max-age=31536000", kind


def test_a_given_content_security_policy_is_sent_with_every_response(servers: ServerFactory) -> None:
    policy = "default-src 'self'; script-src 'self' 'sha256-abc='; frame-ancestors 'none'"
    server = servers.start(content_security_policy=policy)

    responses = every_kind_of_response(server)

    for kind in ("case study", "404", "comment page", "site page", "site file", "thanks"):
        assert responses[kind].headers["content-security-policy"] == policy, kind


def test_without_a_given_policy_the_service_pages_keep_their_own(server: LiveServer) -> None:
    responses = every_kind_of_response(server)

    assert responses["comment page"].headers["content-security-policy"].startswith("default-src 'self'")
    assert "content-security-policy" not in responses["site page"].headers


@pytest.mark.parametrize("consent", ("no", "false", "0", "on", "YES ", ""))
def test_only_a_yes_is_consent(server: LiveServer, consent: str) -> None:
    response = server.post_form("/comments", good_comment(consent=consent))

    assert response.status == 400
    assert ("#consent", "Select the box to agree to the privacy notice") in Page(response.text).error_summary_links()
    assert server.store.list() == ()


def test_the_log_holds_no_personal_data(
    servers: ServerFactory, db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = CommentStore(db_path)
    store.set_moderator_password("gatekeeper7", "a long password 1")
    server = servers.start(store=store, settings=CommentSettings(site_name="Co-production hub", rate_limit_count=2))
    personal = ("Priyanka Quill", "priyanka.quill@example.com", "My neighbour Doreen", "gatekeeper7", "127.0.0.1")
    with caplog.at_level(logging.DEBUG):
        fields = good_comment(name=personal[0], email=personal[1], comment=f"{personal[2]} told me this.")
        for _ in range(3):
            server.post_form("/comments", fields)
        server.post_form("/comments", {**fields, "website": "spam"})
        server.post_form("/moderate/login", {"username": "gatekeeper7", "password": "wrong password!!"})
        server.post_form("/moderate/login", {"username": "Gatekeeper7 ", "password": "wrong password!!"})
        login = server.post_form("/moderate/login", {"username": "gatekeeper7", "password": "a long password 1"})
        cookie = login.set_cookies[0].split(";")[0]
        token = Page(server.get("/moderate", headers={"Cookie": cookie}).text).find_all("input", name="csrf_token")[0]
        for action in ("approve", "withdraw"):
            server.post_form(
                f"/moderate/1/{action}", {"csrf_token": token.attrs["value"] or ""}, headers={"Cookie": cookie}
            )
        server.get("/case-studies/x/")
        assert run_cli("comments", "--db", str(db_path), "erase", "--email", personal[1]) == 0

    assert "Failed sign-in" in caplog.text
    assert "chose to approve comment 1" in caplog.text
    for value in personal:
        assert value.casefold() not in caplog.text.casefold(), value


def test_the_ip_hash_key_is_a_private_file_outside_the_database(server: LiveServer, db_path: Path) -> None:
    server.post_form("/comments", good_comment())
    (comment,) = server.store.list()

    key_file = key_file_beside(db_path)
    assert key_file is not None
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key_text = key_file.read_text(encoding="ascii")
    for path in db_path.parent.glob(f"{db_path.name}*"):
        if path != key_file:
            assert key_text.split('"key": "')[1][:64].encode("ascii") not in path.read_bytes()
    # With the key, the hash is of the client's address; without it, nothing links them.
    hasher = ClientHasher(rotation=timedelta(days=30), clock=server.store.now, key_file=key_file)
    assert hasher.hash("127.0.0.1") == comment.client_hash


def test_the_ip_hash_key_is_replaced_on_schedule(tmp_path: Path, clock: FakeClock) -> None:
    key_file = tmp_path / "key"
    hasher = ClientHasher(rotation=timedelta(days=30), clock=clock, key_file=key_file)
    first = hasher.hash("192.0.2.1")
    assert ClientHasher(rotation=timedelta(days=30), clock=clock, key_file=key_file).hash("192.0.2.1") == first
    old_key = key_file.read_text(encoding="ascii")

    clock.advance(timedelta(days=30))

    assert hasher.hash("192.0.2.1") != first
    assert key_file.read_text(encoding="ascii") != old_key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_secret_from_the_environment_gives_a_new_key_each_period(clock: FakeClock) -> None:
    hasher = ClientHasher(rotation=timedelta(days=7), clock=clock, secret="s3cret")
    other = ClientHasher(rotation=timedelta(days=7), clock=clock, secret="another")
    first = hasher.hash("192.0.2.1")

    assert first != other.hash("192.0.2.1")
    clock.advance(timedelta(days=7))
    assert hasher.hash("192.0.2.1") != first

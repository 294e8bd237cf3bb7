"""Commenting over real HTTP, against the service running in uvicorn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStatus, CommentStore
from cohub.comments.validation import COMMENT_MAX_LENGTH

from .helpers import MARKER, LiveServer, Page, ServerFactory, good_comment, run_cli

JSON_HEADERS = {"Accept": "application/json"}


def approve_with_cli(db_path: Path, comment_id: int) -> None:
    assert run_cli("comments", "--db", str(db_path), "approve", str(comment_id)) == 0


def test_a_good_comment_waits_for_moderation(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment())

    assert response.status == 303
    assert response.headers["location"] == "/comments/thanks?page=x"
    (comment,) = server.store.list()
    assert comment.status is CommentStatus.PENDING
    assert (comment.page, comment.name, comment.email) == ("x", "Sam", "sam@example.com")
    assert server.store.approved_for("x") == ()
    assert "We tried this" not in server.get("/case-studies/x/").text

    thanks = server.get(response.headers["location"])
    assert thanks.status == 200
    page = Page(thanks.text)
    page.assert_accessible_basics()
    assert page.title == "Thank you for your comment - Co-production hub"
    assert "Your comment will appear on the case study once a moderator has checked it." in thanks.text
    assert page.find_all("a", href="/case-studies/x/")


def test_an_approved_comment_is_served_on_its_case_study_at_once(server: LiveServer, db_path: Path) -> None:
    server.post_form("/comments", good_comment(comment="First line\n\nSecond paragraph"))

    approve_with_cli(db_path, 1)

    for path in ("/case-studies/x/", "/case-studies/x/index.html"):
        response = server.get(path)
        assert response.status == 200
        assert response.headers["cache-control"] == "no-cache"
        assert '<h3 class="cohub-comment__author">Sam</h3>' in response.text
        assert "<p>First line</p>" in response.text
        assert "<p>Second paragraph</p>" in response.text
        assert response.text.count(MARKER) == 1
    assert "First line" not in server.get("/case-studies/y/").text


def test_a_case_study_without_comments_is_served_as_built(
    server: LiveServer, site_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    response = server.get("/case-studies/z/")

    assert response.status == 200
    assert response.text == (site_dir / "case-studies" / "z" / "index.html").read_text(encoding="utf-8")
    assert "no place for comments" not in caplog.text


def test_the_email_address_is_never_in_any_response(server: LiveServer, db_path: Path) -> None:
    email = "private.person@example.com"
    responses = [
        server.post_form("/comments", good_comment(email=email)),
        server.post_form("/comments", good_comment(email=email, comment=""), headers=JSON_HEADERS),
        server.post_form("/comments", good_comment(email=email), headers=JSON_HEADERS),
    ]
    # Only the form handed back to its sender holds the address, in its field.
    own_form = Page(server.post_form("/comments", good_comment(email=email, comment="")).text)
    assert own_form.field_value("email") == email
    assert own_form.html.count(email) == 1
    responses.append(server.get("/comments/thanks?page=x"))
    approve_with_cli(db_path, 1)
    responses.append(server.get("/case-studies/x/"))
    server.store.set_moderator_password("mod", "a long password 1")
    login = server.post_form("/moderate/login", {"username": "mod", "password": "a long password 1"})
    cookie = login.set_cookies[0].split(";")[0]
    responses.append(server.get("/moderate", headers={"Cookie": cookie}))

    assert "Given" in responses[-1].text
    for response in responses:
        assert email not in response.text
        assert email not in json.dumps(dict(response.headers))


def test_an_empty_comment_gets_the_form_back_with_an_error_summary(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment(comment="  ", name="Pat", email="pat@example.com"))

    assert response.status == 400
    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title == "There is a problem with your comment - Co-production hub"
    assert page.error_summary_links() == (("#comment", "Enter your comment"),)
    comment = page.by_id("comment")
    assert comment.attrs["aria-invalid"] == "true"
    assert comment.attrs["aria-describedby"] == "comment-hint comment-error"
    assert "Enter your comment" in page.by_id("comment-error").text
    assert page.field_value("comment") == "  "
    assert page.field_value("name") == "Pat"
    assert page.field_value("email") == "pat@example.com"
    assert "checked" in page.by_id("consent").attrs
    assert "aria-invalid" not in page.by_id("name").attrs
    assert server.store.list() == ()


def test_an_over_long_comment_keeps_exactly_what_was_typed(server: LiveServer) -> None:
    typed = "\nStarts with a new line, has </textarea><script>alert(1)</script> & ends in spaces  " + "x" * 4950

    response = server.post_form("/comments", good_comment(comment=typed))

    assert response.status == 400
    page = Page(response.text)
    assert page.error_summary_links() == (("#comment", "Your comment must be 5,000 characters or fewer"),)
    assert page.field_value("comment") == typed
    assert page.by_id("comment").attrs["data-maxlength"] == str(COMMENT_MAX_LENGTH)
    assert "<script>alert(1)" not in response.text
    assert server.store.list() == ()


def test_every_error_is_listed_and_linked_to_its_field(server: LiveServer) -> None:
    response = server.post_form(
        "/comments", good_comment(comment="ab", name="n" * 101, email="not an email", consent="")
    )

    page = Page(response.text)
    assert page.error_summary_links() == (
        ("#comment", "Your comment must be 3 characters or more"),
        ("#name", "Your name must be 100 characters or fewer"),
        ("#email", "Enter an email address in the correct format, like name@example.com"),
        ("#consent", "Select the box to agree to the privacy notice"),
    )
    for field in ("comment", "name", "email", "consent"):
        assert page.by_id(field).attrs["aria-invalid"] == "true"
        assert f"{field}-error" in (page.by_id(field).attrs["aria-describedby"] or "")
    assert "checked" not in page.by_id("consent").attrs
    assert page.field_value("email") == "not an email"


def test_the_form_page_keeps_the_honeypot_hidden_and_empty(server: LiveServer) -> None:
    page = Page(server.post_form("/comments", good_comment(comment="")).text)

    (honeypot,) = page.find_all("div", class_="cohub-honeypot")
    assert "hidden" in honeypot.attrs
    assert "Leave this field empty" in honeypot.text
    assert page.field_value("website") == ""
    assert page.by_id("website").attrs["tabindex"] == "-1"


def test_a_comment_on_an_unknown_page_is_not_stored(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment(page="../../etc"))

    assert response.status == 400
    page = Page(response.text)
    assert page.error_summary_links() == ()
    assert "We could not tell which case study your comment is about" in response.text
    assert page.field_value("comment") == good_comment()["comment"]
    assert server.store.list() == ()


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment(website="http://spam.example"))

    assert response.status == 303
    assert response.headers["location"] == "/comments/thanks?page=x"
    assert server.store.list() == ()
    json_response = server.post_form("/comments", good_comment(website="spam"), headers=JSON_HEADERS)
    assert (json_response.status, json.loads(json_response.text)) == (200, {"status": "pending"})
    assert server.store.list() == ()


@pytest.mark.parametrize(
    "headers",
    (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Referer": "https://evil.example/case-studies/x/"},
        {},
    ),
)
def test_a_foreign_or_missing_origin_is_refused(server: LiveServer, headers: dict[str, str]) -> None:
    response = server.post_form("/comments", good_comment(), origin=None, headers=headers)

    assert response.status == 403
    page = Page(response.text)
    page.assert_accessible_basics()
    assert "Your comment could not be sent" in page.title
    assert server.store.list() == ()


def test_a_same_site_referer_is_enough_without_origin(server: LiveServer) -> None:
    response = server.post_form(
        "/comments", good_comment(), origin=None, headers={"Referer": f"{server.base_url}/case-studies/x/"}
    )

    assert response.status == 303
    assert len(server.store.list()) == 1


def test_script_in_a_comment_or_name_is_escaped_when_published(server: LiveServer, db_path: Path) -> None:
    server.post_form(
        "/comments",
        good_comment(comment="<script>alert('c')</script><img src=x onerror=alert(2)>", name="<b>Bold</b>"),
    )
    approve_with_cli(db_path, 1)

    text = server.get("/case-studies/x/").text

    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "<b>Bold</b>" not in text
    assert "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text


def test_json_submissions(server: LiveServer) -> None:
    accepted = server.post_form("/comments", good_comment(), headers=JSON_HEADERS)
    invalid = server.post_form("/comments", good_comment(comment="", email="x"), headers=JSON_HEADERS)
    foreign = server.post_form("/comments", good_comment(), origin="https://evil.example", headers=JSON_HEADERS)

    assert (accepted.status, json.loads(accepted.text)) == (200, {"status": "pending"})
    assert invalid.status == 422
    assert json.loads(invalid.text) == {
        "errors": {
            "comment": "Enter your comment",
            "email": "Enter an email address in the correct format, like name@example.com",
        }
    }
    assert foreign.status == 403
    assert "form" in json.loads(foreign.text)["errors"]
    assert len(server.store.list()) == 1


def test_a_multipart_fetch_submission_works(server: LiveServer) -> None:
    boundary = "cohubboundary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in good_comment(comment="Sent by fetch with FormData").items()
    )
    response = server.request(
        "POST",
        "/comments",
        body=f"{parts}--{boundary}--\r\n".encode(),
        headers={
            "Origin": server.base_url,
            "Accept": "application/json",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )

    assert (response.status, json.loads(response.text)) == (200, {"status": "pending"})
    assert server.store.list()[0].body == "Sent by fetch with FormData"


def test_an_oversized_body_is_refused_with_a_plain_page(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment(comment="a" * 200_000))

    assert response.status == 413
    Page(response.text).assert_accessible_basics()
    assert "Your comment is too long to send" in response.text
    assert server.store.list() == ()


def test_the_longest_valid_comment_fits_the_body_limit_in_any_script(server: LiveServer) -> None:
    response = server.post_form("/comments", good_comment(comment="😀" * 5000, name="名" * 100))

    assert response.status == 303
    assert server.store.list()[0].body == "😀" * 5000


def test_too_many_comments_are_refused_and_the_text_is_kept(servers: ServerFactory) -> None:
    server = servers.start(settings=CommentSettings(site_name="Co-production hub", rate_limit_count=2))
    for number in range(2):
        assert server.post_form("/comments", good_comment(comment=f"Comment {number}")).status == 303

    response = server.post_form("/comments", good_comment(comment="The third one"))

    assert response.status == 429
    assert response.headers["retry-after"] == "600"
    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title == "You have sent too many comments - Co-production hub"
    assert page.field_value("comment") == "The third one"
    assert "Wait 10 minutes" in response.text
    json_response = server.post_form("/comments", good_comment(), headers=JSON_HEADERS)
    assert json_response.status == 429
    assert "too many comments" in json.loads(json_response.text)["errors"]["form"]
    assert len(server.store.list()) == 2


def test_invalid_submissions_do_not_use_up_the_rate_limit(servers: ServerFactory) -> None:
    server = servers.start(settings=CommentSettings(site_name="Co-production hub", rate_limit_count=1))
    for _ in range(3):
        assert server.post_form("/comments", good_comment(comment="")).status == 400

    assert server.post_form("/comments", good_comment()).status == 303


def test_every_acknowledged_comment_survives_a_restart(servers: ServerFactory, db_path: Path) -> None:
    settings = CommentSettings(site_name="Co-production hub", rate_limit_count=50)
    first = servers.start(settings=settings)
    sent = [f"Comment number {number}" for number in range(12)]
    for text in sent:
        assert first.post_form("/comments", good_comment(comment=text)).status == 303
    servers.stop_all()

    second = servers.start(settings=settings, store=CommentStore(db_path))

    assert [comment.body for comment in second.store.list()] == sent
    assert second.post_form("/comments", good_comment(comment="After restart")).status == 303
    assert second.store.list()[-1].id == 13


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    (
        ("POST", "/comments", b"comment=%ff%fe%00&page=x&consent=yes", {}),
        ("POST", "/comments", b"%%%&&&===", {}),
        ("POST", "/comments", b'{"comment": "json"}', {"Content-Type": "application/json"}),
        ("POST", "/comments", b"comment=hello", {"Content-Type": "text/plain"}),
        ("POST", "/comments", b"--x\r\nbroken", {"Content-Type": "multipart/form-data; boundary=x"}),
        (
            "POST",
            "/comments",
            b'--x\r\nContent-Disposition: form-data; name="comment"; filename="a.txt"\r\n\r\nfile\r\n--x--\r\n',
            {"Content-Type": "multipart/form-data; boundary=x"},
        ),
        ("POST", "/comments", "&".join(f"f{n}=1" for n in range(200)).encode(), {}),
        ("POST", "/comments", b"comment=short", {"Content-Length": "999999999"}),
        ("GET", "/comments/thanks?page=%3Cscript%3E", None, {}),
        ("GET", "/comments", None, {}),
        ("PUT", "/comments", b"", {}),
        ("GET", "/comments/static/..%2F..%2Fstore.py", None, {}),
        ("GET", "/case-studies/..%2F..%2F/", None, {}),
        ("POST", "/moderate/99999999999999999999999/approve", b"csrf_token=x", {}),
        ("POST", "/moderate/1/delete", b"csrf_token=x", {}),
        ("POST", "/moderate/login", b"username=%ff&password=%00", {}),
        ("POST", "/moderate/logout", b"", {}),
    ),
)
def test_bad_input_never_gets_a_server_error(
    server: LiveServer, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    all_headers = {"Origin": server.base_url, "Content-Type": "application/x-www-form-urlencoded", **headers}

    response = server.request(method, path, body=body, headers=all_headers)

    assert response.status < 500
    assert "Traceback" not in response.text
    assert "<script>" not in response.text


def test_the_service_stylesheet_and_script_are_served(server: LiveServer) -> None:
    css = server.get("/comments/static/comments.css")
    script = server.get("/comments/static/comments.js")

    assert (css.status, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert ".cohub-error-summary" in css.text
    assert script.status == 200
    assert server.get("/comments/static/other.css").status == 404


def test_service_pages_link_the_sites_stylesheet(server: LiveServer) -> None:
    page = Page(server.get("/comments/thanks").text)

    hrefs = [link.attrs["href"] for link in page.find_all("link", rel="stylesheet")]
    assert hrefs == ["/assets/stylesheets/main.abc123.min.css", "/comments/static/comments.css"]
    assert page.find_all("a", href="/")


def test_the_static_site_is_served_with_its_own_404_page(server: LiveServer) -> None:
    assert server.get("/").text.startswith("<!doctype html><title>Home</title>")
    assert server.get("/assets/stylesheets/main.abc123.min.css").text == "body{}"
    missing = server.get("/no/such/page/")
    assert (missing.status, "Site 404" in missing.text) == (404, True)
    redirect = server.get("/case-studies/x")
    assert (redirect.status, redirect.headers["location"].endswith("/case-studies/x/")) == (307, True)


def test_without_a_site_the_service_has_its_own_404_page(servers: ServerFactory) -> None:
    server = servers.start(serve_site=False)

    response = server.get("/case-studies/x/")

    assert response.status == 404
    page = Page(response.text)
    page.assert_accessible_basics()
    assert page.title == "Page not found - Co-production hub"
    assert page.find_all("link", rel="stylesheet") == page.find_all("link", href="/comments/static/comments.css")

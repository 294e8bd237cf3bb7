"""Every way a comment or a person's data leaves the hub: checked in the database and on the built page."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cohub.comments.publish import publish_approved_comments
from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStatus, CommentStore

from .helpers import FakeClock, LiveServer, Page, ServerFactory, good_comment, run_cli, stored

PASSWORD = "a long password 1"


@pytest.fixture
def static_site(site_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built site, for the comments written in by a build."""
    return Path(shutil.copytree(site_dir, tmp_path / "static-site"))


def built_page(static_site: Path, db_path: Path) -> str:
    """Write the approved comments into the static site, as a build does, and read case study x."""
    publish_approved_comments(static_site, db_path, ("x", "y"))
    return (static_site / "case-studies" / "x" / "index.html").read_text(encoding="utf-8")


def publish(server: LiveServer, text: str, email: str = "sam@example.com") -> int:
    response = server.post_form("/comments", good_comment(comment=text, email=email))
    assert response.status == 303
    comment = server.store.list()[-1]
    server.store.approve(comment.id)
    return comment.id


def test_withdraw_from_the_command_line(server: LiveServer, db_path: Path, static_site: Path, capsys) -> None:
    comment_id = publish(server, "Published then withdrawn")
    assert "Published then withdrawn" in built_page(static_site, db_path)
    assert "Published then withdrawn" in server.get("/case-studies/x/").text

    assert run_cli("comments", "--db", str(db_path), "withdraw", str(comment_id)) == 0

    assert "Withdrew comment 1 on x." in capsys.readouterr().out
    assert stored(server.store, comment_id).status is CommentStatus.REJECTED
    assert "Published then withdrawn" not in server.get("/case-studies/x/").text
    assert "Published then withdrawn" not in built_page(static_site, db_path)


def test_withdraw_from_the_moderation_page(server: LiveServer, db_path: Path, static_site: Path) -> None:
    comment_id = publish(server, "Taken off by a moderator")
    server.store.set_moderator_password("mod", PASSWORD)
    login = server.post_form("/moderate/login", {"username": "mod", "password": PASSWORD})
    cookie = login.set_cookies[0].split(";")[0]
    page = Page(server.get("/moderate", headers={"Cookie": cookie}).text)
    (form,) = page.find_all("form", action=f"/moderate/{comment_id}/withdraw")
    token = page.find_all("input", name="csrf_token")[0].attrs["value"] or ""

    response = server.post_form(form.attrs["action"] or "", {"csrf_token": token}, headers={"Cookie": cookie})

    assert (response.status, response.headers["location"]) == (303, f"/moderate?decided=withdraw&comment={comment_id}")
    banner = server.get(response.headers["location"], headers={"Cookie": cookie}).text
    assert f"Comment {comment_id} has been taken off" in banner
    assert stored(server.store, comment_id).status is CommentStatus.REJECTED
    assert "Taken off by a moderator" not in server.get("/case-studies/x/").text
    assert "Taken off by a moderator" not in built_page(static_site, db_path)
    again = server.post_form(form.attrs["action"] or "", {"csrf_token": token}, headers={"Cookie": cookie})
    assert again.status == 409
    assert f"Comment {comment_id} is not on the site." in again.text


def test_erase_removes_every_comment_and_trace_of_a_person(
    servers: ServerFactory, db_path: Path, static_site: Path, capsys
) -> None:
    server = servers.start(settings=CommentSettings(site_name="Co-production hub", rate_limit_count=10))
    email = "erase.me@example.com"
    publish(server, "Erased published words", email=email)
    rejected = server.post_form("/comments", good_comment(comment="Erased rejected words", email=email.upper()))
    assert rejected.status == 303
    server.store.reject(server.store.list()[-1].id)
    server.post_form("/comments", good_comment(comment="Erased pending words", email=email))
    publish(server, "Other people's words", email="other@example.com")
    assert "Erased published words" in built_page(static_site, db_path)

    assert run_cli("comments", "--db", str(db_path), "erase", "--email", f" {email} ") == 0

    assert capsys.readouterr().out == "Deleted 3 comments sent with that email address.\n"
    assert [comment.body for comment in server.store.list()] == ["Other people's words"]
    stored = b"".join(path.read_bytes() for path in db_path.parent.glob(f"{db_path.name}*"))
    for trace in (email.encode(), email.upper().encode(), b"Erased published", b"Erased rejected", b"Erased pending"):
        assert trace not in stored, trace
    page = built_page(static_site, db_path)
    assert "Erased published words" not in page
    assert "Other people&#39;s words" in page
    assert "Erased published words" not in server.get("/case-studies/x/").text


def test_the_service_applies_retention_when_it_starts(
    servers: ServerFactory, db_path: Path, static_site: Path, clock: FakeClock
) -> None:
    # Comments from long ago, by a store on a clock set back.
    clock.now = datetime.now(UTC) - timedelta(days=100)
    old_store = CommentStore(db_path, clock=clock)
    published = old_store.add("x", "Ann", "ann@example.com", "An old published comment", "old-hash")
    old_store.approve(published.id)
    pending = old_store.add("x", "Bo", "bo@example.com", "An old pending comment", "old-hash")
    rejected = old_store.add("x", "Cy", "cy@example.com", "An old rejected comment", "old-hash")
    old_store.reject(rejected.id)

    server = servers.start(store=CommentStore(db_path))

    for kept in (published, pending):
        comment = stored(server.store, kept.id)
        assert (comment.email, comment.client_hash) == ("", "")
    assert stored(server.store, published.id).name == "Ann"
    assert server.store.get(rejected.id) is None
    assert "An old published comment" in server.get("/case-studies/x/").text
    page = built_page(static_site, db_path)
    assert "An old published comment" in page
    assert "ann@example.com" not in page

"""SQLite storage of comments, moderators, sessions and throttling data."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from cohub.comments.store import (
    CommentAlreadyDecidedError,
    CommentNotFoundError,
    CommentStatus,
    CommentStore,
    hash_password,
    verify_password,
)
from .helpers import FakeClock


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> CommentStore:
    return CommentStore(db_path, clock=clock)


def test_a_fresh_database_and_its_folder_are_created(db_path: Path) -> None:
    assert not db_path.parent.exists()

    CommentStore(db_path)

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"comments", "moderators", "moderator_sessions", "login_failures", "secrets"} <= tables


def test_add_stores_a_pending_comment(store: CommentStore, clock: FakeClock) -> None:
    comment = store.add("x", "Sam", "sam@example.com", "Hello there", "client-1")

    assert comment.id == 1
    assert (comment.page, comment.name, comment.email, comment.body) == ("x", "Sam", "sam@example.com", "Hello there")
    assert comment.status is CommentStatus.PENDING
    assert comment.created_at == clock.now
    assert comment.decided_at is None
    assert comment.client_hash == "client-1"
    assert store.get(comment.id) == comment
    assert store.approved_for("x") == ()


def test_get_returns_none_for_an_unknown_id(store: CommentStore) -> None:
    assert store.get(42) is None


def test_comments_survive_reopening_the_database(db_path: Path) -> None:
    added = CommentStore(db_path).add("x", "", "", "Still here", "c")

    assert CommentStore(db_path).get(added.id) == added


def test_list_filters_by_status_and_page(store: CommentStore) -> None:
    first = store.add("x", "", "", "one", "c")
    second = store.add("y", "", "", "two", "c")
    third = store.add("x", "", "", "three", "c")
    store.approve(second.id)
    store.reject(third.id)

    assert [c.id for c in store.list()] == [first.id, second.id, third.id]
    assert [c.id for c in store.list(CommentStatus.PENDING)] == [first.id]
    assert [c.id for c in store.list("approved")] == [second.id]
    assert [c.id for c in store.list(page="x")] == [first.id, third.id]
    assert [c.id for c in store.list("rejected", page="x")] == [third.id]
    assert store.list("approved", page="x") == ()


def test_approve_and_reject_decide_pending_comments(store: CommentStore, clock: FakeClock) -> None:
    kept = store.add("x", "", "", "keep", "c")
    dropped = store.add("x", "", "", "drop", "c")
    clock.advance(timedelta(hours=1))

    approved = store.approve(kept.id)
    rejected = store.reject(dropped.id)

    assert approved.status is CommentStatus.APPROVED
    assert approved.decided_at == clock.now
    assert rejected.status is CommentStatus.REJECTED
    assert store.get(kept.id) == approved
    assert store.approved_for("x") == (approved,)


@pytest.mark.parametrize(("first", "second"), (("approve", "approve"), ("approve", "reject"), ("reject", "approve")))
def test_a_decided_comment_cannot_be_decided_again(store: CommentStore, first: str, second: str) -> None:
    comment = store.add("x", "", "", "text", "c")
    decided = getattr(store, first)(comment.id)

    with pytest.raises(CommentAlreadyDecidedError, match=f"comment {comment.id} has already been {decided.status}"):
        getattr(store, second)(comment.id)

    assert store.get(comment.id) == decided


@pytest.mark.parametrize("action", ("approve", "reject"))
def test_deciding_an_unknown_comment_is_an_error(store: CommentStore, action: str) -> None:
    with pytest.raises(CommentNotFoundError, match="comment 7 does not exist"):
        getattr(store, action)(7)


def test_approved_comments_come_oldest_first(store: CommentStore, clock: FakeClock) -> None:
    ids = []
    for text in ("first", "second", "third"):
        ids.append(store.add("x", "", "", text, "c").id)
        clock.advance(timedelta(minutes=5))
    for comment_id in reversed(ids):
        store.approve(comment_id)
    store.approve(store.add("y", "", "", "other page", "c").id)

    assert [c.body for c in store.approved_for("x")] == ["first", "second", "third"]


def test_purge_deletes_only_old_rejected_comments(store: CommentStore, clock: FakeClock) -> None:
    old_rejected = store.add("x", "", "", "old", "c")
    old_approved = store.add("x", "", "", "kept", "c")
    old_pending = store.add("x", "", "", "waiting", "c")
    store.reject(old_rejected.id)
    store.approve(old_approved.id)
    clock.advance(timedelta(days=31))
    new_rejected = store.add("x", "", "", "new", "c")
    store.reject(new_rejected.id)

    assert store.purge_rejected(timedelta(days=30)) == 1
    assert store.get(old_rejected.id) is None
    assert {c.id for c in store.list()} == {old_approved.id, old_pending.id, new_rejected.id}
    assert store.purge_rejected(timedelta(days=30)) == 0


def test_ids_are_never_reused(store: CommentStore, clock: FakeClock) -> None:
    for text in ("a", "b", "c"):
        last = store.add("x", "", "", text, "c")
    store.reject(last.id)
    clock.advance(timedelta(days=2))
    assert store.purge_rejected(timedelta(days=1)) == 1

    assert store.add("x", "", "", "d", "c").id == last.id + 1


def test_recent_comments_are_counted_per_client(store: CommentStore, clock: FakeClock) -> None:
    store.add("x", "", "", "one", "client-a")
    clock.advance(timedelta(minutes=8))
    store.add("x", "", "", "two", "client-a")
    store.add("x", "", "", "three", "client-b")

    assert store.count_recent_comments("client-a", timedelta(minutes=10)) == 2
    clock.advance(timedelta(minutes=3))
    assert store.count_recent_comments("client-a", timedelta(minutes=10)) == 1
    assert store.count_recent_comments("client-c", timedelta(minutes=10)) == 0


def test_concurrent_writers_lose_nothing(store: CommentStore) -> None:
    def add_several(worker: int) -> None:
        for number in range(10):
            store.add("x", "", "", f"{worker}-{number}", f"client-{worker}")

    threads = [threading.Thread(target=add_several, args=(worker,)) for worker in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    comments = store.list()
    assert len(comments) == 50
    assert len({c.id for c in comments}) == 50


def test_passwords_are_hashed_with_scrypt_and_a_salt_each() -> None:
    first = hash_password("correct horse battery")
    second = hash_password("correct horse battery")

    assert first.startswith("scrypt$16384$8$1$")
    assert first != second
    assert verify_password("correct horse battery", first)
    assert not verify_password("wrong horse battery", first)


@pytest.mark.parametrize("stored", ("", "plain", "md5$abc", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$!!"))
def test_unreadable_password_hashes_never_match(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_moderators_can_be_added_and_checked(store: CommentStore) -> None:
    assert store.set_moderator_password("alice", "a long password 1") is True
    assert store.check_moderator_password("alice", "a long password 1")
    assert not store.check_moderator_password("alice", "a long password 2")
    assert not store.check_moderator_password("bob", "a long password 1")

    assert store.set_moderator_password("alice", "a new password 22") is False
    assert store.check_moderator_password("alice", "a new password 22")
    assert not store.check_moderator_password("alice", "a long password 1")


def test_sessions_last_until_they_expire_or_end(store: CommentStore, clock: FakeClock) -> None:
    store.set_moderator_password("alice", "a long password 1")
    session = store.start_session("alice", timedelta(hours=1))
    other = store.start_session("alice", timedelta(hours=1))

    assert session.token != other.token
    assert session.csrf_token != other.csrf_token
    assert store.find_session(session.token) == session
    assert store.find_session("not a token") is None

    store.end_session(other.token)
    assert store.find_session(other.token) is None

    clock.advance(timedelta(minutes=61))
    assert store.find_session(session.token) is None


def test_session_tokens_are_stored_only_as_hashes(store: CommentStore, db_path: Path) -> None:
    store.set_moderator_password("alice", "a long password 1")
    session = store.start_session("alice", timedelta(hours=1))

    stored = b"".join(path.read_bytes() for path in db_path.parent.iterdir())
    assert session.token.encode("ascii") not in stored
    assert session.csrf_token.encode("ascii") in stored


def test_a_new_password_ends_the_moderators_sessions(store: CommentStore) -> None:
    store.set_moderator_password("alice", "a long password 1")
    session = store.start_session("alice", timedelta(hours=1))

    store.set_moderator_password("alice", "a new password 22")

    assert store.find_session(session.token) is None


def test_login_failures_are_counted_by_username_and_by_client(store: CommentStore, clock: FakeClock) -> None:
    store.record_login_failure("alice", "client-a")
    store.record_login_failure("alice", "client-b")
    store.record_login_failure("bob", "client-a")

    counts = store.count_login_failures("alice", "client-a", timedelta(minutes=15))
    assert (counts.for_username, counts.for_client) == (2, 2)

    clock.advance(timedelta(minutes=16))
    counts = store.count_login_failures("alice", "client-a", timedelta(minutes=15))
    assert (counts.for_username, counts.for_client) == (0, 0)


def test_secrets_are_made_once_and_kept(db_path: Path) -> None:
    first = CommentStore(db_path).secret("client_hash")

    assert len(first) == 64
    assert CommentStore(db_path).secret("client_hash") == first
    assert CommentStore(db_path).secret("another") != first

"""Storage of comments, moderators, sessions and throttling data, each test on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from cohub.comments.store import (
    CommentAlreadyDecidedError,
    CommentNotFoundError,
    CommentNotPublishedError,
    CommentStatus,
    CommentStore,
    ModeratorExistsError,
    RateLimit,
    RetentionPolicy,
    SignInPolicy,
    hash_password,
    normalise_username,
    verify_password,
)
from tests.postgres_cluster import PostgresCluster

from .helpers import FakeClock, everything_stored, stored


@pytest.fixture
def store(location: Path | str, clock: FakeClock) -> Iterator[CommentStore]:
    with CommentStore(location, clock=clock) as store:
        yield store


def test_a_fresh_database_and_its_folder_are_created(db_path: Path) -> None:
    assert not db_path.parent.exists()

    CommentStore(db_path)

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"comments", "moderators", "moderator_sessions", "sign_in_attempts", "outbox"} <= tables
    # The key behind the scrambled IP addresses is never kept in the database.
    assert "secrets" not in tables


def test_a_version_1_database_is_brought_up_to_date_and_loses_its_hash_key(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.executescript(
            """
            CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, page TEXT NOT NULL, name TEXT NOT NULL,
              email TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
              decided_at TEXT, client_hash TEXT NOT NULL);
            CREATE TABLE moderators (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE moderator_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL,
              csrf_token TEXT NOT NULL, expires_at TEXT NOT NULL);
            CREATE TABLE login_failures (username TEXT NOT NULL, client_hash TEXT NOT NULL, failed_at TEXT NOT NULL);
            CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO secrets VALUES ('client_hash', 'an old key');
            INSERT INTO comments (page, name, email, body, status, created_at, client_hash)
              VALUES ('x', '', '', 'Kept', 'pending', '2025-03-05T14:30:00.000000+00:00', 'h');
            PRAGMA user_version = 1;
            """
        )
    conn.close()

    store = CommentStore(db_path)

    assert [comment.body for comment in store.list()] == ["Kept"]
    with sqlite3.connect(db_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "secrets" not in tables
    assert b"an old key" not in db_path.read_bytes()
    assert store.add("x", "", "", "New", "h", notify=True) is not None


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


def test_comments_survive_reopening_the_database(location: Path | str) -> None:
    with CommentStore(location) as first:
        added = first.add("x", "", "", "Still here", "c")

    with CommentStore(location) as second:
        assert second.get(added.id) == added


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


RETENTION = RetentionPolicy(pending=timedelta(days=90), rejected=timedelta(days=30), approved=timedelta(days=60))


def test_retention_deletes_old_rejected_comments_and_clears_old_personal_data(
    store: CommentStore, clock: FakeClock
) -> None:
    old_rejected = store.add("x", "A", "a@example.com", "old", "hash-a")
    old_approved = store.add("x", "B", "b@example.com", "kept", "hash-b")
    old_pending = store.add("x", "C", "c@example.com", "waiting", "hash-c")
    store.reject(old_rejected.id)
    store.approve(old_approved.id)
    clock.advance(timedelta(days=31))
    new_rejected = store.add("x", "D", "d@example.com", "new", "hash-d")
    store.reject(new_rejected.id)

    report = store.apply_retention(RETENTION)

    assert (report.rejected_deleted, report.approved_cleared, report.pending_cleared) == (1, 0, 0)
    assert store.get(old_rejected.id) is None
    assert {c.id for c in store.list()} == {old_approved.id, old_pending.id, new_rejected.id}

    clock.advance(timedelta(days=31))
    report = store.apply_retention(RETENTION)
    assert (report.rejected_deleted, report.approved_cleared, report.pending_cleared) == (1, 1, 0)
    approved = stored(store, old_approved.id)
    assert (approved.email, approved.client_hash, approved.name, approved.body) == ("", "", "B", "kept")
    assert stored(store, old_pending.id).email == "c@example.com"

    clock.advance(timedelta(days=30))
    report = store.apply_retention(RETENTION)
    assert (report.rejected_deleted, report.approved_cleared, report.pending_cleared) == (0, 0, 1)
    pending = stored(store, old_pending.id)
    assert (pending.email, pending.client_hash, pending.status) == ("", "", CommentStatus.PENDING)
    assert store.apply_retention(RETENTION) == type(report)(0, 0, 0)


def test_ids_are_never_reused(store: CommentStore, clock: FakeClock) -> None:
    for text in ("a", "b", "c"):
        last = store.add("x", "", "", text, "c")
    store.reject(last.id)
    clock.advance(timedelta(days=31))
    assert store.apply_retention(RETENTION).rejected_deleted == 1

    assert store.add("x", "", "", "d", "c").id == last.id + 1


def test_the_rate_limit_counts_recent_comments_per_client(store: CommentStore, clock: FakeClock) -> None:
    limit = RateLimit(count=2, window=timedelta(minutes=10))
    assert store.add("x", "", "", "one", "client-a", limit=limit) is not None
    clock.advance(timedelta(minutes=8))
    assert store.add("x", "", "", "two", "client-a", limit=limit) is not None
    assert store.add("x", "", "", "three", "client-b", limit=limit) is not None

    assert store.add("x", "", "", "refused", "client-a", limit=limit) is None
    clock.advance(timedelta(minutes=3))
    assert store.add("x", "", "", "four", "client-a", limit=limit) is not None
    assert "refused" not in {comment.body for comment in store.list()}


def test_the_rate_limit_holds_when_one_client_sends_many_at_once(store: CommentStore) -> None:
    limit = RateLimit(count=5, window=timedelta(minutes=10))
    start = threading.Barrier(40)

    def send(number: int) -> bool:
        start.wait()
        return store.add("x", "", "", f"at once {number}", "client-a", limit=limit) is not None

    with ThreadPoolExecutor(max_workers=40) as pool:
        accepted = sum(pool.map(send, range(40)))

    assert accepted == 5
    assert len(store.list()) == 5


def test_withdrawing_takes_an_approved_comment_off_the_site(store: CommentStore, clock: FakeClock) -> None:
    comment = store.add("x", "", "", "Published", "c")
    store.approve(comment.id)
    clock.advance(timedelta(hours=1))

    withdrawn = store.withdraw(comment.id)

    assert withdrawn.status is CommentStatus.REJECTED
    assert withdrawn.decided_at == clock.now
    assert store.approved_for("x") == ()
    with pytest.raises(CommentNotPublishedError, match="comment 1 is rejected, not published"):
        store.withdraw(comment.id)
    with pytest.raises(CommentNotFoundError):
        store.withdraw(99)


def test_erasing_an_email_address_deletes_every_comment_sent_with_it(store: CommentStore) -> None:
    store.approve(store.add("x", "Sam", "Sam@Example.com", "Published", "c").id)
    store.reject(store.add("y", "Sam", "sam@example.com", "Rejected", "c").id)
    store.add("x", "Sam", " sam@example.com ", "Waiting", "c", notify=True)
    other = store.add("x", "Al", "al@example.com", "Someone else", "c")

    assert store.erase_email("SAM@example.COM") == 3

    assert store.list() == (other,)
    assert store.due_notification() is None
    assert store.erase_email("sam@example.com") == 0
    assert store.erase_email("  ") == 0


def test_approved_comments_can_be_searched_newest_first(store: CommentStore, clock: FakeClock) -> None:
    for body, name in (("About day centres", "Ann"), ("100% useful_thing", "Bo"), ("Not published", "Cy")):
        comment = store.add("x", name, "", body, "c")
        clock.advance(timedelta(minutes=1))
        if body != "Not published":
            store.approve(comment.id)

    assert [c.body for c in store.search_approved()] == ["100% useful_thing", "About day centres"]
    assert [c.body for c in store.search_approved("CENTRES")] == ["About day centres"]
    assert [c.body for c in store.search_approved("ann")] == ["About day centres"]
    assert [c.body for c in store.search_approved("0%")] == ["100% useful_thing"]
    assert store.search_approved("y_t") == ()
    assert store.search_approved("published") == ()


def test_the_outbox_keeps_notifications_until_they_are_sent(store: CommentStore, clock: FakeClock) -> None:
    store.add("x", "", "", "one", "c", notify=True)
    store.add("x", "", "", "two", "c", notify=True)
    store.add("x", "", "", "quiet", "c")

    due = store.due_notification()
    assert due is not None and due.comment_count == 2
    store.notification_failed(due, timedelta(minutes=1))
    assert store.due_notification() is None
    assert store.outbox_attempts() == 1

    clock.advance(timedelta(minutes=1))
    due = store.due_notification()
    assert due is not None and due.comment_count == 2
    store.notification_sent(due)
    assert store.due_notification() is None


def test_a_notification_is_given_up_after_ten_tries(store: CommentStore) -> None:
    store.add("x", "", "", "one", "c", notify=True)
    for _ in range(9):
        due = store.due_notification()
        assert due is not None
        assert store.notification_failed(due, timedelta(0)) == 0

    due = store.due_notification()
    assert due is not None
    assert store.notification_failed(due, timedelta(0)) == 1
    assert store.due_notification() is None
    assert len(store.list()) == 1


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
    assert store.set_moderator_password("alice", "a long password 1") == "alice"
    assert store.check_moderator_password("alice", "a long password 1")
    assert store.check_moderator_password(" ALICE ", "a long password 1")
    assert not store.check_moderator_password("alice", "a long password 2")
    assert not store.check_moderator_password("bob", "a long password 1")

    with pytest.raises(ModeratorExistsError):
        store.set_moderator_password("Alice", "a new password 22")
    assert store.set_moderator_password("alice", "a new password 22", change=True) == "alice"
    assert store.check_moderator_password("alice", "a new password 22")
    assert not store.check_moderator_password("alice", "a long password 1")


@pytest.mark.parametrize(
    ("typed", "kept"),
    ((" Mod ", "mod"), ("MOD", "mod"), ("\uff2d\uff4f\uff44", "mod"), ("Stra\u00dfe", "strasse"), ("ﬁona", "fiona")),
)
def test_names_are_kept_in_one_normal_form(typed: str, kept: str) -> None:
    assert normalise_username(typed) == kept


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


def test_session_tokens_are_stored_only_as_hashes(store: CommentStore, location: Path | str) -> None:
    store.set_moderator_password("alice", "a long password 1")
    session = store.start_session("alice", timedelta(hours=1))

    stored = everything_stored(location)
    assert session.token.encode("ascii") not in stored
    assert session.csrf_token.encode("ascii") in stored


def test_a_new_password_ends_the_moderators_sessions(store: CommentStore) -> None:
    store.set_moderator_password("alice", "a long password 1")
    session = store.start_session("alice", timedelta(hours=1))

    store.set_moderator_password("alice", "a new password 22", change=True)

    assert store.find_session(session.token) is None


SIGN_IN = SignInPolicy(client_limit=5, window=timedelta(minutes=15), free_failures=5, max_delay=timedelta(seconds=30))


def test_one_client_gets_the_limit_of_tries_then_waits_for_the_window(store: CommentStore, clock: FakeClock) -> None:
    decisions = [store.reserve_sign_in("alice", "client-a", SIGN_IN) for _ in range(6)]

    assert [decision.allowed for decision in decisions] == [True] * 5 + [False]
    assert decisions[-1].retry_after_seconds == 15 * 60
    assert store.reserve_sign_in("bob", "client-a", SIGN_IN).allowed is False
    clock.advance(timedelta(minutes=15, seconds=1))
    assert store.reserve_sign_in("alice", "client-a", SIGN_IN).allowed


def test_failures_for_a_name_from_many_addresses_slow_it_but_never_lock_it(store: CommentStore) -> None:
    delays = [store.reserve_sign_in("alice", f"client-{n}", SIGN_IN).delay_seconds for n in range(12)]

    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    owner = store.reserve_sign_in("ALICE", "owner", SIGN_IN)
    assert owner.allowed and owner.delay_seconds == 30


def test_a_right_password_is_not_counted_and_a_new_password_forgets_the_failures(store: CommentStore) -> None:
    store.set_moderator_password("alice", "a long password 1")
    for _ in range(4):
        store.reserve_sign_in("alice", "client-a", SIGN_IN)
    success = store.reserve_sign_in("alice", "client-a", SIGN_IN)
    assert success.attempt_id is not None
    store.sign_in_succeeded(success.attempt_id)
    assert store.reserve_sign_in("alice", "client-a", SIGN_IN).allowed
    assert not store.reserve_sign_in("alice", "client-a", SIGN_IN).allowed

    store.set_moderator_password("alice", "a new password 22", change=True)

    assert store.reserve_sign_in("alice", "client-a", SIGN_IN).allowed


def test_sign_in_tries_sent_at_once_from_one_client_get_exactly_the_limit(store: CommentStore) -> None:
    start = threading.Barrier(40)

    def attempt(_number: int) -> bool:
        start.wait()
        return store.reserve_sign_in("alice", "client-a", SIGN_IN).allowed

    with ThreadPoolExecutor(max_workers=40) as pool:
        allowed = sum(pool.map(attempt, range(40)))

    assert allowed == 5


def test_a_postgresql_store_carries_on_after_the_server_drops_its_connections(postgres: PostgresCluster) -> None:
    url = postgres.new_schema_url()
    try:
        with CommentStore(url) as store:
            store.add("x", "Sam", "", "Before the drop.", "c1")
            with psycopg.connect(postgres.url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE pid <> pg_backend_pid() AND datname = current_database()"
                )
            store.add("x", "Sam", "", "After the drop.", "c2")
            assert len(store.list(status=CommentStatus.PENDING)) == 2
    finally:
        postgres.drop_schema(url)

"""Storage for comments, moderators, moderator sessions and throttling, in SQLite or PostgreSQL.

Every public method takes a connection for just that call (a new one for
SQLite, one from a pool for PostgreSQL), so one ``CommentStore`` can be
shared by the web service's worker threads and by the command line at the
same time. Writes are committed (with ``synchronous=FULL`` on SQLite) before
the method returns, so a comment that has been acknowledged survives a crash
or power cut. The queries are written once, in the words both databases share
(``cohub.comments.database`` holds the few differences).

Each limit is decided inside one write transaction that both counts and
records, and write transactions wait their turn (SQLite's ``BEGIN IMMEDIATE``;
on PostgreSQL one advisory lock, across every service instance), so requests
arriving together are decided one after the other and exactly the limit gets
through. Rate limiting needs no table of its own: a client's recent
submissions are counted from the ``comments`` table by ``client_hash`` and
``created_at``, so the limit survives restarts and is shared by every process
using the database. Sign-in attempts are kept in ``sign_in_attempts`` for the
same reasons; an attempt is recorded before the password is checked and
deleted if it was right.

Notifications for moderators wait in the ``outbox`` table, written in the
same transaction as the comment, until a background sender delivers them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import math
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Self, overload

from cohub.comments.database import Connection, Database, DatabaseVersionError, PostgresDatabase, SqliteDatabase
from cohub.comments.location import describe_location, is_database_url

__all__ = (
    "SCHEMA_VERSION",
    "Comment",
    "CommentAlreadyDecidedError",
    "CommentNotFoundError",
    "CommentNotPublishedError",
    "CommentStatus",
    "CommentStore",
    "CommentStoreError",
    "DatabaseNotFoundError",
    "ModeratorExistsError",
    "ModeratorNotFoundError",
    "ModeratorSession",
    "RateLimit",
    "RetentionPolicy",
    "RetentionReport",
    "SignInDecision",
    "SignInPolicy",
    "create_schema",
    "hash_password",
    "normalise_username",
    "parse_comment_id",
    "verify_password",
)

SCHEMA_VERSION = 2

# A comment id as typed or in a URL: a whole number SQLite can hold (18 digits
# at most keeps it below 2**63), checked before any conversion, since int()
# refuses numbers of more than 4,300 digits.
_COMMENT_ID = re.compile(r"[1-9][0-9]{0,17}")

# The tables every version has had.
_FIRST_TABLES = (
    """CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at TEXT NOT NULL,
    decided_at TEXT,
    client_hash TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS comments_by_page ON comments (page, status, created_at)",
    "CREATE INDEX IF NOT EXISTS comments_by_client ON comments (client_hash, created_at)",
    """CREATE TABLE IF NOT EXISTS moderators (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS moderator_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES moderators (username) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL
    )""",
)

# Version 2: sign-in attempts recorded before the check, and the outbox.
_TABLES_ADDED_IN_2 = (
    """CREATE TABLE IF NOT EXISTS sign_in_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    attempted_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sign_in_attempts_by_client ON sign_in_attempts (client_hash, attempted_at)",
    "CREATE INDEX IF NOT EXISTS sign_in_attempts_by_username ON sign_in_attempts (username, attempted_at)",
    """CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS outbox_by_time ON outbox (next_attempt_at)",
)

# The tables of this version, in an order that creating and filling them follows.
CURRENT_TABLES = _FIRST_TABLES + _TABLES_ADDED_IN_2

# Version 2 also moved the key for scrambling IP addresses out of the database.
_MIGRATION_TO_2 = (
    "DROP TABLE IF EXISTS login_failures",
    "DROP TABLE IF EXISTS secrets",
    *_TABLES_ADDED_IN_2,
)

# scrypt cost: 16 MiB of memory and roughly 50 ms per check on a small server.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_LENGTH = 32

# Failed sign-ins older than this are of no use to any throttle and are deleted.
_SIGN_IN_ATTEMPT_RETENTION = timedelta(days=1)

# A notification not delivered after this many tries is given up (the
# comment itself waits in the moderation list all the same).
_OUTBOX_MAX_ATTEMPTS = 10


class CommentStatus(StrEnum):
    """Where a comment is in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Comment:
    """One stored comment.

    ``name`` and ``email`` are empty strings when the person left them out.
    Times are timezone-aware UTC datetimes.
    """

    id: int
    page: str
    name: str
    email: str
    body: str
    status: CommentStatus
    created_at: datetime
    decided_at: datetime | None
    client_hash: str


@dataclass(frozen=True)
class ModeratorSession:
    """A signed-in moderator, found from the random token in their cookie."""

    token: str
    username: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` comments from one client in any ``window``."""

    count: int
    window: timedelta


@dataclass(frozen=True)
class SignInPolicy:
    """How sign-ins are throttled.

    Attributes:
        client_limit: Failed sign-ins one client address may make per window;
            more are refused without checking the password.
        window: That window.
        free_failures: Failed sign-ins for one username (from any address)
            per window before each further try for it has to wait.
        max_delay: The longest such wait: it doubles with each failure up to this.
    """

    client_limit: int
    window: timedelta
    free_failures: int
    max_delay: timedelta


@dataclass(frozen=True)
class SignInDecision:
    """Whether a sign-in may be checked, and when.

    Attributes:
        attempt_id: The recorded attempt, to pass to ``sign_in_succeeded``;
            None when the attempt is refused.
        delay_seconds: How long to wait before checking the password.
        retry_after_seconds: For a refused attempt, when the client may try again.
    """

    attempt_id: int | None
    delay_seconds: float = 0.0
    retry_after_seconds: int = 0

    @property
    def allowed(self) -> bool:
        """True when the password may be checked."""
        return self.attempt_id is not None


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of comment keeps personal data (see ``retention_periods``)."""

    pending: timedelta
    rejected: timedelta
    approved: timedelta


@dataclass(frozen=True)
class RetentionReport:
    """What one run of the retention rules did."""

    pending_cleared: int
    rejected_deleted: int
    approved_cleared: int


@dataclass(frozen=True)
class Notification:
    """Moderators are to be told that comments are waiting.

    Attributes:
        outbox_ids: The outbox entries this message covers.
        comment_count: How many new comments it is about.
    """

    outbox_ids: tuple[int, ...]
    comment_count: int


class CommentStoreError(Exception):
    """A request to the store that cannot be carried out as asked."""


class DatabaseNotFoundError(CommentStoreError):
    """A command that only reads or moderates found no database to work on."""

    def __init__(self, location: str) -> None:
        super().__init__(
            f"there is no comments database at {location}: run cohub in the hub's folder (or name it with --root),"
            " or name the database with --db or COHUB_COMMENTS_DB"
        )
        self.location = location


class CommentNotFoundError(CommentStoreError):
    """No comment has this id (it never existed or has been purged)."""

    def __init__(self, comment_id: int) -> None:
        super().__init__(f"comment {comment_id} does not exist")
        self.comment_id = comment_id


class CommentNotPublishedError(CommentStoreError):
    """Only an approved comment can be withdrawn."""

    def __init__(self, comment: Comment) -> None:
        super().__init__(f"comment {comment.id} is {comment.status}, not published, so there is nothing to withdraw")
        self.comment = comment


class ModeratorExistsError(CommentStoreError):
    """A moderator with this name is already there."""

    def __init__(self, username: str) -> None:
        super().__init__(
            f"there is already a moderator called {username}; to change their password, add --change-password"
        )
        self.username = username


class ModeratorNotFoundError(CommentStoreError):
    """There is no moderator with this name."""

    def __init__(self, username: str) -> None:
        super().__init__(f"there is no moderator called {username}")
        self.username = username


class CommentAlreadyDecidedError(CommentStoreError):
    """The comment has already been approved or rejected."""

    def __init__(self, comment: Comment) -> None:
        super().__init__(f"comment {comment.id} has already been {comment.status}")
        self.comment = comment


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    # One fixed-width format so that timestamps sort correctly as text.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _parse_timestamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _comment_from_row(row: Any) -> Comment:
    created_at = _parse_timestamp(row["created_at"])
    assert created_at is not None
    return Comment(
        id=row["id"],
        page=row["page"],
        name=row["name"],
        email=row["email"],
        body=row["body"],
        status=CommentStatus(row["status"]),
        created_at=created_at,
        decided_at=_parse_timestamp(row["decided_at"]),
        client_hash=row["client_hash"],
    )


def parse_comment_id(text: str) -> int | None:
    """The comment id in ``text`` (ASCII digits only, no sign or spaces), or None if it cannot be one."""
    return int(text) if _COMMENT_ID.fullmatch(text) else None


def normalise_username(username: str) -> str:
    """The one form a moderator's name is kept and looked up in.

    Spaces at the ends are dropped, and letters that look or compare the same
    (capitals, full-width forms, ligatures) become one, so that two names a
    person cannot tell apart are the same name.
    """
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _like_pattern(text: str) -> str:
    # LIKE treats % and _ as wildcards; they are escaped so a search finds them as typed.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _hash_token(token: str) -> str:
    # Only a hash of each session token is stored, so a copy of the database
    # cannot be used to sign in.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a fresh random salt.

    Args:
        password: The password as typed.

    Returns:
        A self-describing string: ``scrypt$N$r$p$salt$hash`` (base64 parts).
    """
    salt = secrets.token_bytes(16)
    derived = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LENGTH
    )
    encoded_salt = base64.b64encode(salt).decode("ascii")
    encoded_hash = base64.b64encode(derived).decode("ascii")
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${encoded_salt}${encoded_hash}"


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a string made by ``hash_password``.

    Args:
        password: The password as typed.
        stored: The stored self-describing hash.

    Returns:
        True if the password matches; False otherwise, including for a
        stored value that cannot be read.
    """
    try:
        scheme, n, r, p, encoded_salt, encoded_hash = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(encoded_hash)
        derived = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(encoded_salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(derived, expected)


@functools.cache
def _unknown_user_hash() -> str:
    # Checked when a username is unknown, so that a wrong username takes as
    # long to refuse as a wrong password and does not reveal who exists.
    return hash_password(secrets.token_urlsafe(16))


def create_schema(conn: sqlite3.Connection | Connection) -> None:
    """Make the tables on a new SQLite database, or bring an older one up to date."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for statement in CURRENT_TABLES if version == 0 else _MIGRATION_TO_2 if version < SCHEMA_VERSION else ():
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def open_database(location: Path | str, *, create: bool) -> Database:
    """The database at ``location``: a PostgreSQL address, or the path of an SQLite file.

    Raises:
        DatabaseNotFoundError: There is no SQLite file there and ``create`` is False.
    """
    if is_database_url(location):
        return PostgresDatabase(str(location), describe_location(location))
    path = Path(location)
    if not create and not path.exists():
        raise DatabaseNotFoundError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(path)


class CommentStore:
    """Comments and moderation data in an SQLite file or a PostgreSQL database.

    Args:
        location: The path of the SQLite file, or a ``postgresql://`` address
            (see ``cohub.comments.location``).
        clock: Gives the current time; tests pass a fake one.
        create: Make the SQLite file and its folder when they are not
            there; when False, a missing file is an error. (The tables are
            made in a new PostgreSQL database either way.)

    Attributes:
        path: The SQLite file, or None for PostgreSQL.
        description: The location as shown in messages (without a password).

    Raises:
        DatabaseNotFoundError: There is no SQLite file at ``location`` and ``create`` is False.
    """

    def __init__(self, location: Path | str, *, clock: Callable[[], datetime] = _utc_now, create: bool = True) -> None:
        self._db = open_database(location, create=create)
        self.path = self._db.path
        self.description = self._db.description
        self._clock = clock
        try:
            if isinstance(self._db, SqliteDatabase):
                with self._db.transaction() as conn:
                    create_schema(conn)
            else:
                self._db.create_schema(CURRENT_TABLES, SCHEMA_VERSION)
        except DatabaseVersionError as error:
            self._db.close()
            raise CommentStoreError(str(error)) from None
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        """Let go of the database's connections (a PostgreSQL store's pool); the store is not used after."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _connection(self) -> AbstractContextManager[Connection]:
        return self._db.connection()

    def _transaction(self) -> AbstractContextManager[Connection]:
        return self._db.transaction()

    def copy_to(self, target: sqlite3.Connection) -> None:
        """Copy the whole database, as it is at one moment, into ``target`` (an SQLite connection).

        SQLite's online backup reads one snapshot while writers carry on, so
        the copy never holds half a transaction.
        """
        self._db.copy_to(target)

    def replace_with(self, source: sqlite3.Connection) -> None:
        """Replace everything in the database with the contents of ``source``, at once.

        The online backup writes into the live database in one transaction,
        so the service's connections see either the old database or the new
        one, never a mixture.
        """
        self._db.replace_with(source)

    def now(self) -> datetime:
        """Return the store's idea of the current time (UTC)."""
        return self._clock()

    # Comments

    # Without a limit a comment is always stored, so the caller gets a Comment.
    # The limited form comes first: functools.partial takes the first overload.
    @overload
    def add(
        self, page: str, name: str, email: str, body: str, client_hash: str, *, limit: RateLimit, notify: bool = False
    ) -> Comment | None: ...

    @overload
    def add(
        self, page: str, name: str, email: str, body: str, client_hash: str, *, limit: None = None, notify: bool = False
    ) -> Comment: ...

    def add(
        self,
        page: str,
        name: str,
        email: str,
        body: str,
        client_hash: str,
        *,
        limit: RateLimit | None = None,
        notify: bool = False,
    ) -> Comment | None:
        """Store a new comment, waiting for moderation, if the client is within its limit.

        The count and the insert are one transaction, so however many
        comments a client sends at once, no more than the limit are stored.

        Args:
            page: The case study slug.
            name: The commenter's name, or an empty string.
            email: The commenter's email address, or an empty string.
            body: The comment text.
            client_hash: Scrambled form of the sender's IP address.
            limit: The rate limit for this client; None for none.
            notify: Also queue a notification for moderators.

        Returns:
            The stored comment, committed to disk; None if the client has
            already sent ``limit.count`` comments in ``limit.window``.
        """
        now = self.now()
        with self._transaction() as conn:
            if limit is not None:
                recent = conn.execute(
                    "SELECT COUNT(*) AS n FROM comments WHERE client_hash = ? AND created_at >= ?",
                    (client_hash, _timestamp(now - limit.window)),
                ).fetchone()["n"]
                if recent >= limit.count:
                    return None
            row = conn.execute(
                "INSERT INTO comments (page, name, email, body, status, created_at, client_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (page, name, email, body, CommentStatus.PENDING.value, _timestamp(now), client_hash),
            ).fetchone()
            if notify:
                conn.execute(
                    "INSERT INTO outbox (comment_id, next_attempt_at) VALUES (?, ?)", (row["id"], _timestamp(now))
                )
        return _comment_from_row(row)

    def get(self, comment_id: int) -> Comment | None:
        """Return the comment with this id, or None if there is none."""
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
        return None if row is None else _comment_from_row(row)

    def list(self, status: CommentStatus | str | None = None, page: str | None = None) -> tuple[Comment, ...]:
        """Return comments, oldest first.

        Args:
            status: Only comments with this status; None for all.
            page: Only comments on this case study; None for all.
        """
        conditions: tuple[str, ...] = ()
        parameters: tuple[str, ...] = ()
        if status is not None:
            conditions += ("status = ?",)
            parameters += (CommentStatus(status).value,)
        if page is not None:
            conditions += ("page = ?",)
            parameters += (page,)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._connection() as conn:
            rows = conn.execute(f"SELECT * FROM comments{where} ORDER BY id", parameters).fetchall()
        return tuple(_comment_from_row(row) for row in rows)

    def approved_for(self, page: str) -> tuple[Comment, ...]:
        """Return a case study's approved comments, oldest first."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT * FROM comments WHERE page = ? AND status = ? ORDER BY created_at, id",
                (page, CommentStatus.APPROVED.value),
            ).fetchall()
        return tuple(_comment_from_row(row) for row in rows)

    def approve(self, comment_id: int) -> Comment:
        """Approve a pending comment so that it is published.

        Raises:
            CommentNotFoundError: No comment has this id.
            CommentAlreadyDecidedError: It was approved or rejected before.
        """
        return self._decide(comment_id, CommentStatus.APPROVED)

    def reject(self, comment_id: int) -> Comment:
        """Reject a pending comment; it is never published.

        Raises:
            CommentNotFoundError: No comment has this id.
            CommentAlreadyDecidedError: It was approved or rejected before.
        """
        return self._decide(comment_id, CommentStatus.REJECTED)

    def _decide(self, comment_id: int, status: CommentStatus) -> Comment:
        with self._transaction() as conn:
            changed = conn.execute(
                "UPDATE comments SET status = ?, decided_at = ? WHERE id = ? AND status = ?",
                (status.value, _timestamp(self.now()), comment_id, CommentStatus.PENDING.value),
            ).rowcount
            row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise CommentNotFoundError(comment_id)
        comment = _comment_from_row(row)
        if not changed:
            raise CommentAlreadyDecidedError(comment)
        return comment

    def withdraw(self, comment_id: int) -> Comment:
        """Take an approved comment off the site; it is then treated as rejected.

        Raises:
            CommentNotFoundError: No comment has this id.
            CommentNotPublishedError: It is not approved.
        """
        with self._transaction() as conn:
            changed = conn.execute(
                "UPDATE comments SET status = ?, decided_at = ? WHERE id = ? AND status = ?",
                (CommentStatus.REJECTED.value, _timestamp(self.now()), comment_id, CommentStatus.APPROVED.value),
            ).rowcount
            row = conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise CommentNotFoundError(comment_id)
        comment = _comment_from_row(row)
        if not changed:
            raise CommentNotPublishedError(comment)
        return comment

    def erase_email(self, email: str) -> int:
        """Delete every comment sent with this email address (any case), with all it holds.

        Returns:
            How many comments were deleted.
        """
        wanted = email.strip().casefold()
        if not wanted:
            return 0
        with self._transaction() as conn:
            ids = tuple(
                row["id"]
                for row in conn.execute("SELECT id, email FROM comments WHERE email != ''")
                if row["email"].strip().casefold() == wanted
            )
            conn.executemany("DELETE FROM comments WHERE id = ?", ((comment_id,) for comment_id in ids))
        self._db.reclaim_erased()
        return len(ids)

    def search_approved(self, text: str = "", *, limit: int = 100) -> tuple[Comment, ...]:
        """Approved comments, newest first, whose text, name or case study contains ``text``."""
        # LOWER on both sides makes the search ignore case alike in both databases.
        pattern = _like_pattern(text.strip())
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT * FROM comments WHERE status = ? AND"
                " (LOWER(body) LIKE LOWER(?) ESCAPE '\\' OR LOWER(name) LIKE LOWER(?) ESCAPE '\\'"
                " OR LOWER(page) LIKE LOWER(?) ESCAPE '\\')"
                " ORDER BY decided_at DESC, id DESC LIMIT ?",
                (CommentStatus.APPROVED.value, pattern, pattern, pattern, limit),
            ).fetchall()
        return tuple(_comment_from_row(row) for row in rows)

    def apply_retention(self, policy: RetentionPolicy) -> RetentionReport:
        """Forget personal data kept longer than the policy allows.

        Pending and approved comments lose the email address and scrambled
        IP address; rejected (and withdrawn) comments are deleted.

        Returns:
            How many comments of each kind were changed or deleted.
        """
        now = self.now()
        with self._transaction() as conn:
            pending = conn.execute(
                "UPDATE comments SET email = '', client_hash = ''"
                " WHERE status = ? AND created_at < ? AND (email != '' OR client_hash != '')",
                (CommentStatus.PENDING.value, _timestamp(now - policy.pending)),
            ).rowcount
            rejected = conn.execute(
                "DELETE FROM comments WHERE status = ? AND decided_at < ?",
                (CommentStatus.REJECTED.value, _timestamp(now - policy.rejected)),
            ).rowcount
            approved = conn.execute(
                "UPDATE comments SET email = '', client_hash = ''"
                " WHERE status = ? AND decided_at < ? AND (email != '' OR client_hash != '')",
                (CommentStatus.APPROVED.value, _timestamp(now - policy.approved)),
            ).rowcount
        return RetentionReport(pending_cleared=pending, rejected_deleted=rejected, approved_cleared=approved)

    # Notifications for moderators

    def due_notification(self) -> Notification | None:
        """The notification to send now, covering every outbox entry that is due, or None."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT id FROM outbox WHERE next_attempt_at <= ? ORDER BY id", (_timestamp(self.now()),)
            ).fetchall()
        if not rows:
            return None
        return Notification(outbox_ids=tuple(row["id"] for row in rows), comment_count=len(rows))

    def notification_sent(self, notification: Notification) -> None:
        """Remove a delivered notification from the outbox."""
        with self._transaction() as conn:
            conn.executemany("DELETE FROM outbox WHERE id = ?", ((entry,) for entry in notification.outbox_ids))

    def notification_failed(self, notification: Notification, retry_after: timedelta) -> int:
        """Put a notification back to try again later, dropping entries tried too often.

        Returns:
            How many entries were given up.
        """
        retry_at = _timestamp(self.now() + retry_after)
        with self._transaction() as conn:
            for entry in notification.outbox_ids:
                conn.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?", (retry_at, entry)
                )
            return conn.execute("DELETE FROM outbox WHERE attempts >= ?", (_OUTBOX_MAX_ATTEMPTS,)).rowcount

    def outbox_attempts(self) -> int:
        """The most times any waiting notification has been tried (0 when none waits)."""
        with self._connection() as conn:
            return int(conn.execute("SELECT COALESCE(MAX(attempts), 0) AS n FROM outbox").fetchone()["n"])

    # Moderators and their sessions

    def set_moderator_password(self, username: str, password: str, *, change: bool = False) -> str:
        """Add a moderator, or (with ``change``) give an existing one a new password.

        Names are kept in their normal form (``normalise_username``), so
        names that differ only in case or spacing are one name. After a
        change, signing in again is needed, and the name's failed sign-ins
        are forgotten.

        Returns:
            The name as kept.

        Raises:
            ModeratorExistsError: Adding a name that is already there.
            ModeratorNotFoundError: Changing the password of a name that is not.
        """
        username = normalise_username(username)
        password_hash = hash_password(password)
        with self._transaction() as conn:
            existed = conn.execute("SELECT 1 FROM moderators WHERE username = ?", (username,)).fetchone()
            if existed and not change:
                raise ModeratorExistsError(username)
            if change and not existed:
                raise ModeratorNotFoundError(username)
            conn.execute("DELETE FROM moderator_sessions WHERE username = ?", (username,))
            conn.execute("DELETE FROM sign_in_attempts WHERE username = ?", (username,))
            conn.execute(
                "INSERT INTO moderators (username, password_hash, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash",
                (username, password_hash, _timestamp(self.now())),
            )
        return username

    def moderator_exists(self, username: str) -> bool:
        """Return True if there is a moderator with this name (in any case or spacing)."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM moderators WHERE username = ?", (normalise_username(username),)
            ).fetchone()
        return row is not None

    def check_moderator_password(self, username: str, password: str) -> bool:
        """Return True if this moderator exists and the password is theirs."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT password_hash FROM moderators WHERE username = ?", (normalise_username(username),)
            ).fetchone()
        matches = verify_password(password, _unknown_user_hash() if row is None else row["password_hash"])
        return row is not None and matches

    def start_session(self, username: str, lifetime: timedelta) -> ModeratorSession:
        """Start a session for a moderator who has just signed in."""
        session = ModeratorSession(
            token=secrets.token_urlsafe(32),
            username=username,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=self.now() + lifetime,
        )
        with self._transaction() as conn:
            conn.execute("DELETE FROM moderator_sessions WHERE expires_at < ?", (_timestamp(self.now()),))
            conn.execute(
                "INSERT INTO moderator_sessions (token_hash, username, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
                (_hash_token(session.token), username, session.csrf_token, _timestamp(session.expires_at)),
            )
        return session

    def find_session(self, token: str) -> ModeratorSession | None:
        """Return the live session for a cookie token, or None."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT username, csrf_token, expires_at FROM moderator_sessions"
                " WHERE token_hash = ? AND expires_at >= ?",
                (_hash_token(token), _timestamp(self.now())),
            ).fetchone()
        if row is None:
            return None
        expires_at = _parse_timestamp(row["expires_at"])
        assert expires_at is not None
        return ModeratorSession(
            token=token, username=row["username"], csrf_token=row["csrf_token"], expires_at=expires_at
        )

    def end_session(self, token: str) -> None:
        """End a session (signing out). Ending an unknown session does nothing."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM moderator_sessions WHERE token_hash = ?", (_hash_token(token),))

    def reserve_sign_in(self, username: str, client_hash: str, policy: SignInPolicy) -> SignInDecision:
        """Decide whether a sign-in may be checked, and record it as failed until it succeeds.

        One transaction counts and records, so of many attempts sent at once
        from one client exactly ``policy.client_limit`` are let through.
        Failures for one username from every address only slow further
        tries for it, doubling up to ``policy.max_delay``, so that nobody
        can lock the real moderator out.

        Args:
            username: The name as typed.
            client_hash: Scrambled form of the client's IP address.
            policy: The limits.
        """
        username = normalise_username(username)
        now = self.now()
        since = _timestamp(now - policy.window)
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM sign_in_attempts WHERE attempted_at < ?", (_timestamp(now - _SIGN_IN_ATTEMPT_RETENTION),)
            )
            for_client = conn.execute(
                "SELECT COUNT(*) AS n, MIN(attempted_at) AS oldest FROM sign_in_attempts"
                " WHERE client_hash = ? AND attempted_at >= ?",
                (client_hash, since),
            ).fetchone()
            if for_client["n"] >= policy.client_limit:
                oldest = _parse_timestamp(for_client["oldest"])
                assert oldest is not None
                retry_after = max(1, math.ceil((oldest + policy.window - now).total_seconds()))
                return SignInDecision(attempt_id=None, retry_after_seconds=retry_after)
            for_username = conn.execute(
                "SELECT COUNT(*) AS n FROM sign_in_attempts WHERE username = ? AND attempted_at >= ?", (username, since)
            ).fetchone()["n"]
            attempt_id = conn.execute(
                "INSERT INTO sign_in_attempts (username, client_hash, attempted_at) VALUES (?, ?, ?) RETURNING id",
                (username, client_hash, _timestamp(now)),
            ).fetchone()["id"]
        over = for_username - policy.free_failures
        delay = 0.0 if over < 0 else min(float(2 ** min(over, 30)), policy.max_delay.total_seconds())
        return SignInDecision(attempt_id=attempt_id, delay_seconds=delay)

    def sign_in_succeeded(self, attempt_id: int) -> None:
        """Forget an attempt whose password was right: only failures count."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM sign_in_attempts WHERE id = ?", (attempt_id,))

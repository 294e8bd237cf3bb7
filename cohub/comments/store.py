"""SQLite storage for comments, moderators, moderator sessions and throttling.

Every public method opens its own short-lived connection, so one
``CommentStore`` can be shared by the web service's worker threads and by the
command line at the same time. Writes run in ``BEGIN IMMEDIATE`` transactions
and are committed (with ``synchronous=FULL``) before the method returns, so a
comment that has been acknowledged survives a crash or power cut.

Rate limiting needs no table of its own: a client's recent submissions are
counted from the ``comments`` table by ``client_hash`` and ``created_at``, so
the limit survives restarts and is shared by every process using the file.
Failed moderator sign-ins are kept in ``login_failures`` for the same reasons.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

__all__ = (
    "Comment",
    "CommentAlreadyDecidedError",
    "CommentNotFoundError",
    "CommentStatus",
    "CommentStore",
    "CommentStoreError",
    "LoginFailureCounts",
    "ModeratorSession",
    "hash_password",
    "verify_password",
)

_SCHEMA_VERSION = 1

_SCHEMA = (
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
    """CREATE TABLE IF NOT EXISTS login_failures (
    username TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    failed_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS login_failures_by_time ON login_failures (failed_at)",
    "CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"PRAGMA user_version = {_SCHEMA_VERSION}",
)

# scrypt cost: 16 MiB of memory and roughly 50 ms per check on a small server.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_LENGTH = 32

# Failed sign-ins older than this are of no use to any throttle and are deleted.
_LOGIN_FAILURE_RETENTION = timedelta(days=1)


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
class LoginFailureCounts:
    """Recent failed sign-ins for one username and for one client."""

    for_username: int
    for_client: int


class CommentStoreError(Exception):
    """A request to the store that cannot be carried out as asked."""


class CommentNotFoundError(CommentStoreError):
    """No comment has this id (it never existed or has been purged)."""

    def __init__(self, comment_id: int) -> None:
        super().__init__(f"comment {comment_id} does not exist")
        self.comment_id = comment_id


class CommentAlreadyDecidedError(CommentStoreError):
    """The comment has already been approved or rejected."""

    def __init__(self, comment: Comment) -> None:
        super().__init__(f"comment {comment.id} has already been {comment.status}")
        self.comment = comment


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _timestamp(moment: datetime) -> str:
    # One fixed-width format so that timestamps sort correctly as text.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _parse_timestamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _comment_from_row(row: sqlite3.Row) -> Comment:
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


class CommentStore:
    """Comments and moderation data in one SQLite file.

    Args:
        path: Where the database lives. It and its folder are created on
            first use.
        clock: Gives the current time; tests pass a fake one.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as conn:
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in _SCHEMA:
                    conn.execute(statement)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def now(self) -> datetime:
        """Return the store's idea of the current time (UTC)."""
        return self._clock()

    # Comments

    def add(self, page: str, name: str, email: str, body: str, client_hash: str) -> Comment:
        """Store a new comment, waiting for moderation.

        Args:
            page: The case study slug.
            name: The commenter's name, or an empty string.
            email: The commenter's email address, or an empty string.
            body: The comment text.
            client_hash: Salted hash of the sender's IP address.

        Returns:
            The stored comment, committed to disk.
        """
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO comments (page, name, email, body, status, created_at, client_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (page, name, email, body, CommentStatus.PENDING.value, _timestamp(self.now()), client_hash),
            )
            row = conn.execute("SELECT * FROM comments WHERE id = ?", (cursor.lastrowid,)).fetchone()
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

    def purge_rejected(self, older_than: timedelta) -> int:
        """Delete rejected comments decided more than ``older_than`` ago.

        Returns:
            How many comments were deleted.
        """
        cutoff = _timestamp(self.now() - older_than)
        with self._transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM comments WHERE status = ? AND decided_at < ?",
                (CommentStatus.REJECTED.value, cutoff),
            )
        return cursor.rowcount

    def count_recent_comments(self, client_hash: str, within: timedelta) -> int:
        """Count the comments one client has sent in the last ``within``."""
        with self._connection() as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM comments WHERE client_hash = ? AND created_at >= ?",
                (client_hash, _timestamp(self.now() - within)),
            ).fetchone()[0]

    # Moderators and their sessions

    def set_moderator_password(self, username: str, password: str) -> bool:
        """Add a moderator, or give an existing one a new password.

        Signing in again is needed afterwards: the moderator's sessions end.

        Returns:
            True if the moderator is new, False if the password was changed.
        """
        password_hash = hash_password(password)
        with self._transaction() as conn:
            existed = conn.execute("SELECT 1 FROM moderators WHERE username = ?", (username,)).fetchone()
            conn.execute("DELETE FROM moderator_sessions WHERE username = ?", (username,))
            conn.execute(
                "INSERT INTO moderators (username, password_hash, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash",
                (username, password_hash, _timestamp(self.now())),
            )
        return existed is None

    def check_moderator_password(self, username: str, password: str) -> bool:
        """Return True if this moderator exists and the password is theirs."""
        with self._connection() as conn:
            row = conn.execute("SELECT password_hash FROM moderators WHERE username = ?", (username,)).fetchone()
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

    def record_login_failure(self, username: str, client_hash: str) -> None:
        """Remember a failed sign-in, for throttling."""
        now = self.now()
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM login_failures WHERE failed_at < ?", (_timestamp(now - _LOGIN_FAILURE_RETENTION),)
            )
            conn.execute(
                "INSERT INTO login_failures (username, client_hash, failed_at) VALUES (?, ?, ?)",
                (username, client_hash, _timestamp(now)),
            )

    def count_login_failures(self, username: str, client_hash: str, within: timedelta) -> LoginFailureCounts:
        """Count failed sign-ins in the last ``within`` for a username and for a client."""
        since = _timestamp(self.now() - within)
        with self._connection() as conn:
            for_username = conn.execute(
                "SELECT COUNT(*) FROM login_failures WHERE username = ? AND failed_at >= ?", (username, since)
            ).fetchone()[0]
            for_client = conn.execute(
                "SELECT COUNT(*) FROM login_failures WHERE client_hash = ? AND failed_at >= ?", (client_hash, since)
            ).fetchone()[0]
        return LoginFailureCounts(for_username=for_username, for_client=for_client)

    # Secrets

    def secret(self, name: str) -> str:
        """Return a named random secret, creating it the first time it is asked for."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (name, secrets.token_hex(32)),
            )
            return conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()["value"]

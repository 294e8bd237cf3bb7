"""The two databases the comment store runs on: an SQLite file, or PostgreSQL.

The store writes one set of queries, in the words both dialects share, with
``?`` for each parameter; this module is the one place that knows how the two
differ: how to connect, how a write transaction is made to wait its turn, the
type of an id column, the parameter style, and how a whole database is
copied.

SQLite, the default, runs inside the service: each call opens a short-lived
connection, and writes take the file's single write lock (``BEGIN IMMEDIATE``).

PostgreSQL lets several copies of the service, on several machines, share one
database. Connections come from a small pool. Every write transaction first
takes one transaction-level advisory lock, so writes are decided one after
the other across every process, exactly as SQLite decides them: a limit that
is counted and recorded in one transaction holds however many instances
receive requests at once. Reads take no lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, cast

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

__all__ = (
    "TABLES_WITH_IDS",
    "Connection",
    "Cursor",
    "Database",
    "DatabaseVersionError",
    "PostgresDatabase",
    "SqliteDatabase",
)

# The tables, in an order that filling them follows (a row's references come first),
# and those whose ids the database gives, which are never given twice.
_TABLES = ("comments", "moderators", "moderator_sessions", "sign_in_attempts", "outbox")
TABLES_WITH_IDS = ("comments", "sign_in_attempts", "outbox")

# The one advisory lock every PostgreSQL write transaction takes ("cohub" in ASCII).
_WRITE_LOCK = 0x636F687562

# How long to wait for the server to answer a new connection.
_CONNECT_TIMEOUT_SECONDS = 10

# Connections per service instance; the web server runs at most 40 requests' database calls at once.
_POOL_SIZE = 10


class DatabaseVersionError(Exception):
    """The database was made by another version of cohub."""


class Cursor(Protocol):
    """What the store reads from a query: rows by column name, and how many rows a change touched."""

    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Sequence[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection:
    """One connection, speaking the store's ``?`` parameter style whichever database is behind it."""

    def __init__(self, raw: sqlite3.Connection | psycopg.Connection[Any]) -> None:
        self._raw = raw
        self._postgres = isinstance(raw, psycopg.Connection)

    def _query(self, sql: str) -> Any:
        # psycopg takes %s where SQLite takes ?; the store's queries hold no other ? or %.
        return sql.replace("?", "%s") if self._postgres else sql

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        """Run one statement."""
        return cast("Cursor", self._raw.execute(self._query(sql), tuple(parameters)))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        if isinstance(self._raw, psycopg.Connection):
            with self._raw.cursor() as cursor:
                cursor.executemany(self._query(sql), [tuple(row) for row in rows])
        else:
            self._raw.executemany(sql, rows)


class SqliteDatabase:
    """One SQLite file in write-ahead-log mode, with every write committed to disk before it returns."""

    def __init__(self, path: Path) -> None:
        self.path: Path | None = path
        self.description = str(path)
        self._path = path

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A new connection, closed afterwards."""
        conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten, so erased personal data does not linger in free pages.
            conn.execute("PRAGMA secure_delete = ON")
            yield Connection(conn)
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """``BEGIN IMMEDIATE`` takes the write lock at once, so each write transaction waits its turn."""
        with self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def reclaim_erased(self) -> None:
        """Copy the change into the database file and empty the write-ahead log, which holds the old pages."""
        with self.connection() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def copy_to(self, target: sqlite3.Connection) -> None:
        """SQLite's online backup: one snapshot while writers carry on."""
        conn = sqlite3.connect(self._path, timeout=30)
        try:
            conn.backup(target)
        finally:
            conn.close()

    def replace_with(self, source: sqlite3.Connection) -> None:
        """The online backup writes into the live file in one transaction: readers see the old or the new.

        The backup is staged in memory first, to carry over the highest id
        each table has given, so that no id is given twice.
        """
        conn = sqlite3.connect(self._path, timeout=30)
        staging = sqlite3.connect(":memory:")
        try:
            given = conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
            source.backup(staging)
            with staging:
                for table, highest in given:
                    staging.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (highest, table))
                    staging.execute(
                        "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS"
                        " (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                        (table, highest, table),
                    )
            staging.backup(conn)
        finally:
            staging.close()
            conn.close()

    def close(self) -> None:
        """Nothing is held between calls."""


def _postgres_statement(statement: str) -> str:
    # The only words of the schema the dialects do not share: an id column.
    return statement.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")


class PostgresDatabase:
    """A PostgreSQL database that several service instances may share."""

    def __init__(self, url: str, description: str) -> None:
        self.path: Path | None = None
        self.description = description
        # One connection first, so an unreachable or refusing server is reported at once and in its own words.
        psycopg.connect(url, connect_timeout=_CONNECT_TIMEOUT_SECONDS).close()
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=_POOL_SIZE,
            open=True,
            kwargs={"row_factory": dict_row, "autocommit": False},
            # A connection the server dropped (a restart, a failover) is replaced
            # before it is handed out, so the next request does not fail with it.
            check=ConnectionPool.check_connection,
            name="cohub-comments",
        )

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection; its transaction is committed when the block ends."""
        with self._pool.connection() as conn:
            yield Connection(conn)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Waits for the one write lock, held until the transaction commits or rolls back."""
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield Connection(conn)

    def create_schema(self, statements: Sequence[str], version: int) -> None:
        """Make the tables in a new database, under the write lock so that instances starting together do not race.

        Raises:
            DatabaseVersionError: The database was made by another version of cohub.
        """
        with self.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            found = conn.execute("SELECT MAX(version) AS version FROM schema_version").fetchone()["version"]
            if found is None:
                for statement in statements:
                    conn.execute(_postgres_statement(statement))
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            elif found != version:
                raise DatabaseVersionError(f"{self.description} holds schema {found}; this cohub uses {version}")

    def reclaim_erased(self) -> None:
        """VACUUM frees the erased rows' space for reuse (PostgreSQL keeps no old copy once it is overwritten)."""
        with self._pool.connection() as conn:
            conn.autocommit = True
            try:
                conn.execute("VACUUM comments, outbox")
            finally:
                conn.autocommit = False

    def copy_to(self, target: sqlite3.Connection) -> None:
        """Every row in one REPEATABLE READ snapshot, with the highest id each table has given."""
        with self._pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            target.execute("BEGIN")
            for table in _TABLES:
                cursor = conn.execute(f"SELECT * FROM {table}")
                columns = [column.name for column in cursor.description or ()]
                marks = ", ".join("?" for _ in columns)
                target.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(row[column] for column in columns) for row in cursor],
                )
            for table in TABLES_WITH_IDS:
                target.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
                target.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                    (table, _highest_given(Connection(conn), table)),
                )
            target.execute("COMMIT")

    def replace_with(self, source: sqlite3.Connection) -> None:
        """Empty every table and fill it from ``source``, in one transaction under the write lock."""
        source.row_factory = sqlite3.Row
        highest = {row["name"]: int(row["seq"]) for row in source.execute("SELECT name, seq FROM sqlite_sequence")}
        with self.transaction() as conn:
            for table in reversed(_TABLES):
                conn.execute(f"DELETE FROM {table}")
            for table in _TABLES:
                rows = source.execute(f"SELECT * FROM {table}").fetchall()
                if not rows:
                    continue
                columns = rows[0].keys()
                marks = ", ".join("?" for _ in columns)
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(row) for row in rows],
                )
            for table in TABLES_WITH_IDS:
                largest = conn.execute(f"SELECT COALESCE(MAX(id), 0) AS id FROM {table}").fetchone()["id"]
                following = max(int(largest), highest.get(table, 0), _highest_given(conn, table)) + 1
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?, false)", (following,))

    def close(self) -> None:
        """Close the pool and its connections."""
        self._pool.close()


def _highest_given(conn: Connection, table: str) -> int:
    """The highest id a PostgreSQL table's identity column has given (0 for none)."""
    name = conn.execute("SELECT pg_get_serial_sequence(?, 'id') AS name", (table,)).fetchone()["name"]
    row = conn.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
    return int(row["last_value"]) if row["is_called"] else 0


# Where the store keeps its data.
Database = SqliteDatabase | PostgresDatabase

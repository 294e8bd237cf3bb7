"""Backing up the comments database while the service runs, and putting a backup back.

A backup is one SQLite file, readable by its owner only, holding the whole
database as it was at one moment. It is written beside its final name and
then renamed, so a backup that is there is whole. Before a backup replaces
anything it is checked: SQLite's integrity check must pass, and its tables
and columns must be exactly those this version of cohub makes. The database
being replaced is first copied beside the backup, and the replacement happens in
one transaction, so readers never see half of each. The copy and the
replacement are two steps, though: a comment taken between them would be in
neither, so the service is stopped for a restore.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cohub.comments.store import SCHEMA_VERSION, CommentStore, CommentStoreError, create_schema

__all__ = ("BackupError", "BackupSummary", "check_backup", "kept_copy_name", "restore_backup", "write_backup")


class BackupError(CommentStoreError):
    """A backup cannot be written, or a file is not a backup that can be put back."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds.

    Attributes:
        comments: How many comments.
        moderators: How many moderators.
    """

    comments: int
    moderators: int


# A table's columns as SQLite describes them: name, type, NOT NULL, place in the primary key.
_Columns = tuple[tuple[str, str, int, int], ...]


def _schema_of(conn: sqlite3.Connection) -> dict[str, _Columns]:
    tables = tuple(
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    )
    return {
        table: tuple(
            (row[1], row[2], row[3], row[5]) for row in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))
        )
        for table in tables
    }


def _expected_schema() -> dict[str, _Columns]:
    # The tables a new database gets, so the check follows the schema wherever it changes.
    conn = sqlite3.connect(":memory:")
    try:
        create_schema(conn)
        return _schema_of(conn)
    finally:
        conn.close()


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _summary(conn: sqlite3.Connection) -> BackupSummary:
    return BackupSummary(
        comments=conn.execute("SELECT COUNT(*) FROM comments").fetchone()[0],
        moderators=conn.execute("SELECT COUNT(*) FROM moderators").fetchone()[0],
    )


def check_backup(path: Path) -> BackupSummary:
    """Check that ``path`` is a whole, undamaged backup of a cohub comments database of this version.

    Raises:
        BackupError: It is not, with the reason.
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with _read_only(path) as conn:
            result = tuple(row[0] for row in conn.execute("PRAGMA integrity_check"))
            if result != ("ok",):
                raise BackupError(f"{path} is damaged: SQLite's integrity check found {result[0]}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            schema = _schema_of(conn)
            if not {"comments", "moderators"} <= schema.keys():
                raise BackupError(f"{path} is an SQLite database but not a cohub comments database")
            if version != SCHEMA_VERSION or schema != _expected_schema():
                raise BackupError(
                    f"{path} is a cohub comments database of another version (schema {version}, this cohub uses"
                    f" {SCHEMA_VERSION}): restore it with the cohub that made it"
                )
            return _summary(conn)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_backup(store: CommentStore, target: Path) -> BackupSummary:
    """Write a consistent copy of the live database to ``target``, replacing any file there.

    Raises:
        BackupError: ``target`` is the live database itself.
    """
    if store.path is not None and target.resolve() == store.path.resolve():
        raise BackupError(f"{target} is the live database: name another file for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # Made readable by its owner only before anything is written: it holds email addresses.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            create_schema(copy)
            store.copy_to(copy)
            # A backup is one self-contained file, not a database with a write-ahead log beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
            summary = _summary(copy)
        finally:
            copy.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return summary


def kept_copy_name(backup: Path, moment: datetime) -> Path:
    """Where the database that a restore replaces is kept: beside the backup, named by the time."""
    return backup.with_name(f"comments-before-restore-{moment:%Y%m%dT%H%M%SZ}.sqlite3")


def restore_backup(store: CommentStore, source: Path, keep: Path | None) -> BackupSummary:
    """Check ``source``, keep a copy of the live database in ``keep``, then replace it with ``source``.

    Args:
        store: The live database.
        source: The backup.
        keep: Where to keep the database being replaced; None to keep nothing.

    Raises:
        BackupError: ``source`` is not a backup that can be put back; nothing was changed.
    """
    summary = check_backup(source)
    if keep is not None:
        write_backup(store, keep)
    with _read_only(source) as conn:
        store.replace_with(conn)
    return summary

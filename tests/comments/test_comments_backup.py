"""``cohub comments backup`` and ``restore``: a consistent copy of a live database, checked before it goes back."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from cohub.comments.backup import check_backup, write_backup
from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStore

from .helpers import ServerFactory, good_comment, run_cli


def cli(db_path: Path | str, *argv: str) -> int:
    return run_cli("comments", "--db", str(db_path), *argv)


def one_line(capsys: pytest.CaptureFixture[str], stream: str = "err") -> str:
    text = getattr(capsys.readouterr(), stream)
    assert text.count("\n") == 1, text
    return text.strip()


def test_a_backup_taken_while_comments_arrive_holds_every_comment_acknowledged_before_it(
    location: Path | str, tmp_path: Path
) -> None:
    store = CommentStore(location)
    acknowledged: list[int] = []
    stop = threading.Event()
    lock = threading.Lock()

    def keep_writing(worker: int) -> None:
        number = 0
        while not stop.is_set():
            comment = store.add("x", "", f"w{worker}@example.com", f"{worker}-{number} " * 20, f"client-{worker}")
            with lock:
                acknowledged.append(comment.id)
            number += 1

    writers = [threading.Thread(target=keep_writing, args=(worker,)) for worker in range(3)]
    for writer in writers:
        writer.start()
    try:
        while len(acknowledged) < 30:
            stop.wait(0.01)
        with lock:
            before = tuple(acknowledged)
        summary = write_backup(store, tmp_path / "backup.sqlite3")
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        total = len(store.list())
        store.close()

    assert check_backup(tmp_path / "backup.sqlite3") == summary
    backed_up = {comment.id for comment in CommentStore(tmp_path / "backup.sqlite3", create=False).list()}
    assert set(before) <= backed_up <= set(acknowledged)
    # One moment's copy: the ids run without a gap, as the live database gave them.
    assert sorted(backed_up) == list(range(1, len(backed_up) + 1))
    assert summary.comments == len(backed_up)
    assert total == len(acknowledged) > summary.comments
    assert stat.S_IMODE((tmp_path / "backup.sqlite3").stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_backup_and_restore_from_the_command_line(
    location: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = CommentStore(location)
    kept = store.add("x", "Sam", "sam@example.com", "Before the backup", "c")
    store.set_moderator_password("mod", "a long password 1")
    backup = tmp_path / "backups" / "monday.sqlite3"

    assert cli(location, "backup", str(backup)) == 0
    assert one_line(capsys, "out") == f"Backed up 1 comment and 1 moderator to {backup}."
    store.add("x", "Al", "al@example.com", "After the backup", "c")
    store.approve(kept.id)

    assert cli(location, "restore", str(backup)) == 0

    message = one_line(capsys, "out")
    assert message.startswith(f"Restored 1 comment and 1 moderator from {backup}. The database as it was is kept in ")
    assert [(c.body, c.status) for c in store.list()] == [("Before the backup", "pending")]
    assert store.check_moderator_password("mod", "a long password 1")
    assert store.add("x", "", "", "After the restore", "c").id == 3
    kept_copy = Path(message.rsplit(" ", 1)[1].rstrip("."))
    assert kept_copy.parent == backup.parent
    assert {c.body for c in CommentStore(kept_copy, create=False).list()} == {"Before the backup", "After the backup"}
    # Ids given before the restore are not given again, even those the backup does not hold.
    store.close()


def test_a_backup_is_put_in_place_of_a_missing_database(db_path: Path, tmp_path: Path) -> None:
    CommentStore(tmp_path / "old.sqlite3").add("x", "", "", "From the old machine", "c")
    write_backup(CommentStore(tmp_path / "old.sqlite3"), tmp_path / "b.sqlite3")

    assert cli(db_path, "restore", str(tmp_path / "b.sqlite3")) == 0

    assert [c.body for c in CommentStore(db_path, create=False).list()] == ["From the old machine"]


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a database with several pages of comments, made once for the tests that spoil copies of it."""
    folder = tmp_path_factory.mktemp("good-backup")
    store = CommentStore(folder / "source.sqlite3")
    for number in range(300):
        store.add("x", "Sam", "sam@example.com", f"Comment {number} " * 10, "c")
    write_backup(store, folder / "backup.sqlite3")
    return folder / "backup.sqlite3"


def _overwritten_page(path: Path) -> None:
    # Overwrite a page in the middle of the file, as a failing disk would.
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek((size // 4096 // 2) * 4096)
        handle.write(b"\xff" * 4096)


def _changed_byte(path: Path) -> None:
    # One letter of a comment's status changed on disk: each page still reads, but the index no longer agrees.
    data = path.read_bytes()
    at = data.index(b"pending", 2 * 4096)
    path.write_bytes(data[:at] + b"pendinG" + data[at + 7 :])


def _not_cohub(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()


def _another_database(path: Path) -> None:
    path.unlink()
    _not_cohub(path)


def _older_version(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def _extra_column(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE comments ADD COLUMN mood TEXT")
    conn.close()


@pytest.mark.parametrize(
    ("spoil", "reason"),
    (
        (lambda path: path.write_text("name,comment\nSam,hello\n" * 200), "is not a readable SQLite database"),
        (lambda path: path.write_bytes(path.read_bytes()[:5000]), "is not a readable SQLite database"),
        (_overwritten_page, "is not a readable SQLite database"),
        (_changed_byte, "is damaged: SQLite's integrity check found row "),
        (_another_database, "is an SQLite database but not a cohub comments database"),
        (_older_version, "is a cohub comments database of another version (schema 1, this cohub uses 2)"),
        (_extra_column, "is a cohub comments database of another version"),
        (lambda path: path.unlink(), "is not a file"),
    ),
    ids=(
        "text",
        "cut-off",
        "overwritten-page",
        "changed-byte",
        "another-database",
        "older-version",
        "changed-table",
        "missing",
    ),
)
def test_a_bad_backup_is_refused_and_nothing_is_changed(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], good_backup: Path, spoil, reason: str
) -> None:
    backup = tmp_path / "backup.sqlite3"
    shutil.copyfile(good_backup, backup)
    spoil(backup)
    live = CommentStore(db_path)
    live.add("x", "", "", "The live comment", "c")
    before = db_path.read_bytes()

    assert cli(db_path, "restore", str(backup)) == 1

    assert one_line(capsys).startswith(f"cohub: {backup} {reason}")
    assert [c.body for c in live.list()] == ["The live comment"]
    assert db_path.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir() if "before-restore" in path.name) == []


def test_a_backup_never_overwrites_the_live_database(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    CommentStore(db_path).add("x", "", "", "Kept", "c")

    assert cli(db_path, "backup", str(db_path)) == 1

    assert one_line(capsys) == f"cohub: {db_path} is the live database: name another file for the backup"
    assert [c.body for c in CommentStore(db_path).list()] == ["Kept"]


def test_backup_needs_a_database(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(db_path, "backup", str(tmp_path / "b.sqlite3")) == 1

    assert "there is no comments database at" in one_line(capsys)
    assert not db_path.exists()
    assert not (tmp_path / "b.sqlite3").exists()


def test_restoring_under_a_running_service(servers: ServerFactory, location: Path | str, tmp_path: Path) -> None:
    server = servers.start(
        store=CommentStore(location), settings=CommentSettings(site_name="Hub", client_hash_secret="shared secret")
    )
    db_path = location
    assert server.post_form("/comments", good_comment(comment="Sent before the backup")).status == 303
    assert cli(db_path, "backup", str(tmp_path / "b.sqlite3")) == 0
    assert server.post_form("/comments", good_comment(comment="Sent after the backup")).status == 303

    assert cli(db_path, "restore", str(tmp_path / "b.sqlite3")) == 0

    assert [c.body for c in server.store.list()] == ["Sent before the backup"]
    assert server.post_form("/comments", good_comment(comment="Sent after the restore")).status == 303
    assert [c.body for c in server.store.list()] == ["Sent before the backup", "Sent after the restore"]
    assert cli(db_path, "backup", str(tmp_path / "after.sqlite3")) == 0
    assert check_backup(tmp_path / "after.sqlite3").comments == 2


def test_a_hub_moves_from_sqlite_to_postgresql_by_backup_and_restore(
    db_path: Path, tmp_path: Path, postgres, capsys: pytest.CaptureFixture[str]
) -> None:
    with CommentStore(db_path) as sqlite_store:
        first = sqlite_store.add("x", "Sam", "sam@example.com", "Published", "c", notify=True)
        sqlite_store.approve(first.id)
        sqlite_store.reject(sqlite_store.add("x", "", "", "Rejected", "c").id)
        sqlite_store.set_moderator_password("mod", "a long password 1")
        session = sqlite_store.start_session("mod", timedelta(hours=1))
        before = sqlite_store.list()
    url = postgres.new_schema_url()
    try:
        assert cli(db_path, "backup", str(tmp_path / "move.sqlite3")) == 0
        assert cli(url, "restore", str(tmp_path / "move.sqlite3")) == 0
        capsys.readouterr()

        with CommentStore(url) as moved:
            assert moved.list() == before
            assert moved.check_moderator_password("mod", "a long password 1")
            assert moved.find_session(session.token) == session
            assert moved.due_notification() is not None
            assert moved.add("x", "", "", "The first on PostgreSQL", "c").id == 3
    finally:
        postgres.drop_schema(url)

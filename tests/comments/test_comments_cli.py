"""``cohub comments ...`` run through argparse as the main CLI runs it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cohub.comments.location import database_location
from cohub.comments.store import CommentStatus, CommentStore

from .helpers import FakeClock, run_cli, stored


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> CommentStore:
    return CommentStore(db_path, clock=clock)


def cli(db_path: Path, *argv: str) -> int:
    return run_cli("comments", "--db", str(db_path), *argv)


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("cohub: ")
    return err.strip()


def test_list_shows_pending_comments_by_default(
    db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.add("x", "Sam", "sam@example.com", "A long comment " * 10, "c")
    store.approve(store.add("y", "", "", "Approved one", "c").id)

    assert cli(db_path, "list") == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "CASE", "STUDY", "SENT", "NAME", "COMMENT"]
    assert len(lines) == 2
    assert lines[1].split()[:5] == ["1", "pending", "x", "2025-03-05", "14:30"]
    assert "A long comment A long comment" in lines[1]
    assert lines[1].endswith("…")
    assert "sam@example.com" not in out


def test_list_by_status(db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.add("x", "", "", "Pending one", "c")
    store.approve(store.add("y", "", "", "Approved one", "c").id)

    assert cli(db_path, "list", "--status", "approved") == 0
    assert "Approved one" in capsys.readouterr().out
    assert cli(db_path, "list", "--status", "all") == 0
    out = capsys.readouterr().out
    assert "Pending one" in out and "Approved one" in out
    assert "Anonymous" in out
    assert cli(db_path, "list", "--status", "rejected") == 0
    assert capsys.readouterr().out == "No rejected comments.\n"


def test_show_gives_everything_including_the_email(
    db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.add("x", "Sam", "sam@example.com", "Line one\n\nLine two", "c")

    assert cli(db_path, "show", "1") == 0

    out = capsys.readouterr().out
    assert "Comment 1\nStatus: pending\nCase study: x\nName: Sam\n" in out
    assert "Email address: sam@example.com (never published)" in out
    assert "Sent: 5 March 2025 at 2:30pm" in out
    assert out.endswith("\nLine one\n\nLine two\n")


def test_approve_and_reject(db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.add("x", "", "", "Keep", "c")
    store.add("x", "", "", "Drop", "c")

    assert cli(db_path, "approve", "1") == 0
    assert cli(db_path, "reject", "2") == 0

    assert capsys.readouterr().out == "Approved comment 1 on x.\nRejected comment 2 on x.\n"
    assert stored(store, 1).status is CommentStatus.APPROVED
    assert stored(store, 2).status is CommentStatus.REJECTED


@pytest.mark.parametrize(
    ("argv", "message"),
    (
        (("approve", "1"), "cohub: comment 1 has already been rejected"),
        (("reject", "1"), "cohub: comment 1 has already been rejected"),
        (("approve", "99"), "cohub: comment 99 does not exist"),
        (("show", "99"), "cohub: comment 99 does not exist"),
        (("show", "one"), "cohub: a comment's number is a whole number like 12, not 'one'"),
        (("approve", "-1"), "cohub: a comment's number is a whole number like 12, not '-1'"),
        (("reject", "99999999999999999999"), "cohub: a comment's number is a whole number like 12"),
        (("show", "9" * 5000), "cohub: a comment's number is a whole number like 12, not '999999"),
        (("approve", "\u00b2"), "cohub: a comment's number is a whole number like 12, not '\u00b2'"),
        (("approve", "0"), "cohub: a comment's number is a whole number like 12, not '0'"),
        (("withdraw", "1"), "cohub: comment 1 is rejected, not published, so there is nothing to withdraw"),
        (("withdraw", "99"), "cohub: comment 99 does not exist"),
        (("withdraw", "1e3"), "cohub: a comment's number is a whole number like 12, not '1e3'"),
    ),
)
def test_errors_are_one_line_and_change_nothing(
    db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    store.reject(store.add("x", "", "", "Gone", "c").id)
    before = store.list()

    assert cli(db_path, *argv) == 1

    assert error_line(capsys).startswith(message)
    assert store.list() == before


def test_purge_applies_the_retention_settings_of_the_hub(
    db_path: Path,
    tmp_path: Path,
    store: CommentStore,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "mkdocs.yml").write_text(
        "site_name: Hub\nextra:\n  comments:\n    retention_rejected_days: 7\n    retention_pending_days: 20\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(hub)
    # The command runs on the real clock, so the comments are dated from it.
    clock.now = datetime.now(UTC) - timedelta(days=100)
    old_approved = store.add("x", "Ann", "ann@example.com", "Old approved", "hash-a")
    old_pending = store.add("x", "Bo", "bo@example.com", "Old pending", "hash-b")
    store.approve(old_approved.id)
    clock.now = datetime.now(UTC) - timedelta(days=8)
    store.reject(store.add("x", "", "cy@example.com", "Rejected a week ago", "hash-c").id)
    clock.now = datetime.now(UTC) - timedelta(days=1)
    store.reject(store.add("x", "", "", "Rejected yesterday", "hash-d").id)
    fresh = store.add("x", "Di", "di@example.com", "New pending", "hash-e")

    assert cli(db_path, "purge") == 0

    out = capsys.readouterr().out
    assert out.startswith("Deleted 1 rejected comments decided more than 7 days ago.\n")
    assert "from 1 pending comments older than 20 days and 1 approved comments approved more than 90 days" in out
    assert [comment.body for comment in store.list()] == [
        "Old approved",
        "Old pending",
        "Rejected yesterday",
        "New pending",
    ]
    for kept in (old_approved, old_pending):
        assert (stored(store, kept.id).email, stored(store, kept.id).client_hash) == ("", "")
    assert stored(store, old_approved.id).body == "Old approved"
    assert (stored(store, fresh.id).email, stored(store, fresh.id).client_hash) == ("di@example.com", "hash-e")


def test_purge_reads_the_environment_over_the_hub(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Hub\nextra:\n  comments:\n    retention_rejected_days: 7\n", encoding="utf-8"
    )
    CommentStore(db_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COHUB_RETENTION_REJECTED_DAYS", "3")

    assert cli(db_path, "purge") == 0

    assert capsys.readouterr().out.startswith("Deleted 0 rejected comments decided more than 3 days ago.\n")


def test_add_moderator_reads_the_password_from_stdin(
    db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password 1\n"))
    assert cli(db_path, "add-moderator", "Alice", "--password-stdin") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a new password 22\r\n"))
    assert cli(db_path, "add-moderator", "alice", "--change-password") == 0

    assert capsys.readouterr().out == "Added moderator alice.\nChanged the password for moderator alice.\n"
    assert store.check_moderator_password("alice", "a new password 22")


@pytest.mark.parametrize("same_name", (" Mod ", "MOD", "\uff2d\uff4f\uff44"))
def test_a_name_that_is_already_there_is_not_replaced_without_asking(
    db_path: Path,
    store: CommentStore,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    same_name: str,
) -> None:
    store.set_moderator_password("mod", "the first password")
    monkeypatch.setattr("sys.stdin", io.StringIO("a takeover password\n"))

    assert cli(db_path, "add-moderator", same_name, "--password-stdin") == 1

    assert error_line(capsys) == (
        "cohub: there is already a moderator called mod; to change their password, add --change-password"
    )
    assert store.check_moderator_password("mod", "the first password")
    assert not store.check_moderator_password("mod", "a takeover password")


def test_changing_the_password_of_nobody_is_refused(
    db_path: Path, store: CommentStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password 1\n"))

    assert cli(db_path, "add-moderator", "nobody", "--change-password") == 1

    assert error_line(capsys) == "cohub: there is no moderator called nobody"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("alice", "short\n", "cohub: the password must be 12 characters or more"),
        ("alice", "", "cohub: the password must be 12 characters or more"),
        ("two words", "a long password 1\n", "cohub: a username must be one word with no spaces"),
    ),
)
def test_add_moderator_refuses_bad_input(
    db_path: Path,
    store: CommentStore,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    username: str,
    password: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password))

    assert cli(db_path, "add-moderator", username, "--password-stdin") == 1

    assert error_line(capsys).startswith(message)
    assert not store.check_moderator_password("alice", password.strip())


def test_a_password_is_never_taken_from_the_command_line(db_path: Path) -> None:
    with pytest.raises(SystemExit):
        cli(db_path, "add-moderator", "alice", "a long password 1")


def make_hub(folder: Path) -> Path:
    """A folder that counts as a hub: it has a mkdocs.yml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text("site_name: A hub\n", encoding="utf-8")
    return folder


def test_the_database_is_in_the_hubs_folder_wherever_cohub_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = make_hub(tmp_path / "hub")
    CommentStore(hub / "comments.sqlite3").add("x", "", "", "In the hub's database", "c")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("COHUB_COMMENTS_DB", raising=False)

    assert run_cli("--root", str(hub), "comments", "list") == 0

    assert "In the hub's database" in capsys.readouterr().out
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", (("list",), ("serve", "--port", "1"), ("add-moderator", "mod")))
def test_outside_a_hub_no_database_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COHUB_COMMENTS_DB", raising=False)

    assert run_cli("comments", *command) == 1

    assert error_line(capsys) == (
        f"cohub: {tmp_path.resolve()} is not a hub's folder (it has no mkdocs.yml): run cohub in the hub's folder,"
        " or name it with --root"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command", (("list",), ("show", "1"), ("approve", "1"), ("erase", "--email", "a@b.c"), ("purge",))
)
def test_only_adding_a_moderator_makes_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    hub = make_hub(tmp_path / "hub")
    monkeypatch.delenv("COHUB_COMMENTS_DB", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password 1\n"))

    assert run_cli("--root", str(hub), "comments", *command) == 1
    assert error_line(capsys) == (
        f"cohub: there is no comments database at {hub / 'comments.sqlite3'}: run cohub in the hub's folder"
        " (or name it with --root), or name the database with --db or COHUB_COMMENTS_DB"
    )
    assert not (hub / "comments.sqlite3").exists()

    assert run_cli("--root", str(hub), "comments", "add-moderator", "mod", "--password-stdin") == 0
    assert CommentStore(hub / "comments.sqlite3").moderator_exists("mod")


def test_a_relative_database_is_taken_from_the_hubs_folder_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = make_hub(tmp_path / "hub")
    (hub / "case_studies").mkdir()
    CommentStore(hub / "data" / "c.sqlite3").add("x", "", "", "From the env database", "c")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COHUB_COMMENTS_DB", "data/c.sqlite3")
    served: list[object] = []
    monkeypatch.setattr("cohub.serve.serve", lambda root, **kwargs: served.append(kwargs["db_path"]))

    assert run_cli("--root", str(hub), "comments", "list") == 0
    assert "From the env database" in capsys.readouterr().out
    assert run_cli("--root", str(hub), "serve") == 0
    assert run_cli("--root", str(hub), "serve", "--db", "other.sqlite3") == 0

    assert served == [hub / "data" / "c.sqlite3", hub / "other.sqlite3"]
    assert database_location(hub, None, {"COHUB_COMMENTS_DB": "data/c.sqlite3"}) == hub / "data" / "c.sqlite3"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("given", "environ", "expected"),
    (
        (None, {}, "HUB/comments.sqlite3"),
        (None, {"COHUB_COMMENTS_DB": ""}, "HUB/comments.sqlite3"),
        (None, {"COHUB_COMMENTS_DB": "a.sqlite3"}, "HUB/a.sqlite3"),
        ("b.sqlite3", {"COHUB_COMMENTS_DB": "a.sqlite3"}, "HUB/b.sqlite3"),
        ("/srv/c.sqlite3", {}, "/srv/c.sqlite3"),
        (None, {"COHUB_COMMENTS_DB": "postgresql://u:p@db/cohub"}, "postgresql://u:p@db/cohub"),
        ("postgres://db/cohub", {}, "postgres://db/cohub"),
    ),
)
def test_where_the_database_is(tmp_path: Path, given: str | None, environ: dict[str, str], expected: str) -> None:
    hub = make_hub(tmp_path / "hub")

    found = database_location(hub, given, environ)

    assert str(found) == expected.replace("HUB", str(hub))


@pytest.mark.parametrize("kind", ("folder", "not a database"))
def test_an_unusable_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    path = tmp_path / "bad"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"This is not SQLite, just some text that is long enough. " * 20)

    assert run_cli("comments", "--db", str(path), "list") == 1

    assert error_line(capsys).startswith(f"cohub: the comments database {path} could not be used: ")


class _Terminal(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "changed"), (("yes", True), ("y", True), ("no", False), ("", False)))
def test_at_a_terminal_a_password_change_is_confirmed(
    db_path: Path,
    store: CommentStore,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    changed: bool,
) -> None:
    store.set_moderator_password("mod", "the first password")
    questions: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal())

    def ask(question: str) -> str:
        questions.append(question)
        return answer

    monkeypatch.setattr("builtins.input", ask)
    monkeypatch.setattr("getpass.getpass", lambda _prompt: "a second password")

    assert cli(db_path, "add-moderator", " Mod ") == (0 if changed else 1)

    assert questions == ["There is already a moderator called mod. Change their password? (yes/no) "]
    assert store.check_moderator_password("mod", "a second password") is changed
    if not changed:
        assert error_line(capsys) == "cohub: nothing was changed: mod keeps their password"

"""``cohub comments``: moderate comments and manage moderators from the command line."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from cohub.comments.backup import BackupSummary, check_backup, kept_copy_name, restore_backup, write_backup
from cohub.comments.location import DEFAULT_DB, NotAHubError, database_location, describe_location
from cohub.comments.render import long_date_time
from cohub.comments.settings import (
    CommentSettings,
    SettingsError,
    retention_periods,
    retention_policy,
    settings_from_env,
)
from cohub.comments.store import (
    Comment,
    CommentStatus,
    CommentStore,
    CommentStoreError,
    normalise_username,
    parse_comment_id,
)
from cohub.siteconfig import comment_settings_mapping, read_site_config

__all__ = (
    "MINIMUM_PASSWORD_LENGTH",
    "add_database_option",
    "add_listening_options",
    "add_parser",
    "add_proxies_option",
)

MINIMUM_PASSWORD_LENGTH = 12

_UK_TIME = ZoneInfo("Europe/London")
_PREVIEW_LENGTH = 50


class _CommandError(Exception):
    """A problem to report to the user in one line."""


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """``--db``, the comments database, for a command that uses it."""
    parser.add_argument(
        "--db",
        help=(
            "the comments database: a file (relative to the hub's folder) or a postgresql:// address"
            f" (default: $COHUB_COMMENTS_DB, or {DEFAULT_DB} in the hub's folder)"
        ),
    )


def add_listening_options(parser: argparse.ArgumentParser, *, port: int) -> None:
    """``--host`` and ``--port``, where a command that serves over HTTP listens; ``port`` by default."""
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help=f"the port to listen on (default: {port})")


def add_proxies_option(parser: argparse.ArgumentParser) -> None:
    """``--forwarded-allow-ips``, the proxies to believe, for a command that serves the comment service."""
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRESSES",
        help="proxies whose X-Forwarded-For headers to believe, comma-separated, or * (default: the"
        " forwarded_allow_ips comment setting, which believes none)",
    )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``comments`` command on the main ``cohub`` parser.

    Each sub-command sets ``func``, which takes the parsed arguments and
    returns the exit status.

    Args:
        subparsers: From ``parser.add_subparsers()`` on the ``cohub`` parser.
    """
    parser = subparsers.add_parser(
        "comments",
        help="moderate comments and manage moderators",
        description="Moderate comments and manage moderators.",
    )
    add_database_option(parser)
    commands = parser.add_subparsers(dest="comments_command", required=True, metavar="COMMAND")

    list_parser = commands.add_parser("list", help="list comments", description="List comments, oldest first.")
    list_parser.add_argument(
        "--status",
        choices=("pending", "approved", "rejected", "all"),
        default="pending",
        help="which comments to list (default: pending)",
    )
    list_parser.set_defaults(func=_guarded(_list, creates=False))

    show_parser = commands.add_parser("show", help="show one comment in full, with the email address")
    show_parser.add_argument("id", metavar="ID", help="the comment's number")
    show_parser.set_defaults(func=_guarded(_show, creates=False))

    for name, action, summary in (
        ("approve", _approve, "approve a pending comment"),
        ("reject", _reject, "reject a pending comment"),
        ("withdraw", _withdraw, "take an approved comment off the site"),
    ):
        decide_parser = commands.add_parser(name, help=summary)
        decide_parser.add_argument("id", metavar="ID", help="the comment's number")
        decide_parser.set_defaults(func=_guarded(action, creates=False))

    erase_parser = commands.add_parser(
        "erase",
        help="delete every comment sent with an email address",
        description="Delete every comment sent with an email address, whatever its status, and all it holds.",
    )
    erase_parser.add_argument("--email", required=True, help="the person's email address (any case)")
    erase_parser.set_defaults(func=_guarded(_erase, creates=False))

    purge_parser = commands.add_parser(
        "purge",
        help="forget personal data kept longer than the hub's retention settings",
        description=(
            "Apply the retention settings (retention_*_days in mkdocs.yml's extra.comments, or"
            " COHUB_RETENTION_*_DAYS). The comment service also does this when it starts and every day."
        ),
    )
    purge_parser.set_defaults(func=_guarded(_purge, creates=False))

    backup_parser = commands.add_parser(
        "backup",
        help="copy the comments database to a file while the service runs",
        description=(
            "Write a consistent copy of the comments database, as it is at one moment, to FILE (replacing"
            " it), readable by its owner only. The service can keep running."
        ),
    )
    backup_parser.add_argument("file", metavar="FILE", type=Path, help="where to write the backup")
    backup_parser.set_defaults(func=_guarded(_backup, creates=False))

    restore_parser = commands.add_parser(
        "restore",
        help="check a backup, then put it in place of the comments database",
        description=(
            "Check FILE (SQLite's integrity check, and the tables of this version of cohub), keep the"
            " current database beside itself, then replace its contents with FILE's in one step."
            " The service can keep running."
        ),
    )
    restore_parser.add_argument("file", metavar="FILE", type=Path, help="the backup to put back")
    restore_parser.set_defaults(func=_guarded(_restore, creates=True, check=lambda args: check_backup(args.file)))

    moderator_parser = commands.add_parser(
        "add-moderator",
        help="add a moderator, or change a moderator's password",
        description=(
            "Add a moderator, or change a moderator's password. The password is asked for,"
            " or read from the first line of standard input when that is not a terminal."
        ),
    )
    moderator_parser.add_argument("username", metavar="USERNAME")
    moderator_parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input without asking"
    )
    moderator_parser.add_argument(
        "--change-password", action="store_true", help="change the password of a moderator who is already there"
    )
    moderator_parser.set_defaults(func=_guarded(_add_moderator, creates=True))

    serve_parser = commands.add_parser(
        "serve",
        help="serve the comment service alone, beside a site on any static host",
        description=(
            "Serve the comment and moderation pages only; nothing is built. The form on the site posts to"
            " extra.cohub.comments.url in mkdocs.yml (or, when that is not set, to /comments on the site,"
            " which a proxy sends here). Approved comments reach the static pages at the next cohub build."
        ),
    )
    add_listening_options(serve_parser, port=8001)
    serve_parser.add_argument(
        "--site-url",
        help="the site's address, that comments are sent from (default: $COHUB_SITE_URL, or site_url in mkdocs.yml)",
    )
    add_proxies_option(serve_parser)
    serve_parser.set_defaults(func=_guarded(_serve, creates=True))


def _guarded(
    command: Callable[[argparse.Namespace, CommentStore], None],
    *,
    creates: bool,
    check: Callable[[argparse.Namespace], object] | None = None,
) -> Callable[[argparse.Namespace], int]:
    """Open the hub's store, run the command and turn any failure into one ``cohub:`` line.

    Args:
        command: The sub-command.
        creates: Whether the command may make the database when there is
            none yet (only adding a moderator and restoring a backup may);
            the others refuse, so a mistyped folder never gets an empty database.
        check: Run before the database is opened (or made); it raises to stop the command.
    """

    def run(args: argparse.Namespace) -> int:
        try:
            location = database_location(_root(args), args.db, os.environ)
        except NotAHubError as exc:
            print(f"cohub: {exc}", file=sys.stderr)
            return 1
        try:
            if check is not None:
                check(args)
            with CommentStore(location, create=creates) as store:
                command(args, store)
        except (_CommandError, CommentStoreError, SettingsError) as exc:
            print(f"cohub: {exc}", file=sys.stderr)
            return 1
        except (sqlite3.Error, psycopg.Error, OSError) as exc:
            reason = " ".join((exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)).split())
            print(
                f"cohub: the comments database {describe_location(location)} could not be used: {reason}",
                file=sys.stderr,
            )
            return 1
        return 0

    return run


def _serve(args: argparse.Namespace, store: CommentStore) -> None:
    # Imported here: cohub.serve imports this package.
    from cohub.comments.address import CommentAddressError
    from cohub.serve import ServeError, serve_comments

    # The hub's folder was checked for mkdocs.yml when the database was found (_guarded).
    try:
        serve_comments(
            args.root,
            host=args.host,
            port=args.port,
            store=store,
            site_url=args.site_url,
            forwarded_allow_ips=args.forwarded_allow_ips,
        )
    except CommentAddressError as error:
        raise _CommandError(error.located(args.root / "mkdocs.yml")) from None
    except (ServeError, ValueError) as error:
        raise _CommandError(str(error)) from None


def _comment_id(text: str) -> int:
    comment_id = parse_comment_id(text)
    if comment_id is None:
        shown = text if len(text) <= 30 else f"{text[:30]}…"
        raise _CommandError(f"a comment's number is a whole number like 12, not {shown!r}")
    return comment_id


def _root(args: argparse.Namespace) -> Path:
    """The hub's folder: ``--root`` on the ``cohub`` command, or this folder."""
    root = getattr(args, "root", None)
    return root if isinstance(root, Path) else Path()


def _hub_settings(args: argparse.Namespace) -> CommentSettings:
    """The comment settings of the hub in ``--root`` (or this folder), with the environment's."""
    return settings_from_env(os.environ, comment_settings_mapping(read_site_config(_root(args))))


def _short_time(comment: Comment) -> str:
    return f"{comment.created_at.astimezone(_UK_TIME):%Y-%m-%d %H:%M}"


def _preview(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= _PREVIEW_LENGTH else f"{flat[: _PREVIEW_LENGTH - 1]}…"


def _list(args: argparse.Namespace, store: CommentStore) -> None:
    comments = store.list(None if args.status == "all" else CommentStatus(args.status))
    if not comments:
        print("No comments." if args.status == "all" else f"No {args.status} comments.")
        return
    rows = (
        ("ID", "STATUS", "CASE STUDY", "SENT", "NAME", "COMMENT"),
        *(
            (
                str(comment.id),
                comment.status,
                comment.page,
                _short_time(comment),
                comment.name or "Anonymous",
                _preview(comment.body),
            )
            for comment in comments
        ),
    )
    # Every column but the last is padded to line up; the comment preview runs on.
    widths = tuple(max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1))
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1])


def _show(args: argparse.Namespace, store: CommentStore) -> None:
    comment_id = _comment_id(args.id)
    comment = store.get(comment_id)
    if comment is None:
        raise _CommandError(f"comment {comment_id} does not exist")
    print(f"Comment {comment.id}")
    print(f"Status: {comment.status}")
    print(f"Case study: {comment.page}")
    print(f"Name: {comment.name or 'Anonymous'}")
    print(f"Email address: {comment.email + ' (never published)' if comment.email else 'not given'}")
    print(f"Sent: {long_date_time(comment.created_at)}")
    if comment.decided_at is not None:
        print(f"Decided: {long_date_time(comment.decided_at)}")
    print()
    print(comment.body)


def _approve(args: argparse.Namespace, store: CommentStore) -> None:
    comment = store.approve(_comment_id(args.id))
    print(f"Approved comment {comment.id} on {comment.page}.")


def _reject(args: argparse.Namespace, store: CommentStore) -> None:
    comment = store.reject(_comment_id(args.id))
    print(f"Rejected comment {comment.id} on {comment.page}.")


def _withdraw(args: argparse.Namespace, store: CommentStore) -> None:
    comment = store.withdraw(_comment_id(args.id))
    print(
        f"Withdrew comment {comment.id} on {comment.page}. It is off the site now under cohub serve,"
        " and after the next build otherwise."
    )


def _erase(args: argparse.Namespace, store: CommentStore) -> None:
    deleted = store.erase_email(args.email)
    noun = "comment" if deleted == 1 else "comments"
    print(f"Deleted {deleted} {noun} sent with that email address.")


def _purge(args: argparse.Namespace, store: CommentStore) -> None:
    settings = _hub_settings(args)
    report = store.apply_retention(retention_policy(settings))
    days = {period.status: period.days for period in retention_periods(settings)}
    print(f"Deleted {report.rejected_deleted} rejected comments decided more than {days['rejected']} days ago.")
    print(
        f"Removed the email address and scrambled IP address from {report.pending_cleared} pending comments"
        f" older than {days['pending']} days and {report.approved_cleared} approved comments approved more"
        f" than {days['approved']} days ago."
    )


def _counts(summary: BackupSummary) -> str:
    comments = "comment" if summary.comments == 1 else "comments"
    moderators = "moderator" if summary.moderators == 1 else "moderators"
    return f"{summary.comments} {comments} and {summary.moderators} {moderators}"


def _backup(args: argparse.Namespace, store: CommentStore) -> None:
    summary = write_backup(store, args.file)
    print(f"Backed up {_counts(summary)} to {args.file}.")


def _restore(args: argparse.Namespace, store: CommentStore) -> None:
    keep = kept_copy_name(args.file, store.now())
    summary = restore_backup(store, args.file, keep)
    print(f"Restored {_counts(summary)} from {args.file}. The database as it was is kept in {keep}.")


def _read_password(from_stdin: bool) -> str:
    # A password typed at a terminal is asked for twice, hidden; anything
    # else (a pipe, a file) gives it on the first line of standard input.
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Type the password again: ") != password:
        raise _CommandError("the two passwords are different")
    return password


def _add_moderator(args: argparse.Namespace, store: CommentStore) -> None:
    username = normalise_username(args.username)
    if not username or any(character.isspace() for character in username) or len(username) > 100:
        raise _CommandError(f"a username must be one word with no spaces, not {args.username!r}")
    change = args.change_password
    # At a terminal, replacing someone's password is confirmed; elsewhere it
    # needs --change-password, so a script never replaces one by mistake.
    if not change and not args.password_stdin and sys.stdin.isatty() and store.moderator_exists(username):
        answer = input(f"There is already a moderator called {username}. Change their password? (yes/no) ")
        if answer.strip().casefold() not in ("y", "yes"):
            raise _CommandError(f"nothing was changed: {username} keeps their password")
        change = True
    password = _read_password(args.password_stdin)
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise _CommandError(f"the password must be {MINIMUM_PASSWORD_LENGTH} characters or more")
    store.set_moderator_password(username, password, change=change)
    if change:
        print(f"Changed the password for moderator {username}.")
    else:
        print(f"Added moderator {username}.")

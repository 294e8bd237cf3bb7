"""Indexing pages for search while the site is being built, through Pagefind's service.

``pagefind --service`` keeps an index in memory and takes pages over its
standard input as they are written, so Pagefind reads and parses them on
another core while the site generator renders the rest; the bundle is
written once, at the end. The pages go in in the order they are added, and
Pagefind numbers them in that order, so a build that adds the same pages in
the same order gets the same index whether they were added while rendering or
afterwards (:func:`streams_while_building` decides which).

The messages are Pagefind's own: each a JSON object, Base64-encoded and ended
by a comma, in both directions. This module speaks them itself rather than
through the ``pagefind`` package's asynchronous wrapper, which reads one
answer every tenth of a second (ten minutes for 6,000 pages) and waits for
ever when the program dies. It does not import MkDocs.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from cohub.search import (
    BODY_MARKER,
    BUNDLE_DIR,
    UNINDEXED_SELECTORS,
    IndexReport,
    SearchIndexError,
    failure_detail,
    pagefind_environment,
    pagefind_program,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

MESSAGE_END = b","
# The file of the bundle that names the others: written last.
ENTRY_FILE = "pagefind-entry.json"
# How long Pagefind may take to stop once told to, before it is killed.
STOP_SECONDS = 10
# How many messages may wait for Pagefind to read them before adding a page waits too.
MESSAGES_AHEAD = 256
# The start tag of the element whose text is indexed, and of the page's body.
_MARKED_START = re.compile(rf"<([a-zA-Z][\w-]*)(?=[\s/>])[^>]*?\s{BODY_MARKER}(?=[\s=/>])[^>]*>")
_BODY_START = re.compile(r"<body(?=[\s>])[^>]*>", re.IGNORECASE)


def streams_while_building(cores: int) -> bool:
    """Whether pages go to Pagefind while the site renders, rather than after it.

    With one core the two would only take turns on it, and Pagefind would hold
    its memory for the whole build: the pages go in once the site is written.
    """
    return cores > 1


def indexed_part(html: str) -> str:
    """The part of a page that Pagefind reads: the page up to its body's start tag, and the marked element.

    Pagefind takes a page's language from its ``<html>`` tag, and its text,
    title, filters and details from the element marked ``data-pagefind-body``;
    the header, navigation, footer and scripts around that element only take
    its memory, which at 5,000 case studies is over a gigabyte. A page whose
    marked element cannot be matched with its end tag (hand-written HTML that
    leaves it open) is sent whole, as Pagefind's command line would read it.

    Args:
        html: A built page.

    Returns:
        The page without what lies outside its marked element in its body.
    """
    marked = _MARKED_START.search(html)
    body = _BODY_START.search(html, 0, marked.start()) if marked else None
    if marked is None or body is None:
        return html
    tag = re.compile(rf"<(/?){re.escape(marked.group(1))}(?=[\s/>])", re.IGNORECASE)
    depth = 0
    for found in tag.finditer(html, marked.start()):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", found.end())
            if end == -1:
                return html
            return f"{html[: body.end()]}{html[marked.start() : end + 1]}</body></html>"
    return html


def write_bundle(bundle: Path, files: object) -> None:
    """Write the files Pagefind handed over into ``bundle``, the file that names the others last.

    Args:
        bundle: The bundle's folder, which must not exist yet.
        files: Pagefind's list of files, each a path inside the bundle and
            its content in Base64.

    Raises:
        SearchIndexError: When the list is not one of files inside the
            bundle, or names no entry file.
    """
    written: dict[PurePosixPath, bytes] = {}
    for file in files if isinstance(files, list) else ():
        path = PurePosixPath(str(file.get("path", ""))) if isinstance(file, dict) else PurePosixPath()
        if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in str(path):
            raise SearchIndexError(f"the search index was not built: Pagefind gave a file outside its bundle: {path}")
        try:
            written[path] = base64.b64decode(str(file.get("content", "")), validate=True)
        except ValueError:
            raise SearchIndexError(f"the search index was not built: Pagefind gave {path} unreadable") from None
    entry = PurePosixPath(ENTRY_FILE)
    if entry not in written:
        raise SearchIndexError(f"the search index was not built: Pagefind wrote no {ENTRY_FILE}")
    for path in sorted(written, key=lambda path: path == entry):
        target = bundle.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(written[path])


def written_pages_index(site_dir: Path, paths: Iterable[str] | None = None) -> StreamingIndex:
    """An index given pages already written into ``site_dir``; closed again if that fails.

    Args:
        site_dir: The site folder.
        paths: The pages' files inside it, in the order to give them; by
            default every HTML file there but the search bundle's, by path
            (a folder whose name ends in ``.html`` is not a page).

    Raises:
        SearchIndexError: When Pagefind cannot run or has stopped.
        OSError: When a page cannot be read.
    """
    if paths is None:
        found = (path.relative_to(site_dir) for path in sorted(site_dir.rglob("*.html")) if path.is_file())
        paths = [relative.as_posix() for relative in found if relative.parts[0] != BUNDLE_DIR]
    index = StreamingIndex()
    try:
        index.start()
        for path in paths:
            # A hand-written HTML file copied into the site need not be UTF-8.
            index.add_page(path, (site_dir / path).read_text(encoding="utf-8", errors="replace"))
    except BaseException:
        index.close()
        raise
    return index


class StreamingIndex:
    """One Pagefind index fed page by page, written to a site's bundle folder at the end.

    Call :meth:`add_page` for each built page, in a fixed order, then
    :meth:`write`; :meth:`close` stops Pagefind whatever happened (a build that
    failed halfway). Only pages that mark their text with
    ``data-pagefind-body`` are sent: Pagefind leaves the others out of an
    index that has any such page. A preview keeps the index between
    rebuilds instead: :meth:`publish` writes the bundle and keeps Pagefind
    running, and a page added again under the same path takes the place of
    the one added before, so only the pages a rebuild writes are sent again.
    """

    def __init__(self, executable: Path | None = None) -> None:
        self._program = executable or pagefind_program()
        self._process: subprocess.Popen[bytes] | None = None
        # What Pagefind prints, to say why it failed; open until close().
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        # An empty folder to run in, so that no stray pagefind.yml can change the index.
        self._folder = tempfile.TemporaryDirectory(prefix="cohub-pagefind-")
        self._index_id = 0
        self._last_id = 0
        self._sent_pages = 0
        self._indexed_pages = 0
        # The pages sent, by path: one sent again replaces the last one sent under its path.
        self._paths: set[str] = set()
        self._errors: list[str] = []
        self._answers: dict[int, dict[str, Any]] = {}
        self._ended = False
        self._changed = threading.Condition()
        self._reader: threading.Thread | None = None
        # Pagefind reads a message at a time: writing one can wait, and the build should not.
        self._outbox: queue.Queue[dict[str, Any] | None] = queue.Queue(MESSAGES_AHEAD)
        self._writer: threading.Thread | None = None

    def start(self) -> None:
        """Start Pagefind and its index.

        Raises:
            SearchIndexError: When Pagefind cannot run or does not answer.
        """
        try:
            self._process = subprocess.Popen(
                [str(self._program), "--service"],
                cwd=self._folder.name,
                env=pagefind_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as error:
            self.close()
            raise SearchIndexError(
                f"the search index was not built: Pagefind could not run ({error.strerror or error}); "
                "reinstall cohub with 'pip install -e .'",
            ) from None
        self._reader = threading.Thread(target=self._read_answers, name="cohub-pagefind-answers", daemon=True)
        self._reader.start()
        self._writer = threading.Thread(target=self._write_messages, name="cohub-pagefind-pages", daemon=True)
        self._writer.start()
        answer = self._wait_for(self._send({"type": "NewIndex", "config": {"exclude_selectors": UNINDEXED_SELECTORS}}))
        self._index_id = int(answer["index_id"])

    def add_page(self, path: str, html: str) -> None:
        """Send one built page to Pagefind, which indexes it while the caller goes on.

        Args:
            path: The page's file inside the site, such as
                ``case-studies/a-story/index.html``; Pagefind makes its
                address from it.
            html: The page as written.

        Raises:
            SearchIndexError: When Pagefind has stopped.
        """
        if BODY_MARKER not in html:
            if path in self._paths:
                # Pagefind can take a page's place but not take a page out.
                raise SearchIndexError(f"the search index cannot leave out {path}, which it was given before")
            return
        self._send(
            {
                "type": "AddFile",
                "index_id": self._index_id,
                "file_path": path,
                "url": None,
                "file_contents": indexed_part(html),
            }
        )
        self._sent_pages += 1
        self._paths.add(path)

    def write(self, site_dir: Path) -> IndexReport:
        """Wait for every page to be indexed, then write the bundle into ``site_dir``, replacing any earlier one.

        Pagefind is stopped once it has handed over the bundle's files, so its
        memory is free while they are written.

        Raises:
            SearchIndexError: When Pagefind failed on a page or stopped, or
                when no page marked its text for indexing.
        """
        files = self._bundle_files()
        self._stop()
        if self._process is not None and self._process.returncode != 0:
            raise SearchIndexError(self._stopped_message())
        self.close()
        return self._write_bundle(site_dir, files)

    def publish(self, site_dir: Path) -> IndexReport:
        """Write the bundle of every page added so far into ``site_dir``, and keep the index for more pages.

        Raises:
            SearchIndexError: As :meth:`write`; the index is then of no more use.
        """
        return self._write_bundle(site_dir, self._bundle_files())

    def _bundle_files(self) -> object:
        """The bundle's files as Pagefind hands them over, once every page sent has been indexed."""
        with self._changed:
            self._changed.wait_for(lambda: self._ended or self._indexed_pages + len(self._errors) >= self._sent_pages)
        self._raise_if_failed()
        if self._sent_pages == 0:
            raise SearchIndexError(
                f"the search index was not built: no page marks its text with {BODY_MARKER}; "
                "check that overrides/main.html is in place",
            )
        # Pagefind answers a request to write the bundle before its last writes are done, and stops at
        # once at the end of its input: files it was still writing would be left short. So it hands the
        # files over, and they are written here.
        return self._wait_for(self._send({"type": "GetFiles", "index_id": self._index_id})).get("files")

    def _write_bundle(self, site_dir: Path, files: object) -> IndexReport:
        bundle = site_dir / BUNDLE_DIR
        shutil.rmtree(bundle, ignore_errors=True)
        write_bundle(bundle, files)
        return IndexReport(
            bundle=bundle,
            pages=len(self._paths),
        )

    def close(self) -> None:
        """Stop Pagefind and forget the index; safe to call more than once."""
        self._stop()
        for thread in (self._writer, self._reader):
            if thread is not None:
                thread.join()
        self._writer = self._reader = None
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
        self._folder.cleanup()

    def _stop(self) -> None:
        process = self._process
        if process is None:
            return
        # The end of its input stops Pagefind.
        if self._writer is not None and self._writer.is_alive():
            self._outbox.put(None)
            self._writer.join()
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        if process.poll() is None:
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _send(self, payload: dict[str, Any]) -> int:
        """Queue a message for Pagefind; returns its number, which its answer carries."""
        if self._writer is None:
            raise SearchIndexError("the search index was not built: Pagefind was not started")
        self._last_id += 1
        self._outbox.put({"message_id": self._last_id, "payload": payload})
        return self._last_id

    def _write_messages(self) -> None:
        """Write the queued messages to Pagefind until told to stop (runs in its own thread).

        Once Pagefind stops reading, the rest are dropped: what it printed says why.
        """
        assert self._process is not None and self._process.stdin is not None
        stdin = self._process.stdin
        failed = False
        while (message := self._outbox.get()) is not None:
            if failed:
                continue
            try:
                stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + MESSAGE_END)
                stdin.flush()
            except (OSError, ValueError):
                failed = True
                with self._changed:
                    self._ended = True
                    self._changed.notify_all()

    def _wait_for(self, message_id: int) -> dict[str, Any]:
        with self._changed:
            self._changed.wait_for(lambda: self._ended or message_id in self._answers)
            answer = self._answers.pop(message_id, None)
        self._raise_if_failed()
        if answer is None:
            raise SearchIndexError(self._stopped_message())
        return answer

    def _read_answers(self) -> None:
        """Read Pagefind's answers until it stops, noting each one (runs in its own thread)."""
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        assert isinstance(stdout, io.BufferedReader)
        # Pagefind's answer with the bundle's files runs to tens of megabytes: gather it without copying it each read.
        pending = bytearray()
        try:
            while chunk := stdout.read1(1 << 16):
                pending += chunk
                if MESSAGE_END not in chunk:
                    continue
                *messages, rest = bytes(pending).split(MESSAGE_END)
                pending = bytearray(rest)
                with self._changed:
                    for message in messages:
                        self._note(message)
                    self._changed.notify_all()
        finally:
            # Whatever stopped the answers, nothing waits for one any longer.
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def _note(self, message: bytes) -> None:
        try:
            answer = json.loads(base64.b64decode(message))
        except ValueError:
            self._errors.append(f"it gave an answer that is not one of its messages: {message[:80]!r}")
            return
        payload = answer.get("payload") or {}
        kind = payload.get("type")
        if kind == "Error":
            self._errors.append(str(payload.get("message") or "an unknown error"))
        elif kind == "IndexedFile":
            self._indexed_pages += 1
        else:
            self._answers[int(answer.get("message_id") or 0)] = payload

    def _raise_if_failed(self) -> None:
        with self._changed:
            errors = tuple(self._errors)
        if errors:
            self.close()
            raise SearchIndexError(f"the search index was not built: Pagefind failed: {failure_detail(errors[0])}")

    def _stopped_message(self) -> str:
        """Why Pagefind stopped, from what it printed."""
        self._stop()
        printed = ""
        if not self._stderr.closed:
            self._stderr.seek(0)
            printed = self._stderr.read().decode("utf-8", "replace")
        self.close()
        detail = failure_detail(printed) or "it stopped without saying why"
        return f"the search index was not built: Pagefind failed: {detail}"

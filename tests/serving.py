"""Running 'mkdocs serve' on a hub in a test, and waiting for what it serves or logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch_until(url: str, wanted: str, timeout: float = 60.0) -> str:
    """The page at ``url`` once it holds ``wanted``; fails the test if it never does."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if wanted in body:
                return body
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} never showed {wanted!r}")


def log_until(log_path: Path, wanted: str, times: int = 1, timeout: float = 60.0) -> str:
    """The log once it holds ``wanted`` ``times`` times, or whatever it holds after ``timeout`` seconds."""
    # The index file can be served a moment before its log line is flushed.
    deadline = time.monotonic() + timeout
    log = log_path.read_text(encoding="utf-8")
    while log.count(wanted) < times and time.monotonic() < deadline:
        time.sleep(0.25)
        log = log_path.read_text(encoding="utf-8")
    return log


@contextmanager
def mkdocs_serve(hub: Path, port: int, work: Path) -> Iterator[tuple[Path, Path]]:
    """A running 'mkdocs serve' of ``hub`` on ``port``; yields its log and the folder it builds the site in.

    Args:
        hub: The hub's root, holding ``mkdocs.yml``.
        port: The loopback port to serve on.
        work: A folder, made here, for the log and the site.
    """
    work.mkdir()
    log_path = work / "serve.log"
    # MkDocs builds into a new temporary folder: make it one the test can find.
    temporary = work / "tmp"
    temporary.mkdir()
    with log_path.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=hub,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "true", "TMPDIR": str(temporary)},
        )
    try:
        log = log_until(log_path, "Serving on", timeout=300)
        assert "Serving on" in log, log
        (site,) = temporary.glob("mkdocs_*")
        yield log_path, site
    finally:
        server.terminate()
        server.wait(timeout=30)

"""Helpers for the deployment tests: free loopback ports, a process that listens on one, a hub's settings."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING

from cohub.hub import load_hub

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path


def free_port() -> int:
    """A loopback port nothing listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], *, seconds: float) -> None:
    """Wait until something accepts connections on ``port``; fail if ``process`` ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} ended with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {seconds} s")


@contextlib.contextmanager
def running(
    command: Sequence[str], port: int, *, seconds: float = 60, environment: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (with ``environment`` added to this one's) until the block ends, once it listens on ``port``."""
    full_environment = {**os.environ, "NO_MKDOCS_2_WARNING": "true", **(environment or {})}
    # Output goes to a file, not a pipe nobody reads, which could fill and stop the process.
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, env=full_environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, process, seconds=seconds)
            yield process
        except RuntimeError as error:
            output.seek(0)
            raise RuntimeError(f"{error}: {output.read().decode(errors='replace')[-4000:]}") from None
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cohub_command(*arguments: str) -> list[str]:
    """The ``cohub`` command line, run by this Python."""
    return [sys.executable, "-m", "cohub", *arguments]


def set_addresses(root: Path, *, site_url: str, comments_url: str | None) -> None:
    """Point the hub's ``mkdocs.yml`` at ``site_url``, with the comment service at ``comments_url`` if given."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("site_url: http://127.0.0.1:8000/", f"site_url: {site_url}", 1)
    if comments_url is not None:
        text = text.replace("\n  cohub:\n", f"\n  cohub:\n    comments:\n      url: {comments_url}\n", 1)
    config.write_text(text, encoding="utf-8")


def commentable_slug(root: Path) -> str:
    """A case study of the hub that takes comments."""
    return next(case_study.slug for case_study in load_hub(root).case_studies if case_study.comments)

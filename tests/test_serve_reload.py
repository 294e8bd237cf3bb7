"""``mkdocs serve`` works as MkDocs users expect, and picks up edited case studies."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from cohub.hub import Hub
from tests.conftest import build_hub


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_until(url: str, wanted: str, timeout: float = 60.0) -> str:
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


def log_until(log_path, wanted: str, times: int = 1, timeout: float = 60.0) -> str:
    # The index file can be served a moment before its log line is flushed.
    deadline = time.monotonic() + timeout
    log = log_path.read_text(encoding="utf-8")
    while log.count(wanted) < times and time.monotonic() < deadline:
        time.sleep(0.25)
        log = log_path.read_text(encoding="utf-8")
    return log


def test_mkdocs_serve_rebuilds_when_a_case_study_changes(hub):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=hub,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "true"},
    )
    try:
        url = f"http://127.0.0.1:{port}/case-studies/essex-tender-evaluation/"
        fetch_until(url, "Essex")
        study = hub / "case_studies" / "essex-tender-evaluation.md"
        study.write_text(
            study.read_text(encoding="utf-8").replace(
                "## What happened", "## What happened\n\nA sentence added while serving.", 1
            ),
            encoding="utf-8",
        )
        fetch_until(url, "A sentence added while serving.")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_preview_shows_pages_before_search_has_indexed_them(hub, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=hub,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "true"},
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        fetch_until(base + "case-studies/essex-tender-evaluation/", "Essex")
        # Search catches up after the pages: the index is written in the background.
        fetch_until(base + "pagefind/pagefind-entry.json", '"version"')
        log = log_until(log_path, "Search: indexed")
        assert log.index("Documentation built in") < log.index("Search: indexed"), log
        study = hub / "case_studies" / "essex-tender-evaluation.md"
        study.write_text(
            study.read_text(encoding="utf-8").replace(
                "## What happened", "## What happened\n\nA sentence added while serving.", 1
            ),
            encoding="utf-8",
        )
        fetch_until(base + "case-studies/essex-tender-evaluation/", "A sentence added while serving.")
        log = log_until(log_path, "Search: indexed", times=2)
        assert log.count("Search: indexed") == 2, log
        assert "ERROR" not in log, log
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_rebuild_in_one_process_lets_the_last_build_go(hub):
    # 'mkdocs serve' rebuilds in one long-lived process, so nothing of an
    # earlier build may outlive the next one.
    build_hub(hub)
    build_hub(hub)
    hubs = [item for item in gc.get_objects() if isinstance(item, Hub) and item.root == hub]
    assert len(hubs) <= 1
    assert gc.get_freeze_count() == 0

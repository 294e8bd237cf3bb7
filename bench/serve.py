"""Preview benchmark: how long ``mkdocs serve`` takes to show an edit.

    python -m bench.serve --cases 1000

It writes a synthetic hub (``bench/corpus.py``), starts ``mkdocs serve`` on
it as a contributor would, waits for the first build, then makes ``--edits``
edits, taking turns among four kinds: a case study's text, its title (which
the lists of case studies show), its summary, and a hand-written page. For
each edit it prints three times from the moment the file is saved: until the
pages it changes are served with the new words, until MkDocs tells browsers
to reload, and until search has indexed the edit (the preview indexes in the
background, after the pages are served). The last line gives the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bench.corpus import DEFAULT_SEED, make_hub
from cohub.addresses import LISTING_PAGE, page_url
from cohub.corpus import CASE_STUDIES_DIR, slugify

if TYPE_CHECKING:
    from collections.abc import Callable

FIRST_BUILD_LIMIT = 1800
EDIT_LIMIT = 600
RELOADED = "Reloading browsers"
INDEXED = "Search: indexed"
EDIT_KINDS = ("text", "title", "page", "summary")
HAND_WRITTEN_PAGE = "docs/about-co-production.md"


@dataclass(frozen=True)
class Edit:
    """One saved edit: the file, its new text, and the pages that must show ``marker``."""

    kind: str
    path: Path
    text: str
    marker: str
    urls: tuple[str, ...]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _pages_show(urls: tuple[str, ...], text: str) -> bool:
    return all(text in _page_text(url) for url in urls)


def _logged_more(log: Path, line: str, before: int) -> bool:
    """Whether the server's log holds ``line`` more than ``before`` times."""
    return log.read_text().count(line) > before


def _wait_for(condition: Callable[[], object], limit: float, what: str, log: Path) -> float:
    """Poll ``condition`` every 50 ms; the seconds it took, or stop the benchmark with the server's log."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise SystemExit(f"bench.serve: gave up waiting for {what}; the server said:\n{log.read_text()}")
        time.sleep(0.05)
    return time.perf_counter() - started


def _with_field(text: str, field: str, value: str) -> str:
    """``text`` with its front matter's top-level ``field`` set to ``value``."""
    return re.sub(rf"^{field}: .*$", f"{field}: {json.dumps(value)}", text, count=1, flags=re.MULTILINE)


def make_edit(kind: str, number: int, hub: Path, case_study: Path, base: str) -> Edit:
    """The ``number``th edit, of ``kind``, to ``case_study`` or to a hand-written page of ``hub``."""
    marker = f"Edited for the benchmark, edit {number}."
    own_page = f"{base}case-studies/{slugify(case_study.stem)}/"
    listing = base + page_url(LISTING_PAGE)
    text = case_study.read_text(encoding="utf-8")
    if kind == "text":
        return Edit(kind, case_study, f"{text}\n{marker}\n", marker, (own_page,))
    if kind in ("title", "summary"):
        # Both show in every list of case studies, and on the case study's own page.
        return Edit(kind, case_study, _with_field(text, kind, marker), marker, (own_page, listing))
    page = hub / HAND_WRITTEN_PAGE
    return Edit(kind, page, f"{page.read_text(encoding='utf-8')}\n{marker}\n", marker, (base + "about-co-production/",))


def run(cases: int, edits: int, seed: int) -> tuple[float, list[tuple[str, float, float, float]]]:
    """The first build's seconds, and each edit's kind and (page shown, rebuild done, search indexed) seconds."""
    with tempfile.TemporaryDirectory(prefix="cohub-bench-serve-") as folder:
        hub = make_hub(Path(folder) / "hub", cases, seed)
        edited = sorted((hub / CASE_STUDIES_DIR).glob("*.md"))[cases // 2]
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        log = Path(folder) / "serve.log"
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "true"}
        environment.pop("COHUB_COMMENTS_DB", None)
        started = time.perf_counter()
        with log.open("w") as log_file:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "serve",
                    "--config-file",
                    str(hub / "mkdocs.yml"),
                    "--dev-addr",
                    f"127.0.0.1:{port}",
                ],
                cwd=hub,
                env=environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(lambda: "Serving on" in log.read_text(), FIRST_BUILD_LIMIT, "the first build", log)
            first_build = time.perf_counter() - started
            own_page = f"{base}case-studies/{slugify(edited.stem)}/"
            _wait_for(lambda: _page_text(own_page), 60, "the case study's page", log)
            _wait_for(lambda: INDEXED in log.read_text(), FIRST_BUILD_LIMIT, "the first search index", log)
            timings = []
            for number in range(1, edits + 1):
                edit = make_edit(EDIT_KINDS[(number - 1) % len(EDIT_KINDS)], number, hub, edited, base)
                before = log.read_text()
                reloads, indexes = before.count(RELOADED), before.count(INDEXED)
                saved = time.perf_counter()
                edit.path.write_text(edit.text, encoding="utf-8")
                shown = _wait_for(partial(_pages_show, edit.urls, edit.marker), EDIT_LIMIT, "the edit", log)
                _wait_for(partial(_logged_more, log, RELOADED, reloads), EDIT_LIMIT, "the rebuild to finish", log)
                rebuilt = time.perf_counter() - saved
                _wait_for(partial(_logged_more, log, INDEXED, indexes), EDIT_LIMIT, "search to index the edit", log)
                indexed = time.perf_counter() - saved
                timings.append((edit.kind, shown, rebuilt, indexed))
                print(
                    f"N={cases} edit {number} ({edit.kind}): page shown after {shown:.1f} s, rebuild done after "
                    f"{rebuilt:.1f} s, search indexed after {indexed:.1f} s",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return first_build, timings


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a summary line per size."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, action="append", help="how many case studies (default 1000)")
    parser.add_argument("--edits", type=int, default=6, help="edits to time per size (default 6)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="which corpus (default %(default)s)")
    args = parser.parse_args(argv)
    sizes = args.cases or [1000]
    if args.edits < 1 or min(sizes) < 1:
        print("bench.serve: --cases and --edits must be 1 or more", file=sys.stderr)
        return 1
    for cases in sizes:
        first_build, timings = run(cases, args.edits, args.seed)
        print(f"N={cases} first_build={first_build:.1f}s")
        shown = statistics.median(timing[1] for timing in timings)
        indexed = statistics.median(timing[3] for timing in timings)
        print(f"N={cases} edit_to_page_s={shown:.1f} edit_to_search_s={indexed:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

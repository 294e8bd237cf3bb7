"""Search benchmark: Pagefind against Material's built-in search, on synthetic hubs.

For each corpus size it builds a synthetic hub (bench.corpus), its Pagefind
index included, as a council's build does, and measures in Debian's Chromium
how many bytes the browser fetches for a first query from the header search
box, read from the network log. It then builds the same corpus once with Material's search plugin on, to compare
with the size of the search/search_index.json that Material's search downloads
whole before it shows a result.

    python -m bench.search --cases 1000 --cases 5000 --cases 10000

The site is served the way a council's web server would serve it: gzip for
text files (HTML, CSS, JavaScript, JSON); Pagefind's index files are already
compressed. The first query's bytes count everything fetched from the moment
the reader starts typing (at five characters a second) until the results are
shown and the network is idle. It also ticks one term on the search page with
no words (--filter) and counts what that fetches, the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from bench.build import PAGEFIND_LINE
from bench.corpus import DEFAULT_SEED, make_hub
from cohub.search import BUNDLE_DIR, SearchIndexError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("COHUB_CHROMIUM", "/usr/bin/chromium")
TARGET_BYTES = 300 * 1024
# The fixed list of first queries: one, two and three words, common and rarer.
# The first is the table's main column; the worst of all is the last line's.
QUERIES = (
    "direct payments",
    "tender",
    "carers",
    "peer researchers",
    "easy read information",
    "supported living co-design",
)
# A steady typist: five characters a second. Each pause longer than the search
# box's debounce starts a search, which may fetch more of the index.
TYPING_DELAY_MS = 200
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml")
# The Component UI's own files, fetched by every page when it loads (and then
# cached), not by a query; they are reported apart.
UI_FILES = ("pagefind-component-ui.js", "pagefind-component-ui.css")


@dataclass(frozen=True)
class Fetch:
    """One response the browser received, as the network log gives it."""

    url: str
    bytes: int


@dataclass(frozen=True)
class Result:
    """The figures for one corpus size."""

    cases: int
    build_seconds: float
    index_seconds: float
    bundle_bytes: int
    index_bytes: int
    index_files: int
    ui_bytes: int
    query_fetches: tuple[Fetch, ...]
    other_queries: tuple[tuple[str, int], ...]
    search_page_bytes: int
    filter_term: str
    filter_listed: int
    filter_fetches: tuple[Fetch, ...]
    material_bytes: int
    material_gzip_bytes: int

    @property
    def query_bytes(self) -> int:
        """Bytes fetched for the first query."""
        return sum(fetch.bytes for fetch in self.query_fetches)

    def worst_query(self, first: str) -> tuple[str, int]:
        """The query that fetched the most bytes (``first`` names the table's main one), and its bytes."""
        return max(((first, self.query_bytes), *self.other_queries), key=lambda pair: pair[1])


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, gzipping text files for browsers that accept it."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            # The base class redirects "folder" to "folder/"; keep that.
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if path.suffix not in COMPRESSED_TYPES or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        if not path.is_file():
            return super().send_head()
        body = _gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@functools.cache
def _gzipped(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serve(site: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """Serve ``site`` on a free loopback port, with gzip unless given another handler; yield its address."""
    handler = functools.partial(handler_class or _GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def build(root: Path, site: Path) -> tuple[float, float]:
    """Build the hub at ``root`` into ``site`` with MkDocs, its search index included.

    Returns:
        The seconds the whole build took, and the seconds its log says the
        search index took after the last page was written.

    Raises:
        ValueError: When the build's log says nothing of the search index.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from cohub.mkdocs_adapter import log

    lines = _Lines()
    level = log.level
    log.addHandler(lines)
    log.setLevel(logging.INFO)
    started = time.perf_counter()
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        log.removeHandler(lines)
        log.setLevel(level)
    seconds = time.perf_counter() - started
    indexed = next(filter(None, map(PAGEFIND_LINE.search, lines.messages)), None)
    if indexed is None:
        raise ValueError(f"the build of {root} logged no 'Search: indexed' line")
    return seconds, float(indexed[1])


class _Lines(logging.Handler):
    """Keeps the messages a logger gives it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def with_material_search(root: Path) -> None:
    """Switch Material's own search plugin on in the hub at ``root``."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if "\nplugins:\n" not in text:
        raise ValueError(f"{config} has no 'plugins:' list to add Material's search to")
    config.write_text(text.replace("\nplugins:\n", "\nplugins:\n  - search\n", 1), encoding="utf-8")


def folder_bytes(folder: Path, *, skip: tuple[str, ...] = ()) -> tuple[int, int]:
    """The total size and number of the files under ``folder``, less those named in ``skip``."""
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file() and path.name not in skip]
    return sum(sizes), len(sizes)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()


def _record(page: Page) -> list[Fetch]:
    fetches: list[Fetch] = []
    # sizes() reads what Chromium's network log says was received: headers and body as sent.
    page.on(
        "requestfinished",
        lambda request: fetches.append(
            Fetch(request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])
        ),
    )
    return fetches


@contextlib.contextmanager
def fresh_page(browser: Browser, url: str) -> Iterator[tuple[Page, list[Fetch]]]:
    """Open ``url`` in a fresh context (an empty cache); yield the page and every response it receives."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        fetches = _record(page)
        page.goto(url, wait_until="networkidle")
        yield page, fetches
    finally:
        context.close()


def first_query(browser: Browser, url: str, query: str) -> tuple[int, tuple[Fetch, ...]]:
    """Load the home page in a fresh context, then search from the header.

    Returns:
        The bytes of the Component UI's own files fetched as the page loaded,
        and every response fetched for the query.
    """
    with fresh_page(browser, url) as (page, fetches):
        ui_bytes = sum(fetch.bytes for fetch in fetches if fetch.url.rsplit("/", 1)[-1] in UI_FILES)
        loaded = len(fetches)
        page.keyboard.press("Control+k")
        page.keyboard.type(query, delay=TYPING_DELAY_MS)
        page.wait_for_selector(".cohub-search [role=listbox] a[role=option]", timeout=60_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        return ui_bytes, _with_worker_script(page, fetches[loaded:])


def search_page_data(browser: Browser, url: str) -> int:
    """The bytes of search data (under pagefind/, UI files aside) the search page fetches as it opens."""
    with fresh_page(browser, url + "search/") as (page, fetches):
        page.wait_for_selector(".pf-filter-group", timeout=60_000)
        page.wait_for_load_state("networkidle")
        return sum(
            fetch.bytes
            for fetch in _with_worker_script(page, fetches)
            if f"/{BUNDLE_DIR}/" in fetch.url and fetch.url.rsplit("/", 1)[-1] not in UI_FILES
        )


def filters_only(browser: Browser, url: str, filter_name: str, term_label: str) -> tuple[int, tuple[Fetch, ...]]:
    """Open the search page in a fresh context, then tick one term with no words typed.

    Returns:
        How many results are listed, and every response fetched from the tick
        until the results are shown and the network is idle.
    """
    with fresh_page(browser, url + "search/") as (page, fetches):
        page.wait_for_selector(".pf-filter-group", timeout=60_000)
        page.wait_for_load_state("networkidle")
        loaded = len(fetches)
        page.locator(".pf-filter-group summary", has_text=filter_name).click()
        page.locator(".pf-filter-checkbox", has=page.locator(f"input[value='{term_label}']")).click()
        page.wait_for_selector(".cohub-search-page .cohub-result__title a", timeout=120_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        listed = int(page.locator(".cohub-search-page .pf-summary").inner_text().split()[0].replace(",", ""))
        return listed, _with_worker_script(page, fetches[loaded:])


def _with_worker_script(page: Page, fetches: list[Fetch]) -> tuple[Fetch, ...]:
    # Playwright gives no body size for a worker's own script; the page's
    # Resource Timing entry for it has the bytes transferred.
    timing = dict(page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.transferSize])"))
    return tuple(Fetch(fetch.url, max(fetch.bytes, timing.get(fetch.url, 0))) for fetch in fetches)


def measure(cases: int, work: Path, queries: tuple[str, ...], seed: int, term: tuple[str, str]) -> Result:
    """Every figure for one corpus size; ``term`` is a (filter, value) to tick with no words."""
    root = make_hub(work / f"hub-{cases}", cases, seed)
    site = work / f"site-{cases}"
    build_seconds, index_seconds = build(root, site)
    bundle = site / BUNDLE_DIR
    bundle_bytes, _ = folder_bytes(bundle)
    index_bytes, index_files = folder_bytes(
        bundle,
        skip=tuple(path.name for path in bundle.glob("*.js")) + tuple(path.name for path in bundle.glob("*.css")),
    )
    with serve(site) as url, chromium() as browser:
        measured = [first_query(browser, url, query) for query in queries]
        search_page_bytes = search_page_data(browser, url)
        filter_listed, filter_fetches = filters_only(browser, url, *term)
    with_material_search(root)
    material_site = work / f"material-{cases}"
    build(root, material_site)
    material_index = material_site / "search" / "search_index.json"
    material_bytes = material_index.stat().st_size
    material_gzip_bytes = len(gzip.compress(material_index.read_bytes(), compresslevel=6, mtime=0))
    shutil.rmtree(material_site)
    return Result(
        cases=cases,
        build_seconds=build_seconds,
        index_seconds=index_seconds,
        bundle_bytes=bundle_bytes,
        index_bytes=index_bytes,
        index_files=index_files,
        ui_bytes=measured[0][0],
        query_fetches=measured[0][1],
        other_queries=tuple(
            (query, sum(fetch.bytes for fetch in fetches))
            for query, (_, fetches) in zip(queries[1:], measured[1:], strict=True)
        ),
        search_page_bytes=search_page_bytes,
        filter_term="=".join(term),
        filter_listed=filter_listed,
        filter_fetches=filter_fetches,
        material_bytes=material_bytes,
        material_gzip_bytes=material_gzip_bytes,
    )


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def header(query: str) -> str:
    """The table's heading."""
    return "\n".join(
        (
            f'First query: "{query}", typed into the header search box of the home page at '
            f"{1000 // TYPING_DELAY_MS} characters a second, in a fresh browser.",
            "Material's index is search/search_index.json, which its search downloads whole before any result.",
            "build: the whole build, search index included; index: what the build's log says the index took "
            "after the last page was written.",
            "",
            f"{'cases':>6}  {'build':>6}  {'index':>6}  {'index on disk':>20}  {'first query':>17}  "
            f"{'Material index (gzip)':>21}  {'ratio':>6}  target",
            "(ratio: Material's gzipped index over the first query's bytes)",
        )
    )


def row(result: Result) -> str:
    """One corpus size's figures: a line, and a second for the other queries."""
    within = "under" if result.query_bytes < TARGET_BYTES else "OVER"
    line = (
        f"{result.cases:>6}  {result.build_seconds:>5.0f}s  {result.index_seconds:>5.1f}s  "
        f"{_mb(result.index_bytes):>8} {result.index_files:>6} files  "
        f"{_kb(result.query_bytes):>9} {len(result.query_fetches):>2} files  "
        f"{_mb(result.material_bytes):>8} ({_mb(result.material_gzip_bytes):>7})  "
        f"{result.material_gzip_bytes / result.query_bytes:>5.1f}x  {within} {_kb(TARGET_BYTES)}"
    )
    if result.other_queries:
        others = "; ".join(f'"{query}" {_kb(size)}' for query, size in result.other_queries)
        line += f"\n{'':>8}other first queries: {others}"
    return line


def summary_line(result: Result, first: str) -> str:
    """One size's closing line: the worst first query of the list, against the target."""
    query, size = result.worst_query(first)
    return (
        f"N={result.cases} worst_first_query_kb={size / 1024:.0f} query={query!r} "
        f"target_kb={TARGET_BYTES // 1024} {'under' if size <= TARGET_BYTES else 'OVER'}"
    )


def details(result: Result) -> str:
    """Where the bytes went, for one corpus size."""
    return "\n".join(
        (
            f"At {result.cases} cases: the whole bundle, UI files included, is {_mb(result.bundle_bytes)} on disk.",
            f"Every page loads the Component UI once (then cached): {_kb(result.ui_bytes)}.",
            f"The search page fetches {_kb(result.search_page_bytes)} of search data as it opens (filters included).",
            f"Then ticking {result.filter_term} with no words lists {result.filter_listed} case studies and fetches "
            f"{_kb(sum(fetch.bytes for fetch in result.filter_fetches))} "
            f"({'under' if sum(fetch.bytes for fetch in result.filter_fetches) < TARGET_BYTES else 'OVER'} "
            f"{_kb(TARGET_BYTES)}):",
            *(f"  {_kb(fetch.bytes):>9}  {urlsplit(fetch.url).path.lstrip('/')}" for fetch in result.filter_fetches),
            "The first query fetched:",
            *(f"  {_kb(fetch.bytes):>9}  {urlsplit(fetch.url).path.lstrip('/')}" for fetch in result.query_fetches),
        )
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=int,
        action="append",
        help="a corpus size; give it more than once (default: 1000, 5000 and 10000)",
    )
    parser.add_argument(
        "--query",
        action="append",
        help="what to search for; give it more than once: the first is in the table's main column "
        f"(default: {', '.join(repr(query) for query in QUERIES)})",
    )
    parser.add_argument(
        "--filter",
        default="Regions=London",
        help="a filter and value to tick on the search page with no words (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="which corpus (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    term = tuple(part.strip() for part in args.filter.split("=", 1))
    if len(term) != 2 or not all(term):
        print(f"bench.search: --filter '{args.filter}' is not 'Filter=Value', like 'Regions=London'", file=sys.stderr)
        return 2
    sizes = sorted(args.cases or (1000, 5000, 10000))
    queries = tuple(args.query or QUERIES)
    if not Path(CHROMIUM).exists():
        print(f"bench.search: {CHROMIUM} is missing: install Debian's chromium (make chromium)", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="cohub-bench-"))
    results = []
    print(header(queries[0]), flush=True)
    try:
        for cases in sizes:
            results.append(measure(cases, work, queries, args.seed, (term[0], term[1])))
            print(row(results[-1]), flush=True)
    except (SearchIndexError, OSError, ValueError) as error:
        print(f"bench.search: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(details(results[-1]))
    print()
    for result in results:
        print(summary_line(result, queries[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

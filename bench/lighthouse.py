"""Lighthouse on a case study served by ``cohub serve``, against a plain static server in the same run.

    python -m bench.lighthouse --lighthouse /tmp/lh/node_modules/.bin/lighthouse --runs 3

Lighthouse is not one of the hub's dependencies: install it anywhere outside
the repository (``npm install --prefix /tmp/lh lighthouse``) and name its
program. It drives Debian's Chromium (``CHROME_PATH``, default
``/usr/bin/chromium``), headless, with Lighthouse's mobile settings (a
mid-range phone on a slow 4G connection, simulated).

The hub is built once into a temporary folder. The same built site is then
served twice on loopback: by Python's ``http.server`` (no compression, no
cache headers), the baseline, and by ``cohub serve``'s app. For each it
prints the median over ``--runs`` of the performance and accessibility
scores, the main timings and the bytes sent, then the ratio of the two.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from bench.corpus import REPO
from bench.search import build, serve
from cohub.comments.app import uvicorn_config
from cohub.hub import load_hub
from cohub.serve import hub_app

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


@dataclass(frozen=True)
class Result:
    """The median of several Lighthouse runs on one page."""

    performance: float
    accessibility: float
    first_contentful_paint_ms: float
    largest_contentful_paint_ms: float
    total_blocking_time_ms: float
    cumulative_layout_shift: float
    bytes_sent: float


class _PlainHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the name http.server gives it)
        pass


@contextmanager
def _cohub_serve(site: Path, database: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    app = hub_app(REPO, site_dir=site, db_path=database, site_url=url)
    server = uvicorn.Server(uvicorn_config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join()


def _lighthouse(program: str, url: str) -> dict[str, Any]:
    environment = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    completed = subprocess.run(
        [
            program,
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=performance,accessibility",
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench.lighthouse: Lighthouse failed on {url}:\n{completed.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def measure(program: str, url: str, runs: int) -> Result:
    """Run Lighthouse ``runs`` times on ``url``; the median of each figure."""
    reports = [_lighthouse(program, url) for _ in range(runs)]

    def median(figure: str) -> float:
        return statistics.median(_figure(report, figure) for report in reports)

    return Result(
        performance=median("performance"),
        accessibility=median("accessibility"),
        first_contentful_paint_ms=median("first-contentful-paint"),
        largest_contentful_paint_ms=median("largest-contentful-paint"),
        total_blocking_time_ms=median("total-blocking-time"),
        cumulative_layout_shift=median("cumulative-layout-shift"),
        bytes_sent=median("total-byte-weight"),
    )


def _figure(report: dict[str, Any], figure: str) -> float:
    if figure in report["categories"]:
        return float(report["categories"][figure]["score"]) * 100
    return float(report["audits"][figure]["numericValue"])


def main(argv: list[str] | None = None) -> int:
    """Build the hub, serve a case study both ways, run Lighthouse on each and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse program (from npm, outside the repo)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per server (default: 3)")
    parser.add_argument("--page", help="the page to measure (default: the first case study that takes comments)")
    args = parser.parse_args(argv)
    page = args.page or next(
        f"case-studies/{case_study.slug}/" for case_study in load_hub(REPO).case_studies if case_study.comments
    )
    with tempfile.TemporaryDirectory(prefix="cohub-lighthouse-") as folder:
        site = Path(folder) / "site"
        build(REPO, site)
        servers: dict[str, AbstractContextManager[str]] = {
            "http.server (baseline)": serve(site, _PlainHandler),
            "cohub serve": _cohub_serve(site, Path(folder) / "comments.sqlite3"),
        }
        results: dict[str, Result] = {}
        for name, server in servers.items():
            with server as url:
                results[name] = measure(args.lighthouse, url + page, args.runs)
    print(f"Lighthouse, mobile, median of {args.runs} runs on /{page}")
    print(f"{'server':24} {'perf':>5} {'a11y':>5} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} {'CLS':>6} {'KiB':>7}")
    for name, result in results.items():
        print(
            f"{name:24} {result.performance:5.0f} {result.accessibility:5.0f} {result.first_contentful_paint_ms:7.0f}"
            f" {result.largest_contentful_paint_ms:7.0f} {result.total_blocking_time_ms:7.0f}"
            f" {result.cumulative_layout_shift:6.3f} {result.bytes_sent / 1024:7.0f}"
        )
    baseline, cohub = results["http.server (baseline)"], results["cohub serve"]
    print(
        f"cohub serve / baseline: LCP {cohub.largest_contentful_paint_ms / baseline.largest_contentful_paint_ms:.2f},"
        f" bytes {cohub.bytes_sent / baseline.bytes_sent:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

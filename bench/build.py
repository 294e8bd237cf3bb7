"""Build benchmark: the hub's whole build against stock Material's, search included on both sides.

    python -m bench.build --cases 2000 --cases 5000

For each size it writes one synthetic hub (``bench/corpus.py``) and, from the
same case studies, a stock Material site: the hub's own pages and Markdown
settings, each case study as an ordinary page carrying the tags the hub gives
it, Material's tags plugin and its own search plugin, case studies out of the
nav, and no hooks, template overrides or Pagefind. Then it builds the two in
turn, alternating, ``--rounds`` times each, every build a fresh process
writing a fresh folder:

- stock: ``mkdocs build --strict`` of the stock site, which writes
  Material's search index as part of the build;
- hub: ``cohub build`` of the hub, which indexes the site with Pagefind,
  page by page while it renders where it has a core to spare. Its time is
  the whole build's, search index included; the time the build's log gives
  for the search index after the last page is printed as well.

Each build prints its pages, wall time, milliseconds per page and peak memory
(resident size, sampled from /proc every 100 ms: the build's own processes
together, and Pagefind apart). The last lines, one per size, give the
median time of each, the median of the rounds' hub/stock ratios (each
round builds the two one straight after the other, so a slow spell of a
shared machine affects both) and the largest peaks:

    N=2000 stock=12.3s hub=13.1s ratio=1.07 hub_peak_mb=410 pagefind_peak_mb=700

``--profile FOLDER`` also runs one hub build per size under cProfile, saves
the profile as ``FOLDER/hub-N.prof`` and prints where the time went.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.corpus import DEFAULT_SEED, make_hub
from cohub.build import QUIET_MKDOCS, strict_build_command
from cohub.hub import load_hub
from cohub.wikilinks import resolve_wikilinks

TARGET_RATIO = 1.3
TARGET_SCALING = 2.6
TARGET_PEAK_MB = 1024
TARGET_PAGEFIND_PEAK_MB = 1536
# The build's log line for the search index: the time it took after the last page was written.
PAGEFIND_LINE = re.compile(r"Search: indexed \d+ pages.*? in ([\d.]+) s")
# Pages the hub writes from its own templates; the stock site gets plain
# stand-ins so that links to them from the hub's pages still resolve.
STAND_INS = {"glossary.md": "# Glossary\n", "case-studies/index.md": "# Case studies\n"}


@dataclass(frozen=True)
class Build:
    """One timed build.

    Attributes:
        peak_mb: The largest resident size of the build's own processes
            (``cohub``, MkDocs), Pagefind left out.
        pagefind_peak_mb: Pagefind's largest resident size (0 when not run).
        seconds: The whole build's wall time, search index included.
        pagefind_seconds: What the build's log says the search index took
            (None when it says nothing).
    """

    pages: int
    seconds: float
    pagefind_seconds: float | None
    peak_mb: float
    pagefind_peak_mb: float = 0.0

    @property
    def ms_per_page(self) -> float:
        return self.seconds / self.pages * 1000


def write_stock_site(hub_root: Path, target: Path) -> Path:
    """Write a stock Material site with the same pages, case studies and tags as the hub at ``hub_root``."""
    hub = load_hub(hub_root)
    if hub.problems:
        raise SystemExit(f"bench.build: the synthetic hub has problems, first: {hub.problems[0]}")
    docs = target / "docs"
    shutil.copytree(hub_root / "docs", docs)
    # The open data page links to files that only the hub writes (the collection as JSON and CSV, the feeds).
    (docs / "open-data.md").unlink(missing_ok=True)
    for page in docs.rglob("*.md"):
        # Stock Material has none of the hub's page templates.
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"(?m)^template: .*\n", "", text), encoding="utf-8")
    for name, text in STAND_INS.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    titles = {case_study.slug: case_study.title for case_study in hub.case_studies}
    for case_study in hub.case_studies:
        front = "\n".join(
            (
                "---",
                f"title: {json.dumps(case_study.title)}",
                f"description: {json.dumps(case_study.summary)}",
                f"tags: [{', '.join(json.dumps(tag) for tag in hub.tags(case_study))}]",
                "---",
            )
        )
        body = resolve_wikilinks(case_study.body, titles)
        (docs / "case-studies" / f"{case_study.slug}.md").write_text(f"{front}\n{body}", encoding="utf-8")

    config = yaml.safe_load((hub_root / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    config["theme"].pop("custom_dir", None)
    # The hub's language ("custom": English as en-GB) and Markdown extensions live in overrides/ and cohub/.
    if config["theme"].get("language") == "custom":
        config["theme"]["language"] = "en"
    config["markdown_extensions"] = [
        extension
        for extension in config.get("markdown_extensions", [])
        if not (isinstance(extension, str) and extension.startswith("cohub."))
    ]
    config["extra"].pop("cohub", None)
    # Material's own search plugin, as a stock site has it: its index is part of the build.
    config["plugins"] = ["search", "tags"]
    config["nav"] = [entry for entry in config["nav"] if (docs / next(iter(entry.values()))).is_file()]
    config["not_in_nav"] = "/tags.md\n/case-studies/\n"
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


class MemorySampler(threading.Thread):
    """Samples the resident size of a process and its descendants until told to stop.

    Pagefind runs inside the hub's build and needs far more memory than the
    build itself, so the peaks are kept per program: Pagefind apart, every
    other process of the build together. Reads Linux's /proc.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.build_peak_kb = 0
        self.pagefind_peak_kb = 0
        self._stop_sampling = threading.Event()

    def run(self) -> None:
        while not self._stop_sampling.wait(self.interval):
            build_kb, pagefind_kb = 0, 0
            for pid, name in self._tree():
                kb = _resident_kb(pid)
                if name == "pagefind":
                    pagefind_kb += kb
                else:
                    build_kb += kb
            self.build_peak_kb = max(self.build_peak_kb, build_kb)
            self.pagefind_peak_kb = max(self.pagefind_peak_kb, pagefind_kb)

    def stop(self) -> None:
        self._stop_sampling.set()
        self.join()

    def _tree(self) -> list[tuple[int, str]]:
        # Each thread's "children" file lists the processes it started.
        found: list[tuple[int, str]] = []
        waiting = [self.pid]
        while waiting:
            pid = waiting.pop()
            with contextlib.suppress(OSError):
                found.append((pid, Path(f"/proc/{pid}/comm").read_text().strip()))
                for task in Path(f"/proc/{pid}/task").iterdir():
                    waiting.extend(int(child) for child in (task / "children").read_text().split())
        return found


def _resident_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def timed_build(command: list[str], cwd: Path, site: Path) -> Build:
    """Run one build in a fresh process; stop the benchmark with its output if it fails."""
    shutil.rmtree(site, ignore_errors=True)
    environment = {**os.environ, **QUIET_MKDOCS}
    environment.pop("COHUB_COMMENTS_DB", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = MemorySampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"bench.build: {' '.join(command)} failed:\n{output}")
    pagefind = PAGEFIND_LINE.search(output)
    pages = sum(1 for path in site.rglob("*.html") if "pagefind" not in path.relative_to(site).parts)
    return Build(
        pages=pages,
        seconds=seconds,
        pagefind_seconds=float(pagefind[1]) if pagefind else None,
        peak_mb=sampler.build_peak_kb / 1024,
        pagefind_peak_mb=sampler.pagefind_peak_kb / 1024,
    )


def stock_command(stock: Path, site: Path) -> list[str]:
    return strict_build_command(stock / "mkdocs.yml", site)


def hub_command(hub: Path) -> list[str]:
    return [sys.executable, "-m", "cohub", "--root", str(hub), "build"]


def describe(cases: int, round_number: int, name: str, build: Build) -> str:
    search = (
        f" (search index {build.pagefind_seconds:.1f} s at the end, Pagefind peak {build.pagefind_peak_mb:.0f} MB)"
        if build.pagefind_seconds is not None
        else ""
    )
    return (
        f"N={cases} round {round_number} {name:>5}: {build.pages} pages in {build.seconds:.1f} s"
        f"{search}, {build.ms_per_page:.1f} ms per page, peak {build.peak_mb:.0f} MB"
    )


def profile_hub(hub: Path, cases: int, folder: Path) -> str:
    """Build the hub once under cProfile; save the profile and return the top of it."""
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / f"hub-{cases}.prof"
    command = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(output),
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "--config-file",
        str(hub / "mkdocs.yml"),
        "--site-dir",
        str(hub / "site"),
    ]
    timed_build(command, hub, hub / "site")
    text = io.StringIO()
    stats = pstats.Stats(str(output), stream=text)
    stats.sort_stats("cumulative").print_stats(r"cohub|hooks|mkdocs/|material/|markdown/|jinja2/", 35)
    stats.sort_stats("tottime").print_stats(25)
    return f"Profile of the hub build at N={cases}, saved as {output}:\n{text.getvalue()}"


@dataclass(frozen=True)
class Rounds:
    """Every build of one size, stock and hub in turn, and what they add up to.

    The machine's speed drifts over minutes on a shared host, and each round
    builds the two one straight after the other, so the ratio is taken per
    round and the median of those is reported: a round that ran slow (or
    fast) throughout cancels out.
    """

    stock: tuple[Build, ...]
    hub: tuple[Build, ...]

    @property
    def stock_seconds(self) -> float:
        return statistics.median(build.seconds for build in self.stock)

    @property
    def hub_seconds(self) -> float:
        return statistics.median(build.seconds for build in self.hub)

    @property
    def ratio(self) -> float:
        pairs = zip(self.stock, self.hub, strict=True)
        return statistics.median(hub.seconds / stock.seconds for stock, hub in pairs)

    @property
    def hub_peak_mb(self) -> float:
        return max(build.peak_mb for build in self.hub)

    @property
    def pagefind_seconds(self) -> float:
        return statistics.median(build.pagefind_seconds or 0.0 for build in self.hub)

    @property
    def pagefind_peak_mb(self) -> float:
        return max(build.pagefind_peak_mb for build in self.hub)


def run(cases: int, rounds: int, seed: int, profile: Path | None) -> Rounds:
    """Build stock and hub ``rounds`` times each, in turn."""
    with tempfile.TemporaryDirectory(prefix="cohub-bench-build-") as folder:
        hub = make_hub(Path(folder) / "hub", cases, seed)
        stock = write_stock_site(hub, Path(folder) / "stock")
        stock_builds: list[Build] = []
        hub_builds: list[Build] = []
        for round_number in range(1, rounds + 1):
            stock_builds.append(timed_build(stock_command(stock, stock / "site"), stock, stock / "site"))
            print(describe(cases, round_number, "stock", stock_builds[-1]), flush=True)
            hub_builds.append(timed_build(hub_command(hub), hub, hub / "site"))
            print(describe(cases, round_number, "hub", hub_builds[-1]), flush=True)
        if profile is not None:
            print(profile_hub(hub, cases, profile), flush=True)
    return Rounds(tuple(stock_builds), tuple(hub_builds))


def get_parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=int,
        action="append",
        help="how many case studies (give it more than once; default 2000 and 5000)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind per size (default 3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="which corpus (default %(default)s)")
    parser.add_argument(
        "--profile", type=Path, metavar="FOLDER", help="also profile one hub build per size, saving the profiles here"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print each build, then one summary line per size."""
    args = get_parser().parse_args(argv)
    sizes = args.cases or [2000, 5000]
    if args.rounds < 1 or min(sizes) < 1:
        print("bench.build: --cases and --rounds must be 1 or more", file=sys.stderr)
        return 1
    results = {cases: run(cases, args.rounds, args.seed, args.profile) for cases in sizes}
    for cases, result in results.items():
        print(
            f"N={cases} whole builds, search included: hub/stock {result.ratio:.2f} "
            f"(target at most {TARGET_RATIO} at 2000); hub peak {result.hub_peak_mb:.0f} MB "
            f"(target at most {TARGET_PEAK_MB} MB at 5000); Pagefind peak {result.pagefind_peak_mb:.0f} MB "
            f"(target at most {TARGET_PAGEFIND_PEAK_MB} MB at 5000); search index in the log "
            f"{result.pagefind_seconds:.1f} s"
        )
    ordered = sorted(results)
    for smaller, larger in itertools.pairwise(ordered):
        growth = results[larger].hub_seconds / results[smaller].hub_seconds
        linear = larger / smaller
        print(
            f"hub({larger})/hub({smaller}) = {growth:.2f} (linear is {linear:.2f}"
            + (f"; target at most {TARGET_SCALING})" if (smaller, larger) == (2000, 5000) else ")")
        )
    for cases, result in results.items():
        print(
            f"N={cases} stock={result.stock_seconds:.1f}s hub={result.hub_seconds:.1f}s "
            f"ratio={result.ratio:.2f} hub_peak_mb={result.hub_peak_mb:.0f} "
            f"pagefind_peak_mb={result.pagefind_peak_mb:.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

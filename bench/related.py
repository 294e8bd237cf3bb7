"""Time related case studies (and the other cross-links) against reading the corpus.

    python -m bench.related --cases 500 --cases 2000 --cases 5000

Each size gets a fresh synthetic hub (``bench/corpus.py``). For each it
prints how long it takes to read and check every case study, to find every
case study's related case studies, and to work out every generated page and
link; then the related time per case study, which stays flat when the cost
grows linearly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import DEFAULT_SEED, make_hub
from cohub.hub import load_hub
from cohub.related import RelatedConfig, document_for, related_documents
from cohub.website import build_website


def get_parser() -> argparse.ArgumentParser:
    """The argument parser for the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.related", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, action="append", help="how many case studies (give it more than once)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="picks the synthetic corpus (default: %(default)s)"
    )
    return parser


def run(cases: int, seed: int) -> tuple[float, float, float, int]:
    """Seconds to read the corpus, find related case studies, and build every link; and how many were related."""
    with tempfile.TemporaryDirectory(prefix="cohub-bench-") as folder:
        root = make_hub(Path(folder) / "hub", cases, seed)
        started = time.perf_counter()
        hub = load_hub(root)
        read = time.perf_counter() - started
    if hub.problems:
        raise SystemExit(f"bench: the synthetic corpus has problems, first: {hub.problems[0]}")
    started = time.perf_counter()
    related = related_documents(
        [document_for(case_study) for case_study in hub.case_studies],
        RelatedConfig().with_facets(hub.taxonomy.facets.values()),
    )
    related_time = time.perf_counter() - started
    started = time.perf_counter()
    build_website(hub, RelatedConfig())
    website_time = time.perf_counter() - started
    return read, related_time, website_time, sum(len(matches) for matches in related.values())


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each ``--cases`` and print one row for each."""
    args = get_parser().parse_args(argv)
    sizes = args.cases or [500, 2000, 5000]
    print(
        f"{'cases':>6} {'read corpus':>12} {'related':>9} {'related/read':>13} "
        f"{'related per case':>17} {'all links':>10} {'matches':>8}"
    )
    for cases in sizes:
        read, related, website, matches = run(cases, args.seed)
        print(
            f"{cases:>6} {read:>10.2f} s {related:>7.2f} s {related / read:>12.1%} "
            f"{related / cases * 1000:>14.3f} ms {website:>8.2f} s {matches:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

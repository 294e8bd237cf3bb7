"""Time ``cohub check`` on a synthetic hub against the same command from an earlier commit, in one run.

    python -m bench.check --cases 2000 --baseline 2231b9e

The baseline's ``cohub`` package is taken from git (``git archive``) into a
temporary folder and run from there. Each round runs both, one straight after
the other, in fresh processes; the last line gives the median of each and the
median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from bench.corpus import REPO, make_hub


def export(revision: str, target: Path) -> Path:
    """The ``cohub`` package as it was at ``revision``, written under ``target``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "cohub"], cwd=REPO, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def timed_check(code_dir: Path, hub: Path) -> float:
    """Seconds ``cohub check`` takes on ``hub`` with the package in ``code_dir``."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cohub.cli import main; sys.exit(main(sys.argv[1:]))",
            "--root",
            str(hub),
            "check",
        ],
        cwd=code_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"cohub check failed in {code_dir}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="how many synthetic case studies (default 2000)")
    parser.add_argument("--baseline", required=True, help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="how many times to run each (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cohub-bench-check-") as folder:
        hub = make_hub(Path(folder) / "hub", args.cases)
        baseline = export(args.baseline, Path(folder) / "baseline")
        now, before, ratios = [], [], []
        for round_number in range(1, args.rounds + 1):
            old = timed_check(baseline, hub)
            new = timed_check(REPO, hub)
            before.append(old)
            now.append(new)
            ratios.append(new / old)
            print(f"round {round_number}: baseline {old:.2f} s, now {new:.2f} s, ratio {new / old:.2f}", flush=True)
    print(
        f"N={args.cases} baseline={statistics.median(before):.2f}s now={statistics.median(now):.2f}s "
        f"ratio={statistics.median(ratios):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Thousands of mutated case studies through the whole check: no exception, no crash, no script accepted."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.corpus import REPO

# A few thousand in every run; set COHUB_FUZZ_EXAMPLES for a longer one.
EXAMPLES = int(os.environ.get("COHUB_FUZZ_EXAMPLES", "2000"))


def test_mutated_case_studies_never_crash_the_check():
    # In its own process, so that a crash of the interpreter fails this test rather than the run.
    done = subprocess.run(
        [sys.executable, "-m", "tests.fuzz_case_studies", "--examples", str(EXAMPLES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}"
    assert f"examples={EXAMPLES} " in done.stdout, done.stdout

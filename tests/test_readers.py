"""Reading a large hub in several processes gives exactly what one process gives.

Workers are only forked from a process with one thread, as in 'cohub build'.
The test session has others (the browser's, the test servers'), so each test
reads in a fresh Python process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.corpus import REPO, make_hub

SHARE_FILES = """
import json, os, sys
from pathlib import Path
from cohub.corpus import case_study_files
from cohub.readers import can_fork, read_all
from cohub.taxonomy import load_taxonomy
from tests.test_readers import reader_of

root = Path(sys.argv[1])
taxonomy, _problems = load_taxonomy(root)
files = case_study_files(root)
results = read_all(root, files, reader_of, taxonomy, workers=2, chunk_size=4)
print(json.dumps({"can_fork": can_fork(), "pid": os.getpid(), "files": [file.name for file in files],
                  "results": results}))
"""

COMPARE_CORPORA = """
import json, sys
from pathlib import Path
from cohub.corpus import load_corpus
from cohub.taxonomy import load_taxonomy

root = Path(sys.argv[1])
taxonomy, _problems = load_taxonomy(root)
one_process = load_corpus(root, taxonomy, workers=0)
three_processes = load_corpus(root, taxonomy, workers=2)
print(json.dumps({"same": three_processes == one_process, "case_studies": len(one_process.case_studies),
                  "problem_paths": sorted({problem.path for problem in one_process.problems})}))
"""


def reader_of(root, file, taxonomy):
    """Which process read which file."""
    return os.getpid(), file.name


def run_python(script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_workers_share_the_files_and_the_results_keep_file_order(tmp_path):
    root = make_hub(tmp_path / "hub", 30)
    report = run_python(SHARE_FILES, str(root))
    assert report["can_fork"]
    assert [name for _pid, name in report["results"]] == report["files"]
    pids = [pid for pid, _name in report["results"]]
    # The process itself reads the first third; two workers read the rest.
    assert set(pids[:10]) == {report["pid"]}
    assert report["pid"] not in pids[10:]


def test_a_parallel_read_finds_the_same_case_studies_and_problems(tmp_path):
    root = make_hub(tmp_path / "hub", 30)
    (root / "case_studies" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    report = run_python(COMPARE_CORPORA, str(root))
    assert report == {"same": True, "case_studies": 30, "problem_paths": ["case_studies/broken.md"]}

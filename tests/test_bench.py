"""The benchmark's synthetic corpus is valid, repeatable, and the benchmark runs."""

from __future__ import annotations

from bench.linked_corpus import write_synthetic_hub
from bench.related import main
from cohub.hub import load_hub


def test_the_synthetic_corpus_is_valid_and_uses_every_kind_of_link(tmp_path):
    hub = load_hub(write_synthetic_hub(tmp_path / "hub", 60))
    assert hub.problems == ()
    assert len(hub.case_studies) == 60
    assert any(case_study.series for case_study in hub.case_studies)
    assert any("[[case-" in case_study.body for case_study in hub.case_studies)


def test_the_same_seed_gives_the_same_corpus(tmp_path):
    first = write_synthetic_hub(tmp_path / "one", 20, seed=7)
    second = write_synthetic_hub(tmp_path / "two", 20, seed=7)
    other = write_synthetic_hub(tmp_path / "three", 20, seed=8)
    texts = [sorted(path.read_text() for path in (root / "case_studies").glob("*.md"))
             for root in (first, second, other)]
    assert texts[0] == texts[1] != texts[2]


def test_the_benchmark_prints_a_row_per_size(capsys):
    assert main(["--cases", "20", "--cases", "40"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:3] == ["cases", "read", "corpus"]
    assert [row.split()[0] for row in rows[1:]] == ["20", "40"]

"""The benchmarks' synthetic corpus: cohub must accept every case study it writes."""

from __future__ import annotations

from bench.corpus import WORDS_PER_CASE, case_study_text, make_hub
from cohub.cli import main
from cohub.hub import load_hub


def test_the_synthetic_hub_passes_cohub_check(tmp_path, capsys):
    root = make_hub(tmp_path / "hub", 6)
    assert main(["--root", str(root), "check"]) == 0
    assert "6 case studies checked: no problems." in capsys.readouterr().out


def test_each_case_study_is_the_same_whatever_the_corpus_size(tmp_path):
    small = make_hub(tmp_path / "small", 2)
    large = make_hub(tmp_path / "large", 4)
    for path in (small / "case_studies").iterdir():
        assert path.read_bytes() == (large / "case_studies" / path.name).read_bytes()
    hub = load_hub(large)
    assert case_study_text(3, hub.taxonomy) == case_study_text(3, hub.taxonomy)
    assert case_study_text(3, hub.taxonomy, seed=1) != case_study_text(3, hub.taxonomy)


def test_case_studies_are_about_as_long_as_real_ones(tmp_path):
    hub = load_hub(make_hub(tmp_path / "hub", 20))
    lengths = [len(case_study.body.split()) for case_study in hub.case_studies]
    assert len(lengths) == 20
    assert all(0.8 * WORDS_PER_CASE < length < 1.3 * WORDS_PER_CASE for length in lengths), lengths
    assert len({case_study.title for case_study in hub.case_studies}) > 15

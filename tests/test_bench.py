"""The related-content benchmark runs on a corpus that uses every kind of link."""

from __future__ import annotations

from bench.corpus import make_hub
from bench.related import main
from cohub.hub import load_hub


def test_the_synthetic_corpus_is_valid_and_uses_every_kind_of_link(tmp_path):
    hub = load_hub(make_hub(tmp_path / "hub", 60))
    assert hub.problems == ()
    assert hub.warnings == ()
    assert len(hub.case_studies) == 60
    assert len({case_study.series.id for case_study in hub.case_studies if case_study.series}) == 3
    assert any("[[synthetic-" in case_study.body for case_study in hub.case_studies)
    organisations = {org.id for case_study in hub.case_studies for org in case_study.organisations}
    assert any(org_id.startswith("synthetic-organisation-") for org_id in organisations)
    assert any(not org_id.startswith("synthetic-") for org_id in organisations)
    assert all(any(acronym in case_study.body for acronym in hub.taxonomy.acronyms)
               for case_study in hub.case_studies)


def test_the_benchmark_prints_a_row_per_size(capsys):
    assert main(["--cases", "20", "--cases", "40"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:3] == ["cases", "read", "corpus"]
    assert [row.split()[0] for row in rows[1:]] == ["20", "40"]

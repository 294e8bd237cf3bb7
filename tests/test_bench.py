"""The benchmarks run end to end, on a synthetic corpus that uses every kind of link."""

from __future__ import annotations

import json
import re

import yaml

from bench.build import main as build_main
from bench.build import write_stock_site
from bench.corpus import make_hub
from bench.related import main
from bench.serve import main as serve_main
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
    assert all(any(acronym in case_study.body for acronym in hub.taxonomy.acronyms) for case_study in hub.case_studies)


def test_the_benchmark_prints_a_row_per_size(capsys):
    assert main(["--cases", "20", "--cases", "40"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:3] == ["cases", "read", "corpus"]
    assert [row.split()[0] for row in rows[1:]] == ["20", "40"]


def test_the_build_benchmark_builds_both_sites_and_ends_with_a_line_per_size(capsys):
    assert build_main(["--cases", "12", "--cases", "24", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[-2:]] == ["N=12", "N=24"]
    for line in lines[-2:]:
        assert re.fullmatch(
            r"N=\d+ stock=\d+\.\ds hub=\d+\.\ds ratio=\d+\.\d\d hub_peak_mb=\d+ pagefind_peak_mb=\d+", line
        ), line
    hub_runs = [line for line in lines if " hub: " in line]
    assert len(hub_runs) == 2
    assert all("(search index " in line for line in hub_runs)
    assert any(line.startswith("hub(24)/hub(12) = ") for line in lines)


def test_the_stock_site_has_the_same_case_studies_and_tags(tmp_path):
    hub_root = make_hub(tmp_path / "hub", 5)
    stock = write_stock_site(hub_root, tmp_path / "stock")
    hub = load_hub(hub_root)
    for case_study in hub.case_studies:
        text = (stock / "docs" / "case-studies" / f"{case_study.slug}.md").read_text()
        assert f"tags: [{', '.join(json.dumps(tag) for tag in hub.tags(case_study))}]" in text
        assert "[[" not in text
    config = (stock / "mkdocs.yml").read_text()
    assert "hooks" not in config
    assert "custom_dir" not in config
    # Stock Material's whole build, as the hub's, writes a search index.
    assert yaml.safe_load(config)["plugins"] == ["search", "tags"]


def test_the_preview_benchmark_times_an_edit_until_the_page_shows_it(capsys):
    assert serve_main(["--cases", "8", "--edits", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("N=8 edit 1: page shown after ")
    assert re.fullmatch(
        r"N=8 first_build=\d+\.\ds edit_shown=\d+\.\ds edit_rebuilt=\d+\.\ds edit_indexed=\d+\.\ds", lines[-1]
    ), lines[-1]

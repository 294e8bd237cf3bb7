"""The benchmarks run end to end, on a synthetic corpus that uses every kind of link."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import yaml

from bench.build import main as build_main
from bench.build import write_stock_site
from bench.corpus import make_hub
from bench.related import main
from bench.search import main as search_main
from bench.serve import main as serve_main
from cohub.hub import load_hub
from cohub.search import pagefind_program


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


def test_the_preview_benchmark_times_edits_of_each_kind_until_the_pages_show_them(capsys):
    assert serve_main(["--cases", "8", "--edits", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    kinds = [re.match(r"N=8 edit \d \((\w+)\): page shown after ", line) for line in lines[:4]]
    assert [kind.group(1) for kind in kinds if kind] == ["text", "title", "page", "summary"], lines
    assert re.fullmatch(r"N=8 first_build=\d+\.\ds", lines[-2]), lines[-2]
    assert re.fullmatch(r"N=8 edit_to_page_s=\d+\.\d edit_to_search_s=\d+\.\d", lines[-1]), lines[-1]


def test_the_search_benchmark_ends_with_the_worst_first_query_of_its_list(capsys, tmp_path, monkeypatch):
    # Each Pagefind run is noted, to check that the hub's build indexes it once.
    runs = tmp_path / "pagefind-runs.txt"
    noting = tmp_path / "pagefind"
    noting.write_text(f'#!/bin/sh\necho "$*" >> {runs}\nexec {pagefind_program()} "$@"\n', encoding="utf-8")
    noting.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(noting))
    # In a thread of its own: Playwright's sync API refuses to start where the
    # browser tests' Playwright already runs its event loop.
    with ThreadPoolExecutor(max_workers=1) as thread:
        code = thread.submit(
            search_main, ["--cases", "12", "--query", "tender", "--query", "direct payments co-design"]
        )
        assert code.result() == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(line for line in lines if line.split()[:1] == ["12"])
    assert 'other first queries: "direct payments co-design"' in lines[lines.index(first) + 1]
    assert re.fullmatch(
        r"N=12 worst_first_query_kb=\d+ query='(tender|direct payments co-design)' target_kb=300 (under|OVER)",
        lines[-1],
    ), lines[-1]
    # The hub's build, and the build with Material's search beside it: no second index of the measured site.
    assert runs.read_text(encoding="utf-8").splitlines() == ["--service", "--service"]

"""``mkdocs serve`` works as MkDocs users expect, and picks up edited case studies."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest
from mkdocs.livereload import LiveReloadServer

from cohub.hub import Hub
from cohub.mkdocs_adapter import watch_for_rebuilds
from tests.conftest import build_hub
from tests.serving import fetch_until, free_port, log_until, mkdocs_serve


def test_mkdocs_serve_rebuilds_when_a_case_study_changes(hub, tmp_path):
    port = free_port()
    with mkdocs_serve(hub, port, tmp_path / "serve"):
        url = f"http://127.0.0.1:{port}/case-studies/essex-tender-evaluation/"
        fetch_until(url, "Essex")
        study = hub / "case_studies" / "essex-tender-evaluation.md"
        study.write_text(
            study.read_text(encoding="utf-8").replace(
                "## What happened", "## What happened\n\nA sentence added while serving.", 1
            ),
            encoding="utf-8",
        )
        fetch_until(url, "A sentence added while serving.")


def test_a_preview_shows_pages_before_search_has_indexed_them(hub, tmp_path):
    port = free_port()
    with mkdocs_serve(hub, port, tmp_path / "serve") as (log_path, _site):
        base = f"http://127.0.0.1:{port}/"
        fetch_until(base + "case-studies/essex-tender-evaluation/", "Essex")
        # Search catches up after the pages: the index is written in the background.
        fetch_until(base + "pagefind/pagefind-entry.json", '"version"')
        log = log_until(log_path, "Search: indexed")
        assert log.index("Documentation built in") < log.index("Search: indexed"), log
        study = hub / "case_studies" / "essex-tender-evaluation.md"
        study.write_text(
            study.read_text(encoding="utf-8").replace(
                "## What happened", "## What happened\n\nA sentence added while serving.", 1
            ),
            encoding="utf-8",
        )
        fetch_until(base + "case-studies/essex-tender-evaluation/", "A sentence added while serving.")
        log = log_until(log_path, "Search: indexed", times=2)
        assert log.count("Search: indexed") == 2, log
        assert "ERROR" not in log, log
        # Reading the case studies again does not count as a change.
        log = log_until(log_path, "Detected file changes", times=2, timeout=3)
        assert log.count("Detected file changes") == 1, log


def test_a_rebuild_in_one_process_lets_the_last_build_go(hub):
    # 'mkdocs serve' rebuilds in one long-lived process, so nothing of an
    # earlier build may outlive the next one.
    build_hub(hub)
    build_hub(hub)
    hubs = [item for item in gc.get_objects() if isinstance(item, Hub) and item.root == hub]
    assert len(hubs) <= 1
    assert gc.get_freeze_count() == 0


@pytest.fixture
def reload_server(tmp_path) -> Iterator[LiveReloadServer]:
    """MkDocs' own preview server, made but neither listening nor watching."""
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield server
    server.server_close()


def test_the_preview_is_told_of_a_saved_file_and_not_of_a_file_read(tmp_path, reload_server):
    folder = tmp_path / "case_studies"
    (folder / "series").mkdir(parents=True)
    study = folder / "series" / "one.md"
    study.write_text("First words.\n", encoding="utf-8")

    def wants_rebuild(within: float) -> bool:
        with reload_server._rebuild_cond:
            reload_server._rebuild_cond.wait_for(lambda: reload_server._want_rebuild, timeout=within)
            wanted = reload_server._want_rebuild
            reload_server._want_rebuild = False
        return wanted

    watcher = watch_for_rebuilds(reload_server, folder)
    assert watcher is not None
    try:
        study.read_text(encoding="utf-8")
        assert not wants_rebuild(1)
        study.write_text("Other words.\n", encoding="utf-8")
        assert wants_rebuild(5)
        time.sleep(0.2)
        wants_rebuild(0)
        (folder / "two.md").write_text("A new case study.\n", encoding="utf-8")
        assert wants_rebuild(5)
        time.sleep(0.2)
        wants_rebuild(0)
        study.unlink()
        assert wants_rebuild(5)
    finally:
        watcher.stop()
        watcher.join()


def test_without_what_the_server_s_own_watching_sets_mkdocs_watches_as_before(tmp_path, reload_server):
    # As a MkDocs whose server keeps its watching's state elsewhere would be.
    del reload_server._rebuild_cond, reload_server._want_rebuild
    assert watch_for_rebuilds(reload_server, tmp_path) is None

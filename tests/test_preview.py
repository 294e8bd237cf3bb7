"""A preview ('mkdocs serve') rebuilds only what an edit changes, and shows a broken edit's problems.

Each test runs a real ``mkdocs serve``. What a rebuild writes is compared,
file by file, with what a fresh preview of the same files writes in its
first, whole build.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from bench.corpus import make_hub
from cohub.hub import load_hub
from cohub.search import BUNDLE_DIR
from cohub.search_order import read_fragment
from tests.conftest import FIXTURE_CASE_STUDIES
from tests.search_bundles import bundle_contents
from tests.serving import fetch_until, free_port, log_until, mkdocs_serve

if TYPE_CHECKING:
    from pathlib import Path

BUILT = "Reloading browsers"
# Logged once the background work after a build (files made from the whole hub, then search) is done.
CAUGHT_UP = "Search: indexed"
CASES = 40


def rebuilt(log_path: Path, builds: int) -> str:
    """The log once the preview has finished ``builds`` rebuilds (MkDocs says so after each, not the first build)."""
    log = log_until(log_path, BUILT, times=builds, timeout=300)
    assert log.count(BUILT) >= builds, log
    return log


def copy_pages(site: Path, target: Path) -> Path:
    """The built site's files, without the search index, which is written in the background."""
    return shutil.copytree(site, target, ignore=shutil.ignore_patterns("pagefind", "*.gz"))


def differences(left: Path, right: Path) -> list[str]:
    """Files in one folder and not the other, or different in the two."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"{prefix}{name} (only one has it)" for name in (*compared.left_only, *compared.right_only))
        _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
        found.extend(f"{prefix}{name}" for name in (*mismatch, *errors))
        for name, sub in compared.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def set_field(path: Path, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^{field}: .*$", f'{field}: "{value}"', text, count=1, flags=re.MULTILINE), "utf-8")


@pytest.fixture
def synthetic_hub(tmp_path: Path) -> Path:
    return make_hub(tmp_path / "hub", CASES)


def test_edits_under_a_preview_give_the_pages_a_whole_build_gives(synthetic_hub: Path, tmp_path: Path) -> None:
    hub = load_hub(synthetic_hub)
    # A case study that others list as related, so a new title must reach their pages.
    studies = {case_study.slug: case_study for case_study in hub.case_studies}
    edited = next(case_study for case_study in hub.case_studies if case_study.series is not None)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    new_title = "A title changed while the preview runs"
    with mkdocs_serve(synthetic_hub, port, tmp_path / "first") as (log_path, site):
        before = {
            path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("index.html")
        }
        neighbours = [
            page
            for page, html in before.items()
            if page.startswith("case-studies/")
            and page != f"case-studies/{edited.slug}/index.html"
            and edited.title in html
        ]
        term_pages = [page for page, html in before.items() if page.startswith("browse/") and edited.title in html]
        assert neighbours and term_pages

        set_field(synthetic_hub / edited.path, "title", new_title)
        fetch_until(f"{base}case-studies/{edited.slug}/", new_title)
        rebuilt(log_path, 1)
        for page in (*neighbours, *term_pages, "case-studies/index.html", "index.html"):
            assert new_title in (site / page).read_text(encoding="utf-8"), page
        # Open data and feeds are made again after the pages, before search.
        log_until(log_path, CAUGHT_UP, times=2, timeout=300)
        for made in ("case-studies.json", "case-studies.csv"):
            assert new_title in (site / made).read_text(encoding="utf-8-sig"), made
        assert any(new_title in feed.read_text(encoding="utf-8") for feed in (site / "feeds").rglob("*.xml"))

        other = next(slug for slug in studies if slug != edited.slug)
        other_file = synthetic_hub / studies[other].path
        other_file.write_text(f"{other_file.read_text(encoding='utf-8')}\nA sentence added while serving.\n", "utf-8")
        fetch_until(f"{base}case-studies/{other}/", "A sentence added while serving.")
        rebuilt(log_path, 2)

        set_field(synthetic_hub / edited.path, "summary", "A summary changed while the preview runs.")
        fetch_until(base + "case-studies/", "A summary changed while the preview runs.")
        rebuilt(log_path, 3)

        hand_written = synthetic_hub / "docs" / "about-co-production.md"
        hand_written.write_text(f"{hand_written.read_text(encoding='utf-8')}\nA page edited while serving.\n", "utf-8")
        fetch_until(base + "about-co-production/", "A page edited while serving.")
        rebuilt(log_path, 4)
        # Taking the added case study away below brings the files back to this: a whole build of them.
        log_until(log_path, CAUGHT_UP, times=5, timeout=300)
        after_edits = copy_pages(site, tmp_path / "after-edits")
        # Search was given only the pages each rebuild wrote, each in its place.
        searched_after_edits = bundle_contents(site / BUNDLE_DIR)

        # A case study added, then taken away again: its pages go with it.
        added = synthetic_hub / "case_studies" / "thurrock-direct-payments.md"
        shutil.copy(FIXTURE_CASE_STUDIES / added.name, added)
        fetch_until(f"{base}case-studies/thurrock-direct-payments/", "Thurrock")
        rebuilt(log_path, 5)
        added.unlink()
        log = rebuilt(log_path, 6)
        assert not (site / "case-studies" / "thurrock-direct-payments" / "index.html").exists()
        # Asking for the added page before it was built is the only thing MkDocs may warn of.
        warned = [line for line in log.splitlines() if "WARNING" in line and '" code 404' not in line]
        assert "ERROR" not in log and not warned, log
        edited_site = copy_pages(site, tmp_path / "edited")
        log_until(log_path, CAUGHT_UP, times=7, timeout=300)
        searched_edited = bundle_contents(site / BUNDLE_DIR)
    with mkdocs_serve(synthetic_hub, port, tmp_path / "fresh") as (log_path, site):
        fresh_site = copy_pages(site, tmp_path / "whole")
        log_until(log_path, CAUGHT_UP, timeout=300)
        searched_fresh = bundle_contents(site / BUNDLE_DIR)
    assert differences(edited_site, fresh_site) == []
    assert differences(after_edits, fresh_site) == []
    assert searched_edited == searched_fresh
    assert searched_after_edits == searched_fresh


def test_a_broken_edit_shows_its_problem_on_the_last_good_pages_until_it_is_fixed(hub: Path, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/case-studies/essex-tender-evaluation/"
    study = hub / "case_studies" / "essex-tender-evaluation.md"
    good = study.read_text(encoding="utf-8")
    line = next(number for number, text in enumerate(good.splitlines(), 1) if text.startswith("region:"))
    with mkdocs_serve(hub, port, tmp_path / "serve") as (log_path, site):
        fetch_until(url, "Essex")
        study.write_text(good.replace("region: east-of-england", "region: atlantis", 1), encoding="utf-8")
        page = fetch_until(url, "This preview is out of date")
        assert f"<code>case_studies/essex-tender-evaluation.md:{line}</code>" in page
        assert "atlantis" in page
        # The last good page is still there, under the notice.
        assert "What a new commissioner learned from a co-produced tender evaluation" in page
        home = fetch_until(f"http://127.0.0.1:{port}/", "This preview is out of date")
        assert 'role="alert"' in home
        study.write_text(good.replace("## What happened", "## What happened\n\nFixed while serving.", 1), "utf-8")
        page = fetch_until(url, "Fixed while serving.")
        assert "This preview is out of date" not in page
        # Once the edit is fixed, search has the fixed page.
        log = log_until(log_path, CAUGHT_UP, times=2, timeout=300)
        assert "Traceback" not in log and "the search index was not built" not in log, log
        assert f"case_studies/essex-tender-evaluation.md:{line}:" in log, log
        fragments = [read_fragment(path) for path in (site / BUNDLE_DIR).rglob("*.pf_fragment")]
        assert any("Fixed while serving." in fragment["content"] for fragment in fragments)


def test_a_page_open_in_the_browser_reloads_to_show_a_broken_edit_and_again_once_it_is_fixed(
    hub: Path, tmp_path: Path, strict_page: Any
) -> None:
    # The tab keeps each page's Content-Security-Policy, as a contributor's browser does.
    console: list[str] = []
    strict_page.on("console", lambda message: console.append(message.text))
    port = free_port()
    url = f"http://127.0.0.1:{port}/case-studies/essex-tender-evaluation/"
    study = hub / "case_studies" / "essex-tender-evaluation.md"
    good = study.read_text(encoding="utf-8")
    with mkdocs_serve(hub, port, tmp_path / "serve"):
        fetch_until(url, "Essex")
        strict_page.goto(url)
        strict_page.wait_for_load_state("load")
        study.write_text(good.replace("region: east-of-england", "region: atlantis", 1), encoding="utf-8")
        alert = strict_page.get_by_role("alert")
        alert.wait_for(timeout=120_000)
        assert "case_studies/essex-tender-evaluation.md:" in alert.inner_text()
        assert "atlantis" in alert.inner_text()
        assert strict_page.get_by_role("heading", level=1).first.is_visible()
        study.write_text(good.replace("## What happened", "## What happened\n\nFixed while serving.", 1), "utf-8")
        strict_page.get_by_text("Fixed while serving.").wait_for(timeout=120_000)
        assert strict_page.get_by_role("alert").count() == 0
    assert not [text for text in console if "Content Security Policy" in text], console

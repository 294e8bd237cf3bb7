"""Fixtures every test can use: hubs in tmp_path, whole-site builds, a real browser."""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.corpus import REPO, copy_real_hub
from bench.search import CHROMIUM, serve
from tests.postgres_cluster import PostgresCluster, start_cluster

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Dialog, Page

    from cohub.hub import Hub
    from cohub.model import CaseStudy

FIXTURE_CASE_STUDIES = REPO / "tests" / "fixtures" / "case_studies"

# Material prints a notice on import (see the README); the hub pins MkDocs 1.x.
os.environ["NO_MKDOCS_2_WARNING"] = "true"


def copy_hub(target: Path) -> Path:
    """Make a hub in ``target``: the real hub's sources with the tests' own case studies.

    The case studies are those in ``tests/fixtures/case_studies/``, beside the
    real hub's template, so no test depends on which case studies the hub holds.
    """
    return copy_real_hub(target, FIXTURE_CASE_STUDIES)


def build_hub(root: Path, site_dir: Path | None = None) -> Path:
    """Build the hub at ``root`` in strict mode with MkDocs' own API."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = site_dir or root / "site"
    config = load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(site))
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site


def published(hub: Hub, slug: str) -> CaseStudy:
    """The hub's published case study at ``slug``, failing the test when it has none."""
    case_study = hub.case_study(slug)
    assert case_study is not None, f"the hub publishes no case study called {slug}"
    return case_study


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A copy of the real hub in ``tmp_path``, to add or break case studies in."""
    root = tmp_path / "hub"
    root.mkdir()
    return copy_hub(root)


@functools.cache
def _shared_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cohub-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def sample_hub() -> Path:
    """A hub made by :func:`copy_hub` once per test run, for tests that only read it."""
    root = _shared_folder() / "hub"
    root.mkdir()
    return copy_hub(root)


@functools.cache
def sample_site() -> Path:
    """The sample hub, built once per test run (test collection may need its pages)."""
    return build_hub(sample_hub(), _shared_folder() / "site")


@functools.cache
def shipped_site() -> Path:
    """The real hub, with the case studies it ships, built once per test run."""
    return build_hub(REPO, _shared_folder() / "shipped-site")


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The sample hub, built once per test session."""
    return sample_site()


def site_pages(site: Path) -> tuple[str, ...]:
    """The address of every HTML page in a built site, like ``case-studies/x/``."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative == "404.html":
            pages.append(relative)
        elif relative.endswith("index.html"):
            pages.append(relative[: -len("index.html")])
    return tuple(pages)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_site(site: Path) -> contextlib.AbstractContextManager[str]:
    """Serve a built site over real HTTP on a free loopback port, as it is on disk; yield its address."""
    return serve(site, _QuietHandler)


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site, served over real HTTP on a free loopback port."""
    with serve_site(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make test', which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab with its own context.

    Playwright runs a string given to ``wait_for_function`` through eval,
    which every page's Content-Security-Policy forbids, so this tab sets the
    policy aside; ``strict_page`` keeps it, for the tests of the policy itself.
    """
    context = browser.new_context(bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def strict_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab that keeps to each page's Content-Security-Policy, as a visitor's does."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def dialogs_shown(page: Page) -> list[str]:
    """The message of every dialog ``page`` opens from now on, each dismissed: a script that ran opens one."""
    messages: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return messages


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster from Debian's package, started once for the whole run."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()

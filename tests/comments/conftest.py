"""Fixtures for the comment service tests: a fake built site, a clock and live servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_cluster import PostgresCluster

from .helpers import CASE_STUDY_PAGE, FakeClock, LiveServer, ServerFactory


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A tiny built site: case studies x and y take comments, z does not."""
    site = tmp_path / "site"
    for slug in ("x", "y", "z"):
        (site / "case-studies" / slug).mkdir(parents=True)
        (site / "case-studies" / slug / "index.html").write_text(
            CASE_STUDY_PAGE.replace("Case study X", f"Case study {slug.upper()}"), encoding="utf-8"
        )
    (site / "index.html").write_text("<!doctype html><title>Home</title><h1>Home</h1>", encoding="utf-8")
    (site / "404.html").write_text("<!doctype html><title>Not here</title><h1>Site 404</h1>", encoding="utf-8")
    (site / "assets" / "stylesheets").mkdir(parents=True)
    (site / "assets" / "stylesheets" / "main.abc123.min.css").write_text("body{}", encoding="utf-8")
    return site


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database goes (not created yet)."""
    return tmp_path / "data" / "comments.sqlite3"


@pytest.fixture(params=("sqlite", "postgresql"))
def location(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Path | str]:
    """The test's database in each kind the store runs on: an SQLite file, then a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield db_path
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    url = cluster.new_schema_url()
    yield url
    cluster.drop_schema(url)


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test controls."""
    return FakeClock()


@pytest.fixture
def servers(db_path: Path, site_dir: Path) -> Iterator[ServerFactory]:
    """Starts servers; all are stopped at the end of the test."""
    factory = ServerFactory(db_path, site_dir)
    yield factory
    factory.stop_all()


@pytest.fixture
def server(servers: ServerFactory) -> LiveServer:
    """The service with default settings, serving the fake site."""
    return servers.start()

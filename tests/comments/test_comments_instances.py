"""Several service processes sharing one database, and what PostgreSQL needs that SQLite does not."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from bench.comments import PAGE, start_service, submit, write_site
from cohub.comments.app import create_app
from cohub.comments.client_hash import ClientHasher
from cohub.comments.publish import publish_approved_comments
from cohub.comments.settings import CommentSettings, SettingsError
from cohub.comments.store import CommentStore

from .helpers import FakeClock, run_cli


def test_forty_comments_at_once_through_two_service_processes_get_exactly_the_limit(
    location: Path | str, tmp_path: Path
) -> None:
    write_site(tmp_path / "site")
    with CommentStore(location):
        pass
    instances = [start_service(location, tmp_path / "site", rate_limit_count=5) for _ in range(2)]
    start = threading.Barrier(40)

    def send(number: int) -> bool:
        start.wait()
        return submit(instances[number % 2].port, 0, number).ok

    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            accepted = sum(pool.map(send, range(40)))
    finally:
        for instance in instances:
            instance.stop()

    assert accepted == 5
    with CommentStore(location) as store:
        assert len(store.list(page=PAGE)) == 5


def test_the_service_on_postgresql_needs_a_shared_secret_for_scrambling_addresses(postgres) -> None:
    url = postgres.new_schema_url()
    try:
        with CommentStore(url) as store, pytest.raises(SettingsError, match=r"client_hash_secret \(COHUB_CLIENT_HASH"):
            create_app(
                site_dir=None,
                store=store,
                site_url="http://127.0.0.1/",
                known_pages=frozenset(),
                settings=CommentSettings(),
            )
    finally:
        postgres.drop_schema(url)


def test_an_unreachable_postgresql_server_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://cohub:hunter2-secret@127.0.0.1:1/cohub?connect_timeout=2"

    assert run_cli("comments", "--db", url, "list") == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("cohub: the comments database postgresql://cohub@127.0.0.1:1/cohub")
    assert "hunter2" not in err


def test_the_build_writes_approved_comments_from_either_database_into_static_pages(
    location: Path | str, site_dir: Path
) -> None:
    with CommentStore(location) as store:
        store.approve(store.add("x", "Sam", "sam@example.com", "Published in the static page", "c").id)
        store.add("x", "Pat", "", "Still waiting", "c")

    assert publish_approved_comments(site_dir, location, ("x", "y")) == 1

    html = (site_dir / "case-studies" / "x" / "index.html").read_text(encoding="utf-8")
    assert "Published in the static page" in html
    assert "Still waiting" not in html
    assert "sam@example.com" not in html


def test_hashers_sharing_a_key_file_make_one_key_between_them(tmp_path: Path, clock: FakeClock) -> None:
    start = threading.Barrier(20)

    def scramble(_number: int) -> str:
        hasher = ClientHasher(rotation=timedelta(days=30), clock=clock, key_file=tmp_path / "key")
        start.wait()
        return hasher.hash("192.0.2.1")

    with ThreadPoolExecutor(max_workers=20) as pool:
        hashes = set(pool.map(scramble, range(20)))

    assert len(hashes) == 1

"""``cohub serve`` serves the built site as a production static server would, over real HTTP."""

from __future__ import annotations

import gzip
import http.client
from typing import TYPE_CHECKING

import pytest

from bench.corpus import REPO
from cohub.feeds import FEED_MEDIA_TYPE, NEWEST_FEED
from cohub.serve import hub_app
from cohub.static_cache import HTML_CACHE, IMMUTABLE_CACHE, OTHER_CACHE, cache_control
from tests.comments.helpers import _free_socket, _ServerThread
from tests.deployment import cohub_command, commentable_slug, free_port, running

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("assets/javascripts/bundle.79ae519e.min.js", IMMUTABLE_CACHE),
        ("assets/stylesheets/main.484c7ddc.min.css", IMMUTABLE_CACHE),
        ("assets/stylesheets/palette.ab4e12ef.min.css.map", IMMUTABLE_CACHE),
        ("assets/javascripts/workers/search.2c215733.min.js", IMMUTABLE_CACHE),
        ("pagefind/fragment/en-gb_3e64505.pf_fragment", IMMUTABLE_CACHE),
        ("pagefind/index/en-gb_8e7f3c1.pf_index", IMMUTABLE_CACHE),
        ("pagefind/pagefind.en-gb_1aa444f29add2.pf_meta", IMMUTABLE_CACHE),
        ("", HTML_CACHE),
        ("case-studies/some-story/", HTML_CACHE),
        ("404.html", HTML_CACHE),
        ("stylesheets/cohub.css", OTHER_CACHE),
        ("assets/cohub/menu.js", OTHER_CACHE),
        ("pagefind/pagefind-entry.json", OTHER_CACHE),
        ("pagefind/wasm.en-gb.pagefind", OTHER_CACHE),
        ("assets/javascripts/bundle.min.js", OTHER_CACHE),
    ],
)
def test_only_files_named_by_their_content_are_kept_for_a_year(path: str, expected: str) -> None:
    assert cache_control(path) == expected


@pytest.fixture(scope="module")
def served(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The real hub's built site, served by ``cohub serve``'s app on a loopback port."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    db = tmp_path_factory.mktemp("db") / "comments.sqlite3"
    server = _ServerThread(hub_app(REPO, site_dir=built_site, db_path=db, site_url=f"http://127.0.0.1:{port}/"), sock)
    server.start()
    yield port, built_site
    server.stop()


def fetch(port: int, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def one_file(site: Path, pattern: str) -> str:
    return "/" + next(site.glob(pattern)).relative_to(site).as_posix()


@pytest.mark.parametrize(
    ("pattern", "cache"),
    [
        ("assets/javascripts/bundle.*.min.js", IMMUTABLE_CACHE),
        ("assets/stylesheets/main.*.min.css", IMMUTABLE_CACHE),
        ("stylesheets/cohub.css", OTHER_CACHE),
        ("glossary/index.html", HTML_CACHE),
    ],
)
def test_text_is_gzipped_with_the_right_lifetime_and_validators(served, pattern: str, cache: str) -> None:
    port, site = served
    path = one_file(site, pattern).removesuffix("index.html")
    status, headers, body = fetch(port, path, {"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert headers["cache-control"] == cache
    on_disk = (
        (site / path.lstrip("/")).read_bytes()
        if not path.endswith("/")
        else (site / path.lstrip("/") / "index.html").read_bytes()
    )
    assert gzip.decompress(body) == on_disk
    assert len(body) < len(on_disk) / 2
    assert headers["etag"] and headers["last-modified"]

    for validator in ({"If-None-Match": headers["etag"]}, {"If-Modified-Since": headers["last-modified"]}):
        status, again, body = fetch(port, path, {"Accept-Encoding": "gzip", **validator})
        assert status == 304, validator
        assert body == b""
        assert again["cache-control"] == cache


def test_without_accept_encoding_files_are_sent_as_they_are(served) -> None:
    port, site = served
    status, headers, body = fetch(port, "/stylesheets/cohub.css")
    assert status == 200
    assert "content-encoding" not in headers
    assert body == (site / "stylesheets" / "cohub.css").read_bytes()


def test_pagefind_s_compressed_index_is_not_compressed_again(served) -> None:
    port, site = served
    status, headers, _body = fetch(port, one_file(site, "pagefind/fragment/*.pf_fragment"), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "content-encoding" not in headers
    assert headers["cache-control"] == IMMUTABLE_CACHE


def test_a_case_study_with_its_comments_is_checked_each_time_and_answered_304_when_unchanged(served) -> None:
    port, _site = served
    path = f"/case-studies/{commentable_slug(REPO)}/"
    status, headers, body = fetch(port, path, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "no-cache"
    assert b"cohub-comments-section" in gzip.decompress(body)
    status, _headers, body = fetch(port, path, {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    status, _headers, _body = fetch(port, path, {"If-None-Match": '"something-else"'})
    assert status == 200


def test_the_cohub_serve_command_serves_compressed_and_cached(hub: Path, tmp_path: Path) -> None:
    port = free_port()
    environment_db = tmp_path / "comments.sqlite3"
    command = cohub_command("--root", str(hub), "serve", "--port", str(port))
    # It builds the site first, then listens.
    with running(command, port, seconds=600, environment={"COHUB_COMMENTS_DB": str(environment_db)}):
        site = hub / "site"
        bundle = one_file(site, "assets/javascripts/bundle.*.min.js")
        status, headers, body = fetch(port, bundle, {"Accept-Encoding": "gzip"})
        assert (status, headers["content-encoding"], headers["cache-control"]) == (200, "gzip", IMMUTABLE_CACHE)
        assert gzip.decompress(body) == (site / bundle.lstrip("/")).read_bytes()
        status, headers, _body = fetch(port, "/", {"Accept-Encoding": "gzip"})
        assert (status, headers["content-encoding"], headers["cache-control"]) == (200, "gzip", HTML_CACHE)


def test_feeds_go_out_as_atom_and_other_xml_as_xml(served) -> None:
    port, site = served
    feeds = (NEWEST_FEED, one_file(site, "feeds/themes/*.xml").lstrip("/"))
    for path in feeds:
        status, headers, body = fetch(port, f"/{path}", {"Accept-Encoding": "gzip"})
        assert (status, headers["content-type"], headers["content-encoding"]) == (200, FEED_MEDIA_TYPE, "gzip"), path
        assert gzip.decompress(body) == (site / path).read_bytes()
    status, headers, _body = fetch(port, "/sitemap.xml")
    assert (status, headers["content-type"]) == (200, "application/xml")

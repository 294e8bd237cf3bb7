"""The sample nginx configuration in deploy/, run by Debian's nginx on loopback in front of a built hub."""

from __future__ import annotations

import gzip
import http.client
import os
import pwd
import re
import shlex
import shutil
import sys
from typing import TYPE_CHECKING

import pytest

from bench.corpus import REPO
from cohub.cli import main
from cohub.comments.settings import CommentSettings
from cohub.feeds import FEED_MEDIA_TYPE, NEWEST_FEED
from cohub.static_cache import cache_control
from tests.deployment import commentable_slug, free_port, running, set_addresses

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

DEPLOY = REPO / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(folder: Path, *, port: int, site: Path, service_port: int) -> Path:
    """The sample configuration with its marked lines pointed at this test, inside a minimal nginx.conf."""
    sample = (DEPLOY / "nginx-cohub.conf").read_text(encoding="utf-8")
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /var/www/cohub/site;", f"root {site};"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{service_port};"),
        ("/etc/nginx/cohub-proxy.conf", str(DEPLOY / "nginx-cohub-proxy.conf")),
    ):
        assert old in sample, old
        sample = sample.replace(old, new)
    (folder / "cohub.conf").write_text(sample, encoding="utf-8")
    # Everything nginx writes is in the folder, and it runs as whoever runs the tests.
    user = pwd.getpwuid(os.geteuid()).pw_name
    config = folder / "nginx.conf"
    config.write_text(
        f"""
user {user};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/cohub.conf;
}}
""",
        encoding="utf-8",
    )
    return config


def service_command(hub: Path, db: Path, port: int) -> list[str]:
    """The comment service's command line from the sample systemd unit, pointed at this test's hub."""
    unit = (DEPLOY / "cohub-comments.service").read_text(encoding="utf-8")
    (command,) = re.findall(r"^ExecStart=(.+)$", unit, flags=re.MULTILINE)
    words = shlex.split(command.replace("/srv/cohub/.venv/bin/cohub", "COHUB").replace("/srv/cohub", str(hub)))
    assert words[0] == "COHUB" and "--forwarded-allow-ips" in words
    words[words.index("--port") + 1] = str(port)
    return [sys.executable, "-m", "cohub", *words[1:3], "comments", "--db", str(db), *words[4:]]


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, *, body: str | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture
def behind_nginx(hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Client, Path, Path]]:
    """A hub built for nginx's address, with nginx and the comment service running."""
    port, service_port = free_port(), free_port()
    set_addresses(hub, site_url=f"http://127.0.0.1:{port}/", comments_url=None)
    db = tmp_path / "comments.sqlite3"
    monkeypatch.setenv("COHUB_COMMENTS_DB", str(db))
    assert main(["--root", str(hub), "build"]) == 0
    folder = tmp_path / "nginx"
    folder.mkdir()
    config = nginx_config(folder, port=port, site=hub / "site", service_port=service_port)
    nginx = [NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log"), "-g", "daemon off;"]
    with running(service_command(hub, db, service_port), service_port), running(nginx, port):
        yield Client(port), hub, db


def test_nginx_serves_the_site_compressed_with_the_same_lifetimes_as_cohub_serve(behind_nginx) -> None:
    client, hub, _db = behind_nginx
    site = hub / "site"
    bundle = "/" + next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    for path in ("/", "/glossary/", bundle, "/stylesheets/cohub.css", "/pagefind/pagefind-component-ui.js"):
        status, headers, body = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["cache-control"] == cache_control(path.lstrip("/")), path
        assert headers.get("content-encoding") == "gzip", path
        on_disk = site / path.lstrip("/") / "index.html" if path.endswith("/") else site / path.lstrip("/")
        assert gzip.decompress(body) == on_disk.read_bytes()
        assert headers["x-content-type-options"] == "nosniff"
        status, _headers, _body = client.request("GET", path, headers={"If-None-Match": headers["etag"]})
        assert status == 304, path
    fragment = "/" + next(site.glob("pagefind/fragment/*.pf_fragment")).relative_to(site).as_posix()
    status, headers, _body = client.request("GET", fragment, headers={"Accept-Encoding": "gzip"})
    assert (status, headers["cache-control"]) == (200, "public, max-age=31536000, immutable")
    assert "content-encoding" not in headers
    assert client.request("GET", "/no-such-page/")[0] == 404


def test_nginx_sends_the_feeds_as_atom_like_cohub_serve(behind_nginx) -> None:
    client, hub, _db = behind_nginx
    site = hub / "site"
    term_feed = next(site.glob("feeds/themes/*.xml")).relative_to(site).as_posix()
    for path in (NEWEST_FEED, term_feed):
        status, headers, body = client.request("GET", f"/{path}", headers={"Accept-Encoding": "gzip"})
        assert (status, headers["content-type"], headers.get("content-encoding")) == (200, FEED_MEDIA_TYPE, "gzip")
        assert gzip.decompress(body) == (site / path).read_bytes()
        assert headers["cache-control"] == cache_control(path)
        assert headers["x-content-type-options"] == "nosniff"
    status, headers, _body = client.request("GET", "/sitemap.xml")
    assert (status, headers["content-type"]) == (200, "text/xml")
    assert client.request("GET", "/feeds/no-such-feed.xml")[0] == 404


def test_a_comment_posted_through_nginx_is_counted_by_the_visitor_s_address_and_published_at_the_next_build(
    behind_nginx,
) -> None:
    client, hub, db = behind_nginx
    slug = commentable_slug(hub)
    origin = f"http://127.0.0.1:{client.port}"
    form = {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _body = client.request(
        "POST", "/comments", body=f"page={slug}&comment=Sent+through+nginx.&name=Kit&consent=yes", headers=form
    )
    assert status == 303
    assert headers["location"] == f"/comments/thanks?page={slug}"
    status, _headers, body = client.request("GET", headers["location"])
    assert status == 200
    assert f'href="/case-studies/{slug}/"' in body.decode()

    # nginx replaces what a visitor says about their address, and the service believes only nginx:
    # four more comments reach the limit of five, however each claims to come from somewhere else.
    limit = CommentSettings().rate_limit_count
    for number in range(2, limit + 2):
        status, _headers, _body = client.request(
            "POST",
            "/comments",
            body=f"page={slug}&comment=Comment+{number}&consent=yes",
            headers={**form, "X-Forwarded-For": f"203.0.113.{number}"},
        )
        assert status == (303 if number <= limit else 429), number

    status, _headers, _body = client.request(
        "POST", "/comments", body="x" * (CommentSettings().max_body_bytes + 1), headers=form
    )
    assert status == 413

    assert main(["comments", "--db", str(db), "approve", "1"]) == 0
    assert "Sent through nginx." not in client.request("GET", f"/case-studies/{slug}/")[2].decode()
    assert main(["--root", str(hub), "build"]) == 0
    assert "Sent through nginx." in client.request("GET", f"/case-studies/{slug}/")[2].decode()


def test_nginx_takes_bodies_as_large_as_the_service_does() -> None:
    sample = (DEPLOY / "nginx-cohub.conf").read_text(encoding="utf-8")
    (size,) = re.findall(r"client_max_body_size (\d+)k;", sample)
    assert int(size) * 1024 == CommentSettings().max_body_bytes

"""Helpers for the comment service tests: a live server, an HTTP client, a fake clock."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import uvicorn
from starlette.types import ASGIApp

from cohub.cli import main
from cohub.comments.app import create_app, uvicorn_config
from cohub.comments.settings import CommentSettings
from cohub.comments.store import Comment, CommentStore

MARKER = "<!-- cohub:approved-comments -->"

CASE_STUDY_PAGE = f"""<!doctype html>
<html lang="en-GB"><head><title>Case study X</title></head>
<body><main><h1>Case study X</h1><p>Body text.</p>
<section><h2>Comments</h2><div id="approved-comments">{MARKER}</div></section>
</main></body></html>
"""

KNOWN_PAGES = frozenset({"x", "y"})


@dataclass(frozen=True)
class HttpResponse:
    """What a test sees of one HTTP response."""

    status: int
    headers: Mapping[str, str]
    set_cookies: tuple[str, ...]
    text: str


class FakeClock:
    """A clock tests can move forward."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 5, 14, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass(frozen=True)
class LiveServer:
    """A running service on a loopback port."""

    base_url: str
    host: str
    port: int
    store: CommentStore

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> HttpResponse:
        """Send one request over a new connection, without following redirects."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            text = response.read().decode("utf-8")
            return HttpResponse(
                status=response.status,
                headers={name.lower(): value for name, value in response.getheaders()},
                set_cookies=tuple(response.headers.get_all("set-cookie") or ()),
                text=text,
            )
        finally:
            connection.close()

    def get(self, path: str, *, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """GET a path."""
        return self.request("GET", path, headers=headers)

    def post_form(
        self,
        path: str,
        fields: Mapping[str, str],
        *,
        origin: str | None = "same",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> HttpResponse:
        """POST a url-encoded form, by default from the site's own origin."""
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if origin == "same":
            all_headers["Origin"] = self.base_url
        elif origin is not None:
            all_headers["Origin"] = origin
        return self.request("POST", path, body=urlencode(fields).encode("utf-8"), headers=all_headers, timeout=timeout)


def everything_stored(location: Path | str) -> bytes:
    """Every byte the database keeps: an SQLite file and what lies beside it, or every row of every table."""
    if isinstance(location, Path):
        return b"".join(path.read_bytes() for path in location.parent.iterdir() if path.is_file())
    with psycopg.connect(location) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        return " ".join(str(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}")).encode("utf-8")


def stored(store: CommentStore, comment_id: int) -> Comment:
    """The comment with this id, failing the test with a clear message when the store has none."""
    comment = store.get(comment_id)
    assert comment is not None, f"comment {comment_id} is not in the store"
    return comment


def good_comment(**overrides: str) -> dict[str, str]:
    """A form that passes validation."""
    return {
        "page": "x",
        "comment": "We tried this in our day centre and it worked well.",
        "name": "Sam",
        "email": "sam@example.com",
        "consent": "yes",
        "website": "",
        **overrides,
    }


def run_cli(*argv: str) -> int:
    """Run ``cohub ARGV...`` through the real command's ``main``."""
    return main(list(argv))


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class _ServerThread:
    def __init__(self, app: ASGIApp, sock: socket.socket) -> None:
        self.server = uvicorn.Server(uvicorn_config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class ServerFactory:
    """Starts the real service with uvicorn on free loopback ports."""

    def __init__(self, db_path: Path, site_dir: Path) -> None:
        self.db_path = db_path
        self.site_dir = site_dir
        self.running: list[_ServerThread] = []
        self.stores: list[CommentStore] = []

    def start(
        self,
        *,
        settings: CommentSettings | None = None,
        store: CommentStore | None = None,
        serve_site: bool = True,
        https_site_url: bool = False,
        content_security_policy: str | None = None,
    ) -> LiveServer:
        """Start a server on the test's database (or ``store``) and fake site."""
        sock = _free_socket()
        port = sock.getsockname()[1]
        base_url = f"http://127.0.0.1:{port}"
        store = store or CommentStore(self.db_path)
        self.stores.append(store)
        app = create_app(
            site_dir=self.site_dir if serve_site else None,
            store=store,
            site_url=f"https://127.0.0.1:{port}" if https_site_url else base_url,
            known_pages=lambda: KNOWN_PAGES,
            settings=settings or CommentSettings(site_name="Co-production hub"),
            case_study_titles={"x": "Case study X", "y": "Case study Y"},
            content_security_policy=content_security_policy,
        )
        server = _ServerThread(app, sock)
        server.start()
        self.running.append(server)
        return LiveServer(base_url=base_url, host="127.0.0.1", port=port, store=store)

    def stop_all(self) -> None:
        """Stop every server started so far."""
        while self.running:
            self.running.pop().stop()
        while self.stores:
            self.stores.pop().close()


@dataclass(frozen=True)
class Element:
    """One element of a parsed page: its tag, attributes and text."""

    tag: str
    attrs: Mapping[str, str | None]
    text: str


class _PageParser(HTMLParser):
    """Collects every element with its attributes and the text inside it."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            self.elements.append(Element(tag, dict(attrs), ""))
        else:
            self._open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, attrs, parts = self._open.pop()
            text = "".join(parts)
            self.elements.append(Element(open_tag, attrs, text))
            if self._open:
                self._open[-1][2].append(text)
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


class Page:
    """A parsed HTML page, for checking structure and form values."""

    def __init__(self, html: str) -> None:
        parser = _PageParser()
        parser.feed(html)
        parser.close()
        self.html = html
        self.elements = tuple(parser.elements)

    def find_all(self, tag: str, **attrs: str) -> tuple[Element, ...]:
        """Elements with this tag and these attribute values (``class_`` for class)."""
        wanted = {name.rstrip("_"): value for name, value in attrs.items()}
        return tuple(
            element
            for element in self.elements
            if element.tag == tag and all(element.attrs.get(name) == value for name, value in wanted.items())
        )

    def by_id(self, element_id: str) -> Element:
        """The one element with this id."""
        (element,) = tuple(element for element in self.elements if element.attrs.get("id") == element_id)
        return element

    def field_value(self, field_id: str) -> str:
        """What a form field holds, as the browser would show it."""
        element = self.by_id(field_id)
        if element.tag == "textarea":
            # Browsers drop one new line straight after <textarea>.
            return element.text.removeprefix("\n")
        return element.attrs.get("value") or ""

    @property
    def title(self) -> str:
        """The page title."""
        (title,) = self.find_all("title")
        return title.text.strip()

    def error_summary_links(self) -> tuple[tuple[str, str], ...]:
        """(href, text) of each link in the error summary."""
        (summary,) = self.find_all("div", class_="cohub-error-summary")
        assert summary.attrs.get("role") == "alert"
        assert summary.attrs.get("tabindex") == "-1"
        start = self.html.index('<div class="cohub-error-summary"')
        inside = Page(self.html[start : self.html.index("</div>", start)])
        return tuple((link.attrs.get("href") or "", link.text.strip()) for link in inside.find_all("a"))

    def assert_accessible_basics(self) -> None:
        """Language, skip link, one main landmark, one h1 and a title on every service page."""
        (html,) = self.find_all("html")
        assert html.attrs.get("lang") == "en-GB"
        assert self.find_all("a", class_="cohub-skip-link", href="#main-content")
        assert len(self.find_all("main", id="main-content")) == 1
        assert len(self.find_all("h1")) == 1
        assert self.title.endswith(" - Co-production hub")

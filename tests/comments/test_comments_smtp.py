"""Telling moderators about new comments, through small SMTP servers on loopback.

The servers speak just enough SMTP: plain, STARTTLS or TLS from the start,
with sign-in, and one that accepts connections and never answers (a tarpit).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import email
import logging
import socket
import socketserver
import ssl
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from typing import Any

import pytest
import trustme

from cohub.comments.settings import CommentSettings

from .helpers import ServerFactory, good_comment


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to take messages, with STARTTLS and AUTH PLAIN when the server offers them."""

    server: _SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode("ascii"))
        self.wfile.flush()

    def setup(self) -> None:
        if self.server.tls_from_start:
            self.request = self.server.wrap(self.request)
        super().setup()

    def finish(self) -> None:
        super().finish()
        # The server closes the socket it accepted; a TLS one wrapped around it is closed here.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.close()

    def start_tls(self) -> None:
        self.request = self.server.wrap(self.request)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        encrypted = self.server.tls_from_start
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            upper = command.upper()
            if upper.startswith(("EHLO", "HELO")):
                offers = [] if encrypted or self.server.tls_context is None else ["STARTTLS"]
                offers += ["AUTH PLAIN"] if encrypted and self.server.password else []
                lines = ["localhost", *offers]
                for number, text in enumerate(lines, start=1):
                    self.reply(f"250{' ' if number == len(lines) else '-'}{text}")
            elif upper == "STARTTLS":
                self.reply("220 Go ahead")
                self.start_tls()
                encrypted = True
            elif upper.startswith("AUTH PLAIN"):
                _, user, password = base64.b64decode(command.split()[2]).split(b"\0")
                self.server.sign_ins.append((user.decode(), password.decode(), encrypted))
                self.reply("235 OK" if password.decode() == self.server.password else "535 No")
            elif upper.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(email.message_from_bytes(data))
                self.server.encrypted.append(encrypted)
                self.reply("250 OK queued")
            elif upper == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, tls_context: ssl.SSLContext | None = None, *, tls_from_start: bool = False, password: str = ""
    ) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.tls_context = tls_context
        self.tls_from_start = tls_from_start
        self.password = password
        self.messages: list[Message] = []
        self.encrypted: list[bool] = []
        self.sign_ins: list[tuple[str, str, bool]] = []

    def wrap(self, connection: socket.socket) -> ssl.SSLSocket:
        """The server's side of TLS over an accepted connection."""
        assert self.tls_context is not None, "TLS was used on a server made without a TLS context"
        return self.tls_context.wrap_socket(connection, server_side=True)


@contextlib.contextmanager
def _running(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def smtp_server() -> Iterator[_SmtpServer]:
    server = _SmtpServer()
    with _running(server):
        yield server


@pytest.fixture
def certificate_authority(monkeypatch: pytest.MonkeyPatch, tmp_path) -> trustme.CA:
    """A throwaway certificate authority that this test's TLS clients trust."""
    authority = trustme.CA()
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    # OpenSSL's default verify paths, which the service uses, follow SSL_CERT_FILE.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    return authority


def smtp_settings(port: int, **overrides: Any) -> CommentSettings:
    settings = CommentSettings(
        site_name="Co-production hub",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="hub@example.org",
        smtp_to=("moderator@example.org", "deputy@example.org"),
    )
    return dataclasses.replace(settings, **overrides)


def wait_for(condition: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_moderators_are_told_a_comment_waits_without_its_text_or_the_commenters_email(
    servers: ServerFactory, smtp_server: _SmtpServer
) -> None:
    server = servers.start(settings=smtp_settings(smtp_server.server_address[1]))

    response = server.post_form(
        "/comments", good_comment(comment="Please check this one.", name="Priya Shah", email="me@example.com")
    )

    assert response.status == 303
    wait_for(lambda: smtp_server.messages)
    (message,) = smtp_server.messages
    assert message["Subject"] == "A new comment is waiting for moderation on Co-production hub"
    assert message["From"] == "hub@example.org"
    assert message["To"] == "moderator@example.org, deputy@example.org"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), "the message is not a single text part"
    body = payload.decode("utf-8")
    assert f"{server.base_url}/moderate" in body
    for personal in ("Please check this one", "Priya", "me@example.com"):
        assert personal not in message.as_string()
    wait_for(lambda: server.store.due_notification() is None)


def test_no_email_for_spam_or_mistakes(servers: ServerFactory, smtp_server: _SmtpServer) -> None:
    server = servers.start(settings=smtp_settings(smtp_server.server_address[1]))

    server.post_form("/comments", good_comment(website="spam"))
    server.post_form("/comments", good_comment(comment=""))
    server.post_form("/comments", good_comment(comment="A real one"))

    wait_for(lambda: smtp_server.messages)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("security", ("starttls", "tls"))
def test_mail_goes_encrypted_and_signed_in(
    servers: ServerFactory, certificate_authority: trustme.CA, security: str
) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(tls)
    smtp = _SmtpServer(tls, tls_from_start=security == "tls", password="mail password 1")
    with _running(smtp):
        settings = smtp_settings(
            smtp.server_address[1],
            smtp_security=security,
            smtp_username="hub-mailer",
            smtp_password="mail password 1",
        )
        server = servers.start(settings=settings)

        assert server.post_form("/comments", good_comment()).status == 303

        wait_for(lambda: smtp.messages)
        assert smtp.encrypted == [True]
        assert smtp.sign_ins == [("hub-mailer", "mail password 1", True)]


def test_a_server_without_a_trusted_certificate_gets_nothing(
    servers: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(tls)
    smtp = _SmtpServer(tls, password="mail password 1")
    with _running(smtp):
        settings = smtp_settings(
            smtp.server_address[1],
            smtp_security="starttls",
            smtp_username="hub-mailer",
            smtp_password="mail password 1",
        )
        server = servers.start(settings=settings)
        with caplog.at_level(logging.WARNING, logger="cohub.comments.notify"):
            assert server.post_form("/comments", good_comment()).status == 303
            wait_for(lambda: "Could not email moderators (SSLCertVerificationError)" in caplog.text)

        assert smtp.sign_ins == []
        assert smtp.messages == []
        assert server.store.outbox_attempts() == 1


def test_a_mail_failure_is_logged_and_the_comment_and_its_notification_are_kept(
    servers: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A port that was free a moment ago: nothing is listening there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    server = servers.start(settings=smtp_settings(closed_port))

    with caplog.at_level(logging.WARNING, logger="cohub.comments.notify"):
        response = server.post_form("/comments", good_comment(comment="Kept whatever happens"))
        wait_for(lambda: "Could not email moderators (ConnectionRefusedError)" in caplog.text)

    assert (response.status, response.headers["location"]) == (303, "/comments/thanks?page=x")
    assert server.store.list()[0].body == "Kept whatever happens"
    assert server.store.outbox_attempts() == 1


class _Tarpit(socketserver.ThreadingTCPServer):
    """Accepts connections and never says anything, like a mail server that has hung."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.connections = 0
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), socketserver.BaseRequestHandler)

    def finish_request(self, request: object, client_address: object) -> None:
        self.connections += 1
        self.release.wait(60)


def test_a_mail_server_that_never_answers_slows_no_page(servers: ServerFactory) -> None:
    tarpit = _Tarpit()
    with _running(tarpit):
        settings = smtp_settings(tarpit.server_address[1], smtp_timeout_seconds=3, rate_limit_count=100)
        server = servers.start(settings=settings)

        def post(number: int) -> float:
            started = time.monotonic()
            response = server.post_form("/comments", good_comment(comment=f"Comment number {number} for the test"))
            assert response.status == 303
            return time.monotonic() - started

        def read_pages(stop: threading.Event) -> list[float]:
            times = []
            while not stop.is_set():
                for path in ("/", "/case-studies/x/", "/comments/thanks?page=x"):
                    started = time.monotonic()
                    assert server.get(path).status == 200
                    times.append(time.monotonic() - started)
            return times

        # Four people posting at a time and two reading pages throughout.
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=2) as readers_pool, ThreadPoolExecutor(max_workers=4) as posters:
            readers = [readers_pool.submit(read_pages, stop) for _ in range(2)]
            post_times = list(posters.map(post, range(50)))
            stop.set()
            page_times = [seconds for reader in readers for seconds in reader.result()]

        assert tarpit.connections >= 1
        assert len(server.store.list()) == 50
        assert len(page_times) >= 6
        # Every page answers quickly. Posts wait only for their own write to
        # disk (with fsync, which a busy machine can slow), never for the mail server.
        assert max(page_times) < 1.0, max(page_times)
        assert statistics.median(post_times) < 0.5, statistics.median(post_times)
        assert max(post_times) < settings.smtp_timeout_seconds, max(post_times)
        tarpit.release.set()

"""Emailing moderators about new comments, through a tiny SMTP server on loopback."""

from __future__ import annotations

import email
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from email.message import Message

import pytest

from cohub.comments.settings import CommentSettings

from .helpers import ServerFactory, good_comment


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message per connection."""

    server: _SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode("ascii"))

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif command.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(email.message_from_bytes(data))
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[Message] = []


@pytest.fixture
def smtp_server() -> Iterator[_SmtpServer]:
    server = _SmtpServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def smtp_settings(port: int) -> CommentSettings:
    return CommentSettings(
        site_name="Co-production hub",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="hub@example.org",
        smtp_to=("moderator@example.org", "deputy@example.org"),
    )


def wait_for(condition: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_moderators_are_emailed_about_a_new_comment(servers: ServerFactory, smtp_server: _SmtpServer) -> None:
    server = servers.start(settings=smtp_settings(smtp_server.server_address[1]))

    response = server.post_form("/comments", good_comment(comment="Please check this one.", email="me@example.com"))

    assert response.status == 303
    wait_for(lambda: smtp_server.messages)
    (message,) = smtp_server.messages
    assert message["Subject"] == "New comment waiting for moderation on x"
    assert message["From"] == "hub@example.org"
    assert message["To"] == "moderator@example.org, deputy@example.org"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Please check this one." in body
    assert f"{server.base_url}/case-studies/x/" in body
    assert f"{server.base_url}/moderate" in body
    assert "Name: Sam" in body
    assert "me@example.com" not in message.as_string()


def test_no_email_for_spam_or_mistakes(servers: ServerFactory, smtp_server: _SmtpServer) -> None:
    server = servers.start(settings=smtp_settings(smtp_server.server_address[1]))

    server.post_form("/comments", good_comment(website="spam"))
    server.post_form("/comments", good_comment(comment=""))
    server.post_form("/comments", good_comment(comment="A real one"))

    wait_for(lambda: smtp_server.messages)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1


def test_a_mail_failure_is_logged_and_the_comment_is_kept(
    servers: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A port that was free a moment ago: nothing is listening there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    server = servers.start(settings=smtp_settings(closed_port))

    with caplog.at_level(logging.ERROR, logger="cohub.comments.app"):
        response = server.post_form("/comments", good_comment(comment="Kept whatever happens"))
        wait_for(lambda: "Could not email moderators about comment 1" in caplog.text)

    assert (response.status, response.headers["location"]) == (303, "/comments/thanks?page=x")
    assert server.store.list()[0].body == "Kept whatever happens"

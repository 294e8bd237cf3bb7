"""Load the comment service with concurrent submissions and check none is lost.

    python -m bench.comments --clients 50 --requests-per-client 20 --seconds 60

The real service runs under uvicorn in its own process, on a loopback port,
with a fresh SQLite database and a one-page fake site. First every client
sends the same number of GETs of the service's stylesheet, as a baseline
measured in the same run; then every client posts the same number of valid
comments, each with a body no other has. Each phase stops when its requests
are sent or after ``--seconds``, whichever comes first, and every request has
a timeout. After the load the service is stopped and the database is read:
every comment the service acknowledged (a 303 redirect to /comments/thanks)
must be in it. The figures are printed one ``name=value`` a line; on a busy
shared machine read them as ratios to the baseline. The exit code is 1 if any
acknowledged comment is missing.

    python -m bench.comments --kill-after 3

The crash test: the service process is killed with SIGKILL that many seconds
into the wave of posts, then started again on the same database, which must
take a comment and must hold every comment acknowledged before the kill.

    python -m bench.comments --db postgresql://cohub@127.0.0.1:5432/cohub --instances 2

The same on PostgreSQL (``--db`` takes an address or an SQLite file; the
default is a new SQLite file), with that many service processes sharing the
database, each client always posting to the same one. In the crash test only
the first instance is killed: the others keep taking comments, as behind a
load balancer when one machine fails. Every comment of a run carries the
run's own mark, so a database used before does not hide a lost comment.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import math
import multiprocessing
import os
import signal
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlencode

import uvicorn

from cohub.comments import APPROVED_COMMENTS_MARKER, CommentSettings, CommentStore, create_app
from cohub.comments.app import uvicorn_config
from cohub.comments.location import is_database_url

HOST = "127.0.0.1"
PAGE = "bench-case"
BASELINE_PATH = "/comments/static/comments.css"

# Seconds one request may take before it counts as an error.
REQUEST_TIMEOUT = 30.0
# Seconds the service may take to start, and to stop.
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 30.0

CASE_STUDY_PAGE = f"""<!doctype html>
<html lang="en-GB"><head><title>Bench case</title></head>
<body><main><h1>Bench case</h1>
<section><h2>Comments</h2><div id="approved-comments">{APPROVED_COMMENTS_MARKER}</div></section>
</main></body></html>
"""


@dataclass(frozen=True)
class Outcome:
    """What happened to one request.

    Attributes:
        status: The HTTP status code, or the name of the exception that ended the request.
        ok: True if the service did what was asked (acknowledged the comment, or served the file).
        seconds: From opening the connection to reading the whole answer, or to the failure.
        body: The comment sent, for submissions.
    """

    status: str
    ok: bool
    seconds: float
    body: str | None = None


@dataclass(frozen=True)
class Phase:
    """The outcomes of one phase of the load and how long it took."""

    outcomes: tuple[Outcome, ...]
    seconds: float

    @property
    def ok(self) -> tuple[Outcome, ...]:
        """The requests that succeeded."""
        return tuple(outcome for outcome in self.outcomes if outcome.ok)

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return len(self.ok) / self.seconds

    def latency_ms(self, fraction: float, *, ok_only: bool = False) -> float:
        """A latency percentile (nearest rank) over every request (or the successful ones), in milliseconds.

        NaN when there is none.
        """
        latencies = sorted(outcome.seconds for outcome in (self.ok if ok_only else self.outcomes))
        if not latencies:
            return math.nan
        return 1000 * latencies[max(0, math.ceil(fraction * len(latencies)) - 1)]

    def errors(self) -> str:
        """Failed requests counted by status, such as ``429:3 TimeoutError:1``, or ``none``."""
        counts = Counter(outcome.status for outcome in self.outcomes if not outcome.ok)
        return " ".join(f"{status}:{count}" for status, count in sorted(counts.items())) or "none"


def get_parser() -> argparse.ArgumentParser:
    """The argument parser for the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.comments", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=_positive_int, default=50, help="concurrent clients (default: 50)")
    parser.add_argument(
        "--requests-per-client",
        type=_positive_int,
        default=20,
        help="requests each client sends in each phase (default: 20)",
    )
    parser.add_argument("--seconds", type=_positive_float, default=60.0, help="time cap for each phase (default: 60)")
    parser.add_argument(
        "--db",
        help="the comments database: a postgresql:// address or an SQLite file (default: a new SQLite file)",
    )
    parser.add_argument(
        "--instances",
        type=_positive_int,
        default=1,
        help="service processes sharing the database (default: 1)",
    )
    parser.add_argument(
        "--kill-after",
        type=_positive_float,
        help="crash test: kill the service with SIGKILL this many seconds into the posts, then restart it",
    )
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def write_site(site_dir: Path) -> None:
    """Write a fake built site with one case study that takes comments."""
    page_dir = site_dir / "case-studies" / PAGE
    page_dir.mkdir(parents=True)
    (page_dir / "index.html").write_text(CASE_STUDY_PAGE, encoding="utf-8")


def serve(location: Path | str, site_dir: Path, control: Connection, rate_limit_count: int = 1_000_000) -> None:
    """Run the comment service on a free loopback port until told to stop.

    Runs in the server process. Sends the port on ``control`` once the
    service is accepting connections, then stops when anything arrives on
    ``control`` or the other end is closed.

    Raises:
        RuntimeError: uvicorn did not start.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    store = CommentStore(location)
    # Instances sharing a database server scramble addresses with one shared secret.
    app = create_app(
        site_dir=site_dir,
        store=store,
        site_url=f"http://{HOST}:{port}/",
        known_pages=frozenset({PAGE}),
        settings=CommentSettings(
            site_name="cohub bench",
            rate_limit_count=rate_limit_count,
            client_hash_secret="" if store.path is not None else "cohub bench shared secret",
        ),
    )
    server = uvicorn.Server(uvicorn_config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the comment service did not start")
        time.sleep(0.01)
    control.send(port)
    with contextlib.suppress(EOFError):
        control.recv()
    server.should_exit = True
    thread.join(timeout=SERVER_STOP_TIMEOUT)
    store.close()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Outcome:
    """Send one request over a new loopback connection and read the whole answer.

    ``ok`` is True for a 200, or for a 303 to /comments/thanks.
    """
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        location = response.getheader("location") or ""
        status = str(response.status)
        ok = response.status == 200 or (response.status == 303 and location.startswith("/comments/thanks"))
    except (OSError, http.client.HTTPException) as error:
        status, ok = type(error).__name__, False
    finally:
        connection.close()
    return Outcome(status=status, ok=ok, seconds=time.perf_counter() - started)


def submit(port: int, client: int, number: int, run: str = "") -> Outcome:
    """Post one valid comment, as a browser would send the form, with a body no other request has."""
    body = f"bench comment {run}{client}-{number}: we tried this in our day centre and it worked well."
    fields = {"page": PAGE, "comment": body, "name": "Bench", "email": "", "consent": "yes", "website": ""}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{HOST}:{port}"}
    outcome = request(port, "POST", "/comments", urlencode(fields).encode("utf-8"), headers)
    return Outcome(status=outcome.status, ok=outcome.ok, seconds=outcome.seconds, body=body)


def run_phase(clients: int, requests_per_client: int, seconds: float, send: Callable[[int, int], Outcome]) -> Phase:
    """Run ``clients`` threads, each calling ``send(client, number)`` until done or out of time."""
    deadline = time.monotonic() + seconds

    def one_client(client: int) -> list[Outcome]:
        outcomes = []
        for number in range(requests_per_client):
            if time.monotonic() >= deadline:
                break
            outcomes.append(send(client, number))
        return outcomes

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        per_client = list(pool.map(one_client, range(clients)))
    return Phase(
        outcomes=tuple(outcome for outcomes in per_client for outcome in outcomes),
        seconds=time.perf_counter() - started,
    )


def count_missing(location: Path | str, acknowledged: Sequence[Outcome]) -> int:
    """How many acknowledged comments are not in the database."""
    with CommentStore(location) as store:
        stored = {comment.body for comment in store.list(page=PAGE)}
    return sum(1 for outcome in acknowledged if outcome.body not in stored)


@dataclass
class _Service:
    """The comment service running in its own process."""

    process: multiprocessing.process.BaseProcess
    control: Connection
    port: int

    def stop(self) -> None:
        """Ask the service to stop; kill it if it does not."""
        self.control.close()
        self.process.join(timeout=SERVER_STOP_TIMEOUT)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


def start_service(location: Path | str, site_dir: Path, rate_limit_count: int = 1_000_000) -> _Service:
    """Start the service in a new process and wait until it takes connections."""
    context = multiprocessing.get_context("spawn")
    control, server_end = context.Pipe()
    process = context.Process(target=serve, args=(location, site_dir, server_end, rate_limit_count), daemon=True)
    process.start()
    server_end.close()
    if not control.poll(SERVER_START_TIMEOUT):
        process.kill()
        raise SystemExit("bench: the comment service did not start in time")
    try:
        port = control.recv()
    except EOFError:
        raise SystemExit("bench: the comment service failed to start") from None
    return _Service(process=process, control=control, port=port)


def main(argv: list[str] | None = None) -> int:
    """Run the baseline and the submissions, print the figures, and check the database.

    Returns:
        0, or 1 if any acknowledged comment is missing from the database
        (or, in the crash test, the restarted service does not take a comment).
    """
    args = get_parser().parse_args(argv)
    restarted_ok = True
    run = f"{uuid.uuid4().hex[:8]} "
    with tempfile.TemporaryDirectory(prefix="cohub-bench-comments-") as folder:
        location: Path | str = args.db or Path(folder) / "comments.sqlite3"
        site_dir = Path(folder) / "site"
        write_site(site_dir)
        services = [start_service(location, site_dir) for _ in range(args.instances)]
        try:
            ports = [service.port for service in services]
            baseline = run_phase(
                args.clients,
                args.requests_per_client,
                args.seconds,
                lambda client, _number: request(ports[client % len(ports)], "GET", BASELINE_PATH),
            )
            killer = None
            if args.kill_after is not None:
                killer = threading.Timer(args.kill_after, os.kill, (services[0].process.pid, signal.SIGKILL))
                killer.start()
            submissions = run_phase(
                args.clients,
                args.requests_per_client,
                args.seconds,
                lambda client, number: submit(ports[client % len(ports)], client, number, run),
            )
            if killer is not None:
                killer.join()
        finally:
            for service in services:
                service.stop()
        if args.kill_after is not None:
            restarted = start_service(location, site_dir)
            try:
                restarted_ok = submit(restarted.port, -1, 0, run).ok
            finally:
                restarted.stop()
        missing = count_missing(location, submissions.ok)
    print(f"database={'postgresql' if args.db and is_database_url(args.db) else 'sqlite'}")
    print(f"instances={args.instances}")
    if args.kill_after is not None:
        print(f"killed_after_seconds={args.kill_after}")
        print(f"restarted_and_took_a_comment={restarted_ok}")
    print(f"clients={args.clients}")
    print(f"requests_per_client={args.requests_per_client}")
    print(f"submissions_sent={len(submissions.outcomes)}")
    print(f"acknowledged={len(submissions.ok)}")
    print(f"submission_errors={submissions.errors()}")
    print(f"submissions_per_second={submissions.rate:.1f}")
    print(f"submission_p50_ms={submissions.latency_ms(0.50):.1f}")
    print(f"submission_p99_ms={submissions.latency_ms(0.99):.1f}")
    print(f"acknowledged_p50_ms={submissions.latency_ms(0.50, ok_only=True):.1f}")
    print(f"acknowledged_p99_ms={submissions.latency_ms(0.99, ok_only=True):.1f}")
    print(f"baseline_get_sent={len(baseline.outcomes)}")
    print(f"baseline_get_ok={len(baseline.ok)}")
    print(f"baseline_get_errors={baseline.errors()}")
    print(f"baseline_gets_per_second={baseline.rate:.1f}")
    print(f"baseline_get_p50_ms={baseline.latency_ms(0.50):.1f}")
    print(f"baseline_get_p99_ms={baseline.latency_ms(0.99):.1f}")
    print(f"submission_p50_over_get_p50={submissions.latency_ms(0.50) / baseline.latency_ms(0.50):.2f}")
    print(f"missing_acknowledged={missing}")
    return 1 if missing or not restarted_ok else 0


if __name__ == "__main__":
    raise SystemExit(main())

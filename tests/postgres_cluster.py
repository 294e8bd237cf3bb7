"""A throwaway PostgreSQL cluster for the tests and benchmarks, from Debian's ``postgresql`` package.

``initdb`` makes a cluster in a new temporary folder and ``pg_ctl`` starts it
on a free loopback port, trusting local connections; nothing else on the
machine is touched. PostgreSQL refuses to run as root, so as root the cluster
belongs to ``nobody``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

_USER = "cohub"
_DATABASE = "cohub"
_UNPRIVILEGED = "nobody"


def postgres_bin() -> Path:
    """The folder of the newest installed PostgreSQL's programs."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (make test does this)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresCluster:
    """A running cluster with one database for cohub."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        """The address of the cluster's cohub database."""
        return f"postgresql://{_USER}@127.0.0.1:{self.port}/{_DATABASE}"

    def new_schema_url(self) -> str:
        """The address of the database with a new, empty schema of its own first on the search path.

        Each test gets one, so tests never see each other's tables, and
        everything given the address (other processes too) uses that schema.
        """
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return f"{self.url}?options={quote(f'-csearch_path={schema}')}"

    def drop_schema(self, url: str) -> None:
        """Drop a schema made by ``new_schema_url``."""
        schema = url.rpartition("%3D")[2]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def stop(self) -> None:
        """Stop the cluster at once and delete its folder."""
        subprocess.run(
            _as_owner([str(postgres_bin() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", _UNPRIVILEGED, "--", *command] if os.geteuid() == 0 else command


def start_cluster() -> PostgresCluster:
    """Make and start a cluster in a new temporary folder.

    Raises:
        RuntimeError: PostgreSQL is not installed, or did not start (with its log).
    """
    bin_dir = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="cohub-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, _UNPRIVILEGED)
    port = _free_port()
    data = folder / "data"
    subprocess.run(
        _as_owner(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                _USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    settings = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
        " -c max_connections=300 -c shared_buffers=32MB"
    )
    started = subprocess.run(
        _as_owner(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                settings,
                "start",
            ]
        ),
        check=False,
        capture_output=True,
        text=True,
    )
    cluster = PostgresCluster(folder=folder, port=port)
    if started.returncode != 0:
        log = (folder / "log").read_text(encoding="utf-8", errors="replace") if (folder / "log").exists() else ""
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}\n{log}")
    with psycopg.connect(f"postgresql://{_USER}@127.0.0.1:{port}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {_DATABASE}")
    return cluster

"""The sample systemd units in deploy/: what they protect, and systemd's own check of them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import REPO

DEPLOY = REPO / "deploy"
UNITS = ("cohub-comments.service", "cohub-build.service", "cohub-build.timer")
# Where the samples expect the hub to be installed.
INSTALLED_COHUB = "/srv/cohub/.venv/bin/cohub"


def unit(name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each section's settings; a key a unit gives more than once keeps every value, in order."""
    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    section: dict[str, tuple[str, ...]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            section[key] = (*section.get(key, ()), value)
    return sections


@pytest.mark.parametrize("name", ["cohub-comments.service", "cohub-build.service"])
def test_each_service_runs_as_its_own_user_and_writes_only_the_database_folder(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == service["Group"] == ("cohub",)
    assert service["ProtectSystem"] == ("strict",)
    assert service["NoNewPrivileges"] == ("true",)
    assert service["CapabilityBoundingSet"] == ("",)
    (database,) = (
        Path(value.removeprefix("COHUB_COMMENTS_DB="))
        for value in service["Environment"]
        if value.startswith("COHUB_COMMENTS_DB=")
    )
    (writable,) = (paths.split() for paths in service["ReadWritePaths"])
    assert str(database.parent) == f"/var/lib/{service['StateDirectory'][0]}" == writable[0]
    # The comment service writes nothing else; the build also writes the folder the web server serves.
    assert writable[1:] == ([] if name == "cohub-comments.service" else ["/var/www/cohub"])


def test_the_comment_service_believes_forwarded_headers_only_from_nginx_on_the_same_machine() -> None:
    (command,) = unit("cohub-comments.service")["Service"]["ExecStart"]
    assert "--host 127.0.0.1" in command and "--forwarded-allow-ips 127.0.0.1" in command
    proxy = (DEPLOY / "nginx-cohub-proxy.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy


def test_systemd_analyze_verify_finds_nothing_wrong(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "make test installs Debian's systemd, which has systemd-analyze"
    # The units name the program where a council installs it; here it is this environment's.
    cohub = Path(sys.executable).with_name("cohub")
    assert cohub.is_file()
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_COHUB, str(cohub)), encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warned about, so any output is a failure.
    assert result.stderr.strip() == "" and result.stdout.strip() == ""

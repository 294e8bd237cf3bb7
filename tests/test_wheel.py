"""cohub as a council installs it: a wheel, in a virtual environment of its own, builds a hub.

The test environment has cohub installed in editable mode, which reads files
straight from the source tree and so hides any file the wheel leaves out.
Here the wheel is built from a copy of the sources, installed without its
dependencies into a new virtual environment (which borrows them from the test
environment, but not its editable cohub), and that environment's ``cohub``
builds a copy of the hub from a folder outside the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from bench.corpus import REPO
from tests.conftest import copy_hub

# What setuptools needs to build the wheel, besides the package itself.
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc")


def _package_files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in (root / "cohub").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "COHUB_COMMENTS_DB")}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources, so no build output lands in the source tree."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO / "cohub", source / "cohub", ignore=CACHES)
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, source / name)
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", work / "dist", source], cwd=work
    )
    assert built.returncode == 0, built.stderr
    (found,) = (work / "dist").glob("cohub-*.whl")
    return found


def test_the_wheel_holds_every_file_of_the_package_and_the_licence(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    packaged = {name for name in names if name.startswith("cohub/")}
    assert packaged == _package_files(REPO)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_a_hub_builds_with_cohub_installed_from_the_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site_packages = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path).stdout.strip()
    )
    # The dependencies come from the test environment: a path added by a .pth file
    # does not run that folder's own .pth files, so its editable cohub stays out.
    borrowed = dict.fromkeys((sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]))
    (site_packages / "test-environment.pth").write_text("\n".join(borrowed) + "\n", encoding="utf-8")
    installed = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stderr
    where = _run([python, "-c", "import cohub; print(cohub.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(site_packages), where.stdout + where.stderr

    hub = tmp_path / "hub"
    hub.mkdir()
    copy_hub(hub)
    built = _run([venv / "bin" / "cohub", "--root", hub, "build"], cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    site = hub / "site"
    for asset in ("comments.css", "comments.js", "brand.css"):
        assert (site / "assets" / "cohub" / asset).is_file(), asset
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "case-studies" / "index.html").is_file()

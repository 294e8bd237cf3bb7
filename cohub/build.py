"""``cohub build``: the same build a contributor gets from ``mkdocs build --strict``,
swapped in whole.

MkDocs writes into the site folder as it goes and empties it first, so a
build that fails or is stopped halfway would leave a council with a broken
site or none. ``cohub build`` builds into a fresh folder beside it and only
swaps that in once everything, the search index included, has been written:
at any moment the site folder holds either the last good site or the new one.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Material prints a notice whenever MkDocs runs (see the README); the hub pins MkDocs 1.x.
QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "true"}


class BuildFailed(Exception):
    """MkDocs did not build the site; it has already said why."""


def build_site(root: Path, site_dir: Path | None = None) -> Path:
    """Build the site with MkDocs in strict mode, so warnings fail the build.

    Args:
        root: The hub's root folder, holding ``mkdocs.yml``.
        site_dir: Where to write the site; ``root/site`` by default.

    Returns:
        The folder the site was written to.

    Raises:
        BuildFailed: When MkDocs reports an error or a warning. The site
            folder is then left as it was.
    """
    target = (site_dir or root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    staging = _sibling(target, f"building-{os.getpid()}")
    command = strict_build_command(root / "mkdocs.yml", staging)
    try:
        built = subprocess.run(command, check=False, env={**os.environ, **QUIET_MKDOCS}).returncode == 0
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not built:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed("the site was not built, and the last site was kept: see the messages above")
    replace_folder(staging, target)
    return target


def strict_build_command(config_file: Path, site_dir: Path) -> list[str]:
    """The command that builds the site of ``config_file`` into ``site_dir`` with MkDocs, warnings failing it."""
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config_file),
        "--site-dir",
        str(site_dir),
    ]


def replace_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` where ``target`` is, in one step where the system allows it.

    On Linux the two folders trade places atomically, then the old one is
    removed. Elsewhere the old folder is moved aside first, which leaves a
    moment with no folder at ``target``.
    """
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)
        return
    old = _sibling(target, f"old-{os.getpid()}")
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old)


def _sibling(target: Path, label: str) -> Path:
    return target.with_name(f".{target.name}.{label}")


def _remove_leftovers(target: Path) -> None:
    """Folders that a build stopped halfway left behind."""
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot swap
        return False
    raise OSError(error, os.strerror(error), str(second))

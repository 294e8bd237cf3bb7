"""``cohub build``: the same build a contributor gets from ``mkdocs build --strict``."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


# Material prints a long banner about MkDocs 2.0 whenever MkDocs runs; the hub pins MkDocs 1.x.
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
        BuildFailed: When MkDocs reports an error or a warning.
    """
    target = (site_dir or root / "site").resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict",
               "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(target)]
    if subprocess.run(command, check=False, env={**os.environ, **QUIET_MKDOCS}).returncode != 0:
        raise BuildFailed("the site was not built: see the messages above")
    return target

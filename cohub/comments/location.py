"""Where the comments database is: one rule for every command and for the build.

The hub's root is the folder named by ``--root`` (the current folder by
default) or, in the build, the folder holding ``mkdocs.yml``. The database is
the one named by ``--db``, else by ``$COHUB_COMMENTS_DB``, else
``comments.sqlite3`` in the hub's root. A relative path is taken from the
hub's root, not from the current folder, so ``cohub --root X serve``, the
build of X and ``cohub --root X comments ...`` all use one database wherever
they are run from. A ``postgresql://`` address names a PostgreSQL database
and is used as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = (
    "DEFAULT_DB",
    "ENVIRONMENT_VARIABLE",
    "NotAHubError",
    "database_location",
    "describe_location",
    "is_database_url",
)

DEFAULT_DB = "comments.sqlite3"
ENVIRONMENT_VARIABLE = "COHUB_COMMENTS_DB"

_URL_SCHEMES = ("postgresql://", "postgres://")


class NotAHubError(Exception):
    """The folder taken as the hub's root has no ``mkdocs.yml``."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            f"{root.resolve()} is not a hub's folder (it has no mkdocs.yml): run cohub in the hub's folder,"
            " or name it with --root"
        )
        self.root = root


def is_database_url(location: str | Path) -> bool:
    """True when ``location`` is a PostgreSQL address rather than a file."""
    return isinstance(location, str) and location.startswith(_URL_SCHEMES)


def database_location(root: Path, given: str | Path | None, environ: Mapping[str, str]) -> Path | str:
    """The comments database of the hub in ``root``.

    Args:
        root: The hub's root folder; it must hold ``mkdocs.yml``.
        given: The ``--db`` option, or None when it was not given.
        environ: Usually ``os.environ``, for ``COHUB_COMMENTS_DB``.

    Returns:
        A PostgreSQL address as given, or the path of the SQLite file.

    Raises:
        NotAHubError: ``root`` has no ``mkdocs.yml``, so no database is looked for or made there.
    """
    if not (root / "mkdocs.yml").is_file():
        raise NotAHubError(root)
    named = str(given) if given is not None and str(given) else environ.get(ENVIRONMENT_VARIABLE, "")
    if is_database_url(named):
        return named
    return root / (named or DEFAULT_DB)


def describe_location(location: str | Path) -> str:
    """The location as shown in messages: a path as it is, an address without its password."""
    if not is_database_url(str(location)):
        return str(location)
    scheme, _, rest = str(location).partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return str(location)
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}@{host}"

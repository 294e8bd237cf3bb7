"""``cohub new``: start a case study from ``case_studies/_template.md``."""

from __future__ import annotations

from datetime import date as Date
from typing import TYPE_CHECKING

from cohub.corpus import CASE_STUDIES_DIR, case_study_files, slugify

if TYPE_CHECKING:
    from pathlib import Path

TEMPLATE = "_template.md"


class ScaffoldError(Exception):
    """The case study could not be started; the message says why."""


def new_case_study(root: Path, title: str, today: Date) -> Path:
    """Write a new case study from the template and return its path.

    The file name comes from the title; when it is taken, ``-2``, ``-3`` ...
    is added, so an existing case study is never overwritten.

    Args:
        root: The hub's root folder.
        title: The new case study's title.
        today: The date to put in its ``date`` field.

    Raises:
        ScaffoldError: When the title has no letters or digits, or the
            template is missing.
    """
    base = slugify(title)
    if not base:
        raise ScaffoldError("the title needs at least one letter or digit")
    folder = root / CASE_STUDIES_DIR
    template = folder / TEMPLATE
    if not template.is_file():
        raise ScaffoldError(f"{CASE_STUDIES_DIR}/{TEMPLATE} is missing: restore it from the hub's repository")
    taken = {path.stem for path in case_study_files(root)}
    slug, number = base, 1
    while slug in taken or (folder / f"{slug}.md").exists():
        number += 1
        slug = f"{base}-{number}"
    # JSON-style quoting is valid YAML, so any title stays a single safe string.
    quoted_title = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = (
        template.read_text(encoding="utf-8")
        .replace('"{{ title }}"', quoted_title)
        .replace("{{ title }}", title)
        .replace("{{ date }}", today.isoformat())
        .replace("{{ slug }}", slug)
    )
    target = folder / f"{slug}.md"
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return target

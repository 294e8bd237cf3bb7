"""Read the parts of ``mkdocs.yml`` that cohub itself needs, without MkDocs.

``mkdocs.yml`` may hold tags such as ``!!python/name:`` for Markdown
extensions; cohub reads only plain settings, so it reads such tags as empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pathlib import Path


class _SettingsLoader(yaml.SafeLoader):
    """SafeLoader that reads tags it does not know as empty values."""


_SettingsLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def read_site_config(root: Path) -> dict[str, Any]:
    """The settings in ``root/mkdocs.yml`` (an empty mapping if it has none)."""
    data = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_SettingsLoader)  # noqa: S506
    return data if isinstance(data, dict) else {}


def comment_settings_mapping(site_config: dict[str, Any]) -> dict[str, Any]:
    """``extra.comments`` from the site settings, or an empty mapping."""
    extra = site_config.get("extra") or {}
    comments = extra.get("comments") if isinstance(extra, dict) else None
    return comments if isinstance(comments, dict) else {}

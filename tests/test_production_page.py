"""The README's production section names every setting the comment service reads."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bench.corpus import REPO
from cohub.comments.settings import CommentSettings


def production_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Running in production") :]


@pytest.mark.parametrize("name", [setting.name for setting in fields(CommentSettings)])
def test_each_comment_setting_is_in_the_table_with_its_environment_variable(name: str) -> None:
    rows = [line for line in production_section().splitlines() if line.startswith("|")]
    assert any(f"`{name}`" in row and f"`COHUB_{name.upper()}`" in row for row in rows), name


@pytest.mark.parametrize(
    "phrase",
    [
        "cohub comments serve",
        "extra.cohub.comments.url",
        "COHUB_SITE_URL",
        "COHUB_COMMENTS_DB",
        "### TLS",
        "### Backups",
        "cohub comments backup FILE",
        "### Upgrades",
        "### Where the data lives",
        "### What grows with time",
        "deploy/nginx-cohub.conf",
        "deploy/cohub-comments.service",
    ],
)
def test_the_production_page_covers(phrase: str) -> None:
    assert phrase in production_section()

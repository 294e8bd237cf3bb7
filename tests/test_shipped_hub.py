"""The hub as shipped, with whatever case studies it holds, checks clean and builds a page for each.

Every other test uses the case studies in ``tests/fixtures/``; these expect
nothing of the shipped ones but what their own files say.
"""

from __future__ import annotations

import html
import re

import pytest

from cohub.cli import main
from cohub.hub import load_hub
from tests.conftest import CASE_STUDY_TEMPLATE, REPO, shipped_site

SHIPPED = load_hub(REPO)


def test_the_shipped_case_studies_pass_the_check(capsys):
    files = [path for path in (REPO / "case_studies").glob("*.md") if path.name != CASE_STUDY_TEMPLATE.name]
    assert main(["--root", str(REPO), "check"]) == 0
    out, err = capsys.readouterr()
    assert f"{len(files)} case studies checked: no problems." in out, out
    assert err == ""


@pytest.mark.parametrize("slug", sorted(case_study.slug for case_study in SHIPPED.case_studies))
def test_each_shipped_case_study_has_its_page(slug):
    case_study = SHIPPED.case_study(slug)
    page = (shipped_site() / case_study.url / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    assert heading is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() == case_study.title
    listing = (shipped_site() / "case-studies" / "index.html").read_text(encoding="utf-8")
    assert f'href="{slug}/"' in listing

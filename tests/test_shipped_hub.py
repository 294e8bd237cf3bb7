"""The hub as shipped, with whatever case studies it holds, checks clean and builds a page for each.

Every other test uses the case studies in ``tests/fixtures/``; these expect
nothing of the shipped ones but what their own files say, so a council can
add, change or remove case studies (all of them, even) without breaking them.
"""

from __future__ import annotations

import html
import re

from bench.corpus import REPO
from cohub.cli import main
from cohub.hub import load_hub
from cohub.scaffold import TEMPLATE
from tests.conftest import shipped_site

SUMMARY = re.compile(r"^(\d+) case stud(?:y|ies) checked: no problems\.$", re.MULTILINE)
HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)


def test_the_shipped_case_studies_pass_the_check(capsys):
    files = [path for path in (REPO / "case_studies").glob("*.md") if path.name != TEMPLATE]
    assert main(["--root", str(REPO), "check"]) == 0
    out, err = capsys.readouterr()
    summary = SUMMARY.search(out)
    assert summary is not None, out
    assert int(summary.group(1)) == len(files)
    assert err == ""


def test_every_shipped_case_study_has_its_page_and_is_listed():
    site = shipped_site()
    listing = (site / "case-studies" / "index.html").read_text(encoding="utf-8")
    for case_study in load_hub(REPO).case_studies:
        page = (site / case_study.url / "index.html").read_text(encoding="utf-8")
        heading = HEADING.search(page)
        assert heading is not None, case_study.url
        assert html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() == case_study.title
        assert f'href="{case_study.slug}/"' in listing, case_study.slug

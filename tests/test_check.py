"""``cohub check``: every kind of bad input gets a ``path:line: what — fix`` message."""

from __future__ import annotations

import textwrap

import pytest

from cohub.cli import main

VALID = textwrap.dedent("""\
    ---
    title: A tenancy panel run by tenants
    summary: Tenants sat on the panel that chose who runs their homes.
    date: 2025-03-31
    authors:
      - name: Sam Example
        role: Commissioner
    organisations:
      - id: essex-county-council
        role: Ran the tender
    place: Essex
    region: east-of-england
    service_types: [supported-living]
    commissioning_stages: [do]
    ladder_rung: co-production
    themes: [lived-experience]
    source:
      title: A tenancy panel
      publisher: Example blog
      url: https://example.org/panel
    ---

    ## What happened

    Tenants chose the provider. The council asked the people who live in its
    supported housing to help it pick who would run their support next. A
    panel of six tenants met every week for two months to plan how to do it.

    ## Who was involved

    Six tenants, two support workers and a commissioner from the council took
    part. A local advocacy group helped the tenants prepare their questions.

    ## What changed

    The tenants scored every bid on the questions that mattered most to them.
    Their scores counted for a fifth of the final mark, and the provider they
    rated highest won the contract.

    ## What we learned

    Tenants need time, plain papers and paid expenses to take part on equal
    terms. Meeting where they live made it easier for more of them to come.

    ## What could be better

    Start earlier, so that tenants can help write the questions and the
    service description too, not only score the bids.
    """)


def write(hub, text: str, name: str = "broken.md"):
    path = hub / "case_studies" / name
    path.write_text(text, encoding="utf-8")
    return path


def check(hub, capsys) -> tuple[int, list[str], str]:
    code = main(["--root", str(hub), "check"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_the_fixture_case_studies_pass(hub, capsys):
    code, out, err = check(hub, capsys)
    assert code == 0, out
    assert "2 case studies checked: no problems." in out
    assert err == ""


def test_a_valid_case_study_passes(hub, capsys):
    write(hub, VALID, "valid.md")
    code, out, _err = check(hub, capsys)
    assert code == 0
    assert "3 case studies checked: no problems." in out


BAD_INPUTS = [
    pytest.param(lambda v: v.replace("---\n", "", 1), 1, "does not start with front matter", id="no-front-matter"),
    pytest.param(lambda v: v.replace("---\n\n## What", "\n## What"), 1, "never ends", id="unterminated"),
    pytest.param(lambda v: v.replace("  - name: Sam", "\t- name: Sam"), 6, "tab character", id="tab"),
    pytest.param(
        lambda v: v.replace("    role: Commissioner", " role: Commissioner"), 7, "not valid YAML", id="bad-indentation"
    ),
    pytest.param(
        lambda v: v.replace("place: Essex\n", "place: Essex\nplace: Harlow\n"),
        12,
        "'place' is given twice (first on line 11)",
        id="duplicate-key",
    ),
    pytest.param(
        lambda v: v.replace("themes: [lived-experience]", "themes: lived-experience"),
        16,
        "'themes' must be a list, like [first, second], not text",
        id="wrong-type-list",
    ),
    pytest.param(
        lambda v: v.replace("title: A tenancy panel run by tenants", "title: 42"),
        2,
        "'title' must be text, not a number",
        id="wrong-type-text",
    ),
    pytest.param(lambda v: v.replace("place: Essex\n", ""), 1, "'place' is missing", id="missing-field"),
    pytest.param(
        lambda v: v.replace("  - name: Sam Example\n", "  - role: x\n").replace("    role: Commissioner\n", ""),
        6,
        "'name' of item 1 of 'authors' is missing",
        id="missing-nested",
    ),
    pytest.param(
        lambda v: v.replace("place: Essex", "plcae: Essex"),
        11,
        "unknown field 'plcae' — did you mean 'place'?",
        id="unknown-field",
    ),
    pytest.param(
        lambda v: v.replace("themes: [lived-experience]", "themes: [lived-experiense]"),
        16,
        "unknown themes 'lived-experiense' — did you mean 'lived-experience'?",
        id="unknown-term",
    ),
    pytest.param(
        lambda v: v.replace("region: east-of-england", "region: east-england"),
        12,
        "unknown region 'east-england' — did you mean 'east-of-england'?",
        id="unknown-region",
    ),
    pytest.param(
        lambda v: v.replace("id: essex-county-council", "id: essex-council"),
        9,
        "unknown organisation 'essex-council' — did you mean 'essex-county-council'?",
        id="unknown-org",
    ),
    pytest.param(
        lambda v: v.replace("date: 2025-03-31", "date: 2025-13-45"),
        4,
        "'date' is not a real date: '2025-13-45' — write it as YYYY-MM-DD",
        id="impossible-date",
    ),
    pytest.param(
        lambda v: v.replace("date: 2025-03-31", "date: last spring"), 4, "'date' is not a real date", id="not-a-date"
    ),
    pytest.param(
        lambda v: v.split("\n## What happened")[0] + "\n\n",
        21,
        "there is no text after the front matter",
        id="empty-body",
    ),
    pytest.param(
        lambda v: v.replace("place: Essex", "place: <script>alert(1)</script>"),
        11,
        "'place' contains HTML",
        id="script-in-field",
    ),
    pytest.param(
        lambda v: v.replace("    role: Ran the tender", "    role: Ran <b>the</b> tender"),
        10,
        "'role' of item 1 of 'organisations' contains HTML",
        id="html-nested",
    ),
    pytest.param(
        lambda v: v.replace("url: https://example.org/panel", "url: javascript:alert(1)"),
        20,
        "is not a web address",
        id="javascript-url",
    ),
    pytest.param(
        lambda v: v.replace("date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: nope\n  position: 1\n"),
        6,
        "unknown series 'nope'",
        id="unknown-series",
    ),
    pytest.param(
        lambda v: v.replace(
            "date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: good-commissioning-hypothesis\n  position: 2\n"
        ),
        7,
        "part 2 of series 'good-commissioning-hypothesis' is also case_studies/essex-tender-evaluation.md",
        id="duplicate-series-position",
    ),
    pytest.param(
        lambda v: v.replace(
            "date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: good-commissioning-hypothesis\n  position: 4\n"
        ),
        7,
        "this is part 4 of series 'good-commissioning-hypothesis', but it jumps from part 2",
        id="series-gap",
    ),
    pytest.param(
        lambda v: v.replace("Tenants chose the provider.", "As in [[thurrock-direct-payment]], tenants chose."),
        25,
        "'[[thurrock-direct-payment]]' links to a case study that does not exist — "
        "did you mean 'thurrock-direct-payments'?",
        id="wikilink-missing",
    ),
    pytest.param(
        lambda v: v.replace("Tenants chose the provider.", "Tenants chose [[ broken | this provider]]."),
        25,
        "'[[broken|this provider]]' links this case study to itself",
        id="wikilink-self",
    ),
    pytest.param(
        lambda v: v.replace("Tenants chose the provider.", "Tenants chose.\n\nSee [[|the other one]]."),
        27,
        "'[[|the other one]]' does not name a case study",
        id="wikilink-empty",
    ),
]


@pytest.mark.parametrize(("break_it", "line", "message"), BAD_INPUTS)
def test_bad_input_is_reported_with_file_line_and_fix(hub, capsys, break_it, line, message):
    write(hub, break_it(VALID))
    code, out, err = check(hub, capsys)
    assert code == 1
    problems = [row for row in out if row.startswith("case_studies/broken.md:")]
    assert any(row.startswith(f"case_studies/broken.md:{line}: ") and message in row for row in problems), problems
    assert all(" — " in row for row in problems), "every problem says how to fix it"
    assert "Traceback" not in "\n".join(out) + err
    assert err.startswith("cohub: ")


DRAFT = VALID.replace("date: 2025-03-31", "date: 2025-03-31\ndraft: true")

# Problems that need more than one file: (files to write, the file and line, the message).
CROSS_FILE_INPUTS = [
    pytest.param(
        {"broken.md": VALID.replace("Tenants chose the provider.", "See [[panel]]."), "panel.md": DRAFT},
        "case_studies/broken.md:25:",
        "'[[panel]]' links to a draft case study, which is not on the site — publish 'panel' first",
        id="wikilink-to-draft",
    ),
    pytest.param(
        {
            "broken.md": VALID.replace(
                "date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: good-commissioning-hypothesis\n  position: 3\n"
            ),
            "later.md": VALID.replace(
                "date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: good-commissioning-hypothesis\n  position: 3\n"
            ),
        },
        "case_studies/later.md:7:",
        "part 3 of series 'good-commissioning-hypothesis' is also case_studies/broken.md",
        id="duplicate-series-position-both-files",
    ),
]


@pytest.mark.parametrize(("files", "where", "message"), CROSS_FILE_INPUTS)
def test_problems_between_case_studies_are_reported_with_file_line_and_fix(hub, capsys, files, where, message):
    for name, text in files.items():
        write(hub, text, name)
    code, out, err = check(hub, capsys)
    assert code == 1
    assert any(row.startswith(f"{where} ") and message in row for row in out), out
    assert err.startswith("cohub: ")


# Drafts are checked, but they neither break a series nor trip a wikilink from another draft.
ACCEPTED_INPUTS = [
    pytest.param(
        {"panel.md": DRAFT.replace("Tenants chose the provider.", "See [[later]]."), "later.md": DRAFT},
        id="draft-links-to-draft",
    ),
    pytest.param(
        {
            "panel.md": VALID.replace(
                "Tenants chose the provider.",
                "See [[thurrock-direct-payments|the Thurrock story]] and `[[not-a-link]]`.\n\n```\n[[nor-this]]\n```\n",
            )
        },
        id="wikilinks-and-code",
    ),
    pytest.param(
        {
            "panel.md": DRAFT.replace(
                "date: 2025-03-31\n", "date: 2025-03-31\nseries:\n  id: good-commissioning-hypothesis\n  position: 9\n"
            )
        },
        id="draft-series-part",
    ),
]


@pytest.mark.parametrize("files", ACCEPTED_INPUTS)
def test_good_cross_links_pass(hub, capsys, files):
    for name, text in files.items():
        write(hub, text, name)
    code, out, _err = check(hub, capsys)
    assert code == 0, out


@pytest.mark.parametrize(
    ("text", "line", "warning"),
    [
        pytest.param(
            "The ULO helped.",
            25,
            "'ULO' is used before it is spelled out — the first time, write 'user-led organisation (ULO)'",
            id="acronym-first",
        ),
        pytest.param(
            "Tenants chose.\n\nThen the NHS (National Health Service) and the ULO helped.",
            27,
            "'ULO' is used before it is spelled out",
            id="one-of-two",
        ),
    ],
)
def test_acronyms_used_before_they_are_spelled_out_are_warned_about(hub, capsys, text, line, warning):
    write(hub, VALID.replace("Tenants chose the provider.", text), "valid.md")
    code, out, _err = check(hub, capsys)
    assert code == 0, "a warning does not stop the build"
    warnings = [row for row in out if ": warning: " in row]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"case_studies/valid.md:{line}: warning: {warning}")


@pytest.mark.parametrize(
    "text",
    [
        "A user-led organisation (ULO) helped. Later the ULO met again.",
        "The ULO (user-led organisation) helped.",
        "Two User-Led Organisations (ULOs) and a ULO helped.",
        "The disabled people’s organisation (DPO) helped.",
        "Nothing here is an acronym, not even ulo or Ulo.",
    ],
)
def test_acronyms_spelled_out_first_are_not_warned_about(hub, capsys, text):
    write(hub, VALID.replace("Tenants chose the provider.", text), "valid.md")
    _code, out, _err = check(hub, capsys)
    assert not [row for row in out if ": warning: " in row]


def test_every_problem_in_every_file_is_reported(hub, capsys):
    write(hub, VALID.replace("place: Essex", "plcae: Essex"), "one.md")
    write(
        hub,
        VALID.replace("date: 2025-03-31", "date: 2025-02-30").replace(
            "ladder_rung: co-production", "ladder_rung: co-prod"
        ),
        "two.md",
    )
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert [
        row.split(" ")[0]
        for row in out
        if not row.startswith("case_studies/thurrock")
        and not row.startswith("case_studies/essex")
        and "note:" not in row
    ] == [
        "case_studies/one.md:1:",
        "case_studies/one.md:11:",
        "case_studies/two.md:4:",
        "case_studies/two.md:15:",
    ]


def test_a_file_that_is_not_utf8_is_named_with_its_line(hub, capsys):
    (hub / "case_studies" / "broken.md").write_bytes(
        VALID.replace("Tenants chose", "Tenants \xe9 chose").encode("latin-1")
    )
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any(row.startswith("case_studies/broken.md:25: the file is not UTF-8 text") for row in out), out


def test_two_case_studies_with_the_same_slug(hub, capsys):
    write(hub, VALID, "panel.md")
    write(hub, VALID.replace("date: 2025-03-31", "date: 2025-03-31\nslug: panel"), "panel-again.md")
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any(
        row.startswith(
            "case_studies/panel.md:1: the page address 'panel' is already used by case_studies/panel-again.md"
        )
        for row in out
    ), out


def test_a_template_file_is_not_a_case_study(hub, capsys):
    code, out, _err = check(hub, capsys)
    assert code == 0
    assert not any("_template.md" in row for row in out)


def test_terms_found_in_the_text_are_suggested(hub, capsys):
    write(
        hub,
        VALID.replace("Tenants chose the provider.", "Tenants chose the provider.\nThey use direct payments."),
        "valid.md",
    )
    code, out, _err = check(hub, capsys)
    assert code == 0
    assert "case_studies/valid.md:26: note: the text is about 'direct-payments' but 'themes' does not list it" in (
        "\n".join(out)
    )


def test_check_outside_a_hub_says_where_to_run_it(tmp_path, capsys):
    code = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("cohub: ") and "has no case_studies/ folder" in err

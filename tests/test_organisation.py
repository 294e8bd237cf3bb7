"""The organisation block in mkdocs.yml: what it accepts, and the line each problem names."""

from __future__ import annotations

import re
import textwrap
from dataclasses import fields
from datetime import date as Date
from pathlib import Path

import pytest
import yaml

from cohub.organisation import (
    AccessibilityFacts,
    Colours,
    Organisation,
    OrganisationSettingsError,
    decode_organisation,
)
from cohub.settings_lines import line_of, setting_lines

GOOD = textwrap.dedent("""\
    site_name: Hub
    extra:
      cohub:
        organisation:
          name: Northshire County Council
          address: [County Hall, Northtown, NN1 1NN]
          email: hub@northshire.example.org
          phone: 01632 960000
          hours: Monday to Thursday, 10am to 4pm
          response_days: 10
          data_protection_officer:
            email: dpo@northshire.example.org
          accessibility:
            compliance: partially
            known_problems:
              - problem: Some maps have no text version.
                criteria: ["1.1.1"]
                fix_by: 2027-06-30
            prepared: 2026-11-01
            reviewed: 2026-11-20
            tested: 2026-11-15
            tested_by: an outside auditor
            pages_chosen: a sample of 20 pages
          colours: {primary: "#0b0c0c", accent: "#1D70B8"}
    """)


def decode(text: str, exists=lambda _path: True):
    raw = yaml.safe_load(text)["extra"]["cohub"].get("organisation")
    return decode_organisation(raw, setting_lines(text), exists)


def problems(text: str, exists=lambda _path: True) -> list[str]:
    with pytest.raises(OrganisationSettingsError) as caught:
        decode(text, exists)
    return [str(problem) for problem in caught.value.problems]


def test_a_complete_block_is_read():
    organisation = decode(GOOD)
    assert organisation.name == "Northshire County Council"
    assert organisation.address == ("County Hall", "Northtown", "NN1 1NN")
    assert organisation.controller == "Northshire County Council"
    assert organisation.response_days == 10
    assert organisation.accessibility.known_problems[0].criteria == ("1.1.1",)
    assert organisation.accessibility.known_problems[0].fix_by == Date(2027, 6, 30)
    assert organisation.colours.accent == "#1d70b8"
    assert organisation.colours.dark_link == "#0b0c0c"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      email: hub@northshire.example.org\n",
            "      email: not-an-address\n",
            "mkdocs.yml:7: extra.cohub.organisation.email: 'not-an-address' is not an email address"
            " — write it like 'hub@example.gov.uk'",
        ),
        ("      email: hub@northshire.example.org\n", "", "mkdocs.yml:4: extra.cohub.organisation.email: is missing"),
        (
            "      response_days: 10\n",
            "      response_days: 400\n",
            "mkdocs.yml:10: extra.cohub.organisation.response_days: must be a whole number from 1 to 60, not 400",
        ),
        (
            "        compliance: partially\n",
            "        compliance: mostly\n",
            "mkdocs.yml:14: extra.cohub.organisation.accessibility.compliance: 'mostly' is not a compliance status"
            " — write one of: fully, partially, not",
        ),
        (
            "        compliance: partially\n",
            "        compliance: fully\n",
            "mkdocs.yml:14: extra.cohub.organisation.accessibility.compliance: says 'fully' but the block lists",
        ),
        (
            '            criteria: ["1.1.1"]\n',
            '            criteria: ["1.4.6"]\n',
            "mkdocs.yml:17: extra.cohub.organisation.accessibility.known_problems.0.criteria.0: "
            "1.4.6 is not a level A or AA success criterion of WCAG 2.2",
        ),
        (
            "        reviewed: 2026-11-20\n",
            "        reviewed: 2026-10-20\n",
            "mkdocs.yml:20: extra.cohub.organisation.accessibility.reviewed: "
            "is before the date the statement was prepared",
        ),
        (
            '      colours: {primary: "#0b0c0c", accent: "#1D70B8"}\n',
            "      colours: {primary: teal}\n",
            "mkdocs.yml:24: extra.cohub.organisation.colours.primary: 'teal' is not a hex colour",
        ),
        (
            "      hours: Monday",
            "      hour: Monday",
            "mkdocs.yml:9: extra.cohub.organisation.hour: unknown setting 'hour' — did you mean 'hours'?",
        ),
        (
            "        tested_by: an outside auditor\n",
            "",
            "mkdocs.yml:13: extra.cohub.organisation.accessibility.tested_by: is missing",
        ),
    ],
)
def test_each_problem_names_its_line_and_the_fix(old, new, expected):
    assert old in GOOD
    assert any(problem.startswith(expected) for problem in problems(GOOD.replace(old, new))), expected


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("hub@northshire.example.org", "nope").replace("response_days: 10", "response_days: 0")
    assert len(problems(text)) == 2


def test_a_missing_block_says_what_to_add():
    assert problems("extra:\n  cohub:\n    related: {}\n") == [
        "mkdocs.yml:2: extra.cohub.organisation: is missing — "
        "add the organisation that runs the hub; the README lists each setting"
    ]


@pytest.mark.parametrize(
    ("logo", "exists", "expected"),
    [
        ("assets/logo.svg", False, "docs/assets/logo.svg does not exist"),
        ("../secrets.svg", True, "'../secrets.svg' is not an SVG or PNG file in the docs folder"),
        ("assets/logo.gif", True, "'assets/logo.gif' is not an SVG or PNG file in the docs folder"),
    ],
)
def test_the_logo_must_be_an_image_in_the_docs_folder(logo, exists, expected):
    text = GOOD + f"      logo: {logo}\n"
    assert any(expected in problem for problem in problems(text, lambda _path: exists))


@pytest.mark.parametrize(
    ("image", "exists", "expected"),
    [
        ("assets/share.png", False, "docs/assets/share.png does not exist"),
        ("../share.png", True, "'../share.png' is not a PNG or JPEG file in the docs folder"),
        ("assets/share.svg", True, "'assets/share.svg' is not a PNG or JPEG file in the docs folder"),
    ],
)
def test_the_share_image_must_be_a_png_or_jpeg_in_the_docs_folder(image, exists, expected):
    text = GOOD + f"      share_image: {image}\n"
    assert any(expected in problem for problem in problems(text, lambda _path: exists))


def test_a_share_image_in_the_docs_folder_is_taken():
    assert decode(GOOD + "      share_image: assets/Share.JPG\n").share_image == "assets/Share.JPG"


def test_markup_in_a_setting_is_kept_as_text_for_the_templates_to_escape():
    organisation = decode(GOOD.replace("name: Northshire County Council", "name: <script>x</script> Council"))
    assert organisation.name == "<script>x</script> Council"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("extra", "cohub", "organisation", "email"), 7),
        (("extra", "cohub", "organisation", "address", 2), 6),
        (("extra", "cohub", "organisation", "no_such_key"), 4),
        (("nothing",), 1),
    ],
)
def test_line_of_finds_the_nearest_setting(path, line):
    assert line_of(setting_lines(GOOD), path) == line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      name: Northshire County Council\n",
            "      name: {first: Northshire}\n",
            "extra.cohub.organisation.name: must be text, not {'first': 'Northshire'}",
        ),
        (
            "      address: [County Hall, Northtown, NN1 1NN]\n",
            "      address: 7\n",
            "extra.cohub.organisation.address: must be a list, not 7",
        ),
        (
            "      hours: Monday to Thursday, 10am to 4pm\n",
            f"      hours: {'x' * 600}\n",
            "extra.cohub.organisation.hours: is 600 characters long — shorten it to 500 characters or fewer",
        ),
        (
            "        known_problems:\n",
            "        known_problems: yes\n        old_problems:\n",
            "extra.cohub.organisation.accessibility.known_problems: must be a list, not True",
        ),
        (
            "      response_days: 10\n",
            "      response_days: true\n",
            "extra.cohub.organisation.response_days: must be a whole number from 1 to 60, not True",
        ),
    ],
)
def test_hostile_values_are_refused_with_a_message(old, new, expected):
    assert old in GOOD
    assert any(expected in problem for problem in problems(GOOD.replace(old, new))), problems(GOOD.replace(old, new))


@pytest.mark.parametrize(("given", "stored"), [("#1D70B8", "#1d70b8"), ("#AbC", "#aabbcc")])
def test_colours_are_stored_as_six_lowercase_digits(given, stored):
    organisation = decode(GOOD.replace('primary: "#0b0c0c"', f'primary: "{given}"'))
    assert organisation.colours.primary == stored


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("### The organisation block", 1)[1].split("###", 1)[0]
    documented = set(re.findall(r"`([a-z_.]+)`", table))
    documented |= {name.split(".")[0] for name in documented}
    for setting in fields(Organisation):
        assert setting.name in documented, setting.name
    for facts in fields(AccessibilityFacts):
        assert f"accessibility.{facts.name}" in documented or facts.name in documented, facts.name
    for colour in fields(Colours):
        assert f"colours.{colour.name}" in documented, colour.name

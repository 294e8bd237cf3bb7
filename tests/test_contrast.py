"""Contrast ratios as WCAG defines them, and the site's colours in both schemes."""

from __future__ import annotations

from pathlib import Path

import material
import pytest

from cohub.contrast import ColourError, contrast_ratio, failing_pairs, parse_colour
from cohub.organisation import Colours
from cohub.palette import CUSTOM, PaletteError, css_variables, palette_failures, scheme_colours

STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
VARIABLES = css_variables(
    [
        path.read_text(encoding="utf-8")
        for pattern in ("main.*.min.css", "palette.*.min.css")
        for path in sorted(STYLESHEETS.glob(pattern))
    ]
)


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#fff", "#009485", 3.77),
        ("#1d70b8", "#ffffff", 5.17),
        ("#767676", "#ffffff", 4.54),
        ("#00000080", "#ffffff", 4.0),
        ("hsla(0, 0%, 0%, 0.87)", "#ffffff", 16.07),
        ("hsla(var(--md-hue), 15%, 14%, 1)", "#ffffff", 16.08),
    ],
)
def test_contrast_ratio(foreground, background, ratio):
    assert contrast_ratio(parse_colour(foreground, 225), parse_colour(background)) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("text", ["teal", "#12", "#1234567", "rgb(1,2,3)", "", "#ggg"])
def test_unreadable_colours_are_refused(text):
    with pytest.raises(ColourError):
        parse_colour(text)


def failures(primary: str, accent: str, colours: Colours | None = None) -> list[str]:
    return [
        str(pair)
        for scheme in scheme_colours(VARIABLES, primary, accent, colours)
        for pair in failing_pairs(scheme.pairs())
    ]


def test_materials_teal_fails_for_header_text_and_links():
    found = failures("teal", "teal")
    assert (
        "light scheme: header text (#ffffff) on the header (#009485) have a contrast ratio of 3.77:1, "
        "below the 4.5:1 that WCAG 2.2 AA needs"
    ) in found
    assert any(line.startswith("light scheme: links (#009485) on the page background (#ffffff)") for line in found)
    assert any(line.startswith("light scheme: focus outlines (accent) (#00bda4)") for line in found)


@pytest.mark.parametrize(
    ("colours", "expected"),
    [
        (Colours("#1d70b8", "#003078", dark_link="#85b4ff", dark_accent="#ffdd00"), []),
        (Colours("#0b0c0c", "#0b0c0c", dark_link="#ffffff", dark_accent="#ffffff"), []),
        (
            Colours("#ffdd00", "#003078", dark_link="#ffdd00", dark_accent="#ffdd00"),
            ["light scheme: header text", "light scheme: links (#ffdd00)", "dark scheme: header text"],
        ),
        (
            Colours("#1d70b8", "#003078", dark_link="#1d70b8", dark_accent="#003078"),
            [
                "dark scheme: links (#1d70b8) on the page background (#1e2129) have a contrast ratio of 3.11:1",
                "dark scheme: links under the pointer (accent)",
                "dark scheme: focus outlines (accent)",
            ],
        ),
    ],
)
def test_custom_colours_are_checked_in_both_schemes(colours, expected):
    found = failures(CUSTOM, CUSTOM, colours)
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start)


@pytest.mark.parametrize(
    ("primary", "accent", "message"),
    [
        ("tealish", "indigo", "theme.palette.primary: 'tealish' is not one of Material's colours"),
        ("indigo", "purplish", "theme.palette.accent: 'purplish' is not one of Material's colours"),
        (CUSTOM, "indigo", "theme.palette names 'custom' colours, but extra.cohub.organisation has no 'colours'"),
    ],
)
def test_unknown_palette_names_are_refused(primary, accent, message):
    with pytest.raises(PaletteError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scheme_colours(VARIABLES, primary, accent, None)


def test_a_ratio_just_under_the_minimum_fails():
    # #777777 on white is 4.48:1, which rounds to 4.5 but does not reach it.
    found = failures(CUSTOM, CUSTOM, Colours("#0b0c0c", "#777777", dark_link="#ffffff", dark_accent="#ffffff"))
    assert found == [
        "light scheme: links under the pointer (accent) (#777777) on the page background (#ffffff) "
        "have a contrast ratio of 4.48:1, below the 4.5:1 that WCAG 2.2 AA needs"
    ]


def test_each_failing_pair_is_reported_once_for_palettes_that_repeat_colours():
    palettes = [
        {"scheme": "default", "primary": "teal", "accent": "teal"},
        {"scheme": "slate", "primary": "teal", "accent": "teal"},
    ]
    assert len(palette_failures(VARIABLES, palettes, None)) == len(failures("teal", "teal"))
    assert palette_failures(VARIABLES, [{"scheme": "default"}], None) == palette_failures(
        VARIABLES, [{"primary": "indigo", "accent": "indigo"}], None
    )

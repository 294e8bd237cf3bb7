"""The site's colours in each colour scheme, and the pairs that must meet WCAG AA.

Material for MkDocs names its colours (``indigo``, ``teal``...) and defines
them in its stylesheets; a council can instead give any hex colours in the
organisation block (``colours``). Either way the hub works out what a reader
sees in the light ("default") and dark ("slate") schemes from Material's own
stylesheets, so the check follows the installed Material, not a copy of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.contrast import NON_TEXT_RATIO, TEXT_RATIO, Colour, ColourError, ColourPair, failing_pairs, parse_colour

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cohub.organisation import Colours

SCHEMES = (("light", "default"), ("dark", "slate"))
CUSTOM = "custom"

_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
_DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;]+)")


class PaletteError(ValueError):
    """The palette names a colour that Material does not define, or cannot be checked."""


def css_variables(stylesheets: Iterable[str]) -> Mapping[str, Mapping[str, str]]:
    """The custom properties each selector sets, from flat rules in ``stylesheets`` (later ones win).

    A rule for a list of selectors counts for each of them; rules nested in
    ``@media`` blocks count as if they were not nested.
    """
    found: dict[str, dict[str, str]] = {}
    for css in stylesheets:
        for selectors, body in _RULE.findall(css):
            declarations = dict(_DECLARATION.findall(body))
            if not declarations:
                continue
            for selector in selectors.split(","):
                found.setdefault(selector.strip(), {}).update(declarations)
    return found


@dataclass(frozen=True)
class SchemeColours:
    """What a reader sees in one colour scheme."""

    scheme: str
    background: Colour
    header: Colour
    header_text: Colour
    link: Colour
    accent: Colour

    def pairs(self) -> tuple[ColourPair, ...]:
        """The pairs WCAG 2.2 AA asks to stand apart: header text, links, links under the pointer, focus outlines."""
        return (
            ColourPair(self.scheme, "header text", "the header", self.header_text, self.header, TEXT_RATIO),
            ColourPair(self.scheme, "links", "the page background", self.link, self.background, TEXT_RATIO),
            ColourPair(
                self.scheme,
                "links under the pointer (accent)",
                "the page background",
                self.accent,
                self.background,
                TEXT_RATIO,
            ),
            ColourPair(
                self.scheme,
                "focus outlines (accent)",
                "the page background",
                self.accent,
                self.background,
                NON_TEXT_RATIO,
            ),
        )


def scheme_colours(
    variables: Mapping[str, Mapping[str, str]], primary: str, accent: str, colours: Colours | None
) -> tuple[SchemeColours, ...]:
    """The colours of the light and dark schemes.

    Args:
        variables: Material's custom properties by selector (:func:`css_variables`).
        primary: The palette's primary colour name (``custom`` for the organisation's own).
        accent: The palette's accent colour name.
        colours: The organisation's own colours, used for ``custom`` names.

    Raises:
        PaletteError: When a name is not one of Material's colours, or is
            ``custom`` with no colours in the organisation block.
    """
    root = variables.get(":root", {})
    hue = float(re.sub(r"[^\d.]", "", root.get("--md-hue", "225")) or 225)

    def read(value: str, where: str) -> Colour:
        try:
            return parse_colour(value, hue)
        except ColourError:
            raise PaletteError(f"{where}: {value!r} is not a colour the hub can check") from None

    if CUSTOM in (primary, accent) and colours is None:
        raise PaletteError("theme.palette names 'custom' colours, but extra.cohub.organisation has no 'colours'")
    primary_rule = variables.get(f"[data-md-color-primary={primary}]", {})
    accent_rule = variables.get(f"[data-md-color-accent={accent}]", {})
    if primary != CUSTOM and "--md-primary-fg-color" not in primary_rule:
        raise PaletteError(f"theme.palette.primary: '{primary}' is not one of Material's colours")
    if accent != CUSTOM and "--md-accent-fg-color" not in accent_rule:
        raise PaletteError(f"theme.palette.accent: '{accent}' is not one of Material's colours")
    schemes = []
    for label, scheme in SCHEMES:
        scheme_rule = variables.get(f"[data-md-color-scheme={scheme}]", {})
        background = read(
            scheme_rule.get("--md-default-bg-color") or root.get("--md-default-bg-color", "#fff"), f"scheme {scheme}"
        )
        if primary == CUSTOM and colours is not None:
            header = read(colours.primary, "primary")
            header_text = read(colours.header_text, "header_text")
            link = read(colours.primary if scheme == "default" else colours.dark_link, "link")
        else:
            header = read(primary_rule["--md-primary-fg-color"], f"primary {primary}")
            header_text = read(primary_rule.get("--md-primary-bg-color", "#fff"), f"primary {primary}")
            link_rule = variables.get(f"[data-md-color-scheme={scheme}][data-md-color-primary={primary}]", {})
            link = read(
                link_rule.get("--md-typeset-a-color")
                or primary_rule.get("--md-typeset-a-color")
                or primary_rule["--md-primary-fg-color"],
                f"primary {primary}",
            )
        if accent == CUSTOM and colours is not None:
            accent_colour = read(colours.accent if scheme == "default" else colours.dark_accent, "accent")
        else:
            accent_colour = read(accent_rule["--md-accent-fg-color"], f"accent {accent}")
        schemes.append(
            SchemeColours(
                label, background.over(Colour(1, 1, 1)), header.over(background), header_text, link, accent_colour
            )
        )
    return tuple(schemes)


def palette_failures(
    variables: Mapping[str, Mapping[str, str]], palettes: Iterable[Mapping[str, str]], colours: Colours | None
) -> tuple[ColourPair, ...]:
    """Every pair below WCAG 2.2 AA, in both schemes, for each palette the theme lists (each pair once).

    Args:
        variables: Material's custom properties by selector (:func:`css_variables`).
        palettes: ``theme.palette`` from ``mkdocs.yml``, as a list of mappings;
            a missing colour is Material's default, ``indigo``.
        colours: The organisation's own colours, for ``custom`` names.

    Raises:
        PaletteError: As :func:`scheme_colours`.
    """
    failures: dict[ColourPair, None] = {}
    for palette in palettes:
        for scheme in scheme_colours(
            variables, palette.get("primary") or "indigo", palette.get("accent") or "indigo", colours
        ):
            failures.update(dict.fromkeys(failing_pairs(scheme.pairs())))
    return tuple(failures)

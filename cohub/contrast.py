"""Colour contrast as WCAG 2.2 defines it.

Colours are read from the CSS forms Material for MkDocs uses: ``#rgb``,
``#rrggbb``, ``#rrggbbaa`` and ``hsla(H, S%, L%, A)``. A colour that is not
opaque is first laid over the colour behind it, as a browser paints it.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

# WCAG 2.2 AA: 1.4.3 for text, 1.4.11 for focus outlines and other parts of controls.
TEXT_RATIO = 4.5
NON_TEXT_RATIO = 3.0

_HEX = re.compile(r"#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_HSLA = re.compile(r"hsla?\(\s*(-?[\d.]+)(?:deg)?\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*(?:,\s*([\d.]+)(%?)\s*)?\)")


class ColourError(ValueError):
    """A colour is written in a form this module cannot read."""


@dataclass(frozen=True)
class Colour:
    """A colour in sRGB, each channel from 0 to 1, with its opacity."""

    red: float
    green: float
    blue: float
    alpha: float = 1.0

    def over(self, background: Colour) -> Colour:
        """This colour painted over an opaque ``background``."""
        if self.alpha >= 1:
            return self
        mix = self.alpha
        return Colour(
            *(
                mix * own + (1 - mix) * behind
                for own, behind in (
                    (self.red, background.red),
                    (self.green, background.green),
                    (self.blue, background.blue),
                )
            )
        )

    @property
    def hex(self) -> str:
        """The opaque colour as ``#rrggbb``."""
        return "#" + "".join(f"{round(channel * 255):02x}" for channel in (self.red, self.green, self.blue))

    @property
    def luminance(self) -> float:
        """Relative luminance (WCAG 2.2, "relative luminance")."""

        def linear(channel: float) -> float:
            return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue)


def parse_colour(text: str, hue: float = 0.0) -> Colour:
    """Read a CSS colour.

    Args:
        text: ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, or ``hsl()``/``hsla()``.
        hue: What ``var(--md-hue)`` stands for in an ``hsla()`` colour.

    Raises:
        ColourError: When the text is none of these.
    """
    value = text.strip().replace("var(--md-hue)", f"{hue:g}")
    if match := _HEX.fullmatch(value):
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(digit * 2 for digit in digits)
        channels = [int(digits[index : index + 2], 16) / 255 for index in range(0, len(digits), 2)]
        return Colour(*channels)
    if match := _HSLA.fullmatch(value):
        degrees, saturation, lightness, alpha, percent = match.groups()
        red, green, blue = colorsys.hls_to_rgb(
            float(degrees) % 360 / 360, float(lightness) / 100, float(saturation) / 100
        )
        opacity = 1.0 if alpha is None else float(alpha) / (100 if percent else 1)
        return Colour(red, green, blue, min(opacity, 1.0))
    raise ColourError(f"{text!r} is not a colour")


def contrast_ratio(foreground: Colour, background: Colour) -> float:
    """The contrast ratio of two colours, from 1 to 21 (the foreground laid over the background)."""
    lighter, darker = sorted((foreground.over(background).luminance, background.luminance), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class ColourPair:
    """Two colours that must stand apart, and how far.

    Attributes:
        scheme: The colour scheme they are seen in, such as "light".
        what: What is drawn in the foreground colour, such as "links".
        on: What it is drawn on, such as "the page background".
        foreground: The colour drawn.
        background: The colour behind it.
        minimum: The ratio WCAG 2.2 AA asks for.
    """

    scheme: str
    what: str
    on: str
    foreground: Colour
    background: Colour
    minimum: float

    @property
    def ratio(self) -> float:
        """Their contrast ratio."""
        return contrast_ratio(self.foreground, self.background)

    @property
    def passes(self) -> bool:
        """Whether the ratio reaches the minimum (compared at two decimals, as checkers report it)."""
        return _floor2(self.ratio) >= self.minimum

    @property
    def shown_ratio(self) -> str:
        """The ratio to two decimals, as checkers show it; a failing ratio never shows as the minimum."""
        shown = round(self.ratio, 2)
        if not self.passes and shown >= self.minimum:
            shown = _floor2(self.ratio)
        return f"{shown:.2f}:1"

    def __str__(self) -> str:
        return (
            f"{self.scheme} scheme: {self.what} ({self.foreground.over(self.background).hex}) on {self.on} "
            f"({self.background.hex}) have a contrast ratio of {self.shown_ratio}, "
            f"below the {self.minimum:g}:1 that WCAG 2.2 AA needs"
        )


def _floor2(ratio: float) -> float:
    # Rounding 4.499 up to 4.50 would pass a pair that fails.
    return int(ratio * 100) / 100


def failing_pairs(pairs: tuple[ColourPair, ...]) -> tuple[ColourPair, ...]:
    """The pairs below their minimum ratio, in the order given."""
    return tuple(pair for pair in pairs if not pair.passes)

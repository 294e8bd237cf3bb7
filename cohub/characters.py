"""Characters that have no place in a case study's text, found before anything shows them.

Control characters can end a page's title early (a NUL did), direction
overrides make text read differently from how it is stored, zero-width
characters hide inside names, and non-characters are not text at all.
"""

from __future__ import annotations

import re
import unicodedata

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# Direction overrides, embeddings and isolates: enough to make stored text read differently.
_DIRECTION_CONTROLS = "\u202a-\u202e\u2066-\u2069"

# In front matter (titles, names, summaries, places) every control, format or
# separator character is refused; a newline is allowed for YAML's folded text.
_FIELD_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    f"\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff{_NONCHARACTERS}]"
)
# A story may need joiners, soft hyphens and direction marks for some languages,
# but never a control character (tabs and line ends aside) or an override.
_BODY_UNSAFE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_DIRECTION_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]"
)

_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def describe(character: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character by its code and name."""
    name = unicodedata.name(character, "")
    if not name:
        name = "a control character" if unicodedata.category(character) == "Cc" else "not a character"
    return f"U+{ord(character):04X} ({name})"


def unsafe_in_field(text: str) -> str | None:
    """The first character that a front-matter value must not hold, if any."""
    # Python's printable characters include none of these: most values need no more than this test.
    if text.isprintable():
        return None
    found = _FIELD_UNSAFE.search(text)
    return found.group() if found else None


def unsafe_in_body(text: str) -> tuple[int, str] | None:
    """The offset and character of the first one that a story must not hold, if any."""
    if text.isascii():
        found = _ASCII_CONTROL.search(text)
        return (found.start(), found.group()) if found else None
    # A story uses a few dozen distinct characters: test those, and search the text only if one is unsafe.
    if not any(_BODY_UNSAFE.match(character) for character in set(text) if not character.isprintable()):
        return None
    found = _BODY_UNSAFE.search(text)
    return (found.start(), found.group()) if found else None

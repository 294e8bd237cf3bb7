"""Problems found in contributors' files, reported as ``path:line: message``."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, and how to put it right.

    Attributes:
        path: The file, relative to the hub's root (for example
            ``case_studies/thurrock.md``).
        line: The 1-based line the problem is on.
        message: What is wrong.
        fix: How to put it right; empty when the message says it all.
    """

    path: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class ProblemError(Exception):
    """Raised when a file cannot be read any further; carries its problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "see taxonomy/ for the allowed values") -> str:
    """Suggest the nearest valid name, as the end of a fix sentence.

    Args:
        word: The name the contributor wrote.
        choices: The names that are allowed.
        otherwise: What to say when nothing is near and there are too many
            names to list.

    Returns:
        ``did you mean 'x'?`` or a list of what is allowed when nothing is near.
    """
    options = sorted(choices)
    close = get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if len(options) <= 12:
        return "use one of: " + ", ".join(options)
    return otherwise


def line_finder(text: str, first_line: int) -> Callable[[int], int]:
    """A function from an offset in ``text`` to its file line, given the line ``text`` starts on."""
    line_ends = [found.start() for found in re.finditer("\n", text)]
    return lambda offset: first_line + bisect_right(line_ends, offset - 1)


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with every character that does not print (controls, hidden ones, halves of a pair)
    written as a backslash escape: safe to show whatever a file held."""
    if text.isprintable():
        shown = text
    else:
        shown = "".join(
            character if character.isprintable() else character.encode("unicode_escape").decode("ascii")
            for character in text
        )
    return shown[:limit] if limit is not None else shown

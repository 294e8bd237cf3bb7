"""Whole-word search for phrases, fast enough to run every term and name over every case study."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Container, Iterable, Iterator

_WORD = re.compile(r"\w+")


def _is_word_character(character: str, joiners: str = "") -> bool:
    """Whether ``character`` is part of a word: a letter, digit or "_", or one of ``joiners``."""
    return character.isalnum() or character == "_" or character in joiners


def acronym_forms(abbreviation: str) -> tuple[str, str]:
    """How an acronym is written where it is used: as it is, and with a plural "s" ("PA", "PAs")."""
    return abbreviation, f"{abbreviation}s"


@cache
def acronym_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str]:
    """Where acronyms are used: the one rule for ``<abbr>``, first-mention links, warnings and search.

    An acronym is used where one of its ``acronym_forms`` stands as a word of
    its own, in its own case: no letter, digit or "_" touches it on either
    side. A hyphen, an apostrophe or a space ends a word, so "ULO-like",
    "NHS-funded", "the ULO's" and "PAs" use an acronym; "DPO" is not "DP",
    and "PAYE" is not "PA". The group ``abbreviation`` of a match is the
    acronym as the taxonomy gives it.

    Args:
        abbreviations: The acronyms, as a tuple so the pattern is made once.
    """
    if not abbreviations:
        return re.compile(r"(?!)")
    # Longest first, so that "DPO" is never read as "DP" followed by "O".
    alternatives = "|".join(map(re.escape, sorted(set(abbreviations), key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?P<abbreviation>{alternatives})s?(?!\w)")


def words_of(text: str) -> frozenset[str]:
    """The distinct words (runs of letters, digits and "_") in ``text``."""
    return frozenset(_WORD.findall(text))


@dataclass(frozen=True)
class _Phrase:
    """One phrase: the words a text must have to hold it, and its pattern."""

    words: frozenset[str]
    # The last word, with and without a plural "s", where the phrase may take one.
    last_word: tuple[str, ...]
    pattern: re.Pattern[str]

    def could_be_in(self, words: Collection[str]) -> bool:
        return all(word in words for word in self.words) and (
            not self.last_word or any(word in words for word in self.last_word)
        )


@dataclass(frozen=True)
class WholeWordPattern:
    """Finds any of some phrases in a text where they stand as whole words.

    A phrase can only be in a text whose words include all of the phrase's
    words, so set look-ups rule out most phrases for most texts. Only then
    is the phrase's own pattern searched. Each phrase has a pattern of its
    own, case-sensitive and with no look-behind: an alternation of phrases,
    ignoring case or a look-behind would each stop the regex engine from
    skipping ahead to the phrase's first letters, making every search many
    times slower. The boundary before a match is checked by hand instead.

    Attributes:
        phrases: The phrases, each with the words it needs.
        joiners: Characters other than letters, digits and "_" that join
            words, so that a phrase next to one is part of a longer word.
    """

    phrases: tuple[_Phrase, ...]
    joiners: str = ""

    @classmethod
    def of_phrases(
        cls, phrases: Iterable[str], *, between: str = r"\s+", plural: bool = False, joiners: str = ""
    ) -> WholeWordPattern:
        """A pattern for ``phrases``, matched with their case as given.

        Args:
            phrases: The phrases. A phrase with no letter or digit cannot be
                told apart from punctuation, and is left out.
            between: What may stand between two words: the phrases are split
                into words where it matches.
            plural: Whether each phrase may end in an extra "s".
            joiners: See the class.
        """
        boundary = rf"(?![\w{re.escape(joiners)}])"
        built = []
        for phrase in dict.fromkeys(phrases):
            parts = [part for part in re.split(between, phrase) if part]
            words = _WORD.findall(" ".join(parts))
            if not words:
                continue
            last_word: tuple[str, ...] = ()
            if plural and parts[-1].endswith(words[-1]):
                last_word = (words[-1], words[-1] + "s")
                words = words[:-1]
            pattern = re.compile(between.join(map(re.escape, parts)) + ("s?" if plural else "") + boundary)
            built.append(_Phrase(frozenset(words), last_word, pattern))
        return cls(tuple(built), joiners)

    def find(self, text: str, words: Collection[str]) -> int | None:
        """Where in ``text`` a phrase first stands as whole words, if anywhere.

        Args:
            text: The text, in the case the phrases were given in.
            words: What rules phrases out before their patterns run: the
                text's ``words_of``, worked out once per text, or the text
                itself. The words rule out more, but the text costs nothing
                to make, which is quicker for a few phrases.
        """
        first = None
        for phrase in self.phrases:
            if not phrase.could_be_in(words):
                continue
            for match in phrase.pattern.finditer(text):
                start = match.start()
                if first is not None and start >= first:
                    break
                if start == 0 or not _is_word_character(text[start - 1], self.joiners):
                    first = start
                    break
        return first


class PhraseFinder:
    """Finds whole-word, case-sensitive mentions of many phrases in one pass over a text.

    Each phrase is filed under its first word, so a text costs one look-up per
    word however many phrases there are (a large hub names hundreds of
    organisations). A phrase without a letter or digit cannot be told apart
    from punctuation and is never found.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first_word: dict[str, list[tuple[str, int]]] = {}
        # Longest first, so "Thurrock Council" wins over "Thurrock" where both start.
        for phrase in sorted(phrases, key=len, reverse=True):
            word = _WORD.search(phrase)
            if word is not None:
                self._by_first_word.setdefault(word.group(), []).append((phrase, word.start()))

    def mentions(self, text: str, wanted: Container[str]) -> Iterator[tuple[int, str]]:
        """The start and phrase of each mention in ``text`` of a phrase in ``wanted``, left to right."""
        # Most runs of text hold no phrase's first word; listing the words is far quicker than walking them.
        if self._by_first_word.keys().isdisjoint(_WORD.findall(text)):
            return
        searched_to = 0
        for word in _WORD.finditer(text):
            for phrase, offset in self._by_first_word.get(word.group(), ()):
                start = word.start() - offset
                end = start + len(phrase)
                if (
                    phrase in wanted
                    and start >= searched_to
                    and text.startswith(phrase, start)
                    and (start == 0 or not _is_word_character(text[start - 1]))
                    and (end == len(text) or not _is_word_character(text[end]))
                ):
                    yield start, phrase
                    searched_to = end
                    break

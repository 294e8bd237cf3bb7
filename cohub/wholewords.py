"""Whole-word search for phrases, fast enough to run every term over every case study."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

_WORD = re.compile(r"\w+")


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
            not self.last_word or any(word in words for word in self.last_word))


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
    def of_phrases(cls, phrases: Iterable[str], *, between: str = r"\s+", plural: bool = False,
                   joiners: str = "") -> WholeWordPattern:
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
                if start == 0 or not self._in_word(text[start - 1]):
                    first = start
                    break
        return first

    def _in_word(self, character: str) -> bool:
        return character.isalnum() or character == "_" or character in self.joiners

"""Whole-word phrase search: the pre-tests never hide a match the pattern would find."""

from __future__ import annotations

import pytest

from cohub.wholewords import WholeWordPattern, words_of

DIRECT_PAYMENT = WholeWordPattern.of_phrases(["direct payments", "direct payment", "dp support"])
ULO = WholeWordPattern.of_phrases(["ULO"], plural=True, joiners="-")
USER_LED = WholeWordPattern.of_phrases(["user-led organisation"], between=r"[\s-]+", plural=True)
PEOPLES = WholeWordPattern.of_phrases(["disabled people's organisation"], between=r"[\s-]+", plural=True)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (DIRECT_PAYMENT, "a direct payment", 2),
        (DIRECT_PAYMENT, "direct payments", 0),
        (DIRECT_PAYMENT, "direct\n  payment", 0),
        (DIRECT_PAYMENT, "indirect payment, then a direct payment", 25),
        (DIRECT_PAYMENT, "direct paymentship", None),
        (DIRECT_PAYMENT, "direct_payment", None),
        (DIRECT_PAYMENT, "the payment was direct", None),
        # Whichever phrase comes first in the text, not in the list.
        (DIRECT_PAYMENT, "dp support before direct payments", 0),
        (DIRECT_PAYMENT, "", None),
        (ULO, "the ULO", 4),
        (ULO, "two ULOs", 4),
        (ULO, "ULO-led", None),
        (ULO, "non-ULO work", None),
        (ULO, "a ULOS", None),
        (ULO, "ulo", None),
        (ULO, "(ULO)", 1),
        (USER_LED, "user led organisations", 0),
        (USER_LED, "a user-led-organisation", 2),
        (USER_LED, "user-led organisationally", None),
        (USER_LED, "superuser-led organisation", None),
        (PEOPLES, "disabled people's organisations", 0),
        (PEOPLES, "disabled people s organisation", None),
    ],
)
def test_a_phrase_is_found_only_as_whole_words(pattern, text, expected):
    assert pattern.find(text, words_of(text)) == expected
    # The text itself is a looser pre-test; the answer is the same.
    assert pattern.find(text, text) == expected


def test_a_phrase_with_no_letter_or_digit_is_left_out():
    pattern = WholeWordPattern.of_phrases(["--", "  ", "care home"])
    assert len(pattern.phrases) == 1
    assert pattern.find("a care home", words_of("a care home")) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Co-production, again: co-production!", {"Co", "production", "again", "co"}),
        ("people’s_choice 2024", {"people", "s_choice", "2024"}),
        ("", set()),
    ],
)
def test_words_are_runs_of_letters_digits_and_underscores(text, expected):
    assert words_of(text) == expected

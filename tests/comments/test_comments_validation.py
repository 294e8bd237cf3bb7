"""Checks on the submitted comment form."""

from __future__ import annotations

import pytest

from cohub.comments.validation import validate_comment_form

KNOWN = frozenset({"x", "y"})

GOOD = {
    "page": "x",
    "comment": "This helped our team a lot.",
    "name": "Sam",
    "email": "sam@example.com",
    "consent": "yes",
    "website": "",
}

ENTER_COMMENT = "Enter your comment"
TOO_SHORT = "Your comment must be 3 characters or more"
TOO_LONG = "Your comment must be 5,000 characters or fewer"
NAME_TOO_LONG = "Your name must be 100 characters or fewer"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Your email address must be 254 characters or fewer"
CONSENT = "Select the box to agree to the privacy notice"
UNKNOWN_PAGE = "We could not tell which case study your comment is about. Go back to the case study and try again"


@pytest.mark.parametrize(
    ("changes", "expected_errors"),
    (
        ({}, {}),
        ({"comment": ""}, {"comment": ENTER_COMMENT}),
        ({"comment": "  \n\t \r\n "}, {"comment": ENTER_COMMENT}),
        ({"comment": "ab"}, {"comment": TOO_SHORT}),
        ({"comment": "  ab  "}, {"comment": TOO_SHORT}),
        ({"comment": "abc"}, {}),
        ({"comment": "a" * 5000}, {}),
        ({"comment": "\n  " + "a" * 5000 + "  \n"}, {}),
        ({"comment": "a" * 5001}, {"comment": TOO_LONG}),
        ({"comment": "é" * 5000}, {}),
        ({"name": ""}, {}),
        ({"name": "n" * 100}, {}),
        ({"name": "n" * 101}, {"name": NAME_TOO_LONG}),
        ({"email": ""}, {}),
        ({"email": "  "}, {}),
        ({"email": "name@example.co.uk"}, {}),
        ({"email": " sam@example.com "}, {}),
        ({"email": "not-an-email"}, {"email": EMAIL_FORMAT}),
        ({"email": "sam@example"}, {"email": EMAIL_FORMAT}),
        ({"email": "sam@@example.com"}, {"email": EMAIL_FORMAT}),
        ({"email": "sam smith@example.com"}, {"email": EMAIL_FORMAT}),
        ({"email": "sam@example..com"}, {"email": EMAIL_FORMAT}),
        ({"email": "a" * 242 + "@example.com"}, {}),
        ({"email": "a" * 243 + "@example.com"}, {"email": EMAIL_TOO_LONG}),
        ({"consent": ""}, {"consent": CONSENT}),
        ({"page": "unknown"}, {"page": UNKNOWN_PAGE}),
        ({"page": ""}, {"page": UNKNOWN_PAGE}),
        ({"page": " y "}, {}),
    ),
)
def test_each_field_is_checked(changes: dict[str, str], expected_errors: dict[str, str]) -> None:
    result = validate_comment_form({**GOOD, **changes}, KNOWN)

    assert result.error_messages() == expected_errors
    assert result.is_valid is (not expected_errors)


@pytest.mark.parametrize("missing", ("comment", "consent", "page"))
def test_missing_required_fields_are_errors(missing: str) -> None:
    fields = {name: value for name, value in GOOD.items() if name != missing}

    assert missing in validate_comment_form(fields, KNOWN).error_messages()


@pytest.mark.parametrize("missing", ("name", "email", "website"))
def test_missing_optional_fields_are_fine(missing: str) -> None:
    fields = {name: value for name, value in GOOD.items() if name != missing}

    assert validate_comment_form(fields, KNOWN).is_valid


def test_errors_come_in_form_order() -> None:
    result = validate_comment_form({"page": "nowhere", "email": "bad", "name": "n" * 101}, KNOWN)

    assert tuple(error.field for error in result.errors) == ("comment", "name", "email", "consent", "page")
    assert result.error_messages()["email"] == EMAIL_FORMAT


@pytest.mark.parametrize(("website", "is_spam"), (("", False), ("   ", False), ("http://spam.example", True)))
def test_the_honeypot_marks_spam(website: str, is_spam: bool) -> None:
    assert validate_comment_form({**GOOD, "website": website}, KNOWN).is_spam is is_spam


def test_values_are_cleaned_for_storage() -> None:
    result = validate_comment_form(
        {
            **GOOD,
            "comment": "\r\n First line\r\nsecond\x00 line\r\n\r\nNext paragraph\x07\t \n",
            "name": "  Sam \t  Jones ",
            "email": " sam@example.com ",
        },
        KNOWN,
    )

    assert result.body == "First line\nsecond line\n\nNext paragraph"
    assert result.name == "Sam Jones"
    assert result.email == "sam@example.com"
    assert result.page == "x"


def test_the_form_keeps_exactly_what_was_typed() -> None:
    typed = {**GOOD, "comment": "  a\r\n", "name": " Sam ", "consent": ""}

    form = validate_comment_form(typed, KNOWN).form

    assert (form.comment, form.name, form.email, form.consent, form.page) == (
        "  a\r\n",
        " Sam ",
        "sam@example.com",
        False,
        "x",
    )

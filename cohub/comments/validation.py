"""Checks on a submitted comment form. Pure: no input or output.

Error messages follow the GOV.UK Design System: they say what to do, in
plain English, and are shown both in the error summary and beside the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = (
    "COMMENT_MAX_LENGTH",
    "COMMENT_MIN_LENGTH",
    "EMAIL_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "CommentForm",
    "FieldError",
    "ValidationResult",
    "validate_comment_form",
)

COMMENT_MIN_LENGTH = 3
COMMENT_MAX_LENGTH = 5_000
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254

# Deliberately loose: something, an @, and a domain with a dot. Stricter
# patterns turn away real addresses.
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

# Control characters cannot be typed into a form and only cause trouble
# later; tabs and new lines are kept.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CommentForm:
    """What the person sent, exactly as typed, for showing the form again."""

    comment: str = ""
    name: str = ""
    email: str = ""
    consent: bool = False
    page: str = ""
    website: str = ""

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> CommentForm:
        """Build a form from submitted fields; missing fields count as empty.

        Args:
            fields: Field name to value, as decoded from the request body.
        """
        return cls(
            comment=fields.get("comment", ""),
            name=fields.get("name", ""),
            email=fields.get("email", ""),
            # Only the checkbox's own value is a yes: "no", "0" or "false" are not consent.
            consent=fields.get("consent", "") == "yes",
            page=fields.get("page", ""),
            website=fields.get("website", ""),
        )


@dataclass(frozen=True)
class FieldError:
    """One problem with one field. ``field`` is also the input's id."""

    field: str
    message: str


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of checking a form.

    ``body``, ``name``, ``email`` and ``page`` are the cleaned values to store;
    they are only meaningful when ``errors`` is empty.
    """

    form: CommentForm
    errors: tuple[FieldError, ...]
    body: str
    name: str
    email: str
    page: str

    @property
    def is_valid(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    @property
    def is_spam(self) -> bool:
        """True when the hidden "Leave this field empty" field was filled in."""
        return bool(self.form.website.strip())

    def error_messages(self) -> dict[str, str]:
        """Return field id to error message, in form order."""
        return {error.field: error.message for error in self.errors}


def _clean(text: str) -> str:
    return _CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _comment_error(body: str) -> str | None:
    if not body:
        return "Enter your comment"
    if len(body) < COMMENT_MIN_LENGTH:
        return f"Your comment must be {COMMENT_MIN_LENGTH} characters or more"
    if len(body) > COMMENT_MAX_LENGTH:
        return f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer"
    return None


def _name_error(name: str) -> str | None:
    if len(name) > NAME_MAX_LENGTH:
        return f"Your name must be {NAME_MAX_LENGTH} characters or fewer"
    return None


def _email_error(email: str) -> str | None:
    if len(email) > EMAIL_MAX_LENGTH:
        return f"Your email address must be {EMAIL_MAX_LENGTH} characters or fewer"
    if email and not _EMAIL_PATTERN.fullmatch(email):
        return "Enter an email address in the correct format, like name@example.com"
    return None


def validate_comment_form(fields: Mapping[str, str], known_pages: frozenset[str]) -> ValidationResult:
    """Check a submitted comment form.

    Args:
        fields: Field name to value, as decoded from the request body.
        known_pages: Slugs of the case studies that can be commented on.

    Returns:
        The result, with one error per field that needs changing, in the
        order the fields appear on the form.
    """
    form = CommentForm.from_fields(fields)
    body = _clean(form.comment)
    name = " ".join(_clean(form.name).split())
    email = _clean(form.email)
    page = form.page.strip()
    # Listed in the order the fields appear on the form.
    candidate_errors = (
        ("comment", _comment_error(body)),
        ("name", _name_error(name)),
        ("email", _email_error(email)),
        ("consent", None if form.consent else "Select the box to agree to the privacy notice"),
        (
            "page",
            None
            if page in known_pages
            else "We could not tell which case study your comment is about. Go back to the case study and try again",
        ),
    )
    errors = tuple(FieldError(field, message) for field, message in candidate_errors if message is not None)
    return ValidationResult(form=form, errors=errors, body=body, name=name, email=email, page=page)

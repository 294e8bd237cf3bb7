"""What the privacy notice says: who controls the data, what is kept, why, on what basis, for how long.

The hub itself collects personal data only through the comment form; reading
and searching the site send nothing about the reader to anyone. The lawful
bases and rights are those of the UK GDPR; retention periods come from the
comment service's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cohub.comments.settings import RetentionPeriod
    from cohub.organisation import Organisation

ICO_COMPLAINT_URL = "https://ico.org.uk/make-a-complaint/"
ICO_HELPLINE = "0303 123 1113"

CONSENT = "Consent (UK GDPR Article 6(1)(a)): you choose to send a comment, and you can withdraw your consent."
PUBLIC_TASK = (
    "Public task (UK GDPR Article 6(1)(e)): keeping the comment service safe from spam and abuse is part of running it."
)


@dataclass(frozen=True)
class DataUse:
    """One kind of personal data: what it is, why it is used, the lawful basis and how long it is kept."""

    what: str
    why: str
    lawful_basis: str
    kept_for: str


@dataclass(frozen=True)
class Right:
    """A right people have over their data, in plain words."""

    name: str
    meaning: str


RIGHTS = (
    Right("to be told", "what we do with your information. This notice does that."),
    Right("of access", "to get a copy of the information we hold about you."),
    Right("to correct", "information that is wrong or not complete."),
    Right("to delete", "your information (sometimes called the right to be forgotten)."),
    Right("to restrict", "how we use your information, for example while we check it is correct."),
    Right(
        "to data portability",
        "to get the information you gave us in a form a computer can read, to use somewhere else.",
    ),
    Right("to object", "to how we use your information."),
    Right(
        "to withdraw consent",
        "at any time, where we use your information because you agreed. "
        "This does not affect what we did before you withdrew it.",
    ),
    Right(
        "about automated decisions",
        "not to be subject to decisions made only by a computer. "
        "We make no such decisions: a person reads every comment.",
    ),
)


@dataclass(frozen=True)
class PrivacyNotice:
    """Everything the privacy notice page shows."""

    site_name: str
    organisation: Organisation
    uses: tuple[DataUse, ...]
    recipients: tuple[str, ...]
    retention: tuple[RetentionPeriod, ...] = ()
    rights: tuple[Right, ...] = RIGHTS
    ico_complaint_url: str = ICO_COMPLAINT_URL
    ico_helpline: str = ICO_HELPLINE


def days(count: int) -> str:
    """ "1 day", "30 days"."""
    return f"{count} day{'' if count == 1 else 's'}"


def privacy_notice(
    organisation: Organisation,
    site_name: str,
    retention: tuple[RetentionPeriod, ...],
) -> PrivacyNotice:
    """The notice for a site run by ``organisation``, with the comment service's retention periods."""
    period = {each.status: days(each.days) for each in retention}
    until_removed = (
        f"While the comment is on the website, or until you ask us to delete it. "
        f"If a moderator does not approve it, or takes it off the website, we delete it "
        f"{period['rejected']} later."
    )
    personal = (
        f"At most {period['pending']} while the comment waits for a moderator, and {period['approved']} "
        f"after it is published. We delete it sooner if you ask us to."
    )
    return PrivacyNotice(
        site_name=site_name,
        organisation=organisation,
        uses=(
            DataUse(
                "Your comment",
                "To publish it under the case study, if a moderator approves it.",
                CONSENT,
                until_removed,
            ),
            DataUse("Your name, if you give one", "To show who wrote the comment.", CONSENT, until_removed),
            DataUse(
                "Your email address, if you give one",
                "To contact you about your comment. We never publish it.",
                CONSENT,
                personal,
            ),
            DataUse(
                "A scrambled (hashed) form of your internet address, and the time you sent the comment",
                "To stop one person sending a lot of comments, and to find spam.",
                PUBLIC_TASK,
                personal,
            ),
        ),
        retention=retention,
        recipients=(
            f"The moderators at {organisation.name}, who read every comment before it is published.",
            "Anyone who reads the website, but only for a comment a moderator has approved, "
            "and only your comment and the name you gave.",
            "The company that hosts the website for us, which stores the comments on our behalf "
            "and may not use them for anything else.",
        ),
    )

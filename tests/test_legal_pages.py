"""What the accessibility statement and the privacy notice say, from the organisation's settings."""

from __future__ import annotations

from datetime import date as Date

import pytest

from cohub.accessibility_statement import accessibility_statement, compliance_sentence
from cohub.comments.settings import CommentSettings, retention_periods, settings_from_env
from cohub.organisation import (
    AccessibilityFacts,
    BurdenClaim,
    DataProtectionOfficer,
    KnownProblem,
    Organisation,
)
from cohub.privacy_notice import privacy_notice

DAY = Date(2026, 12, 1)


def organisation(compliance="partially", known=(), burden=(), data_controller="") -> Organisation:
    return Organisation(
        name="Northshire County Council",
        address=("County Hall",),
        email="hub@example.org",
        response_days=10,
        data_protection_officer=DataProtectionOfficer("dpo@example.org"),
        data_controller=data_controller,
        accessibility=AccessibilityFacts(compliance, DAY, DAY, DAY, "an auditor", "every page", known, burden),
    )


STANDARD = "Web Content Accessibility Guidelines version 2.2 AA standard"


@pytest.mark.parametrize(
    ("status", "non_compliances", "exemptions", "sentence"),
    [
        ("fully", False, False, f"This website is fully compliant with the {STANDARD}."),
        (
            "partially",
            True,
            False,
            f"This website is partially compliant with the {STANDARD}, due to the non-compliances listed below.",
        ),
        (
            "partially",
            False,
            True,
            f"This website is partially compliant with the {STANDARD}, due to the exemptions listed below.",
        ),
        (
            "partially",
            True,
            True,
            f"This website is partially compliant with the {STANDARD}, due to the non-compliances and exemptions "
            "listed below.",
        ),
        (
            "not",
            True,
            False,
            f"This website is not compliant with the {STANDARD}. The non-compliances are listed below.",
        ),
    ],
)
def test_the_compliance_sentence_is_one_of_the_model_statements_wordings(status, non_compliances, exemptions, sentence):
    assert compliance_sentence(status, non_compliances=non_compliances, exemptions=exemptions) == sentence


def test_an_unknown_status_has_no_sentence():
    with pytest.raises(ValueError, match="mostly"):
        compliance_sentence("mostly", non_compliances=False, exemptions=False)


def test_known_problems_carry_the_names_of_the_criteria_they_fail():
    statement = accessibility_statement(
        organisation(
            known=(KnownProblem("Maps have no text version.", ("1.1.1", "1.4.11"), DAY),),
            burden=(BurdenClaim("Old videos have no captions.", "It would cost too much.", DAY),),
        ),
        "Hub",
        "https://hub.example.org/",
    )
    assert [str(criterion) for criterion in statement.non_compliances[0].criteria] == [
        "1.1.1 (Non-text Content)",
        "1.4.11 (Non-text Contrast)",
    ]
    assert statement.burden[0].problem == "Old videos have no captions."
    assert statement.has_non_accessible_content
    assert "non-compliances and exemptions" in statement.compliance


def test_the_privacy_notice_lists_every_right():
    rights = [
        right.name for right in privacy_notice(organisation(), "Hub", retention_periods(CommentSettings())).rights
    ]
    assert rights == [
        "to be told",
        "of access",
        "to correct",
        "to delete",
        "to restrict",
        "to data portability",
        "to object",
        "to withdraw consent",
        "about automated decisions",
    ]


@pytest.mark.parametrize(
    ("rejected_days", "said"), [(30, "we delete it 30 days later"), (1, "we delete it 1 day later")]
)
def test_retention_comes_from_the_comment_service_settings(rejected_days, said):
    settings = settings_from_env({}, {"retention_rejected_days": rejected_days})
    notice = privacy_notice(organisation(), "Hub", retention_periods(settings))
    assert said in notice.uses[0].kept_for
    assert notice.retention == retention_periods(settings)


@pytest.mark.parametrize(
    ("data_controller", "controller"),
    [
        ("", "Northshire County Council"),
        ("Northshire Shared Services", "Northshire Shared Services"),
    ],
)
def test_the_data_controller_is_the_organisation_unless_another_is_named(data_controller, controller):
    notice = privacy_notice(organisation(data_controller=data_controller), "Hub", retention_periods(CommentSettings()))
    assert notice.organisation.controller == controller
    assert {use.lawful_basis.split(" (")[0] for use in notice.uses} == {"Consent", "Public task"}

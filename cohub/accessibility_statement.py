"""What the accessibility statement says, in the structure and wording of the UK model statement.

The model accessibility statement (GOV.UK, "Sample accessibility statement
for a website") fixes the headings and the sentences that the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations
2018 require, including exactly three ways to state compliance. Everything
else the statement says comes from the organisation block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.wcag import CRITERIA, LEVEL, VERSION

if TYPE_CHECKING:
    from datetime import date as Date

    from cohub.organisation import BurdenClaim, Organisation

REGULATIONS = "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"
STANDARD = f"Web Content Accessibility Guidelines version {VERSION} {LEVEL} standard"


def compliance_sentence(status: str, *, non_compliances: bool, exemptions: bool) -> str:
    """The model statement's sentence for a compliance status.

    Args:
        status: ``fully``, ``partially`` or ``not``.
        non_compliances: Whether the statement lists content that fails the standard.
        exemptions: Whether it lists content exempt as a disproportionate burden.

    Raises:
        ValueError: For any other status.
    """
    listed = (
        " and ".join(
            part for part, shown in (("non-compliances", non_compliances), ("exemptions", exemptions)) if shown
        )
        or "non-compliances"
    )
    if status == "fully":
        return f"This website is fully compliant with the {STANDARD}."
    if status == "partially":
        return f"This website is partially compliant with the {STANDARD}, due to the {listed} listed below."
    if status == "not":
        return f"This website is not compliant with the {STANDARD}. The {listed} are listed below."
    raise ValueError(f"unknown compliance status {status!r}")


@dataclass(frozen=True)
class Criterion:
    """A WCAG success criterion, by number and name."""

    number: str
    name: str

    def __str__(self) -> str:
        return f"{self.number} ({self.name})"


@dataclass(frozen=True)
class NonCompliance:
    """A known problem, the criteria it fails and when it will be fixed."""

    problem: str
    criteria: tuple[Criterion, ...]
    fix_by: Date | None


@dataclass(frozen=True)
class AccessibilityStatement:
    """Everything the statement page shows.

    Attributes:
        site_name: The website's name.
        site_url: The website's address.
        organisation: Who runs it, how to reach them and the facts of testing.
        compliance: The model statement's compliance sentence.
        non_compliances: Content that fails the standard, with its criteria.
        burden: Content not fixed because that would be a disproportionate burden.
    """

    site_name: str
    site_url: str
    organisation: Organisation
    compliance: str
    non_compliances: tuple[NonCompliance, ...]
    burden: tuple[BurdenClaim, ...]

    regulations: str = REGULATIONS
    standard: str = STANDARD

    @property
    def has_non_accessible_content(self) -> bool:
        """Whether the statement needs its "Non-accessible content" section's lists."""
        return bool(self.non_compliances or self.burden)


def accessibility_statement(organisation: Organisation, site_name: str, site_url: str) -> AccessibilityStatement:
    """The statement for a site run by ``organisation``."""
    facts = organisation.accessibility
    return AccessibilityStatement(
        site_name=site_name,
        site_url=site_url,
        organisation=organisation,
        compliance=compliance_sentence(
            facts.compliance, non_compliances=bool(facts.known_problems), exemptions=bool(facts.disproportionate_burden)
        ),
        non_compliances=tuple(
            NonCompliance(
                known.problem, tuple(Criterion(number, CRITERIA[number]) for number in known.criteria), known.fix_by
            )
            for known in facts.known_problems
        ),
        burden=facts.disproportionate_burden,
    )

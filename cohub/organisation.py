"""The organisation that runs the hub: ``extra.cohub.organisation`` in ``mkdocs.yml``.

One settings block holds everything the site says about its owner: name,
address and contact details for the footer and the legal pages, the data
controller and data protection officer for the privacy notice, the facts an
accessibility statement needs, and the brand colours and logo. This module
only reads and checks that block; every problem names its line in
``mkdocs.yml`` and says how to fix it.

```yaml
extra:
  cohub:
    organisation:
      name: Example Council
      address: [Town Hall, High Street, Exampleton, EX1 1AA]
      email: hub@example.gov.uk
      phone: 01234 567890
      hours: Monday to Friday, 9am to 5pm
      response_days: 5
      data_protection_officer: {email: dpo@example.gov.uk}
      accessibility:
        compliance: partially
        known_problems:
          - problem: Some older PDF documents are not accessible.
            criteria: ["1.1.1"]
            fix_by: 2027-03-31
        prepared: 2026-12-01
        reviewed: 2026-12-01
        tested: 2026-12-01
        tested_by: our web team, with automatic checks on every page and a keyboard
        pages_chosen: every page of the site
      colours: {primary: "#1d70b8", accent: "#1d70b8"}
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Any

from cohub.problems import Problem, did_you_mean
from cohub.settings_lines import line_of
from cohub.wcag import CRITERIA

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

SETTINGS_FILE = "mkdocs.yml"
SETTINGS_PATH = ("extra", "cohub", "organisation")
COMPLIANCE_STATUSES = ("fully", "partially", "not")
MAX_TEXT = 500
MAX_ITEMS = 50
MAX_ADDRESS_LINES = 8
MAX_RESPONSE_DAYS = 60

_EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")
_PHONE = re.compile(r"\+?[0-9 ()-]{6,30}")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_CRITERION = re.compile(r"[1-4]\.[0-9]{1,2}\.[0-9]{1,2}")
_LOGO_SUFFIXES = (".svg", ".png")
# Apps that show a preview of a shared link (Teams, Slack, email) take PNG or JPEG, not SVG.
_SHARE_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class OrganisationSettingsError(ValueError):
    """The organisation block has problems; ``problems`` lists each with its line."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class DataProtectionOfficer:
    """Who answers questions about personal data."""

    email: str
    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class KnownProblem:
    """Content that does not meet WCAG 2.2 AA, the criteria it fails and when it will be fixed."""

    problem: str
    criteria: tuple[str, ...]
    fix_by: Date | None = None


@dataclass(frozen=True)
class BurdenClaim:
    """Content not fixed because fixing it now would be a disproportionate burden."""

    problem: str
    reason: str
    assessed: Date


@dataclass(frozen=True)
class AccessibilityFacts:
    """What the accessibility statement has to say about testing and known problems."""

    compliance: str
    prepared: Date
    reviewed: Date
    tested: Date
    tested_by: str
    pages_chosen: str
    known_problems: tuple[KnownProblem, ...] = ()
    disproportionate_burden: tuple[BurdenClaim, ...] = ()


@dataclass(frozen=True)
class Colours:
    """Brand colours, as ``#rrggbb``; empty when the theme's palette names its colours instead.

    Attributes:
        primary: The header's background, and links in the light scheme.
        accent: Links under the pointer and focus outlines in the light scheme.
        header_text: Text on the header.
        dark_link: Links in the dark scheme.
        dark_accent: Links under the pointer and focus outlines in the dark scheme.
    """

    primary: str
    accent: str
    header_text: str = "#ffffff"
    dark_link: str = ""
    dark_accent: str = ""


@dataclass(frozen=True)
class Organisation:
    """The organisation that runs the hub, as the site presents it."""

    name: str
    address: tuple[str, ...]
    email: str
    response_days: int
    data_protection_officer: DataProtectionOfficer
    accessibility: AccessibilityFacts
    phone: str = ""
    hours: str = ""
    data_controller: str = ""
    ico_registration: str = ""
    colours: Colours | None = None
    logo: str = ""
    share_image: str = ""

    @property
    def controller(self) -> str:
        """The data controller: the organisation itself unless another is named."""
        return self.data_controller or self.name


_FIELDS: Mapping[str, tuple[str, ...]] = {
    "": (
        "name",
        "address",
        "email",
        "phone",
        "hours",
        "response_days",
        "data_controller",
        "ico_registration",
        "data_protection_officer",
        "accessibility",
        "colours",
        "logo",
        "share_image",
    ),
    "data_protection_officer": ("email", "name", "phone"),
    "accessibility": (
        "compliance",
        "known_problems",
        "disproportionate_burden",
        "prepared",
        "reviewed",
        "tested",
        "tested_by",
        "pages_chosen",
    ),
    "known_problems": ("problem", "criteria", "fix_by"),
    "disproportionate_burden": ("problem", "reason", "assessed"),
    "colours": ("primary", "accent", "header_text", "dark_link", "dark_accent"),
}


class _Reader:
    """Reads values from the block, noting every problem with its line instead of stopping at the first."""

    def __init__(self, lines: Mapping[tuple[str | int, ...], int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], message: str, fix: str) -> None:
        name = ".".join(str(part) for part in (*SETTINGS_PATH, *path))
        self.problems.append(
            Problem(SETTINGS_FILE, line_of(self.lines, (*SETTINGS_PATH, *path)), f"{name}: {message}", fix)
        )

    def mapping(self, path: tuple[str | int, ...], raw: Any, kind: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.problem(path, f"must be 'name: value' lines, not {_shown(raw)}", "indent the settings under it")
            return {}
        known = _FIELDS[kind]
        for key in raw:
            if key not in known:
                self.problem(
                    (*path, key),
                    f"unknown setting '{key}'",
                    did_you_mean(str(key), known, "the README lists the settings"),
                )
        return raw

    def text(self, path: tuple[str | int, ...], raw: Any, *, required: bool = False, example: str = "") -> str:
        if raw is None or raw == "":
            if required:
                self.problem(path, "is missing", f"add it, for example '{path[-1]}: {example}'")
            return ""
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.problem(path, f"must be text, not {_shown(raw)}", f"write it on one line, for example '{example}'")
            return ""
        value = " ".join(str(raw).split())
        if len(value) > MAX_TEXT:
            self.problem(path, f"is {len(value)} characters long", f"shorten it to {MAX_TEXT} characters or fewer")
            return ""
        return value

    def matching(
        self,
        path: tuple[str | int, ...],
        raw: Any,
        pattern: re.Pattern[str],
        what: str,
        example: str,
        *,
        required: bool = False,
    ) -> str:
        value = self.text(path, raw, required=required, example=example)
        if value and not pattern.fullmatch(value):
            self.problem(path, f"'{value}' is not {what}", f"write it like '{example}'")
            return ""
        return value

    def items(self, path: tuple[str | int, ...], raw: Any) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(path, f"must be a list, not {_shown(raw)}", "put each item on its own line starting '- '")
            return []
        if len(raw) > MAX_ITEMS:
            self.problem(path, f"has {len(raw)} items", f"keep it to {MAX_ITEMS} or fewer")
            return []
        return raw

    def date(self, path: tuple[str | int, ...], raw: Any, *, required: bool = False) -> Date | None:
        if raw is None or raw == "":
            if required:
                self.problem(path, "is missing", f"add it as year-month-day, for example '{path[-1]}: 2026-12-01'")
            return None
        if isinstance(raw, Date):
            return raw
        try:
            return Date.fromisoformat(str(raw).strip())
        except ValueError:
            self.problem(path, f"{_shown(raw)} is not a date", "write it as year-month-day, for example 2026-12-01")
            return None

    def whole_number(self, path: tuple[str | int, ...], raw: Any, low: int, high: int) -> int:
        if raw is None:
            self.problem(path, "is missing", f"add it, for example '{path[-1]}: 5'")
            return low
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            self.problem(
                path,
                f"must be a whole number from {low} to {high}, not {_shown(raw)}",
                f"write a number of working days, for example '{path[-1]}: 5'",
            )
            return low
        return raw


def _shown(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def decode_organisation(
    raw: Any, lines: Mapping[tuple[str | int, ...], int], file_exists: Callable[[str], bool] = lambda _path: True
) -> Organisation:
    """Read and check the organisation block.

    Args:
        raw: The value of ``extra.cohub.organisation`` as MkDocs loaded it.
        lines: Where each setting sits in ``mkdocs.yml`` (see
            :func:`cohub.settings_lines.setting_lines`).
        file_exists: Whether a path in the docs folder is a file, for the logo and the share image.

    Returns:
        The organisation.

    Raises:
        OrganisationSettingsError: Listing every problem, each as
            ``mkdocs.yml:LINE: what is wrong — how to fix it``.
    """
    read = _Reader(lines)
    if raw is None:
        read.problem((), "is missing", "add the organisation that runs the hub; the README lists each setting")
        raise OrganisationSettingsError(tuple(read.problems))
    block = read.mapping((), raw, "")
    organisation = Organisation(
        name=read.text(("name",), block.get("name"), required=True, example="Example Council"),
        address=_address(read, block.get("address")),
        email=read.matching(
            ("email",), block.get("email"), _EMAIL, "an email address", "hub@example.gov.uk", required=True
        ),
        phone=read.matching(("phone",), block.get("phone"), _PHONE, "a phone number", "01234 567890"),
        hours=read.text(("hours",), block.get("hours"), example="Monday to Friday, 9am to 5pm"),
        response_days=read.whole_number(("response_days",), block.get("response_days"), 1, MAX_RESPONSE_DAYS),
        data_controller=read.text(("data_controller",), block.get("data_controller"), example="Example Council"),
        ico_registration=read.matching(
            ("ico_registration",),
            block.get("ico_registration"),
            re.compile(r"[A-Z0-9]{6,10}"),
            "an ICO registration number",
            "Z1234567",
        ),
        data_protection_officer=_officer(read, block.get("data_protection_officer")),
        accessibility=_accessibility(read, block.get("accessibility")),
        colours=_colours(read, block.get("colours")),
        logo=_docs_image(
            read, "logo", block.get("logo"), _LOGO_SUFFIXES, "an SVG or PNG", "assets/logo.svg", file_exists
        ),
        share_image=_docs_image(
            read,
            "share_image",
            block.get("share_image"),
            _SHARE_IMAGE_SUFFIXES,
            "a PNG or JPEG",
            "assets/share.png",
            file_exists,
        ),
    )
    if read.problems:
        raise OrganisationSettingsError(tuple(read.problems))
    return organisation


def _address(read: _Reader, raw: Any) -> tuple[str, ...]:
    if raw is None or raw == "":
        read.problem(("address",), "is missing", "add it as a list of lines, for example '[Town Hall, EX1 1AA]'")
        return ()
    pieces = raw.splitlines() if isinstance(raw, str) else read.items(("address",), raw)
    lines = tuple(
        line
        for index, piece in enumerate(pieces)
        if (line := read.text(("address", index), piece, example="Town Hall"))
    )
    if len(lines) > MAX_ADDRESS_LINES:
        read.problem(("address",), f"has {len(lines)} lines", f"keep it to {MAX_ADDRESS_LINES} or fewer")
    return lines


def _officer(read: _Reader, raw: Any) -> DataProtectionOfficer:
    path = ("data_protection_officer",)
    if raw is None:
        read.problem(path, "is missing", "add at least 'data_protection_officer: {email: dpo@example.gov.uk}'")
        return DataProtectionOfficer(email="")
    block = read.mapping(path, raw, "data_protection_officer")
    return DataProtectionOfficer(
        email=read.matching(
            (*path, "email"), block.get("email"), _EMAIL, "an email address", "dpo@example.gov.uk", required=True
        ),
        name=read.text((*path, "name"), block.get("name"), example="Data Protection Officer"),
        phone=read.matching((*path, "phone"), block.get("phone"), _PHONE, "a phone number", "01234 567890"),
    )


def _accessibility(read: _Reader, raw: Any) -> AccessibilityFacts:
    path = ("accessibility",)
    if raw is None:
        read.problem(path, "is missing", "add the facts of the accessibility statement; the README lists them")
        raw = {}
    block = read.mapping(path, raw, "accessibility")
    compliance = read.text((*path, "compliance"), block.get("compliance"), required=True, example="partially")
    if compliance and compliance not in COMPLIANCE_STATUSES:
        read.problem(
            (*path, "compliance"), f"'{compliance}' is not a compliance status", "write one of: fully, partially, not"
        )
    known = tuple(
        _known_problem(read, (*path, "known_problems", index), item)
        for index, item in enumerate(read.items((*path, "known_problems"), block.get("known_problems")))
    )
    burden = tuple(
        _burden_claim(read, (*path, "disproportionate_burden", index), item)
        for index, item in enumerate(
            read.items((*path, "disproportionate_burden"), block.get("disproportionate_burden"))
        )
    )
    if compliance == "fully" and (known or burden):
        read.problem(
            (*path, "compliance"),
            "says 'fully' but the block lists content that does not meet the standard",
            "write 'partially', or remove the known problems once they are fixed",
        )
    if compliance in ("partially", "not") and not (known or burden):
        read.problem(
            (*path, "compliance"),
            f"says '{compliance}' but lists no known problems",
            "list each problem under known_problems, with its WCAG criteria",
        )
    facts = AccessibilityFacts(
        compliance=compliance,
        prepared=read.date((*path, "prepared"), block.get("prepared"), required=True) or Date.min,
        reviewed=read.date((*path, "reviewed"), block.get("reviewed"), required=True) or Date.min,
        tested=read.date((*path, "tested"), block.get("tested"), required=True) or Date.min,
        tested_by=read.text(
            (*path, "tested_by"),
            block.get("tested_by"),
            required=True,
            example="our web team, with a screen reader and a keyboard",
        ),
        pages_chosen=read.text(
            (*path, "pages_chosen"), block.get("pages_chosen"), required=True, example="every page of the site"
        ),
        known_problems=known,
        disproportionate_burden=burden,
    )
    if facts.reviewed < facts.prepared:
        read.problem(
            (*path, "reviewed"),
            "is before the date the statement was prepared",
            "give the date of the last review, on or after 'prepared'",
        )
    return facts


def _known_problem(read: _Reader, path: tuple[str | int, ...], raw: Any) -> KnownProblem:
    block = read.mapping(path, raw, "known_problems")
    criteria = tuple(
        value
        for index, item in enumerate(read.items((*path, "criteria"), block.get("criteria")))
        if (value := read.matching((*path, "criteria", index), item, _CRITERION, "a WCAG success criterion", "1.4.3"))
    )
    for index, criterion in enumerate(criteria):
        if criterion not in CRITERIA:
            read.problem(
                (*path, "criteria", index),
                f"{criterion} is not a level A or AA success criterion of WCAG 2.2",
                "give the number of the criterion the content fails, for example 1.4.3",
            )
    criteria = tuple(criterion for criterion in criteria if criterion in CRITERIA)
    if not block.get("criteria"):
        read.problem(
            (*path, "criteria"),
            "lists no WCAG success criteria",
            "add the criteria the problem fails, for example 'criteria: [\"1.4.3\"]'",
        )
    return KnownProblem(
        problem=read.text(
            (*path, "problem"), block.get("problem"), required=True, example="Some links do not say where they go"
        ),
        criteria=criteria,
        fix_by=read.date((*path, "fix_by"), block.get("fix_by")),
    )


def _burden_claim(read: _Reader, path: tuple[str | int, ...], raw: Any) -> BurdenClaim:
    block = read.mapping(path, raw, "disproportionate_burden")
    return BurdenClaim(
        problem=read.text(
            (*path, "problem"), block.get("problem"), required=True, example="Maps of old projects have no text version"
        ),
        reason=read.text(
            (*path, "reason"),
            block.get("reason"),
            required=True,
            example="Redrawing them would cost more than the site's yearly budget",
        ),
        assessed=read.date((*path, "assessed"), block.get("assessed"), required=True) or Date.min,
    )


def _colours(read: _Reader, raw: Any) -> Colours | None:
    path = ("colours",)
    if raw is None:
        return None
    block = read.mapping(path, raw, "colours")
    primary = read.matching((*path, "primary"), block.get("primary"), _HEX, "a hex colour", "#1d70b8", required=True)
    accent = read.matching((*path, "accent"), block.get("accent"), _HEX, "a hex colour", "#1d70b8") or primary
    header_text = read.matching((*path, "header_text"), block.get("header_text"), _HEX, "a hex colour", "#ffffff")
    dark_link = read.matching((*path, "dark_link"), block.get("dark_link"), _HEX, "a hex colour", "#8fb8e6")
    dark_accent = read.matching((*path, "dark_accent"), block.get("dark_accent"), _HEX, "a hex colour", "#8fb8e6")
    return Colours(
        primary=_six_digits(primary),
        accent=_six_digits(accent),
        header_text=_six_digits(header_text or "#ffffff"),
        dark_link=_six_digits(dark_link or primary),
        dark_accent=_six_digits(dark_accent or dark_link or accent),
    )


def _six_digits(colour: str) -> str:
    """``#ABC`` as ``#aabbcc``, so the stylesheet can add an opacity to any colour."""
    digits = colour.lower().removeprefix("#")
    return "#" + ("".join(digit * 2 for digit in digits) if len(digits) == 3 else digits)


def _docs_image(
    read: _Reader,
    key: str,
    raw: Any,
    suffixes: tuple[str, ...],
    kind: str,
    example: str,
    file_exists: Callable[[str], bool],
) -> str:
    path = (key,)
    value = read.text(path, raw, example=example)
    if not value:
        return ""
    if value.startswith(("/", "\\")) or ".." in value.split("/") or not value.lower().endswith(suffixes):
        read.problem(
            path,
            f"'{value}' is not {kind} file in the docs folder",
            f"give a path inside docs/, for example '{example}'",
        )
        return ""
    if not file_exists(value):
        read.problem(path, f"docs/{value} does not exist", "add the file, or correct the path")
        return ""
    return value

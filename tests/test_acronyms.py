"""One rule for where an acronym is used, shared by <abbr>, first-mention links, warnings and search."""

from __future__ import annotations

from datetime import date as Date
from types import MappingProxyType

import markdown
import pytest

from cohub.glossary import abbr_glossary, acronym_warnings, split_acronyms
from cohub.markdown_links import LinksExtension
from cohub.model import CaseStudy, Source
from cohub.search import acronym_terms
from cohub.taxonomy import Acronym

ACRONYMS = MappingProxyType(
    {
        abbreviation: Acronym(abbreviation, expansion)
        for abbreviation, expansion in (
            ("ULO", "user-led organisation"),
            ("NHS", "National Health Service"),
            ("PA", "personal assistant"),
            ("DP", "direct payment"),
            ("DPO", "disabled people's organisation"),
        )
    }
)
LINKS = {abbreviation: f"/glossary.md#{abbreviation.lower()}" for abbreviation in ACRONYMS}

# Each text, and the acronym it uses (None: it uses none).
USES = [
    ("The ULO helped.", "ULO"),
    ("A ULO-like group met.", "ULO"),
    ("Some NHS-funded care.", "NHS"),
    ("The ULO's members spoke.", "ULO"),
    ("Local PAs were paid.", "PA"),
    ("The DPO met.", "DPO"),
    ("PAYE was deducted.", None),
    ("The FULO met.", None),
    ("The ulo met.", None),
    ("ULO2 met.", None),
    ("The_ULO met.", None),
]


def case_study(body: str) -> CaseStudy:
    return CaseStudy(
        slug="x",
        path="case_studies/x.md",
        title="X",
        summary="X",
        date=Date(2024, 1, 1),
        authors=(),
        organisations=(),
        place="X",
        terms=(),
        source=Source("X", "X", "https://x"),
        body=body,
        body_line=10,
    )


@pytest.mark.parametrize(("text", "used"), USES)
def test_abbr_in_templates_follows_the_rule(text: str, used: str | None) -> None:
    marked = [piece.text for piece in split_acronyms(text, ACRONYMS) if piece.expansion]
    assert [word.rstrip("s'") for word in marked] == ([used] if used else [])


@pytest.mark.parametrize(("text", "used"), USES)
def test_abbr_in_markdown_follows_the_rule(text: str, used: str | None) -> None:
    html = markdown.markdown(
        text, extensions=["abbr"], extension_configs={"abbr": {"glossary": abbr_glossary(ACRONYMS)}}
    )
    assert ("<abbr" in html) is bool(used)
    if used:
        assert f'title="{ACRONYMS[used].expansion}"' in html


@pytest.mark.parametrize(("text", "used"), USES)
def test_first_mention_links_follow_the_rule(text: str, used: str | None) -> None:
    links = {**{f"{abbreviation}s": href for abbreviation, href in LINKS.items()}, **LINKS}
    html = markdown.markdown(
        text,
        extensions=["abbr", LinksExtension(first_mentions=links, site_url="")],
        extension_configs={"abbr": {"glossary": abbr_glossary(ACRONYMS)}},
    )
    assert ("<a href" in html) is bool(used)
    if used:
        assert f'<a href="{LINKS[used]}">' in html


@pytest.mark.parametrize(("text", "used"), USES)
def test_spelling_out_warnings_follow_the_rule(text: str, used: str | None) -> None:
    warnings = acronym_warnings(case_study(text), ACRONYMS)
    assert [warning.message for warning in warnings] == ([f"'{used}' is used before it is spelled out"] if used else [])


@pytest.mark.parametrize(("text", "used"), USES)
def test_search_follows_the_rule(text: str, used: str | None) -> None:
    assert acronym_terms(text, ACRONYMS) == ((ACRONYMS[used].expansion,) if used else ())


def test_a_page_links_an_acronym_once_whichever_form_comes_first() -> None:
    links = {"PAs": LINKS["PA"], **LINKS}
    html = markdown.markdown(
        "Two PAs came. Then a PA left.",
        extensions=["abbr", LinksExtension(first_mentions=links, site_url="")],
        extension_configs={"abbr": {"glossary": abbr_glossary(ACRONYMS)}},
    )
    assert html.count("<a href") == 1

"""Tagging: declared terms, terms found through synonyms, and the fixture case studies' tags."""

from __future__ import annotations

import pytest

from cohub.hub import load_hub
from cohub.tagging import TermMatcher
from tests.conftest import published, sample_hub

HUB = load_hub(sample_hub())
MATCHER = TermMatcher.from_taxonomy(HUB.taxonomy)


@pytest.mark.parametrize(
    ("text", "facet", "expected"),
    [
        ("People chose a direct payment.", "themes", {"direct-payments"}),
        ("DIRECT PAYMENTS helped.", "themes", {"direct-payments"}),
        ("direct\npayment support", "themes", {"direct-payments"}),
        ("indirect payments are not the same", "themes", set()),
        ("People live in supported housing.", "service_types", {"supported-living"}),
        ("We ran a tender evaluation.", "commissioning_stages", {"do"}),
        ("Nothing relevant here.", "commissioning_stages", set()),
    ],
)
def test_terms_are_found_as_whole_words_in_any_case(text, facet, expected):
    assert set(dict(MATCHER.detect(text))[facet]) >= expected
    if not expected:
        assert dict(MATCHER.detect(text))[facet] == ()


def test_single_choice_facets_are_never_detected():
    fields = dict(MATCHER.detect("co-production in the East of England"))
    assert "ladder_rungs" not in fields
    assert "regions" not in fields


# Golden tag sets: a change here changes what readers can browse by.
GOLDEN_TAGS = {
    "thurrock-direct-payments": (
        "Direct payments",
        "Personalisation",
        "Working with user-led organisations",
        "Lived experience",
        "Tendering and procurement",
        "Relationships and trust",
        "Prevention",
        "Direct payment support services",
        "Community-led support",
        "Micro-provider services",
        "Commissioning: Analyse",
        "Commissioning: Plan",
        "Commissioning: Do",
        "Commissioning: Review",
        "Ladder: Co-production",
        "East of England",
    ),
    "essex-tender-evaluation": (
        "Tendering and procurement",
        "Lived experience",
        "Learning and development",
        "Making co-production part of everyday practice",
        "Supported living",
        "Commissioning: Do",
        "Ladder: Co-production",
        "East of England",
    ),
}


@pytest.mark.parametrize("slug", sorted(GOLDEN_TAGS))
def test_fixture_case_studies_have_their_golden_tags(slug):
    assert HUB.tags(published(HUB, slug)) == GOLDEN_TAGS[slug]


def test_every_tag_is_allowed_by_the_taxonomy():
    allowed = set(HUB.taxonomy.all_tags())
    assert len(allowed) == len(HUB.taxonomy.all_tags()), "tags are unique across facets"
    for case_study in HUB.case_studies:
        assert set(HUB.tags(case_study)) <= allowed


def test_the_taxonomy_has_no_problems():
    assert HUB.taxonomy_problems == ()
    assert {"ULO", "DPO", "CIL", "DP", "PA", "TLAP", "SCIE", "LGA", "ADASS", "CQC", "ICS"} <= set(HUB.taxonomy.acronyms)

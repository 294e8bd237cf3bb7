"""Related case studies: scoring, threshold, cut-off, tie-breaks and settings, on hand-made corpora."""

from __future__ import annotations

from dataclasses import replace
from datetime import date as Date

import pytest

from cohub.hub import load_hub
from cohub.related import (
    DEFAULT_WEIGHTS,
    Document,
    RelatedConfig,
    RelatedConfigError,
    decode_related_config,
    document_for,
    find_related,
)
from tests.conftest import sample_hub


def doc(key: str, *, day: str = "2024-01-01", title: str = "", **terms: tuple[str, ...]) -> Document:
    return Document(
        key=key,
        date=Date.fromisoformat(day),
        title=title or key,
        terms=tuple((facet, tuple(values)) for facet, values in terms.items()),
    )


def config(**settings) -> RelatedConfig:
    """Themes count 10 and regions 5 unless a test says otherwise; other facets are off."""
    weights = settings.pop("weights", {"themes": 10, "region": 5})
    settings.setdefault("common_term_cutoff", 0)
    settings.setdefault("limit", 10)
    return replace(decode_related_config(settings), weights=tuple(weights.items()))


def related(documents, settings: RelatedConfig, key: str) -> list[tuple[str, int]]:
    return [(match.key, match.score) for match in find_related(documents, settings)[key]]


# a carries themes x, y and region r1 (weight 10 + 10 + 5 = 25).
SCORING = (
    doc("a", themes=("x", "y"), region=("r1",)),
    doc("b", themes=("x", "y"), region=("r2",)),  # shares 20 of 25: 80
    doc("c", themes=("x",), region=("r1",)),  # shares 15 of 25: 60
    doc("d", themes=("z",), region=("r1",)),  # shares 5 of 25: 20
    doc("e", themes=("z",), region=("r3",)),  # shares nothing
)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(config(threshold=0), [("b", 80), ("c", 60), ("d", 20)], id="threshold-0-keeps-any-shared-term"),
        pytest.param(config(threshold=20), [("b", 80), ("c", 60), ("d", 20)], id="threshold-is-inclusive"),
        pytest.param(config(threshold=21), [("b", 80), ("c", 60)], id="threshold-just-above"),
        pytest.param(config(threshold=80), [("b", 80)], id="threshold-80"),
        pytest.param(config(threshold=81), [], id="threshold-81-keeps-none"),
        pytest.param(config(threshold=100), [], id="threshold-100-needs-every-term"),
        pytest.param(config(threshold=0, limit=2), [("b", 80), ("c", 60)], id="limit"),
        pytest.param(config(threshold=0, limit=0), [], id="limit-0-shows-none"),
        pytest.param(
            config(threshold=0, weights={"themes": 10, "region": 40}),
            [("c", 83), ("d", 66), ("b", 33)],
            id="weights-change-the-order",
        ),
        pytest.param(
            config(threshold=0, weights={"themes": 10}), [("b", 100), ("c", 50)], id="weight-0-leaves-a-facet-out"
        ),
        pytest.param(config(threshold=0, weights={}), [], id="no-facet-weighs-anything"),
    ],
)
def test_scores_are_the_share_of_weighted_terms(settings, expected):
    assert related(SCORING, settings, "a") == expected


def test_relatedness_is_measured_from_each_side():
    # c has fewer terms than a, so what they share is a bigger part of c.
    assert related(SCORING, config(threshold=0), "c") == [("a", 100), ("b", 66), ("d", 33)]


# Ten case studies in one region; 'common' is on 8 of them (80%), 'rare' on 2.
# d0 carries common (10), rare (10) and the region (5).
CUTOFF = tuple(
    doc(
        f"d{number}",
        title=f"Case {number}",
        region=("r",),
        themes=("common", "rare") if number < 2 else ("common",) if number < 8 else ("other",),
    )
    for number in range(10)
)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            config(common_term_cutoff=0, threshold=50),
            [("d1", 100)] + [(f"d{n}", 60) for n in range(2, 8)],
            id="cutoff-off",
        ),
        pytest.param(
            config(common_term_cutoff=80, threshold=50),
            [("d1", 100)] + [(f"d{n}", 50) for n in range(2, 8)],
            id="cutoff-80-drops-the-region-on-100pc",
        ),
        pytest.param(config(common_term_cutoff=79, threshold=0), [("d1", 100)], id="cutoff-79-drops-the-theme-on-80pc"),
        pytest.param(
            config(common_term_cutoff=79, threshold=0, cutoff_from=11),
            [("d1", 100)] + [(f"d{n}", 60) for n in range(2, 8)] + [("d8", 20), ("d9", 20)],
            id="cutoff-waits-for-a-big-enough-hub",
        ),
        pytest.param(config(common_term_cutoff=10, threshold=0), [], id="cutoff-10-drops-everything-d0-has"),
    ],
)
def test_terms_nearly_every_case_study_has_are_cut_off(settings, expected):
    assert related(CUTOFF, settings, "d0") == expected


def test_a_case_study_with_only_cut_off_terms_has_no_related():
    assert related(CUTOFF, config(common_term_cutoff=50), "d8") == [("d9", 100)]
    assert related(CUTOFF, config(common_term_cutoff=50), "d2") == []


# Every document shares the one theme, so every score is 100 and only the tie-breaks order them.
TIES = (
    doc("base", day="2024-01-01", title="Base", themes=("x",)),
    doc("old", day="2023-01-01", title="A very old one", themes=("x",)),
    doc("new", day="2025-01-01", title="Zebra", themes=("x",)),
    doc("beta", day="2024-06-01", title="Beta", themes=("x",)),
    doc("alpha-2", day="2024-06-01", title="Alpha", themes=("x",)),
    doc("alpha-1", day="2024-06-01", title="Alpha", themes=("x",)),
)


@pytest.mark.parametrize("order", [TIES, TIES[::-1], TIES[2:] + TIES[:2]], ids=["given", "reversed", "rotated"])
def test_ties_go_to_the_newer_then_the_title_then_the_key_whatever_the_input_order(order):
    assert [key for key, _score in related(order, config(threshold=0), "base")] == [
        "new",
        "alpha-1",
        "alpha-2",
        "beta",
        "old",
    ]


def test_higher_scores_beat_newer_dates():
    corpus = (
        doc("me", themes=("x", "y")),
        doc("newer", day="2030-01-01", themes=("x",)),
        doc("better", day="2000-01-01", themes=("x", "y")),
    )
    assert related(corpus, config(threshold=0), "me") == [("better", 100), ("newer", 50)]


# Five case studies on one theme, newest first; each looks only at its two nearest neighbours.
WINDOW = tuple(doc(f"n{number}", day=f"2024-01-0{9 - number}", themes=("x",)) for number in range(5))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("n0", ["n1", "n2"]),
        ("n1", ["n0", "n2"]),
        ("n2", ["n1", "n3"]),
        ("n4", ["n2", "n3"]),
    ],
)
def test_each_term_offers_only_the_nearest_candidates(key, expected):
    settings = config(threshold=0, candidates_per_term=2)
    assert [other for other, _score in related(WINDOW, settings, key)] == expected


def test_a_window_wider_than_every_list_gives_the_exact_result():
    settings = config(threshold=0, candidates_per_term=4)
    assert [other for other, _score in related(WINDOW, settings, "n2")] == ["n0", "n1", "n3", "n4"]


def test_shared_terms_are_listed_in_the_case_studys_own_order():
    matches = find_related(SCORING, config(threshold=0))["a"]
    assert [match.shared for match in matches] == [
        (("themes", "x"), ("themes", "y")),
        (("themes", "x"), ("region", "r1")),
        (("region", "r1"),),
    ]


def test_the_fixture_case_studies_are_related_to_each_other():
    hub = load_hub(sample_hub())
    documents = [document_for(case_study) for case_study in hub.case_studies]
    found = find_related(documents, RelatedConfig().with_facets(hub.taxonomy.facets.values()))
    assert [match.key for match in found["thurrock-direct-payments"]] == ["essex-tender-evaluation"]
    assert [match.key for match in found["essex-tender-evaluation"]] == ["thurrock-direct-payments"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"threshold": 101}, "'threshold' must be a whole number from 0 to 100, not 101", id="threshold-high"
        ),
        pytest.param({"threshold": -1}, "'threshold' must be a whole number from 0 to 100, not -1", id="threshold-low"),
        pytest.param({"threshold": "high"}, "'threshold' must be a whole number from 0 to 100, not 'high'", id="text"),
        pytest.param({"threshold": 2.5}, "'threshold' must be a whole number from 0 to 100, not 2.5", id="fraction"),
        pytest.param({"threshold": True}, "'threshold' must be a whole number from 0 to 100, not True", id="boolean"),
        pytest.param({"limit": 51}, "'limit' must be a whole number from 0 to 50, not 51", id="limit"),
        pytest.param(
            {"common_term_cutoff": 150},
            "'common_term_cutoff' must be a whole number from 0 to 100, not 150",
            id="cutoff",
        ),
        pytest.param(
            {"candidates_per_term": 0},
            "'candidates_per_term' must be a whole number from 1 to 100000, not 0",
            id="candidates",
        ),
        pytest.param({"treshold": 20}, "unknown setting 'treshold': did you mean 'threshold'?", id="misspelt"),
        pytest.param(
            {"weights": {"organisation": 3}},
            "unknown name 'organisation' in 'weights': did you mean 'organisations'?",
            id="unknown-name",
        ),
        pytest.param(
            {"weights": {"theme": 3}}, "unknown name 'theme' in 'weights': did you mean 'themes'?", id="misspelt-facet"
        ),
        pytest.param(
            {"weights": {"themes": 3}},
            "'themes' is a facet: set its weight as 'related_weight' in taxonomy/themes.yml",
            id="facet-weight-lives-in-its-file",
        ),
        pytest.param(
            {"weights": {"series": 101}},
            "'weights: series' must be a whole number from 0 to 100, not 101",
            id="weight-high",
        ),
        pytest.param({"weights": [1, 2]}, "'weights' must be 'facet: weight' lines, not [1, 2]", id="weights-list"),
        pytest.param("20", "the settings must be 'name: value' lines, not '20'", id="not-a-mapping"),
    ],
)
def test_bad_settings_are_rejected_with_a_clear_message(raw, message):
    with pytest.raises(RelatedConfigError) as caught:
        decode_related_config(raw, ("themes", "regions"))
    assert str(caught.value) == message


def test_settings_default_what_is_not_given():
    assert decode_related_config(None) == RelatedConfig()
    decoded = decode_related_config({"threshold": 0, "weights": {"series": 0}})
    assert decoded.threshold == 0
    assert decoded.weight_of == {**DEFAULT_WEIGHTS, "series": 0}
    assert decoded.limit == RelatedConfig().limit

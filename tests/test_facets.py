"""Facets are data: one file in taxonomy/ says everything the hub does with a facet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from bench.corpus import REPO
from cohub.cli import main
from cohub.hub import load_hub
from cohub.related import RelatedConfig
from cohub.schema import SCHEMA_PATH, case_study_schema
from cohub.search import case_study_search
from cohub.taxonomy import Facet, load_taxonomy
from cohub.website import build_website, in_words
from tests.conftest import build_hub

if TYPE_CHECKING:
    from pathlib import Path

FUNDING_MODELS = """\
label: Funding models
description: How the work in a case study was paid for.
field: funding_model
many: false
term_name: Funding model
related_weight: 100
terms:
  pooled-budget:
    label: Pooled budget
    description: The council and the NHS put money into one shared pot and decide together how to spend it.
  grant:
    label: Grant
    description: Money given for a piece of work, with no contract to run a service.
"""


def add_funding_model(hub: Path, case_study: str, term_id: str) -> None:
    path = hub / "case_studies" / case_study
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nplace:", f"\nfunding_model: {term_id}\nplace:", 1), encoding="utf-8")


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_a_facet_is_one_file_in_the_taxonomy(hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text(FUNDING_MODELS, encoding="utf-8")
    add_funding_model(hub, "essex-tender-evaluation.md", "pooled-budget")
    add_funding_model(hub, "thurrock-direct-payments.md", "pooled-budget")
    site = build_hub(hub, tmp_path / "site")

    # Its browse pages, listed with the other ways to browse.
    assert 'href="funding-models/"' in read(site, "browse")
    facet_page = read(site, "browse/funding-models")
    assert re.search(
        r'href="pooled-budget/">Pooled budget</a>\s*<span class="cohub-count"> \(2 case studies\)', facet_page
    )
    term_page = read(site, "browse/funding-models/pooled-budget")
    assert "essex-tender-evaluation/" in term_page
    assert "thurrock-direct-payments/" in term_page

    # A search filter and a tag on each case study that gives it.
    essex = read(site, "case-studies/essex-tender-evaluation")
    assert 'data-pagefind-filter="Funding models:Pooled budget"' in essex
    assert "Pooled budget" in read(site, "tags")

    # Its terms in the glossary, linked to their case studies.
    glossary = read(site, "glossary")
    assert '<dt id="funding-models-grant">Grant</dt>' in glossary
    assert re.search(
        r'id="funding-models-pooled-budget">Pooled budget</dt>.*?Funding model\.\s*'
        r'<a href="../browse/funding-models/pooled-budget/">',
        glossary,
        re.DOTALL,
    )

    # Named where the site lists the ways to browse.
    assert "step on the ladder of co-production, region or funding model</a>" in (site / "404.html").read_text(
        encoding="utf-8"
    )

    # A row in each case study's facts.
    assert re.search(
        r'<dt>Funding models</dt>\s*<dd><a href="../../browse/funding-models/pooled-budget/">'
        r"Pooled budget</a></dd>",
        essex,
    )

    # Related content: a shared funding model is among what two case studies share.
    related = essex[essex.index('id="cohub-related-heading"') :]
    assert re.search(r"Also about: [^<]*Pooled budget", related)

    # The schema editors use gains the field.
    assert main(["--root", str(hub), "schema", "--output", "-"]) == 0
    assert '"funding_model": {' in capsys.readouterr().out


def test_an_unknown_term_of_a_new_facet_is_reported_at_its_line(hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text(FUNDING_MODELS, encoding="utf-8")
    add_funding_model(hub, "essex-tender-evaluation.md", "pooled")
    line = next(
        number
        for number, text in enumerate(
            (hub / "case_studies" / "essex-tender-evaluation.md").read_text(encoding="utf-8").splitlines(), start=1
        )
        if text.startswith("funding_model:")
    )
    assert main(["--root", str(hub), "check"]) == 1
    assert (
        f"case_studies/essex-tender-evaluation.md:{line}: unknown funding model 'pooled' — did you mean "
        "'pooled-budget'? (terms are defined in taxonomy/funding_models.yml)"
    ) in capsys.readouterr().out


def test_the_shipped_schema_is_the_one_the_taxonomy_makes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(REPO), "schema", "--output", "-"]) == 0
    assert capsys.readouterr().out == (REPO / SCHEMA_PATH).read_text(encoding="utf-8"), (
        "run 'cohub schema' to bring the shipped schema into step with taxonomy/"
    )


def test_cohub_schema_writes_beside_the_template(hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hub / SCHEMA_PATH).unlink()
    assert main(["--root", str(hub), "schema"]) == 0
    assert (hub / SCHEMA_PATH).read_text(encoding="utf-8") == (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert capsys.readouterr().out == f"Wrote the front matter's JSON Schema to {hub / SCHEMA_PATH}.\n"


def test_cohub_schema_refuses_a_broken_taxonomy(hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text("label: Funding models\nmany: often\n", encoding="utf-8")
    assert main(["--root", str(hub), "schema", "--output", "-"]) == 1
    captured = capsys.readouterr()
    assert (
        "taxonomy/funding_models.yml:2: 'many' must be true or false — write 'many: true' or 'many: false'"
        in captured.out
    )
    assert captured.err == "cohub: the schema was not written: fix the taxonomy first\n"


@pytest.mark.parametrize(
    ("facet", "required", "field_schema"),
    [
        pytest.param(
            Facet("funding", "Funding", "", (), field="funding", many=False),
            False,
            {"type": "string", "description": "Funding: a term id from taxonomy/funding.yml."},
            id="one-term",
        ),
        pytest.param(
            Facet("topics", "Topics", "", (), field="topic", required=True),
            True,
            {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string"},
                "description": "Topics: term ids from taxonomy/topics.yml.",
            },
            id="many-terms-required",
        ),
        pytest.param(Facet("kinds", "Kinds", "", ()), False, None, id="no-field"),
    ],
)
def test_each_facet_with_a_field_adds_it_to_the_schema(facet: Facet, required: bool, field_schema: dict | None) -> None:
    schema = case_study_schema((facet,))
    assert schema["properties"].get(facet.field) == field_schema
    assert (facet.field in schema["required"]) is required


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        pytest.param("many: often\n", "taxonomy/funding_models.yml:2: 'many' must be true or false", id="not-a-flag"),
        pytest.param(
            "related_weight: 200\n",
            "taxonomy/funding_models.yml:2: 'related_weight' must be a whole number from 0 to 100",
            id="weight-out-of-range",
        ),
        pytest.param(
            "facts: top\n", "taxonomy/funding_models.yml:2: 'facts' cannot be 'top'", id="unknown-facts-place"
        ),
        pytest.param(
            "field: themes\n",
            "taxonomy/funding_models.yml:1: the field 'themes' is also the field of taxonomy/themes.yml",
            id="field-taken-by-another-facet",
        ),
        pytest.param(
            "field: title\n",
            "taxonomy/funding_models.yml:2: 'title' is a case-study field that is not a facet",
            id="field-taken-by-the-base-schema",
        ),
        pytest.param(
            "front_matter: false\n",
            "taxonomy/funding_models.yml:2: only organisation types are carried through organisations",
            id="only-organisation-types-come-from-organisations",
        ),
        pytest.param(
            "field: Funding Model\n",
            "taxonomy/funding_models.yml:2: 'field' cannot be 'Funding Model'",
            id="field-not-a-name",
        ),
    ],
)
def test_bad_facet_settings_are_reported_at_their_line(hub: Path, settings: str, problem: str) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text(f"label: Funding models\n{settings}", encoding="utf-8")
    _taxonomy, problems = load_taxonomy(hub)
    assert any(str(found).startswith(problem) for found in problems), [str(found) for found in problems]


def test_facet_settings_have_defaults(hub: Path) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text("label: Funding models\nterms: {}\n", encoding="utf-8")
    taxonomy, problems = load_taxonomy(hub)
    assert problems == ()
    facet = taxonomy.facets["funding_models"]
    assert (
        facet.field,
        facet.many,
        facet.required,
        facet.browse,
        facet.search,
        facet.glossary,
        facet.term_name,
        facet.related_weight,
        facet.detect,
        facet.facts,
        facet.facts_label,
    ) == ("funding_models", True, False, True, True, True, "Funding models", 10, True, "about", "Funding models")
    assert list(taxonomy.facets)[-1] == "funding_models", "a facet without a position comes last"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ((), ""),
        (("theme",), "theme"),
        (("theme", "region"), "theme or region"),
        (("theme", "type of service", "region"), "theme, type of service or region"),
    ],
)
def test_lists_in_words(names: tuple[str, ...], expected: str) -> None:
    assert in_words(names, "or") == expected


def test_each_setting_takes_a_facet_out_of_its_part_of_the_site(hub: Path) -> None:
    themes = hub / "taxonomy" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    themes.write_text(
        text.replace(
            "related_weight: 40\n",
            "related_weight: 0\nbrowse: false\nsearch: false\nglossary: false\nfacts: none\ndetect: false\n",
        ),
        encoding="utf-8",
    )
    loaded = load_hub(hub)
    assert loaded.problems == ()
    website = build_website(loaded, RelatedConfig())
    label = loaded.taxonomy.facets["themes"].label
    assert "themes" not in [listing.facet.id for listing in website.facets]
    assert "Theme" not in [entry.kind for entry in website.glossary.terms]
    for case_study in loaded.case_studies:
        assert "themes" not in dict(case_study.detected)
        assert label not in [name for name, _value in case_study_search(case_study, loaded.taxonomy, "").filters]
        assert label not in [row.label for row in website.facts(case_study, "about")]
        for link in website.related_to(case_study):
            assert not set(link.shared) & {term.label for term in loaded.taxonomy.facets["themes"].terms}

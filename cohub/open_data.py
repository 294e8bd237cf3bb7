"""The whole collection as open data: ``case-studies.json``, its JSON Schema, and ``case-studies.csv``.

Each case study's front matter, its terms by facet (following the facets in
``taxonomy/``), its address and the credit to its source; never comments.
The JSON keeps every text exactly as written. In the CSV, a cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so that a spreadsheet shows it as text instead of running it as a
formula (CSV injection); ``docs/open-data.md`` says so to readers.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from cohub.addresses import case_study_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cohub.hub import Hub
    from cohub.model import CaseStudy
    from cohub.taxonomy import Taxonomy

# Where the files are written, relative to the site root.
JSON_FILE = "case-studies.json"
CSV_FILE = "case-studies.csv"
SCHEMA_FILE = "case-studies.schema.json"
BASE_SCHEMA_FILE = "case-studies.base.schema.json"
# What a spreadsheet may read as the start of a formula, and what is put before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# Joins the items of a list in one CSV cell.
CELL_JOINER = "; "
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark; without it, dashes
# and accented letters come out garbled. Other programs skip the mark.
BYTE_ORDER_MARK = "\ufeff"


@cache
def _base_schema() -> Mapping[str, Any]:
    schema: Mapping[str, Any] = json.loads(
        files("cohub.schemas").joinpath(BASE_SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return schema


def open_data_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """The JSON Schema of ``case-studies.json``: each facet's terms under ``terms``, with their ids."""
    schema = copy.deepcopy(dict(_base_schema()))
    term = schema["$defs"]["term"]
    terms = schema["$defs"]["case_study"]["properties"]["terms"]
    for facet in taxonomy.facets.values():
        terms["properties"][facet.id] = {
            "description": facet.label,
            "type": "array",
            "items": {**term, "properties": {**term["properties"], "id": {"enum": list(facet.term_ids)}}},
        }
    terms["required"] = list(taxonomy.facets)
    return schema


def collection(hub: Hub, site_name: str, site_description: str, site_url: str) -> dict[str, Any]:
    """The whole collection, as ``case-studies.json`` holds it.

    Args:
        hub: The taxonomy and the published case studies.
        site_name: The hub's name.
        site_description: What the hub is.
        site_url: The site's address; "" gives addresses from the site root.
    """
    taxonomy = hub.taxonomy
    case_studies = hub.case_studies
    newest = max((case_study.date for case_study in case_studies), default=None)
    return {
        "name": site_name,
        "description": site_description,
        "address": _address(site_url, ""),
        "updated": newest.isoformat() if newest is not None else "1970-01-01",
        "facets": [
            {"id": facet.id, "label": facet.label, "description": facet.description}
            for facet in taxonomy.facets.values()
        ],
        "case_studies": [_record(case_study, taxonomy, site_url) for case_study in case_studies],
    }


def collection_json(data: Mapping[str, Any]) -> str:
    """The collection as JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def collection_csv(data: Mapping[str, Any]) -> str:
    """The collection as CSV, from a byte order mark: one row per case study, one column per field and per facet."""
    facet_ids = [facet["id"] for facet in data["facets"]]
    header = [
        "slug",
        "title",
        "summary",
        "date",
        "address",
        "place",
        "authors",
        "organisations",
        *facet_ids,
        "series",
        "series_position",
        "source_title",
        "source_publisher",
        "source_url",
        "source_date",
    ]
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for record in data["case_studies"]:
        series = record["series"] or {}
        source = record["source"]
        row = [
            record["slug"],
            record["title"],
            record["summary"],
            record["date"],
            record["address"],
            record["place"],
            CELL_JOINER.join(_named(author["name"], author["role"]) for author in record["authors"]),
            CELL_JOINER.join(_named(org["name"], org["role"]) for org in record["organisations"]),
            *(CELL_JOINER.join(term["label"] for term in record["terms"][facet_id]) for facet_id in facet_ids),
            series.get("title", ""),
            str(series.get("position", "")),
            source["title"],
            source["publisher"],
            source["url"],
            source["date"] or "",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that a spreadsheet shows as text: one that could start a formula gets a leading apostrophe."""
    return f"{FORMULA_GUARD}{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _named(name: str, role: str) -> str:
    return f"{name} ({role})" if role else name


def _address(site_url: str, path: str) -> str:
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


def _record(case_study: CaseStudy, taxonomy: Taxonomy, site_url: str) -> dict[str, Any]:
    organisations = taxonomy.organisations
    series = taxonomy.series.get(case_study.series.id) if case_study.series is not None else None
    return {
        "slug": case_study.slug,
        "title": case_study.title,
        "summary": case_study.summary,
        "date": case_study.date.isoformat(),
        "address": _address(site_url, case_study_url(case_study.slug)),
        "place": case_study.place,
        "authors": [{"name": author.name, "role": author.role} for author in case_study.authors],
        "organisations": [
            {
                "id": role.id,
                "name": organisations[role.id].name if role.id in organisations else role.id,
                "role": role.role,
            }
            for role in case_study.organisations
        ],
        "terms": {
            facet.id: [
                {"id": term_id, "label": taxonomy.label(facet.id, term_id)} for term_id in case_study.declared(facet.id)
            ]
            for facet in taxonomy.facets.values()
        },
        "series": {"id": series.id, "title": series.title, "position": case_study.series.position}
        if series is not None and case_study.series is not None
        else None,
        "source": {
            "title": case_study.source.title,
            "publisher": case_study.source.publisher,
            "url": case_study.source.url,
            "date": case_study.source.date.isoformat() if case_study.source.date else None,
        },
        "resources": [
            {"title": resource.title, "url": resource.url, "publisher": resource.publisher}
            for resource in case_study.resources
        ],
        "easy_read": list(case_study.easy_read),
    }

"""The one definition of case-study front matter, and plain messages for its errors.

``schemas/case-study.base.schema.json`` is the JSON Schema of every field but
the facets; each facet in ``taxonomy/`` adds its own field to it, so the whole
schema (which ``cohub schema`` writes out for editors) always matches the
taxonomy. This module turns the validator's findings into
``path:line: message — fix``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from cohub.problems import Problem, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsonschema.exceptions import ValidationError

    from cohub.frontmatter import FrontMatter, Path_
    from cohub.taxonomy import Facet

BASE_SCHEMA_FILE = "case-study.base.schema.json"
# Where 'cohub schema' writes the whole schema in a hub, beside the case-study template.
SCHEMA_PATH = "case_studies/_case-study.schema.json"

_TYPE_WORDS = {
    "string": "text",
    "array": "a list, like [first, second]",
    "object": "a group of fields indented under it",
    "integer": "a whole number",
    "boolean": "true or false",
}


@cache
def _base_schema_text() -> str:
    return files("cohub").joinpath("schemas", BASE_SCHEMA_FILE).read_text(encoding="utf-8")


def base_fields() -> frozenset[str]:
    """The front-matter fields that are not facets."""
    return frozenset(json.loads(_base_schema_text())["properties"])


def facet_property(facet: Facet) -> dict[str, Any]:
    """The JSON Schema of a facet's front-matter field."""
    source = f"taxonomy/{facet.id}.yml"
    if facet.many:
        return {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string"},
            "description": f"{facet.label}: term ids from {source}.",
        }
    return {"type": "string", "description": f"{facet.label}: a term id from {source}."}


def case_study_schema(facets: Iterable[Facet]) -> dict[str, Any]:
    """The JSON Schema for case-study front matter: the base schema plus a field for each facet.

    Args:
        facets: The taxonomy's facets, in order; those without a field add none.
    """
    schema: dict[str, Any] = json.loads(_base_schema_text())
    schema["description"] = (
        "The YAML front matter at the top of every file in case_studies/. Each field's "
        "description says which file in taxonomy/ its ids come from; organisation and series "
        "ids come from taxonomy/organisations.yml and taxonomy/series.yml."
    )
    for facet in facets:
        if facet.field:
            schema["properties"][facet.field] = facet_property(facet)
            if facet.required:
                schema["required"].append(facet.field)
    return schema


def schema_text(facets: Iterable[Facet]) -> str:
    """The whole schema as a file, as ``cohub schema`` writes it."""
    return json.dumps(case_study_schema(facets), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class FrontMatterSchema:
    """Checks front matter against the schema that the base and the facets make."""

    validator: Draft202012Validator

    @classmethod
    def for_facets(cls, facets: Iterable[Facet]) -> FrontMatterSchema:
        """The checker for a hub whose taxonomy has these facets."""
        return cls(Draft202012Validator(case_study_schema(facets), format_checker=Draft202012Validator.FORMAT_CHECKER))

    def problems(self, front: FrontMatter, path: str) -> tuple[Problem, ...]:
        """Every way the front matter breaks the schema, in file order."""
        problems = [
            problem for error in self.validator.iter_errors(front.data) for problem in _explain(error, front, path)
        ]
        return tuple(sorted(problems, key=lambda problem: problem.line))


def field_name(path: Path_) -> str:
    """Say where a value is in words: ``'name' in item 1 of 'authors'``."""
    if not path:
        return "the front matter"
    *parent, last = path
    here = f"item {last + 1}" if isinstance(last, int) else f"'{last}'"
    return f"{here} of {field_name(tuple(parent))}" if parent else here


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def _explain(error: ValidationError, front: FrontMatter, path: str) -> tuple[Problem, ...]:
    at: Path_ = tuple(error.absolute_path)
    line = front.line_of(at)
    where = field_name(at)
    schema = error.schema
    validator = error.validator
    if validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return tuple(
            Problem(
                path, line, f"{field_name((*at, name))} is missing", f"add '{name}:' (see case_studies/_template.md)"
            )
            for name in missing
        )
    if validator == "additionalProperties":
        allowed = schema.get("properties", {})
        return tuple(
            Problem(
                path,
                front.line_of((*at, name)),
                f"unknown field {field_name((*at, name))}",
                did_you_mean(name, allowed),
            )
            for name in error.instance
            if name not in allowed
        )
    if validator == "type":
        expected = error.validator_value
        return (
            Problem(
                path,
                line,
                f"{where} must be {_TYPE_WORDS.get(expected, expected)}, not {_describe(error.instance)}",
                "see case_studies/_template.md for an example",
            ),
        )
    if validator == "format" and error.validator_value == "date":
        return (
            Problem(
                path,
                line,
                f"{where} is not a real date: '{error.instance}'",
                "write it as YYYY-MM-DD, for example 2024-03-31",
            ),
        )
    if validator == "minLength":
        if not error.instance.strip():
            return (Problem(path, line, f"{where} is empty", "write something, or remove the field"),)
        return (
            Problem(
                path, line, f"{where} is too short (under {error.validator_value} characters)", "say a little more"
            ),
        )
    if validator == "maxLength":
        return (
            Problem(
                path,
                line,
                f"{where} is too long ({len(error.instance)} characters, at most {error.validator_value})",
                "shorten it",
            ),
        )
    if validator == "minItems":
        return (Problem(path, line, f"{where} is an empty list", "give at least one item"),)
    if validator == "uniqueItems":
        return (Problem(path, line, f"{where} lists the same item twice", "remove the repeat"),)
    if validator == "pattern" and at and at[-1] == "url":
        return (
            Problem(
                path,
                line,
                f"{where} is not a web address: '{error.instance}'",
                "give the full address, starting https://",
            ),
        )
    if validator == "pattern" and at == ("slug",):
        return (
            Problem(
                path,
                line,
                f"{where} '{error.instance}' is not a valid page address",
                "use lowercase letters, digits and single hyphens, like 'thurrock-direct-payments'",
            ),
        )
    if validator == "minimum":
        return (Problem(path, line, f"{where} must be {error.validator_value} or more", "count parts from 1"),)
    return (Problem(path, line, f"{where}: {error.message}", "see case_studies/_template.md"),)

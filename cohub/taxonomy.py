"""The controlled vocabulary: facets and their terms, acronyms, organisations, series.

``taxonomy/`` is the only place a term is defined. This module reads it into
frozen records and reports anything malformed as ``path:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cohub.frontmatter import parse_yaml_mapping
from cohub.problems import Problem, ProblemError, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Mapping

# Facet file name -> the case-study field that takes its term ids, and whether
# that field holds one id or a list.
FACET_FIELDS: Mapping[str, tuple[str, bool]] = MappingProxyType({
    "themes": ("themes", True),
    "service_types": ("service_types", True),
    "commissioning_stages": ("commissioning_stages", True),
    "ladder_rungs": ("ladder_rung", False),
    "regions": ("region", False),
})
FACET_FILES = (*FACET_FIELDS, "organisation_types")


@dataclass(frozen=True)
class Term:
    """One value of a facet, such as the theme "Direct payments"."""

    id: str
    label: str
    description: str
    synonyms: tuple[str, ...] = ()
    order: int | None = None


@dataclass(frozen=True)
class Facet:
    """A way to classify case studies (themes, regions, ...) and its terms.

    Attributes:
        id: The facet's file name without ``.yml``.
        label: Display name, plural ("Themes").
        description: One plain sentence.
        terms: The terms, in the order the file gives them.
        tag_prefix: Put before each term's label to make its tag, so that tags
            from different facets never read alike ("Commissioning: Plan").
    """

    id: str
    label: str
    description: str
    terms: tuple[Term, ...]
    tag_prefix: str = ""
    _by_id: Mapping[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Templates look terms up hundreds of thousands of times in a large hub.
        object.__setattr__(self, "_by_id", MappingProxyType({term.id: term for term in reversed(self.terms)}))

    def term(self, term_id: str) -> Term | None:
        """The term with this id, if the facet has it."""
        return self._by_id.get(term_id)

    @property
    def term_ids(self) -> tuple[str, ...]:
        """Every term id, in file order."""
        return tuple(term.id for term in self.terms)

    def tag(self, term: Term) -> str:
        """The tag name a case study carrying ``term`` gets."""
        return f"{self.tag_prefix}{term.label}"


@dataclass(frozen=True)
class Acronym:
    """An abbreviation and what it stands for."""

    abbreviation: str
    expansion: str
    description: str = ""


@dataclass(frozen=True)
class Organisation:
    """An organisation that case studies can name by id."""

    id: str
    name: str
    type: str
    description: str = ""
    website: str = ""
    region: str = ""


@dataclass(frozen=True)
class Series:
    """A run of case studies told in parts."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """Everything in ``taxonomy/``, looked up by id."""

    facets: Mapping[str, Facet]
    acronyms: Mapping[str, Acronym]
    organisations: Mapping[str, Organisation]
    series: Mapping[str, Series]

    def facet_for_field(self, field: str) -> Facet:
        """The facet whose ids the case-study ``field`` takes."""
        facet_id = next(facet for facet, (name, _many) in FACET_FIELDS.items() if name == field)
        return self.facets[facet_id]

    def label(self, facet_id: str, term_id: str) -> str:
        """A term's display label (its id, if the taxonomy lacks it)."""
        term = self.facets[facet_id].term(term_id)
        return term.label if term else term_id

    def all_tags(self) -> tuple[str, ...]:
        """Every tag a case study can carry, for Material's ``tags_allowed``."""
        return tuple(
            facet.tag(term)
            for facet_id in FACET_FIELDS
            for facet in (self.facets[facet_id],)
            for term in facet.terms
        )


def load_taxonomy(root: Path) -> tuple[Taxonomy, tuple[Problem, ...]]:
    """Read ``taxonomy/`` under ``root``.

    Args:
        root: The hub's root folder (the one holding ``taxonomy/``).

    Returns:
        The taxonomy (with whatever could be read) and every problem found.
    """
    reader = _TaxonomyReader(root)
    facets = {name: reader.facet(name) for name in FACET_FILES}
    taxonomy = Taxonomy(
        facets=MappingProxyType(facets),
        acronyms=MappingProxyType(reader.acronyms()),
        organisations=MappingProxyType(reader.organisations(facets)),
        series=MappingProxyType(reader.series()),
    )
    reader.check_tags_unique(taxonomy)
    return taxonomy, tuple(reader.problems)


class _TaxonomyReader:
    """Reads the taxonomy files one by one, collecting problems as it goes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def _read(self, name: str) -> tuple[str, dict[str, Any], dict]:
        relative = f"taxonomy/{name}.yml"
        path = self.root / relative
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(Problem(relative, 1, "the file is missing", f"create {relative}"))
            return relative, {}, {}
        except UnicodeDecodeError:
            self.problems.append(Problem(relative, 1, "the file is not UTF-8 text", "save it as UTF-8"))
            return relative, {}, {}
        try:
            data, lines = parse_yaml_mapping(text, relative)
        except ProblemError as error:
            self.problems.append(error.problem)
            return relative, {}, {}
        return relative, data, lines

    def _text(self, relative: str, lines: dict, entry: dict, at: tuple, key: str, *, required: bool) -> str:
        value = entry.get(key, "")
        if isinstance(value, str) and (value or not required):
            return value
        line = lines.get((*at, key), lines.get(at, 1))
        self.problems.append(Problem(relative, line, f"'{key}' must be text", f"give '{key}: some words'"))
        return str(value or "")

    def _entries(self, relative: str, data: dict, lines: dict, at: tuple) -> list[tuple[str, dict, tuple]]:
        entries = []
        for entry_id, entry in data.items():
            if isinstance(entry, dict):
                entries.append((entry_id, entry, (*at, entry_id)))
            else:
                self.problems.append(Problem(
                    relative, lines.get((*at, entry_id), 1), f"'{entry_id}' must have fields under it",
                    "indent its fields by two spaces under it",
                ))
        return entries

    def facet(self, name: str) -> Facet:
        relative, data, lines = self._read(name)
        terms = []
        raw_terms = data.get("terms", {})
        if not isinstance(raw_terms, dict):
            self.problems.append(Problem(relative, lines.get(("terms",), 1), "'terms' must be a mapping of term ids"))
            raw_terms = {}
        for term_id, entry, at in self._entries(relative, raw_terms, lines, ("terms",)):
            synonyms = entry.get("synonyms", [])
            if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
                self.problems.append(Problem(
                    relative, lines.get((*at, "synonyms"), 1), "'synonyms' must be a list of phrases",
                    "write synonyms: [phrase one, phrase two]",
                ))
                synonyms = []
            order = entry.get("order")
            terms.append(Term(
                id=term_id,
                label=self._text(relative, lines, entry, at, "label", required=True),
                description=self._text(relative, lines, entry, at, "description", required=True),
                synonyms=tuple(synonyms),
                order=order if isinstance(order, int) else None,
            ))
        return Facet(
            id=name,
            label=self._text(relative, lines, data, (), "label", required=bool(data)) or name,
            description=self._text(relative, lines, data, (), "description", required=False),
            terms=tuple(terms),
            tag_prefix=self._text(relative, lines, data, (), "tag_prefix", required=False),
        )

    def acronyms(self) -> dict[str, Acronym]:
        relative, data, lines = self._read("acronyms")
        return {
            abbreviation: Acronym(
                abbreviation=abbreviation,
                expansion=self._text(relative, lines, entry, at, "expansion", required=True),
                description=self._text(relative, lines, entry, at, "description", required=False),
            )
            for abbreviation, entry, at in self._entries(relative, data, lines, ())
        }

    def organisations(self, facets: dict[str, Facet]) -> dict[str, Organisation]:
        relative, data, lines = self._read("organisations")
        organisations = {}
        for org_id, entry, at in self._entries(relative, data, lines, ()):
            organisation = Organisation(
                id=org_id,
                name=self._text(relative, lines, entry, at, "name", required=True),
                type=self._text(relative, lines, entry, at, "type", required=True),
                description=self._text(relative, lines, entry, at, "description", required=False),
                website=self._text(relative, lines, entry, at, "website", required=False),
                region=self._text(relative, lines, entry, at, "region", required=False),
            )
            for key, facet_id in (("type", "organisation_types"), ("region", "regions")):
                value = getattr(organisation, key)
                allowed = facets[facet_id].term_ids
                if value and allowed and value not in allowed:
                    self.problems.append(Problem(
                        relative, lines.get((*at, key), 1), f"unknown {key} '{value}'",
                        did_you_mean(value, allowed),
                    ))
            organisations[org_id] = organisation
        return organisations

    def series(self) -> dict[str, Series]:
        relative, data, lines = self._read("series")
        return {
            series_id: Series(
                id=series_id,
                title=self._text(relative, lines, entry, at, "title", required=True),
                description=self._text(relative, lines, entry, at, "description", required=False),
            )
            for series_id, entry, at in self._entries(relative, data, lines, ())
        }

    def check_tags_unique(self, taxonomy: Taxonomy) -> None:
        seen: dict[str, str] = {}
        for facet_id in FACET_FIELDS:
            facet = taxonomy.facets[facet_id]
            for term in facet.terms:
                tag = facet.tag(term)
                if tag in seen:
                    self.problems.append(Problem(
                        f"taxonomy/{facet_id}.yml", 1,
                        f"the tag '{tag}' of term '{term.id}' is also a tag in taxonomy/{seen[tag]}.yml",
                        "give one of them a different label, or give the facet a 'tag_prefix'",
                    ))
                seen[tag] = facet_id

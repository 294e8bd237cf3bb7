"""The controlled vocabulary: facets and their terms, acronyms, organisations, series.

``taxonomy/`` is the only place a term is defined. This module reads it into
frozen records and reports anything malformed as ``path:line: message``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cohub.frontmatter import Path_, parse_yaml_mapping
from cohub.problems import Problem, ProblemError, did_you_mean
from cohub.schema import base_fields

if TYPE_CHECKING:
    from collections.abc import Mapping

# The files in taxonomy/ that are not facets; every other file there is one.
NOT_FACETS = ("acronyms", "organisations", "series")
# Facets that the other taxonomy files refer to: organisations have a type and a region.
ORGANISATION_TYPES = "organisation_types"
REGIONS = "regions"
REQUIRED_FACETS = (ORGANISATION_TYPES, REGIONS)
# Where a case study's page shows a facet's terms: beside its place at the top, in
# "About this case study" after the story, or not at all.
FACTS_PLACES = ("place", "about", "none")
# A facet file name is its id: lowercase letters, digits and "_".
_FACET_ID = re.compile(r"[a-z][a-z0-9_]*")
# A facet without 'position' comes after those with one.
LAST_POSITION = 1000


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
        field: The front-matter field that takes its term ids; "" when case
            studies carry the facet only through the organisations they name
            (organisation types).
        many: Whether the field takes a list of ids rather than one.
        required: Whether every case study must give the field.
        position: Where the facet comes among the others: in browse, search
            filters, tags, facts and shared terms.
        browse: Whether it has browse pages.
        search: Whether search can filter by it.
        glossary: Whether its terms are explained in the glossary.
        term_name: What one of its terms is called ("Theme").
        related_weight: How much a shared term counts towards related case
            studies, from 0 to 100; 0 leaves it out.
        detect: Whether its terms are also found in a story's text, through
            their synonyms.
        facts: Where a case study's page shows its terms (``FACTS_PLACES``).
        facts_label: The name of its row in a case study's facts.
    """

    id: str
    label: str
    description: str
    terms: tuple[Term, ...]
    tag_prefix: str = ""
    field: str = ""
    many: bool = True
    required: bool = False
    position: int = LAST_POSITION
    browse: bool = True
    search: bool = True
    glossary: bool = True
    term_name: str = ""
    related_weight: int = 10
    detect: bool = False
    facts: str = "about"
    facts_label: str = ""
    _by_id: Mapping[str, Term] = dataclasses.field(init=False, repr=False, compare=False)

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

    @property
    def tagged(self) -> bool:
        """Whether case studies give its terms in their front matter, and carry them as tags."""
        return bool(self.field)


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

    @property
    def tagged_facets(self) -> tuple[Facet, ...]:
        """The facets case studies give in their front matter, in order."""
        return tuple(facet for facet in self.facets.values() if facet.tagged)

    def label(self, facet_id: str, term_id: str) -> str:
        """A term's display label (its id, if the taxonomy lacks it)."""
        term = self.facets[facet_id].term(term_id)
        return term.label if term else term_id

    def all_tags(self) -> tuple[str, ...]:
        """Every tag a case study can carry, for Material's ``tags_allowed``."""
        return tuple(facet.tag(term) for facet in self.tagged_facets for term in facet.terms)


def load_taxonomy(root: Path) -> tuple[Taxonomy, tuple[Problem, ...]]:
    """Read ``taxonomy/`` under ``root``.

    Args:
        root: The hub's root folder (the one holding ``taxonomy/``).

    Returns:
        The taxonomy (with whatever could be read) and every problem found.
    """
    reader = _TaxonomyReader(root)
    facets = {
        facet.id: facet
        for facet in sorted(
            (reader.facet(name) for name in facet_ids(root)), key=lambda facet: (facet.position, facet.id)
        )
    }
    reader.check_fields_unique(facets)
    taxonomy = Taxonomy(
        facets=MappingProxyType(facets),
        acronyms=MappingProxyType(reader.acronyms()),
        organisations=MappingProxyType(reader.organisations(facets)),
        series=MappingProxyType(reader.series()),
    )
    reader.check_tags_unique(taxonomy)
    return taxonomy, tuple(reader.problems)


def facet_ids(root: Path) -> tuple[str, ...]:
    """The facets' ids: every file in ``taxonomy/`` but those in ``NOT_FACETS``, and those others need."""
    folder = root / "taxonomy"
    found = (path.stem for path in folder.glob("*.yml") if path.stem not in NOT_FACETS) if folder.is_dir() else ()
    return tuple(sorted({*found, *REQUIRED_FACETS}))


class _TaxonomyReader:
    """Reads the taxonomy files one by one, collecting problems as it goes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def _read(self, name: str) -> tuple[str, dict[str, Any], dict[Path_, int]]:
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

    def _text(
        self, relative: str, lines: dict[Path_, int], entry: dict[str, Any], at: Path_, key: str, *, required: bool
    ) -> str:
        value = entry.get(key, "")
        if isinstance(value, str) and (value or not required):
            return value
        line = lines.get((*at, key), lines.get(at, 1))
        self.problems.append(Problem(relative, line, f"'{key}' must be text", f"give '{key}: some words'"))
        return str(value or "")

    def _entries(
        self, relative: str, data: dict[str, Any], lines: dict[Path_, int], at: Path_
    ) -> list[tuple[str, dict[str, Any], Path_]]:
        entries = []
        for entry_id, entry in data.items():
            if isinstance(entry, dict):
                entries.append((entry_id, entry, (*at, entry_id)))
            else:
                self.problems.append(
                    Problem(
                        relative,
                        lines.get((*at, entry_id), 1),
                        f"'{entry_id}' must have fields under it",
                        "indent its fields by two spaces under it",
                    )
                )
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
                self.problems.append(
                    Problem(
                        relative,
                        lines.get((*at, "synonyms"), 1),
                        "'synonyms' must be a list of phrases",
                        "write synonyms: [phrase one, phrase two]",
                    )
                )
                synonyms = []
            order = entry.get("order")
            terms.append(
                Term(
                    id=term_id,
                    label=self._text(relative, lines, entry, at, "label", required=True),
                    description=self._text(relative, lines, entry, at, "description", required=True),
                    synonyms=tuple(synonyms),
                    order=order if isinstance(order, int) else None,
                )
            )
        if not _FACET_ID.fullmatch(name):
            self.problems.append(
                Problem(
                    relative,
                    1,
                    f"'{name}' cannot name a facet",
                    "name the file with lowercase letters, digits and '_', like funding_models.yml",
                )
            )
        label = self._text(relative, lines, data, (), "label", required=bool(data)) or name
        front_matter = self._flag(relative, lines, data, "front_matter", default=True)
        if not front_matter and name != ORGANISATION_TYPES:
            self.problems.append(
                Problem(
                    relative,
                    lines.get(("front_matter",), 1),
                    "only organisation types are carried through organisations",
                    "remove 'front_matter: false', and give the facet's terms in the case studies",
                )
            )
            front_matter = True
        field = self._text(relative, lines, data, (), "field", required=False) or name if front_matter else ""
        if field and not _FACET_ID.fullmatch(field):
            self.problems.append(
                Problem(
                    relative,
                    lines.get(("field",), 1),
                    f"'field' cannot be '{field}'",
                    "use lowercase letters, digits and '_', like funding_model",
                )
            )
        elif field in base_fields():
            self.problems.append(
                Problem(
                    relative,
                    lines.get(("field",), 1),
                    f"'{field}' is a case-study field that is not a facet",
                    "give the facet a field name of its own",
                )
            )
        many = self._flag(relative, lines, data, "many", default=True)
        facts = self._text(relative, lines, data, (), "facts", required=False) or "about"
        if facts not in FACTS_PLACES:
            self.problems.append(
                Problem(
                    relative,
                    lines.get(("facts",), 1),
                    f"'facts' cannot be '{facts}'",
                    did_you_mean(facts, FACTS_PLACES),
                )
            )
            facts = "about"
        return Facet(
            id=name,
            label=label,
            description=self._text(relative, lines, data, (), "description", required=False),
            terms=tuple(terms),
            tag_prefix=self._text(relative, lines, data, (), "tag_prefix", required=False),
            field=field,
            many=many,
            required=self._flag(relative, lines, data, "required", default=False),
            position=self._number(relative, lines, data, "position", LAST_POSITION, 0, LAST_POSITION),
            browse=self._flag(relative, lines, data, "browse", default=True),
            search=self._flag(relative, lines, data, "search", default=True),
            glossary=self._flag(relative, lines, data, "glossary", default=True),
            term_name=self._text(relative, lines, data, (), "term_name", required=False) or label,
            related_weight=self._number(relative, lines, data, "related_weight", 10, 0, 100),
            detect=bool(field) and self._flag(relative, lines, data, "detect", default=many),
            facts=facts if field else "none",
            facts_label=self._text(relative, lines, data, (), "facts_label", required=False) or label,
        )

    def _flag(self, relative: str, lines: dict[Path_, int], data: dict[str, Any], key: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.append(
            Problem(
                relative,
                lines.get((key,), 1),
                f"'{key}' must be true or false",
                f"write '{key}: true' or '{key}: false'",
            )
        )
        return default

    def _number(
        self, relative: str, lines: dict[Path_, int], data: dict[str, Any], key: str, default: int, low: int, high: int
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.problems.append(
            Problem(
                relative,
                lines.get((key,), 1),
                f"'{key}' must be a whole number from {low} to {high}",
                f"write '{key}: {default}', say",
            )
        )
        return default

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
            for key, facet_id in (("type", ORGANISATION_TYPES), ("region", REGIONS)):
                value = getattr(organisation, key)
                allowed = facets[facet_id].term_ids
                if value and allowed and value not in allowed:
                    self.problems.append(
                        Problem(
                            relative,
                            lines.get((*at, key), 1),
                            f"unknown {key} '{value}'",
                            did_you_mean(value, allowed),
                        )
                    )
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

    def check_fields_unique(self, facets: Mapping[str, Facet]) -> None:
        seen: dict[str, str] = {}
        for facet in facets.values():
            if facet.field in seen:
                self.problems.append(
                    Problem(
                        f"taxonomy/{facet.id}.yml",
                        1,
                        f"the field '{facet.field}' is also the field of taxonomy/{seen[facet.field]}.yml",
                        "give each facet a 'field' of its own",
                    )
                )
            if facet.field:
                seen[facet.field] = facet.id

    def check_tags_unique(self, taxonomy: Taxonomy) -> None:
        seen: dict[str, str] = {}
        for facet in taxonomy.tagged_facets:
            facet_id = facet.id
            for term in facet.terms:
                tag = facet.tag(term)
                if tag in seen:
                    self.problems.append(
                        Problem(
                            f"taxonomy/{facet_id}.yml",
                            1,
                            f"the tag '{tag}' of term '{term.id}' is also a tag in taxonomy/{seen[tag]}.yml",
                            "give one of them a different label, or give the facet a 'tag_prefix'",
                        )
                    )
                seen[tag] = facet_id

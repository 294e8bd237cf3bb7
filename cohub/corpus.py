"""Read every case study, check it, and build the model.

The whole corpus is read before anything is rendered, so cross-page results
(listings, tags, duplicates) never depend on the order pages are built in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cohub.addresses import CASE_STUDIES_FOLDER
from cohub.body_policy import body_problems
from cohub.characters import describe, unsafe_in_body, unsafe_in_field
from cohub.frontmatter import FrontMatter, has_html, split_front_matter, text_values
from cohub.glossary import acronym_warnings
from cohub.limits import BODY_MAX_BYTES, FILE_MAX_BYTES, KIB, MAX_PROBLEMS_PER_FILE
from cohub.model import Author, CaseStudy, OrganisationRole, Resource, SeriesPart, Source
from cohub.outline import Outline, length_warnings, outline_problems, read_outline
from cohub.problems import Problem, ProblemError, did_you_mean, line_finder, printable
from cohub.readers import read_all
from cohub.schema import FrontMatterSchema, field_name
from cohub.series import series_problems
from cohub.tagging import TermMatcher
from cohub.taxonomy import ORGANISATION_TYPES, Taxonomy
from cohub.wikilinks import wikilink_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from cohub.readers import ReadOne
    from cohub.taxonomy import Acronym

    Warn = Callable[[CaseStudy, Mapping[str, Acronym]], tuple[Problem, ...]]

CASE_STUDIES_DIR = "case_studies"
# Addresses among the case studies' pages that are the hub's own.
RESERVED_SLUGS = frozenset(("index",))


@dataclass(frozen=True)
class Rules:
    """What every case study is read against: the taxonomy, its terms, its schema and the template's outline."""

    taxonomy: Taxonomy
    matcher: TermMatcher
    schema: FrontMatterSchema
    outline: Outline = Outline()

    @classmethod
    def for_taxonomy(cls, taxonomy: Taxonomy, outline: Outline | None = None) -> Rules:
        """The rules a hub with this taxonomy and template outline reads its case studies by."""
        return cls(
            taxonomy,
            TermMatcher.from_taxonomy(taxonomy),
            FrontMatterSchema.for_facets(taxonomy.facets.values()),
            outline or Outline(),
        )


@dataclass(frozen=True)
class Corpus:
    """Every case study that could be read, and every problem found.

    Attributes:
        case_studies: Valid case studies, newest first, then by title.
        problems: Problems in file order; any problem means the site must not
            be built.
        warnings: Things a writer should put right, such as an acronym used
            before it is spelled out, that do not stop the build.
    """

    case_studies: tuple[CaseStudy, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def published(self) -> tuple[CaseStudy, ...]:
        """The case studies that go on the site (drafts stay out)."""
        return tuple(case_study for case_study in self.case_studies if not case_study.draft)


def case_study_files(root: Path) -> tuple[Path, ...]:
    """Every case-study file under ``root/case_studies``, in a stable order.

    Files and folders whose names start with ``_`` or ``.`` (the template) are
    not case studies. Folders that are links are not searched.
    """
    folder = root / CASE_STUDIES_DIR
    return tuple(
        sorted(
            path
            for path in folder.rglob("*.md")
            if not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts)
        )
    )


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_corpus(
    root: Path,
    taxonomy: Taxonomy,
    *,
    workers: int | None = None,
    read_one: ReadOne | None = None,
    warn: Warn | None = None,
) -> Corpus:
    """Read and check every case study under ``root``.

    Args:
        root: The hub's root folder.
        taxonomy: The controlled vocabulary the case studies are checked against.
        workers: How many processes besides this one read files (see
            ``readers.read_all``); by default, as many as there are spare
            cores for a large hub.
        read_one: Reads one file; :func:`read_file` unless a preview
            remembers files it has read (``cohub.preview``).
        warn: Gives one case study's warnings; :func:`case_study_warnings`
            unless a preview remembers them.

    Returns:
        The corpus: valid case studies and all problems.
    """
    rules = Rules.for_taxonomy(taxonomy, read_outline(root))
    case_studies: list[CaseStudy] = []
    problems: list[Problem] = []
    for case_study, file_problems in read_all(
        root, case_study_files(root), read_one or read_file, rules, workers=workers
    ):
        problems.extend(file_problems)
        if case_study is not None:
            case_studies.append(case_study)
    # Group problems by file; the sort is stable, so each file's own problems stay first.
    problems.extend(_slug_problems(case_studies, root))
    problems.extend(series_problems(case_studies))
    problems.extend(wikilink_problems(case_studies))
    problems.sort(key=lambda problem: problem.path)
    warnings = tuple(
        warning
        for case_study in case_studies
        for warning in (warn or case_study_warnings)(case_study, taxonomy.acronyms)
    )
    case_studies.sort(key=lambda case_study: (-case_study.date.toordinal(), case_study.title))
    return Corpus(tuple(case_studies), tuple(problems), warnings)


def case_study_warnings(case_study: CaseStudy, acronyms: Mapping[str, Acronym]) -> tuple[Problem, ...]:
    """What a writer should put right in one case study that does not stop the build."""
    return (*length_warnings(case_study), *acronym_warnings(case_study, acronyms))


def read_file(root: Path, file: Path, rules: Rules) -> tuple[CaseStudy | None, tuple[Problem, ...]]:
    """Read and check one case-study file under ``root``, as :func:`read_case_study` does its bytes."""
    path = file.relative_to(root).as_posix()
    # Folders that are links are not searched (see case_study_files); a file that is a link must stay in the hub.
    if file.is_symlink() and not _inside(file, root):
        return None, (
            Problem(
                printable(path),
                1,
                "the file is a link to a file outside the hub",
                "copy the case study into case_studies/ instead of linking to it",
            ),
        )
    hidden = next((character for character in path if not character.isprintable()), None)
    if hidden is not None:
        return None, (
            Problem(
                printable(path),
                1,
                f"the file name contains {describe(hidden)}",
                "rename the file using letters, digits and hyphens",
            ),
        )
    size = file.stat().st_size
    if size > FILE_MAX_BYTES:
        return None, (
            Problem(
                path,
                1,
                f"the file is {_size(size)}, over the limit of {_size(FILE_MAX_BYTES)}",
                "a case study is one story of a few thousand words: shorten it, or split it into parts of a series",
            ),
        )
    with file.open("rb") as opened:
        raw = opened.read(FILE_MAX_BYTES + 1)
    return read_case_study(raw, path, rules)


def _inside(file: Path, root: Path) -> bool:
    try:
        return file.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link that leads nowhere, or round in a circle
        return False


def read_case_study(raw: bytes, path: str, rules: Rules) -> tuple[CaseStudy | None, tuple[Problem, ...]]:
    """Check one case study's bytes and build its model.

    Never raises for anything in the file: whatever is wrong comes back as
    problems, so that one bad file never stops the others being checked.

    Args:
        raw: The file's bytes.
        path: The file's path relative to the hub root, for messages.
        rules: The taxonomy, its term matcher and the template's outline.

    Returns:
        The case study (``None`` when it has problems) and its problems.
    """
    try:
        case_study, problems = _check(raw, path, rules)
    except ProblemError as error:
        return None, (error.problem,)
    except (RecursionError, MemoryError, ValueError, OverflowError) as error:
        # Every check above should have caught this file first; say so rather than stop the run.
        return None, (
            Problem(
                path,
                1,
                f"cohub could not read this file ({type(error).__name__})",
                "please report this, with the file, to the hub's maintainers",
            ),
        )
    if len(problems) > MAX_PROBLEMS_PER_FILE:
        more = len(problems) - MAX_PROBLEMS_PER_FILE
        problems = (
            *problems[:MAX_PROBLEMS_PER_FILE],
            Problem(
                path,
                problems[MAX_PROBLEMS_PER_FILE].line,
                f"and {more} more problems",
                "fix these, then run 'cohub check' again",
            ),
        )
    return case_study, problems


def _check(raw: bytes, path: str, rules: Rules) -> tuple[CaseStudy | None, tuple[Problem, ...]]:
    text = _decode(raw, path)
    front = split_front_matter(text, path)
    problems = [
        *rules.schema.problems(front, path),
        *_text_problems(front, path),
        *_taxonomy_problems(front, path, rules.taxonomy),
        *_address_problems(front, path),
    ]
    body_size = len(front.body.encode("utf-8"))
    if body_size > BODY_MAX_BYTES:
        problems.append(
            Problem(
                path,
                front.body_line,
                f"the story is {_size(body_size)}, over the limit of {_size(BODY_MAX_BYTES)}",
                "split it into parts of a series (see taxonomy/series.yml)",
            )
        )
    elif not front.body.strip():
        problems.append(
            Problem(
                path,
                front.body_line - 1,
                "there is no text after the front matter",
                "write the story under the headings in case_studies/_template.md",
            )
        )
    else:
        problems.extend(_body_character_problems(front, path))
        problems.extend(body_problems(front.body, path, front.body_line))
        problems.extend(outline_problems(front.body, path, front.body_line, rules.outline))
    if problems:
        return None, tuple(sorted(problems, key=lambda problem: problem.line))
    return _build(front, path, rules), ()


def _size(size: int) -> str:
    return f"{size / KIB / KIB:.1f} MiB" if size >= KIB * KIB else f"{size // KIB} KiB"


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ProblemError(
            Problem(
                path,
                line,
                "the file is not UTF-8 text",
                "save it as UTF-8 (in most editors: Save As, then choose UTF-8 encoding)",
            )
        ) from None


def _text_problems(front: FrontMatter, path: str) -> Iterable[Problem]:
    """Front matter is plain text: no HTML, and no character that hides or does not print."""
    for at, value in text_values(front.data):
        if has_html(value):
            yield Problem(
                path,
                front.line_of(at),
                f"{field_name(at)} contains HTML",
                "front matter is plain text: remove the '<...>' tags",
            )
        character = unsafe_in_field(value)
        if character is not None:
            yield Problem(
                path,
                front.line_of(at),
                f"{field_name(at)} contains {describe(character)}",
                "delete it: front matter is plain text (retyping the text removes hidden characters)",
            )


def _body_character_problems(front: FrontMatter, path: str) -> Iterable[Problem]:
    found = unsafe_in_body(front.body)
    if found is not None:
        offset, character = found
        yield Problem(
            path,
            line_finder(front.body, front.body_line)(offset),
            f"the story contains {describe(character)}",
            "delete it (retyping the line removes hidden characters)",
        )


def _address_problems(front: FrontMatter, path: str) -> Iterable[Problem]:
    """A page address must come out of the slug, the file name and the place."""
    data = front.data
    if "slug" not in data and not slugify(Path(path).stem):
        yield Problem(
            path,
            1,
            f"the file name '{printable(Path(path).name)}' gives no page address",
            "name the file with Latin letters or digits (like 'leeds-day-services.md'), "
            "or add a line 'slug: leeds-day-services'",
        )
    place = data.get("place")
    if isinstance(place, str) and place.strip() and not slugify(place):
        yield Problem(
            path,
            front.line_of(("place",)),
            f"'place' ('{printable(place)}') gives no page address",
            "write the place's name in English as well, for example 'Caerdydd (Cardiff)'",
        )


def _taxonomy_problems(front: FrontMatter, path: str, taxonomy: Taxonomy) -> Iterable[Problem]:
    data = front.data
    for facet in taxonomy.tagged_facets:
        field, many = facet.field, facet.many
        value = data.get(field)
        values = value if many and isinstance(value, list) else [value] if isinstance(value, str) else []
        allowed = facet.term_ids
        for index, term_id in enumerate(values):
            if isinstance(term_id, str) and term_id not in allowed:
                at = (field, index) if many else (field,)
                yield Problem(
                    path,
                    front.line_of(at),
                    f"unknown {field.replace('_', ' ')} '{term_id}'",
                    f"{did_you_mean(term_id, allowed)} (terms are defined in taxonomy/{facet.id}.yml)",
                )
    organisations = data.get("organisations")
    for index, entry in enumerate(organisations if isinstance(organisations, list) else []):
        org_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(org_id, str) and org_id not in taxonomy.organisations:
            yield Problem(
                path,
                front.line_of(("organisations", index, "id")),
                f"unknown organisation '{org_id}'",
                f"{did_you_mean(org_id, taxonomy.organisations)} (or add it to taxonomy/organisations.yml)",
            )
    series = data.get("series")
    series_id = series.get("id") if isinstance(series, dict) else None
    if isinstance(series_id, str) and series_id not in taxonomy.series:
        yield Problem(
            path,
            front.line_of(("series", "id")),
            f"unknown series '{series_id}'",
            f"{did_you_mean(series_id, taxonomy.series)} (or add it to taxonomy/series.yml)",
        )


def _slug_problems(case_studies: list[CaseStudy], root: Path) -> Iterable[Problem]:
    reserved = RESERVED_SLUGS | hand_written_slugs(root)
    first_by_slug: dict[str, CaseStudy] = {}
    for case_study in case_studies:
        if case_study.slug in reserved:
            yield Problem(
                case_study.path,
                1,
                f"the page address '{case_study.url}' is taken by the hub",
                "rename this file, or give it a different 'slug:'",
            )
            continue
        first = first_by_slug.setdefault(case_study.slug, case_study)
        if first is not case_study:
            yield Problem(
                case_study.path,
                1,
                f"the page address '{case_study.slug}' is already used by {first.path}",
                "rename this file, or give it a different 'slug:'",
            )


def hand_written_slugs(root: Path) -> frozenset[str]:
    """The case-study addresses that hand-written pages in ``docs/`` take."""
    folder = root / "docs" / CASE_STUDIES_FOLDER
    if not folder.is_dir():
        return frozenset()
    return frozenset(
        path.stem if path.is_file() else path.name for path in folder.iterdir() if path.is_dir() or path.suffix == ".md"
    )


def _terms(
    data: dict[str, Any], organisations: tuple[OrganisationRole, ...], taxonomy: Taxonomy
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A case study's term ids by facet: each field's, and its organisations' types."""
    terms = []
    for facet in taxonomy.facets.values():
        if facet.field:
            value = data.get(facet.field, ())
            terms.append((facet.id, (value,) if isinstance(value, str) else tuple(value)))
        elif facet.id == ORGANISATION_TYPES:
            known = taxonomy.organisations
            terms.append(
                (
                    facet.id,
                    tuple(
                        dict.fromkeys(
                            known[role.id].type for role in organisations if role.id in known and known[role.id].type
                        )
                    ),
                )
            )
    return tuple(terms)


def _build(front: FrontMatter, path: str, rules: Rules) -> CaseStudy:
    data: dict[str, Any] = front.data
    source = data["source"]
    series = data.get("series")
    organisations = tuple(OrganisationRole(id=o["id"], role=o["role"]) for o in data["organisations"])
    return CaseStudy(
        slug=data.get("slug") or slugify(Path(path).stem),
        path=path,
        title=data["title"].strip(),
        summary=data["summary"].strip(),
        easy_read=tuple(sentence.strip() for sentence in data.get("easy_read", ())),
        summary_line=front.line_of(("summary",)),
        easy_read_line=front.line_of(("easy_read",)),
        date=Date.fromisoformat(data["date"]),
        authors=tuple(Author(name=a["name"], role=a.get("role", "")) for a in data["authors"]),
        organisations=organisations,
        place=data["place"],
        terms=_terms(data, organisations, rules.taxonomy),
        series=SeriesPart(
            id=series["id"],
            position=series["position"],
            line=front.line_of(("series", "position")),
        )
        if series
        else None,
        source=Source(
            title=source["title"],
            publisher=source["publisher"],
            url=source["url"],
            date=Date.fromisoformat(source["date"]) if "date" in source else None,
        ),
        resources=tuple(
            Resource(title=r["title"], url=r["url"], publisher=r.get("publisher", ""))
            for r in data.get("resources", ())
        ),
        comments=data.get("comments", True),
        draft=data.get("draft", False),
        body=front.body,
        body_line=front.body_line,
        detected=rules.matcher.detect(front.body),
    )

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

from cohub.frontmatter import FrontMatter, split_front_matter, strings_with_html
from cohub.glossary import acronym_warnings
from cohub.model import Author, CaseStudy, OrganisationRole, Resource, SeriesPart, Source
from cohub.problems import Problem, ProblemError, did_you_mean
from cohub.readers import read_all
from cohub.schema import field_name, schema_problems
from cohub.series import series_problems
from cohub.tagging import TermMatcher
from cohub.taxonomy import FACET_FIELDS, Taxonomy
from cohub.wikilinks import wikilink_problems

if TYPE_CHECKING:
    from collections.abc import Iterable

CASE_STUDIES_DIR = "case_studies"


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
    not case studies.
    """
    folder = root / CASE_STUDIES_DIR
    return tuple(sorted(
        path for path in folder.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts)
    ))


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_corpus(root: Path, taxonomy: Taxonomy, *, workers: int | None = None) -> Corpus:
    """Read and check every case study under ``root``.

    Args:
        root: The hub's root folder.
        taxonomy: The controlled vocabulary the case studies are checked against.
        workers: How many processes besides this one read files (see
            ``readers.read_all``); by default, as many as there are spare
            cores for a large hub.

    Returns:
        The corpus: valid case studies and all problems.
    """
    matcher = TermMatcher.from_taxonomy(taxonomy)
    case_studies: list[CaseStudy] = []
    problems: list[Problem] = []
    for case_study, file_problems in read_all(root, case_study_files(root), _read_file, taxonomy, matcher,
                                              workers=workers):
        problems.extend(file_problems)
        if case_study is not None:
            case_studies.append(case_study)
    # Group problems by file; the sort is stable, so each file's own problems stay first.
    problems.extend(_duplicate_slugs(case_studies))
    problems.extend(series_problems(case_studies))
    problems.extend(wikilink_problems(case_studies))
    problems.sort(key=lambda problem: problem.path)
    warnings = tuple(
        warning for case_study in case_studies for warning in acronym_warnings(case_study, taxonomy.acronyms)
    )
    case_studies.sort(key=lambda case_study: (-case_study.date.toordinal(), case_study.title))
    return Corpus(tuple(case_studies), tuple(problems), warnings)


def _read_file(
    root: Path, file: Path, taxonomy: Taxonomy, matcher: TermMatcher,
) -> tuple[CaseStudy | None, tuple[Problem, ...]]:
    return read_case_study(file.read_bytes(), file.relative_to(root).as_posix(), taxonomy, matcher)


def read_case_study(
    raw: bytes, path: str, taxonomy: Taxonomy, matcher: TermMatcher,
) -> tuple[CaseStudy | None, tuple[Problem, ...]]:
    """Check one case study's bytes and build its model.

    Args:
        raw: The file's bytes.
        path: The file's path relative to the hub root, for messages.
        taxonomy: The controlled vocabulary.
        matcher: Finds taxonomy terms in the text.

    Returns:
        The case study (``None`` when it has problems) and its problems.
    """
    try:
        text = _decode(raw, path)
        front = split_front_matter(text, path)
    except ProblemError as error:
        return None, (error.problem,)
    problems = [
        *schema_problems(front, path),
        *_html_problems(front, path),
        *_taxonomy_problems(front, path, taxonomy),
    ]
    if not front.body.strip():
        problems.append(Problem(
            path, front.body_line - 1, "there is no text after the front matter",
            "write the story under the headings in case_studies/_template.md",
        ))
    if problems:
        return None, tuple(sorted(problems, key=lambda problem: problem.line))
    return _build(front, path, matcher), ()


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ProblemError(Problem(
            path, line, "the file is not UTF-8 text",
            "save it as UTF-8 (in most editors: Save As, then choose UTF-8 encoding)",
        )) from None


def _html_problems(front: FrontMatter, path: str) -> Iterable[Problem]:
    for at, _value in strings_with_html(front.data):
        yield Problem(
            path, front.line_of(at), f"{field_name(at)} contains HTML",
            "front matter is plain text: remove the '<...>' tags",
        )


def _taxonomy_problems(front: FrontMatter, path: str, taxonomy: Taxonomy) -> Iterable[Problem]:
    data = front.data
    for facet_id, (field, many) in FACET_FIELDS.items():
        value = data.get(field)
        values = value if many and isinstance(value, list) else [value] if isinstance(value, str) else []
        allowed = taxonomy.facets[facet_id].term_ids
        for index, term_id in enumerate(values):
            if isinstance(term_id, str) and term_id not in allowed:
                at = (field, index) if many else (field,)
                yield Problem(
                    path, front.line_of(at), f"unknown {field.replace('_', ' ')} '{term_id}'",
                    f"{did_you_mean(term_id, allowed)} (terms are defined in taxonomy/{facet_id}.yml)",
                )
    organisations = data.get("organisations")
    for index, entry in enumerate(organisations if isinstance(organisations, list) else []):
        org_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(org_id, str) and org_id not in taxonomy.organisations:
            yield Problem(
                path, front.line_of(("organisations", index, "id")), f"unknown organisation '{org_id}'",
                f"{did_you_mean(org_id, taxonomy.organisations)} (or add it to taxonomy/organisations.yml)",
            )
    series = data.get("series")
    series_id = series.get("id") if isinstance(series, dict) else None
    if isinstance(series_id, str) and series_id not in taxonomy.series:
        yield Problem(
            path, front.line_of(("series", "id")), f"unknown series '{series_id}'",
            f"{did_you_mean(series_id, taxonomy.series)} (or add it to taxonomy/series.yml)",
        )


def _duplicate_slugs(case_studies: list[CaseStudy]) -> Iterable[Problem]:
    first_by_slug: dict[str, CaseStudy] = {}
    for case_study in case_studies:
        first = first_by_slug.setdefault(case_study.slug, case_study)
        if first is not case_study:
            yield Problem(
                case_study.path, 1, f"the page address '{case_study.slug}' is already used by {first.path}",
                "rename this file, or give it a different 'slug:'",
            )


def _build(front: FrontMatter, path: str, matcher: TermMatcher) -> CaseStudy:
    data: dict[str, Any] = front.data
    source = data["source"]
    series = data.get("series")
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
        organisations=tuple(OrganisationRole(id=o["id"], role=o["role"]) for o in data["organisations"]),
        place=data["place"],
        region=data["region"],
        service_types=tuple(data["service_types"]),
        commissioning_stages=tuple(data["commissioning_stages"]),
        ladder_rung=data["ladder_rung"],
        themes=tuple(data["themes"]),
        series=SeriesPart(
            id=series["id"], position=series["position"], line=front.line_of(("series", "position")),
        ) if series else None,
        source=Source(
            title=source["title"], publisher=source["publisher"], url=source["url"],
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
        detected=matcher.detect(front.body),
    )

"""What a preview ('mkdocs serve') keeps between rebuilds, and which pages an edit changes.

A contributor's save should show in a second or two, so a preview never
re-reads a case study whose file is unchanged, and rebuilds only the pages
whose inputs differ from the last build's. Every decision here is made by
comparing values, never by guessing from which file was saved: a page is
rebuilt when anything its template is given differs, and everything is
rebuilt when something every page shows (the taxonomy, the settings, the
set of pages) differs.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from jinja2 import BytecodeCache

from cohub.addresses import case_study_page
from cohub.corpus import case_study_warnings, read_file
from cohub.limits import FILE_MAX_BYTES

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from jinja2.bccache import Bucket

    from cohub.corpus import Rules
    from cohub.model import CaseStudy
    from cohub.problems import Problem
    from cohub.taxonomy import Acronym
    from cohub.website import Website

    Read = tuple[CaseStudy | None, tuple[Problem, ...]]


@dataclass(frozen=True)
class _Seen:
    """A file as it was last read: its status, a digest of its bytes, and what reading it gave."""

    status: tuple[int, int, int, int]
    digest: bytes
    read: Read


def _status(file: Path) -> tuple[int, int, int, int]:
    found = os.stat(file)
    return (found.st_mtime_ns, found.st_size, found.st_ino, found.st_dev)


def _digest(file: Path) -> bytes:
    with file.open("rb") as opened:
        return hashlib.blake2b(opened.read(FILE_MAX_BYTES + 1)).digest()


def _rules_key(rules: Rules) -> object:
    """What a file's reading depends on besides its own bytes: the taxonomy and the template's outline."""
    return (rules.taxonomy, tuple((section.title, section.instructions) for section in rules.outline.sections))


class CaseStudyCache:
    """Case studies as last read, by file, for a preview's next rebuild.

    A file whose status (modification time, size, inode) is unchanged is not
    opened again; one whose status changed but whose bytes did not is not
    checked again, and the warnings of a case study read before are not
    worked out again. A change to the taxonomy or the template forgets them all.
    """

    def __init__(self) -> None:
        self._rules: Rules | None = None
        self._rules_key: object = None
        self._seen: dict[Path, _Seen] = {}
        # By the case study given out (the very object); each entry holds it, so no other can take its id.
        self._warnings: dict[int, tuple[CaseStudy, tuple[Problem, ...]]] = {}

    def read_file(self, root: Path, file: Path, rules: Rules) -> Read:
        """Read one case study, as :func:`cohub.corpus.read_file` does, unless it is unchanged since last time."""
        # Each read of the hub makes its rules once: compare their contents once per read, not once per file.
        if rules is not self._rules:
            key = _rules_key(rules)
            if key != self._rules_key:
                self._seen.clear()
                self._warnings.clear()
            self._rules, self._rules_key = rules, key
        seen = self._seen.get(file)
        try:
            status = _status(file)
            if seen is not None and seen.status == status:
                return seen.read
            digest = _digest(file)
        except OSError:
            self._forget(file)
            return read_file(root, file, rules)
        if seen is not None and seen.digest == digest:
            self._seen[file] = _Seen(status, digest, seen.read)
            return seen.read
        self._forget(file)
        read = read_file(root, file, rules)
        self._seen[file] = _Seen(status, digest, read)
        return read

    def warnings(self, case_study: CaseStudy, acronyms: Mapping[str, Acronym]) -> tuple[Problem, ...]:
        """A case study's warnings, as :func:`cohub.corpus.case_study_warnings` gives them, worked out once.

        The acronyms are the taxonomy's, which :meth:`read_file` was last
        given: a new taxonomy forgets every case study and its warnings.
        """
        known = self._warnings.get(id(case_study))
        if known is not None and known[0] is case_study:
            return known[1]
        found = case_study_warnings(case_study, acronyms)
        self._warnings[id(case_study)] = (case_study, found)
        return found

    def _forget(self, file: Path) -> None:
        seen = self._seen.pop(file, None)
        if seen is not None and seen.read[0] is not None:
            self._warnings.pop(id(seen.read[0]), None)


@dataclass(frozen=True)
class Changes:
    """What differs between two builds of the same pages.

    Attributes:
        pages: The ``src_uri`` of each generated or case-study page whose
            template is given something new.
        shown_elsewhere: Whether anything changed that pages other than a case
            study's own can show (a title, a summary, a term); when only
            stories' text changed, no other page does.
    """

    pages: frozenset[str]
    shown_elsewhere: bool


def changed_pages(before: Website | None, after: Website) -> Changes | None:
    """The generated and case-study pages whose templates are given something new.

    Args:
        before: The website of the last good build, if there was one.
        after: The website this build makes.

    Returns:
        The changes, or ``None`` when every page must be rebuilt: there was
        no last build, or the taxonomy, the organisation or the set of pages
        differs. Hand-written pages, and pages whose Markdown renders
        differently, are the caller's to add.
    """
    if before is None or before.hub.taxonomy != after.hub.taxonomy or before.organisation != after.organisation:
        return None
    old_studies = {case_study.slug: case_study for case_study in before.hub.case_studies}
    new_studies = {case_study.slug: case_study for case_study in after.hub.case_studies}
    if old_studies.keys() != new_studies.keys() or before.pages.keys() != after.pages.keys():
        return None
    edited = {slug for slug, case_study in new_studies.items() if old_studies[slug] != case_study}
    if all(_only_body_differs(old_studies[slug], new_studies[slug]) for slug in edited):
        # No list, related section or series shows a case study's story, only its own page does.
        return Changes(frozenset(case_study_page(slug) for slug in edited), shown_elsewhere=False)
    changed = {src_uri for src_uri, page in after.pages.items() if before.pages[src_uri] != page}
    # Pages that show the corpus as a whole (counts, every facet) but are handed nothing of their own.
    if before.hub.case_studies != after.hub.case_studies:
        changed.update(src_uri for src_uri, page in after.pages.items() if page.content is None)
    for slug, case_study in new_studies.items():
        old = old_studies[slug]
        if (
            old != case_study
            or before.related_to(old) != after.related_to(case_study)
            or before.series_nav(old) != after.series_nav(case_study)
        ):
            changed.add(case_study_page(slug))
    return Changes(frozenset(changed), shown_elsewhere=True)


def _only_body_differs(before: CaseStudy, after: CaseStudy) -> bool:
    """Whether two versions of a case study differ in their story's text alone (terms found in it are apart)."""
    return replace(before, body=after.body, body_line=after.body_line) == after


def site_fingerprint(config_file: Path, template_folder: str | None) -> object:
    """What every page depends on besides the hub: the settings file's bytes and the templates' files.

    Args:
        config_file: ``mkdocs.yml``.
        template_folder: The theme's ``custom_dir`` (the hub's ``overrides/``), if any.
    """
    templates: list[tuple[str, int, int]] = []
    if template_folder is not None:
        for folder, _folders, names in sorted(os.walk(template_folder)):
            for name in sorted(names):
                status = os.stat(os.path.join(folder, name))
                templates.append((os.path.join(folder, name), status.st_mtime_ns, status.st_size))
    return (config_file.read_bytes(), tuple(templates))


class TemplateCodeCache(BytecodeCache):
    """Templates as compiled for the last build; one whose source changed since is compiled again.

    MkDocs makes a new Jinja environment for every build, which would
    compile every template again on every save.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give ``bucket`` the code compiled last time, if any (Jinja checks it was compiled from the same source)."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a newly compiled template's code."""
        self._code[bucket.key] = bucket.bytecode_to_string()

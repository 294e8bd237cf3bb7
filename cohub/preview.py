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
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from jinja2.bccache import Bucket
    from markupsafe import Markup

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


@dataclass(frozen=True)
class RenderedPage:
    """A page's Markdown and settings (its ``meta``, written out), and what converting them gave.

    Attributes:
        markdown: The page's Markdown, as converted.
        meta: Its settings, written out.
        content: The HTML it converted to.
        toc: Its table of contents, as the site generator made it.
        title: The title found while converting, if any.
        anchors: The anchors the HTML holds.
    """

    markdown: str
    meta: str
    content: str | None
    toc: object
    title: str | None
    anchors: frozenset[str]


class Preview:
    """What a preview keeps from one build to the next, and what it decides each build is to redo.

    The first build is whole. Each rebuild after it reads only the case
    studies whose files changed (:class:`CaseStudyCache`), converts only
    Markdown that differs from last time, and writes only the pages whose
    templates are given something new (:func:`changed_pages`); the site
    generator keeps every other page as it was. A change to the settings,
    the templates, the taxonomy or the set of pages rebuilds everything.
    The site generator's side (``cohub.mkdocs_adapter``) sets ``problems``,
    ``changes`` and ``reading`` as a build goes, and ``website`` after a
    good one.
    """

    def __init__(self) -> None:
        self.case_studies = CaseStudyCache()
        self.templates = TemplateCodeCache()
        # The site generator empties the site folder itself before the first build only.
        self.keeps_site = False
        self.website: Website | None = None
        self.fingerprint: object = None
        self.rendered: dict[str, RenderedPage] = {}
        self._sanitised: dict[str, tuple[str, str]] = {}
        self.contents: dict[str, bytes] = {}
        self.whole_hub_files: tuple[tuple[str, str], ...] = ()
        # Whether this build's files made from the whole hub are the last build's, to be made again after the pages.
        self.whole_hub_stale = False
        self.items: dict[tuple[int, str, str], tuple[CaseStudy, Markup]] = {}
        # Each case study's tags, by the case study given out (the very object), as for the items.
        self._tags: dict[int, tuple[CaseStudy, tuple[str, ...]]] = {}
        # The theme's files the site generator copies into the site, by what the list depends on.
        self.theme_files: dict[object, list[str]] = {}
        self.changes: Changes | None = None
        self.problems: tuple[Problem, ...] = ()
        # Per build: the pages to write (None: all), and whether the site generator is still reading pages.
        self.to_write: set[str] | None = None
        self.reading = True

    @property
    def broken(self) -> bool:
        """Whether this build keeps the last good site, with problems shown over it."""
        return bool(self.problems) and self.website is not None

    def plan(self, hand_written: Iterable[str], case_studies: Iterable[CaseStudy]) -> bool:
        """Choose the pages this build writes, from ``changes``; whether it rebuilds everything.

        Args:
            hand_written: The hand-written pages' ``src_uri``: few, and they
                may show anything of the hub but a story's text.
            case_studies: This build's case studies.
        """
        changed = self.changes
        self.whole_hub_stale = changed is not None and changed.shown_elsewhere
        if changed is None:
            self.to_write = None
            self.rendered.clear()
            self.items.clear()
            self._tags.clear()
            return True
        self.to_write = {*changed.pages, *(hand_written if changed.shown_elsewhere else ())}
        # Items of case studies that are gone or edited would never be asked for again.
        current = {id(case_study) for case_study in case_studies}
        self.items = {key: item for key, item in self.items.items() if key[0] in current}
        self._tags = {key: tags for key, tags in self._tags.items() if key in current}
        return False

    def writes(self, src_uri: str) -> bool:
        """Whether the page is read (every page is, so lists and links stay whole) or written this build."""
        return self.reading or self.to_write is None or src_uri in self.to_write

    def differs(self, path: str, content: bytes) -> bool:
        """Whether a generated file must be written: the build is whole, or it differs from the last build's."""
        last = self.contents.get(path)
        self.contents[path] = content
        return self.to_write is None or last != content

    def last_render(self, src_uri: str, markdown: str, meta: str) -> RenderedPage | None:
        """What the page converted to last build, if its Markdown and settings are the same and the build not whole."""
        last = self.rendered.get(src_uri)
        if last is None or last.markdown != markdown or last.meta != meta or self.to_write is None:
            return None
        return last

    def rendered_again(self, src_uri: str, page: RenderedPage) -> None:
        """Keep what a page converted to; it is written this build, as its HTML may be new."""
        self.rendered[src_uri] = page
        if self.to_write is not None:
            self.to_write.add(src_uri)

    def tags(self, case_study: CaseStudy, tags_for: Callable[[CaseStudy], tuple[str, ...]]) -> tuple[str, ...]:
        """A case study's tags as ``tags_for`` gives them, worked out again only for an edited case study.

        Valid while the taxonomy is the same: a whole build (:meth:`plan`) forgets them.
        """
        known = self._tags.get(id(case_study))
        if known is not None and known[0] is case_study:
            return known[1]
        tags = tags_for(case_study)
        self._tags[id(case_study)] = (case_study, tags)
        return tags

    def sanitised(self, src_uri: str, html: str, sanitise: Callable[[str], str]) -> str:
        """A story's HTML as ``sanitise`` cleans it, cleaned again only when it differs from the last build's."""
        last = self._sanitised.get(src_uri)
        if last is not None and last[0] == html:
            return last[1]
        clean = sanitise(html)
        self._sanitised[src_uri] = (html, clean)
        return clean

    def remade_whole_hub_files(
        self, made: tuple[tuple[str, str], ...]
    ) -> tuple[tuple[str, ...], tuple[tuple[str, bytes], ...]]:
        """Take the files made again from the whole hub; the paths gone since, and the files to write.

        Args:
            made: Each file's path and text.

        Returns:
            The paths of the last build's files that are no longer made, and
            the path and bytes of each file that differs from the last build's.
        """
        paths = {path for path, _text in made}
        gone = tuple(path for path, _text in self.whole_hub_files if path not in paths)
        for path in gone:
            self.contents.pop(path, None)
        changed = []
        for path, text in made:
            content = text.encode("utf-8")
            if self.contents.get(path) != content:
                self.contents[path] = content
                changed.append((path, content))
        self.whole_hub_files = made
        return gone, tuple(changed)

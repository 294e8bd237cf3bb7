"""The parts of the preview that need no MkDocs: what it remembers, what an edit changes, what it adds to a page."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from jinja2 import Environment, FileSystemLoader

from bench.corpus import make_hub
from cohub.addresses import case_study_page
from cohub.corpus import CASE_STUDIES_DIR, Rules, case_study_warnings
from cohub.csp import content_security_policy, inline_script_hashes, with_policy
from cohub.hub import Hub, load_hub
from cohub.outline import read_outline
from cohub.preview import CaseStudyCache, Changes, Preview, TemplateCodeCache, changed_pages
from cohub.preview_page import problems_banner, served_page, with_banner
from cohub.problems import Problem
from cohub.related import RelatedConfig, document_for, find_related, related_documents
from cohub.website import Website, build_website

if TYPE_CHECKING:
    from pathlib import Path

    from jinja2.bccache import Bucket


@pytest.fixture(scope="module")
def small_hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hub(tmp_path_factory.mktemp("preview") / "hub", 24)


def website(hub: Hub) -> Website:
    return build_website(hub, RelatedConfig().with_facets(hub.taxonomy.facets.values()))


def edited(hub: Hub, slug: str, **changes: Any) -> Hub:
    """``hub`` with one case study changed as ``changes`` say."""
    studies = tuple(
        replace(case_study, **changes) if case_study.slug == slug else case_study for case_study in hub.case_studies
    )
    return replace(hub, corpus=replace(hub.corpus, case_studies=studies))


def test_the_cache_reads_a_file_again_only_when_its_bytes_change(small_hub: Path) -> None:
    hub = load_hub(small_hub)
    rules = Rules.for_taxonomy(hub.taxonomy, read_outline(small_hub))
    cache = CaseStudyCache()
    file = sorted((small_hub / CASE_STUDIES_DIR).glob("*.md"))[3]
    first = cache.read_file(small_hub, file, rules)
    assert cache.read_file(small_hub, file, rules) is first
    # Saved again with the same bytes: checked by its digest, not read again.
    os.utime(file, ns=(1, 1))
    assert cache.read_file(small_hub, file, rules) is first
    # Read against another taxonomy, the same bytes are checked again.
    other_rules = Rules.for_taxonomy(replace(hub.taxonomy, acronyms={}), read_outline(small_hub))
    again = cache.read_file(small_hub, file, other_rules)
    assert again is not first and again == first
    first = cache.read_file(small_hub, file, rules)
    assert cache.read_file(small_hub, file, rules) is first
    original = file.read_text(encoding="utf-8")
    try:
        file.write_text(original.replace("## What happened", "## What happened\n\nNew words.", 1), encoding="utf-8")
        changed = cache.read_file(small_hub, file, rules)
        assert changed is not first
        assert changed[0] is not None and "New words." in changed[0].body
    finally:
        file.write_text(original, encoding="utf-8")


def test_an_unchanged_hub_changes_no_page(small_hub: Path) -> None:
    hub = load_hub(small_hub)
    changes = changed_pages(website(hub), website(hub))
    assert changes is not None
    assert changes.pages == frozenset()
    assert not changes.shown_elsewhere


def test_a_change_to_a_story_alone_changes_its_own_page_alone(small_hub: Path) -> None:
    hub = load_hub(small_hub)
    study = hub.case_studies[5]
    changes = changed_pages(website(hub), website(edited(hub, study.slug, body=study.body + "\nMore.\n")))
    assert changes is not None
    assert changes.pages == frozenset({case_study_page(study.slug)})
    assert not changes.shown_elsewhere


@pytest.mark.parametrize("field", ["title", "summary"])
def test_a_new_title_or_summary_changes_every_page_that_lists_the_case_study(small_hub: Path, field: str) -> None:
    hub = load_hub(small_hub)
    before = website(hub)
    study = next(
        case_study
        for case_study in hub.case_studies
        if any(
            link.case_study.slug == case_study.slug for other in hub.case_studies for link in before.related_to(other)
        )
    )
    after = website(edited(hub, study.slug, **{field: "Something else entirely"}))
    changes = changed_pages(before, after)
    assert changes is not None and changes.shown_elsewhere
    listing = {
        src_uri
        for src_uri, page in before.pages.items()
        if page.content is not None and study.slug in repr(page.content)
    }
    related = {
        case_study_page(other.slug)
        for other in hub.case_studies
        if any(link.case_study.slug == study.slug for link in before.related_to(other))
    }
    assert related
    # Its own page, every list it is in, and the pages whose related sections show it.
    assert {case_study_page(study.slug), *listing, *related} <= changes.pages


@pytest.mark.parametrize(
    "change",
    ["no last build", "a case study added or taken away", "the taxonomy"],
)
def test_what_every_page_shows_rebuilds_everything(small_hub: Path, change: str) -> None:
    hub = load_hub(small_hub)
    after = website(hub)
    if change == "no last build":
        before = None
    elif change == "a case study added or taken away":
        fewer = replace(hub, corpus=replace(hub.corpus, case_studies=hub.case_studies[1:]))
        before = website(fewer)
    else:
        before = website(replace(hub, taxonomy=replace(hub.taxonomy, acronyms={})))
    assert changed_pages(before, after) is None


PROBLEM = Problem(
    "case_studies/a<b>.md", 7, "the region '<script>alert(1)</script>' is not known", "use one of taxonomy/regions.yml"
)


def test_the_notice_names_each_problem_by_file_and_line_and_escapes_what_the_file_said() -> None:
    banner = problems_banner([PROBLEM])
    assert 'role="alert"' in banner
    assert "<code>case_studies/a&lt;b&gt;.md:7</code>" in banner
    assert "<script>" not in banner
    assert "— use one of taxonomy/regions.yml" in banner
    assert "1 problem to fix" in banner


def test_the_notice_lists_the_first_problems_and_counts_the_rest() -> None:
    banner = problems_banner([replace(PROBLEM, line=line) for line in range(1, 31)])
    assert banner.count("<li>") == 20
    assert "And 10 more" in banner and "30 problems to fix" in banner


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<html><body class="x"><p>Page</p></body></html>', '<html><body class="x">NOTICE<p>Page</p></body></html>'),
        ("<html><BODY><p>Page</p></BODY></html>", "<html><BODY>NOTICE<p>Page</p></BODY></html>"),
        ("no body at all", "no body at all"),
    ],
)
def test_the_notice_goes_first_in_the_body(page: str, expected: str) -> None:
    assert with_banner(page, "NOTICE") == expected


def test_a_served_page_allows_the_reload_script_and_nothing_else() -> None:
    built = with_policy("<html><head></head><body><p>Page</p></body></html>", content_security_policy(()))
    served = built.replace("</body>", "<script>livereload(1, 2);</script></body>")
    page = served_page(built, served, ())
    policy = re.search(r'content="([^"]*)"', page)
    assert policy is not None
    (reload_hash,) = inline_script_hashes(served)
    assert reload_hash in policy.group(1).split("script-src", 1)[1].split(";", 1)[0]
    assert "This preview is out of date" not in page
    assert "This preview is out of date" in served_page(built, served, (PROBLEM,))


class CountingCache(TemplateCodeCache):
    def __init__(self) -> None:
        super().__init__()
        self.compiled = 0

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled += 1
        super().dump_bytecode(bucket)


def test_a_template_is_compiled_again_only_when_its_source_changes(tmp_path: Path) -> None:
    cache = CountingCache()
    template = tmp_path / "page.html"
    template.write_text("<p>{{ words }}</p>", encoding="utf-8")

    def render() -> str:
        # MkDocs makes a new environment for every build.
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache, autoescape=True)
        return env.get_template("page.html").render(words="<hello>")

    assert render() == "<p>&lt;hello&gt;</p>"
    assert render() == "<p>&lt;hello&gt;</p>"
    assert cache.compiled == 1
    template.write_text("<div>{{ words }}</div>", encoding="utf-8")
    assert render() == "<div>&lt;hello&gt;</div>"
    assert cache.compiled == 2


def test_related_case_studies_are_worked_out_again_only_when_the_documents_or_settings_differ(
    small_hub: Path,
) -> None:
    hub = load_hub(small_hub)
    config = RelatedConfig().with_facets(hub.taxonomy.facets.values())
    first = find_related([document_for(case_study) for case_study in hub.case_studies], config)
    assert find_related([document_for(case_study) for case_study in hub.case_studies], config) is first
    assert find_related([document_for(case_study) for case_study in hub.case_studies], RelatedConfig()) is not first
    renamed = [replace(document_for(case_study), title="Z") for case_study in hub.case_studies]
    assert find_related(renamed, config) == related_documents(renamed, config)


def test_the_cache_works_out_a_case_study_s_warnings_once_and_again_for_an_edited_one(small_hub: Path) -> None:
    hub = load_hub(small_hub)
    acronyms = hub.taxonomy.acronyms
    cache = CaseStudyCache()
    short = replace(hub.case_studies[4], body="Too short to learn from.\n")
    found = cache.warnings(short, acronyms)
    assert found and found == case_study_warnings(short, acronyms)
    assert cache.warnings(short, acronyms) is found
    # An edited case study is a new object, even when its value is the same.
    assert cache.warnings(replace(short), acronyms) is not found
    lengthened = replace(short, body=hub.case_studies[4].body)
    assert cache.warnings(lengthened, acronyms) == case_study_warnings(lengthened, acronyms) == ()


@pytest.mark.parametrize(
    ("has_problems", "has_good_site", "broken"),
    [
        # The first build has no good site to keep: it fails instead.
        (True, False, False),
        (True, True, True),
        (False, True, False),
    ],
)
def test_a_preview_is_broken_while_it_has_problems_and_a_last_good_site(
    small_hub: Path, has_problems: bool, has_good_site: bool, broken: bool
) -> None:
    preview = Preview()
    if has_problems:
        preview.problems = (Problem("case_studies/a.md", 3, "a problem", "a fix"),)
    if has_good_site:
        preview.website = website(load_hub(small_hub))
    assert preview.broken is broken


@pytest.mark.parametrize(
    ("changes", "to_write", "whole"),
    [
        (None, None, True),
        (Changes(frozenset({"case-studies/a.md"}), shown_elsewhere=False), {"case-studies/a.md"}, False),
        (Changes(frozenset({"case-studies/a.md"}), shown_elsewhere=True), {"case-studies/a.md", "about.md"}, False),
    ],
)
def test_a_build_writes_the_changed_pages_and_the_hand_written_ones_when_more_than_a_story_changed(
    changes: Changes | None, to_write: set[str] | None, whole: bool
) -> None:
    preview = Preview()
    preview.changes = changes
    assert preview.plan(("about.md",), ()) is whole
    assert preview.to_write == to_write
    assert preview.whole_hub_stale is (changes is not None and changes.shown_elsewhere)
    # Every page is read; only the planned ones are written.
    assert preview.writes("case-studies/b.md")
    preview.reading = False
    assert preview.writes("case-studies/b.md") is whole
    assert preview.writes("case-studies/a.md")


def test_files_made_again_from_the_whole_hub_are_written_only_when_they_differ() -> None:
    preview = Preview()
    preview.changes = None
    preview.plan((), ())
    assert preview.differs("feeds/a.xml", b"a") and preview.differs("data.json", b"[]")
    preview.whole_hub_files = (("feeds/a.xml", "a"), ("data.json", "[]"))
    preview.changes = Changes(frozenset(), shown_elsewhere=True)
    preview.plan((), ())
    assert not preview.differs("data.json", b"[]")
    gone, changed = preview.remade_whole_hub_files((("data.json", "[1]"), ("feeds/b.xml", "b")))
    assert gone == ("feeds/a.xml",)
    assert changed == (("data.json", b"[1]"), ("feeds/b.xml", b"b"))
    assert preview.remade_whole_hub_files((("data.json", "[1]"), ("feeds/b.xml", "b"))) == ((), ())


def test_tags_are_worked_out_again_for_an_edited_case_study_and_after_a_whole_build(small_hub: Path) -> None:
    hub = load_hub(small_hub)
    study = hub.case_studies[1]
    preview = Preview()
    tags = preview.tags(study, hub.tags)
    assert tags == hub.tags(study)
    assert preview.tags(study, lambda _case_study: ("not asked",)) is tags
    assert preview.tags(replace(study), lambda _case_study: ("asked again",)) == ("asked again",)
    # A whole build may come with another taxonomy.
    preview.changes = None
    preview.plan((), hub.case_studies)
    assert preview.tags(study, lambda _case_study: ("asked again",)) == ("asked again",)

"""A build indexes its pages for search while it renders them, and writes what a build on one core writes."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from bench.corpus import make_hub
from cohub.mkdocs_adapter import SiteHooks
from cohub.readers import available_cores
from cohub.search import PAGEFIND_ALLOCATOR_SETTINGS, PAGEFIND_ALLOCATOR_VARIABLE, SearchIndexError
from cohub.search_order import read_fragment
from cohub.search_stream import (
    StreamingIndex,
    indexed_part,
    streams_while_building,
    write_bundle,
    written_pages_index,
)
from tests.conftest import build_hub
from tests.search_bundles import bundle_contents

CONVERTED_AHEAD = re.compile(r"Converted [1-9][0-9]* pages' Markdown in worker processes")
RENDERED_AHEAD = re.compile(r"Rendered [1-9][0-9]* pages in worker processes")
WARNED_CASE_STUDY = re.compile(r"'case-studies/(synthetic-[^']+)\.md'")
MARKED_PAGE = "<html lang='en'><body><main data-pagefind-body><h1>{}</h1><p>{}</p></main></body></html>"


HEAD = "<!doctype html><html lang='en'><head><title>T</title></head>"
ARTICLE = "<article class='page' data-pagefind-body><h1>T</h1><article><p>Nested</p></article><p>End</p></article>"


@pytest.mark.parametrize(
    ("page", "sent"),
    [
        # Header, navigation, footer and scripts are left out; the head and the marked element are kept.
        (
            f"{HEAD}<body dir='ltr'><header>Menu</header><nav>All</nav>{ARTICLE}<footer>Foot</footer>"
            "<script>go()</script></body></html>",
            f"{HEAD}<body dir='ltr'>{ARTICLE}</body></html>",
        ),
        # The marked element is found by its attribute, not by the words in the page's title.
        (
            "<html><head><title>data-pagefind-body</title></head><BODY><div id=x>"
            "<DIV data-pagefind-body>Text</div></div></BODY></html>",
            "<html><head><title>data-pagefind-body</title></head><BODY>"
            "<DIV data-pagefind-body>Text</div></body></html>",
        ),
        # A marked element left open, a page with no marked element, or with no body tag: sent whole.
        (f"{HEAD}<body><main data-pagefind-body><p>Open</p></body></html>", None),
        (f"{HEAD}<body><main><p>Not marked</p></main></body></html>", None),
        ("<main data-pagefind-body>No body</main>", None),
        # An attribute whose name only starts the same is not the marker.
        (f"{HEAD}<body><nav>x</nav><main data-pagefind-body-x>Text</main></body></html>", None),
    ],
)
def test_pagefind_is_sent_only_what_it_reads_of_a_page(page, sent):
    assert indexed_part(page) == (page if sent is None else sent)


@pytest.mark.parametrize(("cores", "streams"), [(1, False), (2, True), (16, True)])
def test_pages_go_to_pagefind_while_rendering_only_with_a_core_to_spare(cores, streams):
    assert streams_while_building(cores) is streams


def cohub_build(root, *, one_core: bool, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run 'cohub build' in its own process, on one core or on every core this one may use."""
    cores = {min(available_cores_set())} if one_core else available_cores_set()
    return subprocess.run(
        [sys.executable, "-m", "cohub", "--root", str(root), "build"],
        check=check,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "true"},
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )


def available_cores_set() -> set[int]:
    return set(os.sched_getaffinity(0))


def warned_case_study(warning: str) -> str:
    """The slug of the synthetic case study a build's warning names."""
    named = WARNED_CASE_STUDY.search(warning)
    assert named is not None, f"the warning names no synthetic case study: {warning}"
    return named[1]


def site_contents(site) -> dict[str, object]:
    files = {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and "pagefind" not in path.relative_to(site).parts
    }
    return {**files, **{f"pagefind/{name}": value for name, value in bundle_contents(site / "pagefind").items()}}


def test_a_build_on_one_core_writes_the_same_site_and_search_index(tmp_path):
    # Indexing while rendering needs a second core; a single-core run of this test would compare a build with itself.
    assert available_cores() > 1
    roots = {one_core: make_hub(tmp_path / f"hub-{one_core}", 60) for one_core in (False, True)}
    logs = {one_core: cohub_build(root, one_core=one_core).stderr for one_core, root in roots.items()}
    # On every core, worker processes converted and rendered pages ahead of MkDocs; on one core, MkDocs did it all.
    assert CONVERTED_AHEAD.search(logs[False])
    assert RENDERED_AHEAD.search(logs[False])
    assert not CONVERTED_AHEAD.search(logs[True])
    assert not RENDERED_AHEAD.search(logs[True])
    streamed, serial = (site_contents(roots[one_core] / "site") for one_core in (False, True))
    assert sorted(streamed) == sorted(serial)
    assert any(name.startswith("pagefind/fragment/") for name in streamed)
    assert any(name.startswith("pagefind/filter/") for name in streamed)
    different = [name for name in streamed if streamed[name] != serial[name]]
    assert different == []


def index_pages(site, bundle_folder) -> dict[str, object]:
    index = StreamingIndex()
    index.start()
    try:
        for page in sorted(site.rglob("*.html")):
            index.add_page(page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"))
        index.write(bundle_folder)
    finally:
        index.close()
    return bundle_contents(bundle_folder / "pagefind")


def test_sending_pagefind_only_what_it_reads_leaves_the_index_as_it_was(tmp_path, monkeypatch):
    root = make_hub(tmp_path / "hub", 30)
    cohub_build(root, one_core=False)
    site = root / "site"
    sent_in_part = index_pages(site, tmp_path / "in-part")
    monkeypatch.setattr("cohub.search_stream.indexed_part", lambda html: html)
    sent_whole = index_pages(site, tmp_path / "whole")
    assert sorted(sent_in_part) == sorted(sent_whole)
    assert any(name.startswith("fragment/") for name in sent_in_part)
    assert [name for name in sent_in_part if sent_in_part[name] != sent_whole[name]] == []


def test_the_streamed_index_finds_the_pages_it_was_given(tmp_path):
    index = StreamingIndex()
    index.start()
    index.add_page("tenders/index.html", MARKED_PAGE.format("Tenders", "Commissioning with people"))
    index.add_page("menu/index.html", "<html lang='en'><body><nav>Menu</nav></body></html>")
    report = index.write(tmp_path)
    assert report.pages == 1
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    fragments = list((tmp_path / "pagefind" / "fragment").iterdir())
    assert len(fragments) == 1
    assert b'"url":"/tenders/"' in gzip.decompress(fragments[0].read_bytes())


def test_a_site_with_no_marked_page_is_a_clear_error(tmp_path):
    index = StreamingIndex()
    index.start()
    index.add_page("index.html", "<html lang='en'><body><p>Text</p></body></html>")
    with pytest.raises(SearchIndexError, match="no page marks its text with data-pagefind-body"):
        index.write(tmp_path)


def test_an_empty_site_folder_is_a_clear_error(tmp_path):
    index = written_pages_index(tmp_path)
    with pytest.raises(SearchIndexError, match="no page marks its text with data-pagefind-body"):
        index.write(tmp_path)


def test_every_page_in_the_site_folder_is_indexed_in_place_of_the_last_bundle(tmp_path):
    (tmp_path / "index.html").write_text(MARKED_PAGE.format("Tenders", "Commissioning"), encoding="utf-8")
    # A hand-written page copied into the site in another encoding is read all the same.
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_bytes(MARKED_PAGE.format("Café", "Écrit à la main").encode("latin-1"))
    stale = tmp_path / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    (tmp_path / "pagefind" / "inside.html").write_text(MARKED_PAGE.format("Bundle", "Not a page"), encoding="utf-8")
    (tmp_path / "folder.html").mkdir()
    report = written_pages_index(tmp_path).write(tmp_path)
    assert report.pages == 2
    assert not stale.exists()
    urls = {read_fragment(fragment)["url"] for fragment in (tmp_path / "pagefind" / "fragment").iterdir()}
    assert urls == {"/", "/old/"}


def test_pagefind_is_stopped_when_a_written_page_cannot_be_read(tmp_path, monkeypatch):
    closed: list[StreamingIndex] = []
    close = StreamingIndex.close

    def noted_close(index: StreamingIndex) -> None:
        closed.append(index)
        close(index)

    monkeypatch.setattr(StreamingIndex, "close", noted_close)
    (tmp_path / "index.html").write_text(MARKED_PAGE.format("Tenders", "Text"), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="gone"):
        written_pages_index(tmp_path, ["index.html", "gone/index.html"])
    assert len(closed) == 1
    assert closed[0]._process is not None and closed[0]._process.poll() is not None


def test_a_written_page_that_cannot_be_read_fails_the_build_in_one_line(tmp_path):
    hooks = SiteHooks()
    hooks.search_pages = ["index.html", "gone/index.html"]
    (tmp_path / "index.html").write_text(MARKED_PAGE.format("Tenders", "Text"), encoding="utf-8")
    with pytest.raises(PluginError) as raised:
        hooks._finish_search_index(tmp_path, None)
    assert re.fullmatch(
        rf"{re.escape(str(tmp_path))}: the search index was not built: \[Errno 2\] [^\n]*gone/index\.html'",
        str(raised.value),
    )
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


# A stand-in for Pagefind's service that behaves as the real one does at the end: it answers a request to
# write the bundle before its writes are done, and stops at once when its input ends.
PAGEFIND_THAT_ANSWERS_BEFORE_WRITING = """#!{python}
import base64, json, os, sys, threading, time
BUNDLE = {{"pagefind-entry.json": b'{{"version":"test"}}', "fragment/a.pf_fragment": b"fragment"}}

def answer(message_id, payload):
    message = base64.b64encode(json.dumps({{"message_id": message_id, "payload": payload}}).encode())
    sys.stdout.buffer.write(message + b",")
    sys.stdout.buffer.flush()

def write_later(folder):
    time.sleep(1)
    for path, content in BUNDLE.items():
        os.makedirs(os.path.dirname(os.path.join(folder, path)), exist_ok=True)
        with open(os.path.join(folder, path), "wb") as file:
            file.write(content)

buffer = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        os._exit(0)
    buffer += chunk
    *messages, buffer = buffer.split(b",")
    for message in messages:
        request = json.loads(base64.b64decode(message))
        kind, message_id = request["payload"]["type"], request["message_id"]
        if kind == "NewIndex":
            answer(message_id, {{"type": "NewIndex", "index_id": 0}})
        elif kind == "AddFile":
            answer(message_id, {{"type": "IndexedFile", "page_word_count": 1, "page_url": "/", "page_meta": {{}}}})
        elif kind == "WriteFiles":
            threading.Thread(target=write_later, args=(request["payload"]["output_path"],)).start()
            answer(message_id, {{"type": "WriteFiles", "output_path": request["payload"]["output_path"]}})
        elif kind == "GetFiles":
            files = [{{"path": path, "content": base64.b64encode(data).decode()}} for path, data in BUNDLE.items()]
            answer(message_id, {{"type": "GetFiles", "files": files}})
"""


def test_the_bundle_is_whole_although_pagefind_stops_before_its_writes_are_done(tmp_path):
    program = tmp_path / "pagefind"
    program.write_text(PAGEFIND_THAT_ANSWERS_BEFORE_WRITING.format(python=sys.executable))
    program.chmod(0o755)
    index = StreamingIndex(program)
    index.start()
    index.add_page("index.html", MARKED_PAGE.format("Tenders", "Text"))
    index.write(tmp_path / "site")
    bundle = tmp_path / "site" / "pagefind"
    assert (bundle / "pagefind-entry.json").read_bytes() == b'{"version":"test"}'
    assert (bundle / "fragment" / "a.pf_fragment").read_bytes() == b"fragment"


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


ENTRY = {"path": "pagefind-entry.json", "content": encoded(b"{}")}


def test_the_files_pagefind_hands_over_are_those_it_writes_itself(tmp_path):
    root = make_hub(tmp_path / "hub", 20)
    cohub_build(root, one_core=False)
    site = root / "site"
    index = StreamingIndex()
    index.start()
    try:
        for page in sorted(site.rglob("*.html")):
            index.add_page(page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"))
        written_by_pagefind = tmp_path / "written-by-pagefind" / "pagefind"
        index._wait_for(
            index._send({"type": "WriteFiles", "index_id": index._index_id, "output_path": str(written_by_pagefind)})
        )
        # Pagefind finishes its writes after it answers; it goes on running until the files are asked for.
        time.sleep(2)
        index.write(tmp_path / "handed-over")
    finally:
        index.close()
    handed_over = bundle_contents(tmp_path / "handed-over" / "pagefind")
    by_pagefind = bundle_contents(written_by_pagefind)
    assert sorted(handed_over) == sorted(by_pagefind)
    assert [name for name in handed_over if handed_over[name] != by_pagefind[name]] == []


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ([{"path": "/etc/cron.d/job", "content": encoded(b"x")}, ENTRY], "outside its bundle: /etc/cron.d/job"),
        ([{"path": "../index.html", "content": encoded(b"x")}, ENTRY], r"outside its bundle: \.\./index.html"),
        ([{"path": "..\\index.html", "content": encoded(b"x")}, ENTRY], "outside its bundle"),
        ([{"path": "", "content": encoded(b"x")}, ENTRY], "outside its bundle"),
        (["pagefind.js", ENTRY], "outside its bundle"),
        ([{"path": "pagefind.js", "content": "not base64!"}, ENTRY], "gave pagefind.js unreadable"),
        ([{"path": "pagefind.js", "content": encoded(b"x")}], "wrote no pagefind-entry.json"),
        (None, "wrote no pagefind-entry.json"),
    ],
)
def test_a_bundle_pagefind_gives_wrongly_is_refused_and_nothing_is_written(tmp_path, files, problem):
    with pytest.raises(SearchIndexError, match=problem):
        write_bundle(tmp_path / "pagefind", files)
    assert list(tmp_path.iterdir()) == []


def test_a_program_that_stops_is_a_clear_error(tmp_path):
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\necho 'Error: out of memory' >&2\nexit 1\n")
    program.chmod(0o755)
    index = StreamingIndex(program)
    with pytest.raises(
        SearchIndexError, match=r"^the search index was not built: Pagefind failed: Error: out of memory$"
    ):
        index.start()
        index.add_page("index.html", MARKED_PAGE.format("Tenders", "Text"))
        index.write(tmp_path)


def test_a_missing_program_is_a_clear_error(tmp_path):
    with pytest.raises(SearchIndexError, match="Pagefind could not run"):
        StreamingIndex(tmp_path / "missing").start()


def test_a_program_that_stops_halfway_through_a_build_fails_it_once(hub, tmp_path, monkeypatch, caplog):
    # Answers the new index, then stops at the first page.
    program = tmp_path / "pagefind"
    program.write_text(
        "#!/bin/sh\n"
        'printf \'%s,\' "$(printf \'{"message_id":1,"payload":{"type":"NewIndex","index_id":0}}\' | base64 -w0)"\n'
        "head -c 1 >/dev/null\necho 'Error: the disk is full' >&2\nexit 2\n"
    )
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub, tmp_path / "site")
    failures = [record.getMessage() for record in caplog.records if "Pagefind failed" in record.getMessage()]
    assert failures == ["the search index was not built: Pagefind failed: Error: the disk is full"]


def mkdocs_build(root, *options: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", *options],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "true"},
    )


def test_a_dirty_build_indexes_every_page_on_disk_not_only_those_it_rebuilt(hub):
    mkdocs_build(hub)
    entry = hub / "site" / "pagefind" / "pagefind-entry.json"
    indexed = json.loads(entry.read_text(encoding="utf-8"))["languages"]
    story = next((hub / "case_studies").glob("[!_]*.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    mkdocs_build(hub, "--dirty")
    assert json.loads(entry.read_text(encoding="utf-8"))["languages"].keys() == indexed.keys()
    for language, details in json.loads(entry.read_text(encoding="utf-8"))["languages"].items():
        assert details["page_count"] == indexed[language]["page_count"] > 1


def test_on_one_core_a_failing_program_fails_the_build_once_too(hub, tmp_path, monkeypatch, caplog):
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 1\n")
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    cores = available_cores_set()
    os.sched_setaffinity(0, {min(cores)})
    try:
        with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
            build_hub(hub, tmp_path / "site")
    finally:
        os.sched_setaffinity(0, cores)
    failures = [record.getMessage() for record in caplog.records if "Pagefind failed" in record.getMessage()]
    assert failures == ["the search index was not built: Pagefind failed: Error: out of memory"]
    # The pages were all written before Pagefind was asked for anything.
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_build_on_one_core_gives_the_same_warnings_naming_the_same_files(tmp_path):
    # A link MkDocs cannot follow in every case study: those a worker converted are said by the build all the same.
    assert available_cores() > 1
    roots = {one_core: make_hub(tmp_path / f"hub-{one_core}", 60) for one_core in (False, True)}
    for root in roots.values():
        for file in (root / "case_studies").glob("*.md"):
            file.write_text(
                f"{file.read_text(encoding='utf-8')}\nSee [the list](/no-such-page.md).\n", encoding="utf-8"
            )
    builds = {one_core: cohub_build(root, one_core=one_core, check=False) for one_core, root in roots.items()}
    assert [build.returncode for build in builds.values()] == [1, 1]
    assert CONVERTED_AHEAD.search(builds[False].stderr)
    warnings = {
        one_core: [line for line in build.stderr.splitlines() if line.startswith("WARNING")]
        for one_core, build in builds.items()
    }
    assert warnings[False] == warnings[True]
    assert len(warnings[False]) == 60
    assert {warned_case_study(line) for line in warnings[False]} == {
        file.stem for file in (roots[False] / "case_studies").glob("*.md")
    }
    assert all("Aborted with 60 warnings in strict mode" in build.stdout + build.stderr for build in builds.values())


def test_pagefind_runs_with_its_allocator_giving_memory_back_at_once():
    index = StreamingIndex()
    index.start()
    try:
        assert index._process is not None
        environment = Path(f"/proc/{index._process.pid}/environ").read_bytes().split(b"\0")
    finally:
        index.close()
    setting = f"{PAGEFIND_ALLOCATOR_VARIABLE}={PAGEFIND_ALLOCATOR_SETTINGS}".encode()
    assert setting in environment


def test_a_page_given_before_cannot_be_left_out_later():
    # A preview gives its index only the pages a rebuild wrote; one that no longer marks its text must not stay.
    index = StreamingIndex()
    index.start()
    try:
        index.add_page("a/index.html", MARKED_PAGE.format("Tenders", "Text"))
        index.add_page("b/index.html", "<html lang='en'><body><p>Menu</p></body></html>")
        with pytest.raises(SearchIndexError, match=r"cannot leave out a/index\.html, which it was given before"):
            index.add_page("a/index.html", "<html lang='en'><body><p>Text</p></body></html>")
    finally:
        index.close()

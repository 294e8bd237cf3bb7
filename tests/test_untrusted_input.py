"""Every case study is untrusted input: each attack gets a clear problem, never a crash or a page."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from bench.corpus import REPO
from cohub.cli import main
from cohub.sanitise import sanitise_story
from tests.conftest import build_hub
from tests.test_check import VALID, check, write

BODY_START = "Tenants chose the provider."


def in_body(text: str) -> str:
    return VALID.replace(BODY_START, f"{BODY_START}\n\n{text}\n\n")


def in_front(line: str) -> str:
    return VALID.replace("date: 2025-03-31\n", f"date: 2025-03-31\n{line}\n")


def deep_flow(levels: int) -> str:
    return "[" * levels + "]" * levels


# (case study text, what the problem line must say)
ATTACKS = [
    pytest.param(in_body("<script>fetch('/moderate')</script>"), "raw HTML is not allowed", id="script"),
    pytest.param(in_body('<img src="x" onerror="alert(1)">'), "raw HTML is not allowed", id="img-onerror"),
    pytest.param(in_body('<svg onload="alert(1)"></svg>'), "raw HTML is not allowed", id="svg-onload"),
    pytest.param(
        in_body('<details open ontoggle="alert(1)">x</details>'), "raw HTML is not allowed", id="details-ontoggle"
    ),
    pytest.param(in_body('<iframe src="javascript:alert(1)"></iframe>'), "raw HTML is not allowed", id="iframe"),
    pytest.param(
        in_body('<form action="https://evil.example/"><button>Go</button></form>'),
        "raw HTML is not allowed",
        id="form-elsewhere",
    ),
    pytest.param(in_body("<!-- hidden -->"), "raw HTML is not allowed", id="html-comment"),
    pytest.param(
        in_body('A paragraph.\n{: onclick="alert(1)" }'),
        "an attribute list sets more than a class",
        id="attr-list-handler",
    ),
    pytest.param(
        in_body('## Styled {: style="position:fixed" }'),
        "an attribute list sets more than a class",
        id="attr-list-style",
    ),
    pytest.param(
        in_body("[Read more](javascript:alert(1))"),
        "the address 'javascript:alert(1' is not allowed",
        id="javascript-link",
    ),
    pytest.param(in_body("[Read more](JaVa&#115;cript:alert(1))"), "is not allowed", id="javascript-entity"),
    pytest.param(in_body("[Read more](data:text/html;base64,PHNjcmlwdD4=)"), "is not allowed", id="data-link"),
    pytest.param(in_body("[more]: javascript:alert(1)\n\nSee [more]."), "is not allowed", id="reference-link"),
    pytest.param(in_body("<javascript:alert(1)>"), "is not allowed", id="autolink"),
    pytest.param(
        in_body("![A photo](https://tracker.example/pixel.png)"), "comes from another site", id="third-party-image"
    ),
    pytest.param(
        in_body("*[ULO]: Unlimited Liability Organisation"),
        "an abbreviation is defined in the story",
        id="abbreviation-definition",
    ),
    pytest.param(in_front("x: &a [*a]"), "uses a YAML anchor or alias", id="recursive-alias"),
    pytest.param(
        in_front("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]"),
        "uses a YAML anchor or alias",
        id="alias-bomb",
    ),
    pytest.param(in_front("x: " + deep_flow(5_000)), "nested more than 8 levels deep", id="deep-nesting"),
    pytest.param(in_front("x: !!python/object/apply:os.system [ls]"), "uses a YAML tag", id="yaml-tag"),
    pytest.param(
        VALID.replace("place: Essex", "place: " + "9" * 5000), "is a number 5000 characters long", id="huge-integer"
    ),
    pytest.param(VALID.replace("place: Essex", 'place: "Essex\\ud800"'), "contains U+D800", id="lone-surrogate"),
    pytest.param(VALID.replace("place: Essex", 'place: "Essex\\U00110000"'), "names no character", id="beyond-unicode"),
    pytest.param(
        VALID.replace("title: A tenancy panel run by tenants", 'title: "A tenancy\\0 panel"'),
        "'title' contains U+0000 (a control character)",
        id="nul-in-title",
    ),
    pytest.param(
        VALID.replace("name: Sam Example", "name: Sam \u202eelpmaxE"),
        "contains U+202E (RIGHT-TO-LEFT OVERRIDE)",
        id="direction-override",
    ),
    pytest.param(
        VALID.replace("place: Essex", "place: Es\u200bsex"),
        "'place' contains U+200B (ZERO WIDTH SPACE)",
        id="zero-width",
    ),
    pytest.param(VALID.replace("place: Essex", "place: Ess\ufdd0ex"), "'place' contains U+FDD0", id="non-character"),
    pytest.param(in_body("Hidden\x07bell"), "the story contains U+0007", id="control-in-story"),
    pytest.param(
        VALID.replace("date: 2025-03-31", "date: 2025-03-31\nslug: index"),
        "the page address 'case-studies/index/' is taken by the hub",
        id="slug-index",
    ),
    pytest.param(VALID.replace("place: Essex", "place: Καρδίτσα"), "gives no page address", id="place-no-latin"),
    pytest.param(
        VALID.replace("## What changed", "## What did change").replace("## What could be better", "## Next time"),
        "the section 'What changed' is missing",
        id="missing-sections",
    ),
    pytest.param(
        VALID.replace("## What we learned", "#### What we learned"),
        "the heading jumps from level 2 to level 4",
        id="heading-jump",
    ),
    pytest.param(
        VALID.replace(
            "## Who was involved",
            "## Who was involved\n\n*Name the organisations and the "
            "people who agreed to be named, and say what each one did. "
            "Do not give personal details about people who use "
            "services.*\n",
        ),
        "the section 'Who was involved' still holds the template's instructions",
        id="template-text",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ATTACKS)
def test_each_attack_is_a_problem_with_its_line(hub, capsys, text, expected):
    write(hub, text, "attack.md")
    code, out, err = check(hub, capsys)
    assert code == 1
    lines = [line for line in out if line.startswith("case_studies/attack.md:")]
    assert any(expected in line for line in lines), out
    assert all(" — " in line for line in lines), lines
    assert "Traceback" not in err


def test_the_template_itself_does_not_pass(hub, capsys):
    template = (REPO / "case_studies" / "_template.md").read_text(encoding="utf-8")
    write(
        hub,
        template.replace("{{ title }}", "A story").replace("{{ date }}", "2025-01-01").replace("{{ slug }}", "story"),
        "story.md",
    )
    _code, out, _err = check(hub, capsys)
    assert sum("still holds the template's instructions" in line for line in out) == 5, out


def test_a_short_story_is_a_warning(hub, capsys):
    body_start = VALID.index("## What happened")
    short = VALID[:body_start] + "\n\n".join(
        f"## {name}\n\nOne line."
        for name in ("What happened", "Who was involved", "What changed", "What we learned", "What could be better")
    )
    write(hub, short, "short.md")
    code, out, _err = check(hub, capsys)
    assert code == 0, out
    assert any(
        line.startswith("case_studies/short.md:") and "warning: the story is 24 words long, under 150" in line
        for line in out
    ), out


def test_a_file_name_with_no_latin_letters_needs_a_slug(hub, capsys):
    write(hub, VALID, "καρδίτσα.md")
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any("gives no page address" in line and "slug:" in line for line in out), out


def test_a_link_out_of_the_hub_is_refused(hub, tmp_path, capsys):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(VALID, encoding="utf-8")
    (hub / "case_studies" / "linked.md").symlink_to(outside)
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert "case_studies/linked.md:1: the file is a link to a file outside the hub" in out[0]


def test_a_50_mb_case_study_is_refused_by_its_size(hub, capsys):
    write(hub, VALID + "word " * 10_000_000, "huge.md")
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any("case_studies/huge.md:1: the file is 47.7 MiB, over the limit of 144 KiB" in line for line in out)


def test_a_large_front_matter_is_refused_by_its_size(hub, capsys):
    write(hub, VALID.replace("place: Essex", "place: Essex\n" + "# note\n" * 3000), "long.md")
    code, out, _err = check(hub, capsys)
    assert code == 1
    assert any(re.search(r"long.md:1: the front matter is 2\d KiB, over the limit of 16 KiB", line) for line in out), (
        out
    )


def test_every_bad_file_is_reported_and_the_run_goes_on(hub, capsys):
    for index, attack in enumerate(ATTACKS):
        text = attack.values[0]
        assert isinstance(text, str), attack.id
        write(hub, text, f"attack-{index:02d}.md")
    code, out, err = check(hub, capsys)
    assert code == 1
    reported = {line.split(":")[0] for line in out if line.startswith("case_studies/attack-")}
    assert len(reported) == len(ATTACKS)
    assert "Traceback" not in err
    assert not any("could not read this file" in line for line in out), out


def test_the_limits_are_the_ones_contributors_are_told():
    from cohub import limits

    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert f"{limits.FRONT_MATTER_MAX_BYTES // limits.KIB} KiB of front matter" in guide
    assert f"{limits.BODY_MAX_BYTES // limits.KIB} KiB of story" in guide
    assert f"{limits.STORY_MIN_WORDS} words" in guide and f"{limits.STORY_MAX_WORDS:,} words" in guide


# The second wall: what a story's HTML may keep.

EXTERNAL_LINK = (
    '<a class="cohub-external" href="https://x.org/">x<span class="cohub-visually-hidden"> (another site)</span></a>'
)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p onclick="alert(1)">Hi</p>', "<p>Hi</p>"),
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,x">x</a>', "<a>x</a>"),
        ('<img src="x" onerror="alert(1)" alt="A">', '<img src="x" alt="A">'),
        ('<svg onload="alert(1)"></svg><iframe src="/"></iframe>', ""),
        ('<form action="https://evil.example/"><input name="q"></form>', ""),
        (
            '<table><tbody><tr><td style="text-align: left; background: url(x)">c</td></tr></tbody></table>',
            '<table><tbody><tr><td style="text-align:left">c</td></tr></tbody></table>',
        ),
        (EXTERNAL_LINK, EXTERNAL_LINK),
        ('<abbr title="user-led organisation">ULO</abbr>', '<abbr title="user-led organisation">ULO</abbr>'),
        ('<h2 id="what-happened">What happened</h2>', '<h2 id="what-happened">What happened</h2>'),
        (
            '<a class="headerlink" href="#x" aria-hidden="true" tabindex="-1">¶</a>',
            '<a class="headerlink" href="#x" aria-hidden="true" tabindex="-1">¶</a>',
        ),
    ],
)
def test_the_sanitiser_keeps_a_story_and_nothing_else(html, expected):
    assert sanitise_story(html) == expected


def test_a_story_that_gets_past_the_check_is_still_cleaned(hub, monkeypatch):
    # Switch the first wall off, as if the check had a gap.
    monkeypatch.setattr("cohub.corpus.body_problems", lambda *_args: ())
    write(
        hub,
        in_body(
            '<img src="x" onerror="alert(1)"><script>alert(2)</script>\n\n'
            '[x](javascript:alert(3))\n\nA paragraph.\n{: onclick="alert(4)" }'
        ),
        "attack.md",
    )
    site = build_hub(hub)
    html = (site / "case-studies" / "attack" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    for needle in ("onerror", "alert(2)", "javascript:", "onclick"):
        assert needle not in article


# The site on disk is never lost.


def _files(site) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def test_a_broken_case_study_keeps_the_last_site(hub, capfd):
    assert main(["--root", str(hub), "build"]) == 0
    before = _files(hub / "site")
    assert "pagefind/pagefind.js" in before
    write(hub, in_body("<script>alert(1)</script>"), "broken.md")
    assert main(["--root", str(hub), "build"]) == 1
    assert "the last site was kept" in capfd.readouterr().err
    assert _files(hub / "site") == before
    # MkDocs' own build keeps it too: the case studies are checked before it empties the folder.
    with pytest.raises(BaseException):  # noqa: B017 (MkDocs raises its Abort or a PluginError)
        build_hub(hub)
    assert _files(hub / "site") == before


def test_a_build_stopped_halfway_leaves_the_last_site(hub):
    assert main(["--root", str(hub), "build"]) == 0
    before = _files(hub / "site")
    (hub / "docs" / "slow.md").write_text("# Slow\n", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "cohub", "--root", str(hub), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    # Stop it once it has started writing the new site.
    while time.monotonic() < deadline and not any(
        (path / "index.html").exists() for path in hub.glob(".site.building-*")
    ):
        time.sleep(0.05)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert _files(hub / "site") == before
    assert main(["--root", str(hub), "build"]) == 0
    assert "slow/index.html" in _files(hub / "site")
    assert not list(hub.glob(".site.*"))


@pytest.mark.parametrize("name", [b"two\nlines.md", b"bad-\xff-bytes.md", b"\x1b[31mred.md"])
def test_a_file_name_that_cannot_be_printed_safely_is_refused(hub, capsys, name):
    (hub / "case_studies").joinpath(os.fsdecode(name)).write_text(VALID, encoding="utf-8")
    code, out, err = check(hub, capsys)
    assert code == 1
    assert any("the file name contains U+" in line for line in out), out
    assert all(line.isprintable() for line in out)
    assert "Traceback" not in err

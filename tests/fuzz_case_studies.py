"""Fuzz the whole check path with mutated case studies: ``python -m tests.fuzz_case_studies --examples N``.

Each example is a valid case study with one to three mutations: flipped bytes,
a cut, a hostile snippet (deep nesting, anchors, tags, huge numbers, escapes,
hidden characters, HTML, attribute lists, script addresses) or random text
put in at random. For each, the check must come back with problems or a case
study, never an exception; within 5 s; and a case study it accepts must have
clean text fields and a story whose HTML, before the sanitiser, holds no script.

It runs in its own process so that a crash of the interpreter fails the test
that started it instead of killing the test run. It prints one line of figures
and exits 1 if any example broke a rule.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from dataclasses import dataclass

import markdown
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bench.corpus import REPO
from cohub.characters import unsafe_in_field
from cohub.corpus import Rules, read_case_study
from cohub.outline import read_outline
from cohub.taxonomy import load_taxonomy

SECONDS_PER_EXAMPLE = 5
SNIPPETS = (
    "[" * 3000,
    "- " * 2000,
    "{a: " * 500,
    "&a ",
    "*a ",
    "x: &a [*a]\n",
    "!!python/object/apply:os.system [ls]",
    "!!binary AAAA",
    "9" * 5000,
    '"\\ud800"',
    '"\\U00110000"',
    '"\\x00"',
    "\x00",
    "\u202e",
    "\u200b",
    "\ufffe",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{: onclick=alert(1) }",
    "{ style=x }",
    "[x](javascript:alert(1))",
    "[x]: data:text/html,x",
    "<javascript:alert(1)>",
    "*[ULO]: <b>",
    "\n---\n",
    "\n...\n",
    "\t",
    "`",
    "```\n",
    "<!--",
    "&#106;avascript:",
    "![x](https://t.example/p.png)",
    "#" * 7 + " h",
)
_SCRIPT_IN_HTML = re.compile(
    r"<script|<iframe|<object|<embed|\son[a-z]+\s*=|(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):",
    re.IGNORECASE,
)


def _bases() -> tuple[bytes, ...]:
    from tests.test_check import VALID

    files = sorted((REPO / "tests" / "fixtures" / "case_studies").glob("*.md"))
    return (VALID.encode(), *(file.read_bytes() for file in files))


@st.composite
def _mutation(draw: st.DrawFn, text: bytes) -> bytes:
    where = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(("flip", "cut", "snippet", "text", "repeat")))
    if kind == "flip":
        return text[:where] + bytes([draw(st.integers(0, 255))]) + text[where + 1 :]
    if kind == "cut":
        return text[:where]
    if kind == "snippet":
        return text[:where] + draw(st.sampled_from(SNIPPETS)).encode("utf-8", "surrogatepass") + text[where:]
    if kind == "text":
        return text[:where] + draw(st.text(max_size=40)).encode("utf-8", "surrogatepass") + text[where:]
    piece = text[where : where + draw(st.integers(1, 40))]
    return text[:where] + piece * draw(st.integers(2, 200)) + text[where:]


@st.composite
def mutated_case_study(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(_bases()))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(_mutation(text))
    return text


def _story_html(converter: markdown.Markdown, body: str) -> str:
    converter.reset()
    return converter.convert(body)


@dataclass(frozen=True)
class FuzzRun:
    """What one run found."""

    examples: int
    accepted: int
    slowest_s: float
    peak_memory_mb: int
    failures: tuple[str, ...]


def run(examples: int, fuzz_seed: int) -> FuzzRun:
    taxonomy, _problems = load_taxonomy(REPO)
    rules = Rules.for_taxonomy(taxonomy, read_outline(REPO))
    converter = markdown.Markdown(
        extensions=["toc", "attr_list", "admonition", "abbr", "md_in_html", "pymdownx.details", "pymdownx.superfences"]
    )
    tried = accepted = 0
    slowest_s = 0.0
    failures: list[str] = []

    @seed(fuzz_seed)
    @settings(
        max_examples=examples, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )
    @given(mutated_case_study())
    def check_one(raw: bytes) -> None:
        nonlocal tried, accepted, slowest_s
        tried += 1
        started = time.perf_counter()
        try:
            case_study, problems = read_case_study(raw, "case_studies/fuzz.md", rules)
            for problem in problems:
                str(problem).encode("utf-8")
                if "could not read this file" in problem.message:
                    failures.append(f"fell through to the safety net: {problem} for {raw[:200]!r}")
        except Exception as error:  # noqa: BLE001 (any exception is what this looks for)
            failures.append(f"{type(error).__name__}: {error} for {raw[:200]!r}")
            return
        took = time.perf_counter() - started
        slowest_s = max(slowest_s, took)
        if took > SECONDS_PER_EXAMPLE:
            failures.append(f"took {took:.1f} s for {raw[:200]!r}")
        if case_study is None:
            return
        accepted += 1
        for text in (
            case_study.title,
            case_study.summary,
            case_study.place,
            *(author.name for author in case_study.authors),
        ):
            if unsafe_in_field(text):
                failures.append(f"accepted a hidden character in {text!r}")
        html = _story_html(converter, case_study.body)
        if script := _SCRIPT_IN_HTML.search(html):
            failures.append(f"accepted a story whose HTML holds script: {script.group()!r} for {raw[:200]!r}")

    check_one()
    return FuzzRun(
        examples=tried,
        accepted=accepted,
        slowest_s=slowest_s,
        peak_memory_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        failures=tuple(failures),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz_case_studies", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="how many case studies to try")
    parser.add_argument("--seed", type=int, default=20261201, help="which examples (the same seed, the same run)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    found = run(args.examples, args.seed)
    for failure in found.failures[:20]:
        print(failure)
    print(
        f"fuzz: examples={found.examples} accepted={found.accepted} failures={len(found.failures)} "
        f"slowest_s={found.slowest_s:.2f} peak_memory_mb={found.peak_memory_mb} "
        f"seconds={time.perf_counter() - started:.0f}"
    )
    return 1 if found.failures else 0


if __name__ == "__main__":
    sys.exit(main())

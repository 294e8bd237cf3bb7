"""The ``cohub`` command: thin wrappers over the library.

Errors print as one line, ``cohub: message``, on stderr; ``main`` returns the
exit code and never lets a traceback reach the person at the keyboard.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from cohub.comments import SettingsError
from cohub.comments.cli import add_database_option, add_listening_options, add_proxies_option
from cohub.comments.cli import add_parser as add_comments_parser
from cohub.comments.location import NotAHubError, database_location
from cohub.hub import load_hub
from cohub.organisation import OrganisationSettingsError, decode_organisation
from cohub.problems import Problem
from cohub.readingage import ReadingAgeSettingError, case_study_reading_ages, reading_age_setting
from cohub.scaffold import ScaffoldError, new_case_study
from cohub.schema import SCHEMA_PATH, schema_text
from cohub.settings_lines import setting_lines
from cohub.siteconfig import read_site_config
from cohub.tagging import TermMatcher, undeclared_terms
from cohub.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from collections.abc import Callable


def get_parser() -> argparse.ArgumentParser:
    """The argument parser for ``cohub``."""
    parser = argparse.ArgumentParser(prog="cohub", description="Build and look after a co-production hub.")
    parser.add_argument("--root", type=Path, default=Path(), help="the hub's folder (default: this one)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser("new", help="start a case study from the template")
    new.add_argument("title", help="the case study's title, in quotes")
    new.set_defaults(func=_new)

    check = commands.add_parser("check", help="check every case study and list each problem")
    check.set_defaults(func=_check)

    build = commands.add_parser("build", help="check, then build the site into site/")
    build.add_argument("--site-dir", type=Path, help="where to write the site (default: site/)")
    build.set_defaults(func=_build)

    serve = commands.add_parser("serve", help="build, then serve the site and its comment service on one port")
    add_listening_options(serve, port=8000)
    add_database_option(serve)
    serve.add_argument(
        "--site-url",
        help="the address people use to reach the hub, if not http://HOST:PORT/ (default: $COHUB_SITE_URL)",
    )
    add_proxies_option(serve)
    serve.set_defaults(func=_serve)

    schema = commands.add_parser("schema", help="write the JSON Schema of the front matter, for editors")
    schema.add_argument(
        "--output", type=Path, help=f"where to write it, or - for the screen (default: {SCHEMA_PATH} in the hub)"
    )
    schema.set_defaults(func=_schema)

    add_comments_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``cohub`` with ``argv`` and return the exit code."""
    parser = get_parser()
    args = parser.parse_args(argv)
    if args.command in ("check", "build", "serve", "schema") and not (args.root / "case_studies").is_dir():
        print(
            f"cohub: {args.root.resolve()} has no case_studies/ folder: run cohub in the hub's folder, "
            "or name it with --root",
            file=sys.stderr,
        )
        return 1
    try:
        command: Callable[[argparse.Namespace], int] = args.func
        return command(args)
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"cohub: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


def _new(args: argparse.Namespace) -> int:
    try:
        path = new_case_study(args.root, args.title, Date.today())
    except ScaffoldError as error:
        print(f"cohub: {error}", file=sys.stderr)
        return 1
    print(
        f"Created {path.relative_to(args.root).as_posix()}: fill in the front matter, write the story, "
        "then run 'cohub check'."
    )
    return 0


def _settings_problems(root: Path) -> tuple[Problem, ...]:
    """Problems in mkdocs.yml's organisation block (the build checks its colours too)."""
    config_path = root / "mkdocs.yml"
    if not config_path.is_file():
        return ()
    site = read_site_config(root)
    extra = site.get("extra") or {}
    cohub = extra.get("cohub") if isinstance(extra, dict) else None
    raw = cohub.get("organisation") if isinstance(cohub, dict) else None
    docs = root / str(site.get("docs_dir") or "docs")
    try:
        decode_organisation(
            raw, setting_lines(config_path.read_text(encoding="utf-8")), lambda path: (docs / path).is_file()
        )
    except OrganisationSettingsError as error:
        return error.problems
    return ()


def _check(args: argparse.Namespace) -> int:
    try:
        highest_age = reading_age_setting(read_site_config(args.root))
    except ReadingAgeSettingError as error:
        print(f"cohub: mkdocs.yml: extra: cohub: reading_age: {error}", file=sys.stderr)
        return 1
    hub = load_hub(args.root)
    problems = (*_settings_problems(Path(args.root)), *hub.problems)
    for problem in problems:
        print(problem)
    for warning in hub.warnings:
        print(f"{warning.path}:{warning.line}: warning: {warning.message} — {warning.fix}")
    matcher = TermMatcher.from_taxonomy(hub.taxonomy)
    for case_study in hub.corpus.case_studies:
        for facet_id, term_id in undeclared_terms(case_study):
            offset = matcher.first_line(facet_id, term_id, case_study.body) or 0
            print(
                f"{case_study.path}:{case_study.body_line + offset}: note: the text is about "
                f"'{term_id}' but '{hub.taxonomy.facets[facet_id].field}' does not list it "
                "— add it if the story is about that"
            )
    for case_study in hub.corpus.case_studies:
        for age in case_study_reading_ages(case_study):
            if age.age > highest_age:
                print(
                    f"{age.path}:{age.line}: warning: the {age.field} has a reading age of {age.age:g}, "
                    f"above the hub's {highest_age:g} — use shorter sentences and everyday words"
                )
            else:
                print(
                    f"{age.path}:{age.line}: note: the {age.field} has a reading age of {age.age:g} "
                    f"— the hub aims for {highest_age:g} or under"
                )
    count = len(problems)
    studies = len(hub.corpus.case_studies)
    if count:
        print(
            f"cohub: {count} problem{'s' if count != 1 else ''} found; fix them and run 'cohub check' again",
            file=sys.stderr,
        )
        return 1
    print(f"{studies} case stud{'ies' if studies != 1 else 'y'} checked: no problems.")
    return 0


def _schema(args: argparse.Namespace) -> int:
    taxonomy, problems = load_taxonomy(args.root)
    if problems:
        for problem in problems:
            print(problem)
        print("cohub: the schema was not written: fix the taxonomy first", file=sys.stderr)
        return 1
    text = schema_text(taxonomy.facets.values())
    if str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    output = args.output or args.root / SCHEMA_PATH
    output.write_text(text, encoding="utf-8")
    print(f"Wrote the front matter's JSON Schema to {output}.")
    return 0


def _build(args: argparse.Namespace) -> int:
    from cohub.build import BuildFailed, build_site

    try:
        site_dir = build_site(args.root, site_dir=args.site_dir)
    except BuildFailed as error:
        print(f"cohub: {error}", file=sys.stderr)
        return 1
    print(f"Built the site in {site_dir}.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from cohub.build import BuildFailed
    from cohub.serve import serve

    try:
        location = database_location(args.root, args.db, os.environ)
        serve(
            args.root,
            host=args.host,
            port=args.port,
            db_path=location,
            site_url=args.site_url,
            forwarded_allow_ips=args.forwarded_allow_ips,
        )
    except NotAHubError as error:
        print(f"cohub: {error}", file=sys.stderr)
        return 1
    except BuildFailed as error:
        print(f"cohub: {error}", file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"cohub: a comment setting cannot be used: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

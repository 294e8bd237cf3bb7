"""What a preview ('mkdocs serve') adds to each page it serves.

MkDocs' preview puts a script at the end of every page it serves, which
reloads the page once a rebuild is done; the page's Content-Security-Policy
must allow it, or the page never reloads. And while an edit has problems,
the preview keeps serving the last good site, with each problem
(``path:line: problem — fix``) at the top of every page until it is fixed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

from cohub.csp import inline_script_hashes

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from cohub.problems import Problem

# Enough to find the first few; 'cohub check' lists them all.
PROBLEMS_SHOWN = 20
_env = Environment(
    loader=PackageLoader("cohub", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_SCRIPT_SOURCES = re.compile(r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src\b[^;"]*)')


def problems_banner(problems: Sequence[Problem]) -> str:
    """The notice listing ``problems``, as HTML (each part escaped)."""
    shown = tuple(problems[:PROBLEMS_SHOWN])
    return _env.get_template("preview-problems.html").render(problems=shown, more=len(problems) - len(shown))


def with_banner(page: str, banner: str) -> str:
    """``page`` with ``banner`` first in its body, or unchanged if it has no body."""
    body = _BODY.search(page)
    if body is None:
        return page
    return f"{page[: body.end()]}{banner}{page[body.end() :]}"


def with_script_hashes(page: str, hashes: Iterable[str]) -> str:
    """``page`` whose policy (if it has one) also allows the inline scripts with these hash sources."""
    extra = "".join(f" {source}" for source in sorted(hashes))
    return _SCRIPT_SOURCES.sub(lambda found: f"{found.group(1)}{extra}", page, count=1) if extra else page


def served_page(built: str, served: str, problems: Sequence[Problem]) -> str:
    """The page a preview serves.

    Args:
        built: The page as the build wrote it.
        served: The same page with the preview's reload script added.
        problems: What is wrong with the hub's files now (none once they are fixed).
    """
    page = with_script_hashes(served, inline_script_hashes(served) - inline_script_hashes(built))
    return with_banner(page, problems_banner(problems)) if problems else page

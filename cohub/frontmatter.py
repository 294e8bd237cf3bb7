"""Read a Markdown file's YAML front matter ourselves, keeping line numbers.

MkDocs' own meta parser drops the whole front matter without a word when the
YAML is wrong, so the hub never lets it decide: this module splits the file,
parses the YAML with every key's line number, and says exactly what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from cohub.problems import Problem, ProblemError

Path_ = tuple[str | int, ...]

FENCE = "---"


@dataclass(frozen=True)
class FrontMatter:
    """A file split into its parsed front matter and its Markdown body.

    Attributes:
        data: The parsed YAML mapping (dates stay ``YYYY-MM-DD`` strings).
        lines: 1-based file line of every key and list item, by path
            (``("authors", 0, "name")``); ``()`` is the opening fence.
        body: The Markdown after the closing fence.
        body_line: The file line the body starts on.
    """

    data: dict[str, Any]
    lines: dict[Path_, int]
    body: str
    body_line: int

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest parent that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text so the schema can check them.

    PyYAML turns ``2021-13-45`` into a ``ValueError`` rather than a YAML
    error, and turns good dates into objects JSON Schema cannot check.
    """


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastStrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same loader over libyaml, which PyYAML's wheels include.

    A large hub reads thousands of files, and libyaml parses them several
    times faster. Its error messages leave out the character at fault, so a
    file it rejects is parsed again with :class:`_StrictLoader` to say what is wrong.
    """


_FastStrictLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers

_YAML_HINTS = (
    ("'\\t'", "found a tab character", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "a colon where YAML does not expect one",
     "put text that contains ': ' in quotes, and check the indentation of this line"),
    ("could not find expected ':'", "a line that is not 'field: value'",
     "check the indentation, and put long text in quotes"),
    ("did not find expected key", "a line indented differently from the ones around it",
     "line the fields up with the same number of spaces"),
    ("did not find expected '-' indicator", "a list item indented differently from the ones around it",
     "line the '- ' items up with the same number of spaces"),
    ("found undefined alias", "an '*' that YAML reads as an alias",
     "put text that starts with '*' in quotes"),
    ("found character '@'", "a value that starts with '@'", "put the value in quotes"),
    ("found character '`'", "a value that starts with '`'", "put the value in quotes"),
)


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Split ``text`` into front matter and body, and parse the front matter.

    Args:
        text: The whole file, already decoded.
        path: The file's path, for messages.

    Returns:
        The parsed front matter and body.

    Raises:
        ProblemError: When there is no front matter, it never ends, its YAML
            is wrong, it repeats a key, or it is not a mapping.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        raise ProblemError(Problem(
            path, 1, "the file does not start with front matter",
            "make the first line '---', then the fields (copy them from "
            "case_studies/_template.md), then a line '---'",
        ))
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            closing = index
            break
    else:
        raise ProblemError(Problem(
            path, 1, "the front matter starts here but never ends",
            "add a line '---' after the last field",
        ))
    # The YAML starts on file line 2, after the opening fence.
    data, key_lines = parse_yaml_mapping("".join(lines[1:closing]), path, first_line=2, what="the front matter")
    return FrontMatter(
        data=data,
        lines=key_lines,
        body="".join(lines[closing + 1:]),
        body_line=closing + 2,
    )


def parse_yaml_mapping(
    yaml_text: str, path: str, *, first_line: int = 1, what: str = "the file",
) -> tuple[dict[str, Any], dict[Path_, int]]:
    """Parse YAML that must be a mapping, with the file line of every key.

    Args:
        yaml_text: The YAML.
        path: The file it comes from, for messages.
        first_line: The file line ``yaml_text`` starts on.
        what: What the YAML is, for messages ("the front matter").

    Returns:
        The mapping, and the line of every key and list item by path.

    Raises:
        ProblemError: When the YAML is wrong, repeats a key or is not a mapping.
    """
    try:
        try:
            return _parse_mapping(_FastStrictLoader, yaml_text, path, first_line, what)
        except yaml.YAMLError:
            return _parse_mapping(_StrictLoader, yaml_text, path, first_line, what)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else 1
        raise ProblemError(_yaml_problem(path, line, error, what)) from None
    except yaml.YAMLError as error:
        raise ProblemError(Problem(
            path, first_line, f"{what} is not valid YAML ({error})",
            "check it against case_studies/_template.md",
        )) from None


def _parse_mapping(
    loader_class: type[yaml.SafeLoader], yaml_text: str, path: str, first_line: int, what: str,
) -> tuple[dict[str, Any], dict[Path_, int]]:
    offset = first_line
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProblemError(Problem(
                path, first_line, f"{what} is empty",
                "add the fields from case_studies/_template.md",
            ))
        if not isinstance(node, yaml.MappingNode):
            raise ProblemError(Problem(
                path, node.start_mark.line + offset,
                f"{what} is not a list of 'field: value' lines",
                "write one 'field: value' per line, as in case_studies/_template.md",
            ))
        key_lines: dict[Path_, int] = {(): max(first_line - 1, 1)}
        data = _construct(loader, node, (), key_lines, path, offset)
    finally:
        loader.dispose()
    return data, key_lines


def _yaml_problem(path: str, line: int, error: yaml.MarkedYAMLError, what: str) -> Problem:
    raw = " ".join(filter(None, (error.context, error.problem)))
    for needle, hint, fix in _YAML_HINTS:
        if needle in raw:
            return Problem(path, line, f"{what} is not valid YAML: {hint}", fix)
    return Problem(
        path, line, f"{what} is not valid YAML: {raw}",
        "check this line's indentation and quotes against case_studies/_template.md",
    )


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    at: Path_,
    key_lines: dict[Path_, int],
    path: str,
    offset: int,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + offset
            if not isinstance(key, str):
                raise ProblemError(Problem(
                    path, line, f"'{key}' is not a field name",
                    "field names are words like 'title' or 'themes'",
                ))
            if key in mapping:
                first = key_lines[(*at, key)]
                raise ProblemError(Problem(
                    path, line, f"'{key}' is given twice (first on line {first})",
                    "keep one of them",
                ))
            key_lines[(*at, key)] = line
            mapping[key] = _construct(loader, value_node, (*at, key), key_lines, path, offset)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            key_lines[(*at, index)] = item_node.start_mark.line + offset
            items.append(_construct(loader, item_node, (*at, index), key_lines, path, offset))
        return items
    return loader.construct_object(node, deep=True)


_HTML = re.compile(r"<\s*[a-zA-Z!/?]")


def strings_with_html(data: Any, at: Path_ = ()) -> tuple[tuple[Path_, str], ...]:
    """Every text value in ``data`` that contains an HTML tag, with its path."""
    if isinstance(data, dict):
        return tuple(hit for key, value in data.items() for hit in strings_with_html(value, (*at, key)))
    if isinstance(data, list):
        return tuple(hit for index, value in enumerate(data) for hit in strings_with_html(value, (*at, index)))
    if isinstance(data, str) and _HTML.search(data):
        return ((at, data),)
    return ()

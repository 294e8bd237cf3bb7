"""Read a Markdown file's YAML front matter ourselves, keeping line numbers.

MkDocs' own meta parser drops the whole front matter without a word when the
YAML is wrong, so the hub never lets it decide: this module splits the file,
parses the YAML with every key's line number, and says exactly what is wrong.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from cohub.limits import FRONT_MATTER_MAX_BYTES, KIB, NUMBER_MAX_CHARACTERS, YAML_MAX_DEPTH
from cohub.problems import Problem, ProblemError, printable
from cohub.schema import field_name

if TYPE_CHECKING:
    from collections.abc import Iterator

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


# PyYAML built without libyaml has no CSafeLoader; the Python parser stands in.
_LibyamlSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastStrictLoader(_LibyamlSafeLoader):
    """The same loader over libyaml, which PyYAML's wheels include.

    A large hub reads thousands of files, and libyaml parses them several
    times faster. Its error messages leave out the character at fault, so a
    file it rejects is parsed again with :class:`_StrictLoader` to say what is wrong.
    """


_FastStrictLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers

_YAML_HINTS = (
    ("'\\t'", "found a tab character", "indent with spaces, not tabs"),
    (
        "mapping values are not allowed",
        "a colon where YAML does not expect one",
        "put text that contains ': ' in quotes, and check the indentation of this line",
    ),
    (
        "could not find expected ':'",
        "a line that is not 'field: value'",
        "check the indentation, and put long text in quotes",
    ),
    (
        "did not find expected key",
        "a line indented differently from the ones around it",
        "line the fields up with the same number of spaces",
    ),
    (
        "did not find expected '-' indicator",
        "a list item indented differently from the ones around it",
        "line the '- ' items up with the same number of spaces",
    ),
    ("found undefined alias", "an '*' that YAML reads as an alias", "put text that starts with '*' in quotes"),
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
        raise ProblemError(
            Problem(
                path,
                1,
                "the file does not start with front matter",
                "make the first line '---', then the fields (copy them from "
                "case_studies/_template.md), then a line '---'",
            )
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            closing = index
            break
    else:
        raise ProblemError(
            Problem(
                path,
                1,
                "the front matter starts here but never ends",
                "add a line '---' after the last field",
            )
        )
    yaml_text = "".join(lines[1:closing])
    size = len(yaml_text.encode("utf-8", "surrogatepass"))
    if size > FRONT_MATTER_MAX_BYTES:
        raise ProblemError(
            Problem(
                path,
                1,
                f"the front matter is {size // KIB} KiB, over the limit of {FRONT_MATTER_MAX_BYTES // KIB} KiB",
                "keep to the fields in case_studies/_template.md, and put the story below the closing '---'",
            )
        )
    # The YAML starts on file line 2, after the opening fence.
    data, key_lines = parse_yaml_mapping(yaml_text, path, first_line=2, what="the front matter")
    return FrontMatter(
        data=data,
        lines=key_lines,
        body="".join(lines[closing + 1 :]),
        body_line=closing + 2,
    )


def parse_yaml_mapping(
    yaml_text: str,
    path: str,
    *,
    first_line: int = 1,
    what: str = "the file",
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
    except ValueError:
        # Only the pure-Python scanner gets here, from an escape such as "\\U00110000".
        escape = next((match for match in _LONG_ESCAPE.finditer(yaml_text) if int(match[1], 16) > sys.maxunicode), None)
        line = yaml_text.count("\n", 0, escape.start()) + first_line if escape else first_line
        raise ProblemError(
            Problem(
                path,
                line,
                f"{what} has an escape ('\\U...' or '\\u...') that names no character",
                "write the character itself, or remove the escape",
            )
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else 1
        raise ProblemError(_yaml_problem(path, line, error, what)) from None
    except yaml.YAMLError as error:
        raise ProblemError(
            Problem(
                path,
                first_line,
                f"{what} is not valid YAML ({error})",
                "check it against case_studies/_template.md",
            )
        ) from None


def _parse_mapping(
    loader_class: type[yaml.SafeLoader],
    yaml_text: str,
    path: str,
    first_line: int,
    what: str,
) -> tuple[dict[str, Any], dict[Path_, int]]:
    loader = loader_class(yaml_text)
    try:
        return _MappingBuilder(loader, path, first_line, what).build()
    finally:
        loader.dispose()


class _MappingBuilder:
    """Builds the mapping from the parser's events, with no recursion and no aliases.

    PyYAML's own composer recurses once per level of nesting (deep enough
    nesting crashes the interpreter) and expands aliases without limit (a few
    hundred bytes can ask for gigabytes). Front matter needs neither: this
    builder reads the event stream, keeps its own stack, refuses anchors,
    aliases and explicit tags at once, stops past ``YAML_MAX_DEPTH`` levels,
    and checks every number and text before Python converts it.
    """

    def __init__(self, loader: yaml.SafeLoader, path: str, first_line: int, what: str) -> None:
        self.loader = loader
        self.path = path
        self.offset = first_line
        self.what = what
        self.key_lines: dict[Path_, int] = {(): max(first_line - 1, 1)}

    def problem(self, event: yaml.Event, message: str, fix: str) -> ProblemError:
        return ProblemError(Problem(self.path, self.line(event), message, fix))

    def line(self, event: yaml.Event) -> int:
        return event.start_mark.line + self.offset if event.start_mark else self.offset

    def build(self) -> tuple[dict[str, Any], dict[Path_, int]]:
        loader = self.loader
        key_lines = self.key_lines
        offset = self.offset
        # Each open list or mapping: the value, its path, and for a mapping the key awaiting its value.
        stack: list[tuple[dict[str, Any] | list[Any], Path_, list[str | None]]] = []
        root: dict[str, Any] | None = None
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind in _IGNORED_EVENTS:
                continue
            if kind is yaml.DocumentStartEvent:
                if root is not None:
                    raise self.problem(
                        event,
                        f"{self.what} holds more than one YAML document",
                        "remove the '---' or '...' line inside it",
                    )
                continue
            if kind in _END_EVENTS:
                finished = stack.pop()[0]
                if stack:
                    self.add(stack[-1], finished)
                continue
            if kind is yaml.AliasEvent or event.anchor is not None:
                raise self.problem(
                    event,
                    f"{self.what} uses a YAML anchor or alias ('&name' or '*name')",
                    "write each value out in full; put text that starts with '&' or '*' in quotes",
                )
            if event.tag is not None:
                raise self.problem(
                    event,
                    f"{self.what} uses a YAML tag ('{printable(event.tag, 40)}')",
                    "remove it: values are plain text, numbers, true or false; put text that starts with '!' in quotes",
                )
            if not stack:
                if root is not None or kind is not yaml.MappingStartEvent:
                    raise self.problem(
                        event,
                        f"{self.what} is not a list of 'field: value' lines",
                        "write one 'field: value' per line, as in case_studies/_template.md",
                    )
                root = {}
                stack.append((root, (), [None]))
                continue
            container, at, pending = stack[-1]
            if pending[0] is None and type(container) is dict:
                self.take_key(container, at, pending, event)
                continue
            if type(container) is dict:
                child: Path_ = (*at, pending[0])  # type: ignore[arg-type]
            else:
                child = (*at, len(container))
                key_lines[child] = event.start_mark.line + offset
            if kind is yaml.ScalarEvent:
                self.add(stack[-1], self.scalar(event, child))
                continue
            if len(stack) >= YAML_MAX_DEPTH:
                raise self.problem(
                    event,
                    f"{self.what} is nested more than {YAML_MAX_DEPTH} levels deep",
                    "fields hold text or short lists: see case_studies/_template.md",
                )
            stack.append(({} if kind is yaml.MappingStartEvent else [], child, [None]))
        if root is None:
            raise ProblemError(
                Problem(
                    self.path, self.offset, f"{self.what} is empty", "add the fields from case_studies/_template.md"
                )
            )
        return root, key_lines

    def take_key(self, mapping: dict[str, Any], at: Path_, pending: list[str | None], event: yaml.Event) -> None:
        if type(event) is not yaml.ScalarEvent:
            raise self.problem(
                event, "a field name is a list or a group of fields", "field names are words like 'title' or 'themes'"
            )
        key = self.scalar(event, at)
        if not isinstance(key, str):
            raise self.problem(
                event,
                f"'{printable(event.value, 40)}' is not a field name",
                "field names are words like 'title' or 'themes'",
            )
        if key in mapping:
            first = self.key_lines[(*at, key)]
            raise self.problem(event, f"'{key}' is given twice (first on line {first})", "keep one of them")
        self.key_lines[(*at, key)] = self.line(event)
        pending[0] = key

    @staticmethod
    def add(frame: tuple[Any, Path_, list[str | None]], value: Any) -> None:
        container, _at, pending = frame
        if type(container) is dict:
            container[pending[0]] = value
            pending[0] = None
        else:
            container.append(value)

    def scalar(self, event: yaml.ScalarEvent, at: Path_) -> Any:
        value = event.value
        if not value.isascii():
            bad = _NOT_A_CHARACTER.search(value)
            if bad:
                raise self.problem(
                    event,
                    f"{field_name(at)} contains {_code(bad.group())}, which is not a character",
                    "delete it, or retype the text without copying it from elsewhere",
                )
        # A quoted value is always text; a plain one may be a number, true/false or empty.
        if not event.implicit[0]:
            return value
        tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR_TAG:
            return value
        if tag in _NUMBER_TAGS and len(value) > NUMBER_MAX_CHARACTERS:
            raise self.problem(
                event,
                f"{field_name(at)} is a number {len(value)} characters long",
                f"numbers here have at most {NUMBER_MAX_CHARACTERS} characters; put text in quotes",
            )
        # libyaml's events carry its own Mark class, which PyYAML's stubs do not name.
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        return self.loader.yaml_constructors[tag](self.loader, node)


def _yaml_problem(path: str, line: int, error: yaml.MarkedYAMLError, what: str) -> Problem:
    raw = " ".join(filter(None, (error.context, error.problem)))
    for needle, hint, fix in _YAML_HINTS:
        if needle in raw:
            return Problem(path, line, f"{what} is not valid YAML: {hint}", fix)
    return Problem(
        path,
        line,
        f"{what} is not valid YAML: {raw}",
        "check this line's indentation and quotes against case_studies/_template.md",
    )


_LONG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")
_STR_TAG = "tag:yaml.org,2002:str"
_IGNORED_EVENTS = frozenset((yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent))
_END_EVENTS = frozenset((yaml.MappingEndEvent, yaml.SequenceEndEvent))
_NUMBER_TAGS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))
# Lone surrogates (only a YAML escape such as "\\ud800" can make one) cannot be printed or written as UTF-8.
_NOT_A_CHARACTER = re.compile("[\ud800-\udfff]")


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


_HTML = re.compile(r"<\s*[a-zA-Z!/?]")


def text_values(data: Any, at: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every text value in ``data``, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_values(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_values(value, (*at, index))
    elif isinstance(data, str):
        yield at, data


def has_html(text: str) -> bool:
    """Whether ``text`` holds something that looks like an HTML tag."""
    return "<" in text and _HTML.search(text) is not None

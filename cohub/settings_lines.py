"""Where each setting sits in ``mkdocs.yml``, so a problem can name its line."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from collections.abc import Mapping

# Settings files are small; a larger one is not read for line numbers at all.
MAX_SETTINGS_BYTES = 1_000_000


class _PositionLoader(yaml.SafeLoader):
    """SafeLoader that reads tags it does not know (such as ``!!python/name:``) as empty values."""


_PositionLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def setting_lines(text: str) -> Mapping[tuple[str | int, ...], int]:
    """The 1-based line of every setting in a YAML settings file.

    Args:
        text: The file's text.

    Returns:
        Each key path (``("extra", "cohub", "organisation", "email")``; list
        items by their index) mapped to the line its key or item starts on.
        Empty when the text is not valid YAML or too large.
    """
    if len(text.encode("utf-8")) > MAX_SETTINGS_BYTES:
        return MappingProxyType({})
    try:
        root = yaml.compose(text, Loader=_PositionLoader)
    except yaml.YAMLError:
        return MappingProxyType({})
    lines: dict[tuple[str | int, ...], int] = {}
    # Iterative walk: a hostile file may nest deeply.
    stack: list[tuple[tuple[str | int, ...], yaml.Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = (*path, key.value)
                    lines[child] = key.start_mark.line + 1
                    stack.append((child, value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                lines[child] = item.start_mark.line + 1
                stack.append((child, item))
    return MappingProxyType(lines)


def line_of(lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int:
    """The line of ``path``, or of its nearest enclosing setting that has one (1 if none does)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1

"""Hostile shapes for the importers' tests: every node of a parsed source replaced by values of other shapes."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

REPLACEMENTS: list[Any] = [None, 7, -1.5, True, "", "text", [], {}, [None, {"a": [1]}], {"k": {"l": ["m", None]}}]


def mutations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) for every node of ``value`` (the first two items of each list) and every replacement."""
    if path:
        for replacement in REPLACEMENTS:
            yield path, replacement
    if isinstance(value, dict):
        for key, item in value.items():
            yield from mutations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from mutations(item, (*path, index))


def replaced(value: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    """A copy of ``value`` with the node at ``path`` replaced."""
    result = copy.deepcopy(value)
    holder = result
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = replacement
    return result

"""Values cut to the card format's limits at a safe place: between blocks of Markdown, else between words, never
inside a link or a code span (a cut there leaves Markdown that renders as something else)."""

from __future__ import annotations

import re
from typing import Any

from model_catalog.cards.yamlsource import MAX_TEXT
from model_catalog.formats.huggingface.blocks import parse

_UNSAFE = re.compile(r"(`+).*?\1|!?\[(?:[^\]\\]|\\.)*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[^<>\s]+>", re.DOTALL)
"""Code spans, links, images and autolinks: no cut inside one."""

TEXT_LIMIT = MAX_TEXT - 1_000
"""What an import puts in one value at most: the reader's limit, less room for the note that says it was cut."""


def cut_line(text: str, limit: int) -> str:
    """At most ``limit`` characters of one line, cut at the last space outside links and code spans."""
    if len(text) <= limit:
        return text
    spans = [match.span() for match in _UNSAFE.finditer(text)]
    for position in range(limit, 0, -1):
        if text[position].isspace() and not any(start < position < end for start, end in spans):
            return text[:position].rstrip()
    safe = [start for start, end in spans if start <= limit < end]
    return text[: safe[0]].rstrip() if safe and safe[0] > 0 else text[:limit]


def cut_markdown(text: str, limit: int = TEXT_LIMIT) -> str:
    """At most ``limit`` characters of Markdown: whole blocks (paragraphs, lists, fences, tables) while they fit,
    then, if not even the first does, its words up to a safe place."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    blocks = [token for token in parse(text) if token.level == 0 and token.map and token.nesting != -1]
    fitting = [token for token in blocks if len("\n".join(lines[: token.map[1]])) <= limit]  # type: ignore[index]
    while fitting and fitting[-1].type == "heading_open":  # a heading without its text says nothing
        fitting.pop()
    if fitting and fitting[-1].map:
        return "\n".join(lines[: fitting[-1].map[1]]).rstrip()
    return cut_line(text, limit)


def longest(value: Any) -> int:
    """The length of the longest text in ``value``."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((longest(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return max((longest(item) for item in value), default=0)
    return 0


def cut_texts(value: Any, path: str, cuts: list[tuple[str, int]]) -> Any:
    """``value`` with every text longer than the reader's limit cut (as Markdown); ``cuts`` gets (path, length)."""
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        cuts.append((path, len(value)))
        return cut_markdown(value)
    if isinstance(value, dict):
        return {key: cut_texts(item, f"{path}.{key}" if path else key, cuts) for key, item in value.items()}
    if isinstance(value, list):
        return [cut_texts(item, f"{path}[{index}]", cuts) for index, item in enumerate(value)]
    return value

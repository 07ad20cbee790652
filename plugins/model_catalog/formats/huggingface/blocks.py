"""A Hub card's Markdown body read with markdown-it: sections by heading, and in each the blocks CommonMark sees
(paragraphs, nested lists, fences, tables, HTML), each with the source lines it came from.

Whatever an import keeps is those lines as written, never Markdown retyped from the parse: so a nested list under a
bold label, a code span of three backticks or a table comes through whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MARKER = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])( {1,4}|\t|$)")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough, as the Hub renders a README."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def parse(text: str) -> list[Token]:
    return _parser().parse(text)


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    """The same, without the inline rules: what only asks where the blocks are (headings, a list at the end)
    is answered in a third of the time."""
    return MarkdownIt("commonmark").enable(["table"]).disable("inline")


def parse_blocks(text: str) -> list[Token]:
    """The block tokens of ``text`` (their ``children`` left unparsed)."""
    return _block_parser().parse(text)


@dataclass
class Item:
    """One list item: the inline Markdown of its first paragraph, its nested items and its source."""

    text: str
    content: str
    """The item's Markdown as written, without its marker and the indentation of its continuation lines."""
    markdown: str
    children: list[Item] = field(default_factory=list)


@dataclass
class Block:
    kind: str
    """``paragraph``, ``list``, ``code``, ``table``, ``html``, ``quote`` or ``rule``."""
    markdown: str
    text: str = ""
    """A paragraph's inline Markdown, a code block's content, an HTML block's text."""
    info: str = ""
    items: list[Item] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    tight: bool = True

    def with_items(self, items: list[Item]) -> Block:
        """The list with only ``items``, each as written."""
        joined = ("\n" if self.tight else "\n\n").join(item.markdown for item in items)
        return Block("list", joined, items=items, tight=self.tight)


@dataclass
class Section:
    level: int
    title: str
    """The heading as plain text (links as their text, code as its content)."""
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    body: str = ""
    """Everything under the heading, subsections included, as written."""

    @property
    def heading(self) -> str:
        return f"{'#' * self.level} {self.title}" if self.level else "(text before the first heading)"


def read_sections(text: str) -> Section:
    """The heading tree of a Markdown text; a ``#`` inside a code block or an HTML block is no heading."""
    lines = text.split("\n")
    tokens = parse(text)
    root = Section(0, "", body=text)
    stack = [root]
    spans: list[tuple[Section, int, int]] = []
    """Each section with the first line of its heading and the first line below it."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _closing(tokens, index)
        if token.type == "heading_open" and token.map:
            section = Section(int(token.tag[1]), inline_text(tokens[index + 1]))
            while stack[-1].level >= section.level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
            spans.append((section, token.map[0], token.map[1]))
        else:
            block = _block(tokens[index : end + 1], lines)
            if block is not None:
                stack[-1].blocks.append(block)
        index = end + 1
    for position, (section, _, body_start) in enumerate(spans):
        body_end = next(
            (first for later, first, _ in spans[position + 1 :] if later.level <= section.level), len(lines)
        )
        section.body = "\n".join(lines[body_start:body_end]).strip("\n")
    return root


def _closing(tokens: list[Token], index: int) -> int:
    """The index of the token that closes the one at ``index`` (itself when it opens nothing)."""
    if tokens[index].nesting != 1:
        return index
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _source(lines: list[str], span: list[int] | None) -> str:
    return "\n".join(lines[span[0] : span[1]]).rstrip() if span else ""


_KINDS = {
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "fence": "code",
    "code_block": "code",
    "table_open": "table",
    "html_block": "html",
    "blockquote_open": "quote",
    "hr": "rule",
}


def _block(tokens: list[Token], lines: list[str]) -> Block | None:
    first = tokens[0]
    kind = _KINDS.get(first.type)
    if kind is None:
        return None
    markdown = _source(lines, first.map).strip("\n")
    if kind == "paragraph":
        return Block(kind, markdown, text=tokens[1].content)
    if kind == "code":
        return Block(kind, markdown, text=first.content, info=first.info.strip())
    if kind == "html":
        return Block(kind, markdown, text=first.content)
    if kind == "list":
        items = _items(tokens, lines)
        tight = all(token.hidden for token in tokens if token.type == "paragraph_open")
        return Block(kind, markdown, items=items, tight=tight)
    if kind == "table":
        rows: list[list[str]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(token.content)
        return Block(kind, markdown, rows=rows)
    return Block(kind, markdown)


def _items(tokens: list[Token], lines: list[str]) -> list[Item]:
    """The items of the list ``tokens`` opens and closes, each with its nested items."""
    items: list[Item] = []
    level = tokens[0].level + 1
    index = 1
    while index < len(tokens) - 1:
        token = tokens[index]
        end = _closing(tokens, index)
        if token.type == "list_item_open" and token.level == level:
            inner = tokens[index + 1 : end]
            text = next((t.content for t in inner if t.type == "inline" and t.level == level + 2), "")
            children = [
                item
                for position, t in enumerate(inner)
                if t.type in ("bullet_list_open", "ordered_list_open") and t.level == level + 1
                for item in _items(inner[position : _closing(inner, position) + 1], lines)
            ]
            markdown = _source(lines, token.map)
            items.append(Item(text, item_content(markdown), markdown, children))
        index = end + 1
    return items


def item_content(markdown: str) -> str:
    """A list item's Markdown without its marker, its continuation lines dedented by the marker's width."""
    lines = markdown.split("\n")
    match = _MARKER.match(lines[0])
    if not match:
        return markdown.strip()
    width = len(match.group(0)) if match.group(3) else len(match.group(0)) + 1
    rest = [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines[1:]]
    return "\n".join([lines[0][len(match.group(0)) :], *rest]).strip()


def inline_text(token: Token) -> str:
    """An inline token as plain text: emphasis marks gone, links as their text, code as its content."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


def plain_inline(markdown: str) -> str:
    """Inline Markdown as plain text (for a name or a title)."""
    tokens = parse(markdown.strip())
    inline = next((token for token in tokens if token.type == "inline"), None)
    return inline_text(inline) if inline is not None else ""


_MAYBE_HEADING = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)
"""A line that could start an ATX heading or underline a setext one: most texts (a card's description) have
none, and are spared markdown-it's parse, most of the time an export takes."""
_MAYBE_LIST = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


def may_hold_list(markdown: str) -> bool:
    """Whether a line of ``markdown`` could start a list item (if not, it holds no list)."""
    return _MAYBE_LIST.search(markdown) is not None


def headings(markdown: str) -> list[tuple[int, int, int, bool]]:
    """(first line, end line, level, setext?) of each heading at the top of a Markdown text."""
    if _MAYBE_HEADING.search(markdown) is None:
        return []
    found = []
    for token in parse_blocks(markdown):
        if token.type == "heading_open" and token.level == 0 and token.map:
            found.append((token.map[0], token.map[1], int(token.tag[1]), token.markup in ("=", "-")))
    return found


def demote(markdown: str, deepest_top: int = 4) -> str:
    """``markdown`` with its headings moved down so that the highest is at ``deepest_top`` (none above it):
    the headings of a description stay inside the section it is written under. Done twice, the same text."""
    found = headings(markdown)
    shift = max(0, deepest_top - min((level for _, _, level, _ in found), default=deepest_top))
    if not shift:
        return markdown
    lines = markdown.split("\n")
    for start, end, level, setext in reversed(found):
        new = "#" * min(6, level + shift)
        if setext:
            lines[start:end] = [f"{new} {' '.join(lines[start].split())}"]
        else:
            marks = re.match(r" {0,3}#{1,6}", lines[start])
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            lines[start] = " " * indent + new + lines[start][marks.end() if marks else 0 :]
    return "\n".join(lines)


def split_at_heading(markdown: str) -> tuple[str, str]:
    """The text before the first heading, and the rest (from that heading on)."""
    found = headings(markdown)
    if not found:
        return markdown, ""
    lines = markdown.split("\n")
    return "\n".join(lines[: found[0][0]]).strip("\n"), "\n".join(lines[found[0][0] :]).strip("\n")


def join(parts: list[str]) -> str:
    return "\n\n".join(part.strip("\n") for part in parts if part.strip()).strip("\n")

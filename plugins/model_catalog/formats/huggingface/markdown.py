"""Markdown as the Hub's cards are written: read into sections, blocks and labelled items (import), and plain
text escaped, lists, fences and tables written (export)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from model_catalog.formats.huggingface.hub import TEMPLATE_BOILERPLATE

_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")

_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")


def bullet(text: str, indent: str = "") -> str:
    lines = text.strip().splitlines() or [""]
    rest = [f"{indent}  {line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{indent}- {lines[0]}", *rest])


def code_block(text: str, language: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def demote(markdown: str) -> str:
    """The description with its headings moved below ``### Model Description`` so they stay inside it."""
    lines = markdown.strip().splitlines()
    prose = _unfenced(lines)
    levels = [len(match.group(2)) for index in prose if (match := _ATX.match(lines[index]))]
    shift = max(0, 4 - min(levels, default=4))

    def deeper(match: re.Match[str]) -> str:
        return match.group(1) + "#" * min(6, len(match.group(2)) + shift)

    return "\n".join(_ATX.sub(deeper, line) if shift and index in prose else line for index, line in enumerate(lines))


def _unfenced(lines: list[str]) -> set[int]:
    """Indexes of the lines outside fenced code blocks."""
    found, fence = set(), ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1).startswith(fence) and not opened.group(2).strip():
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            found.add(index)
    return found


def ends_in_list(markdown: str) -> bool:
    lines = [line for line in markdown.splitlines() if line.strip()]
    return bool(lines) and bool(_ITEM.match(lines[-1]) or lines[-1].startswith((" ", "\t")))


def table_cell(value: Any) -> str:
    return escaped(str(value).replace("\n", " "))


_INLINE_MARKUP = re.compile(r"[\\`*\[\]<>#|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""What CommonMark could read as markup inside a line: emphasis, code, links, HTML, entities, table cells.
(An underscore between letters or digits never is: ``roc_auc`` stays as it is.)"""

_LIST_OR_RULE = re.compile(r"^[-+=]")

_ORDERED = re.compile(r"^(\d{1,9})([.)])")

_MAYBE_ESCAPED = frozenset("\\`*[]<>#|~&_\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""The characters of inline markup and the line breaks ``str.splitlines`` finds: a text with none of them is its
own escape (a set, not a search: a quarter of the time, over the 250 values of an export of a typical card)."""


def escaped(value: Any, *, block: bool = False) -> str:
    """Plain text as Markdown that renders to exactly that text: markup characters backslash-escaped, and each
    line that would start a list, a rule or a setext heading escaped at its start (the first line too when the
    text starts a line of its own, ``block``). A card's plain fields hold text: a name such as
    ``A\n---\n<script>`` must not become a heading or HTML in the README."""
    text = str(value)
    if not block and _MAYBE_ESCAPED.isdisjoint(text):  # most values: one line of plain words or a number
        return text.strip()
    lines = []
    for index, line in enumerate(text.splitlines() or [""]):
        safe = _INLINE_MARKUP.sub(lambda match: "\\" + match[0], line.strip())
        if index or block:
            safe = _ORDERED.sub(lambda m: f"{m[1]}\\{m[2]}", _LIST_OR_RULE.sub(lambda m: "\\" + m[0], safe))
        lines.append(safe)
    return "\n".join(lines)


def destination(url: str) -> str:
    """A link's URL as a Markdown link destination: the characters that would end it escaped."""
    return re.sub(r"([()<>\\])", r"\\\1", url)


_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def email_text(address: str) -> str:
    """An owner's address as an autolink when it is a plain one, else as escaped text."""
    return f"<{address}>" if _PLAIN_EMAIL.fullmatch(address) else escaped(address)


def number_text(value: Any) -> str:
    """Exact text of a number (``repr`` of floats round-trips), so the body loses no digits."""
    if value is None or isinstance(value, bool):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

_LABEL_LINE = re.compile(r"^\*\*([^*]+?)(?::\*\*|\*\*:)$")

_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*(?P<rest>.*)$")

MD_LINK = re.compile(r"^\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<url>\S+?)\)$")


@dataclass
class Section:
    level: int
    title: str
    lines: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class Item:
    text: str
    raw: list[str]
    children: list[str] = field(default_factory=list)


@dataclass
class Block:
    kind: str
    """``paragraph``, ``list``, ``label``, ``code`` or ``table``."""
    raw: list[str]
    text: str = ""
    items: list[Item] = field(default_factory=list)

    def markdown(self) -> str:
        if self.kind == "list":
            return "\n".join(line for item in self.items for line in item.raw)
        return "\n".join(self.raw).strip("\n")


def read_sections(markdown: str) -> Section:
    """The heading tree of a Markdown text; ``#`` lines inside code blocks are not headings."""
    root = Section(0, "")
    stack = [root]
    lines = markdown.split("\n")
    outside_code = _unfenced(lines)
    for index, line in enumerate(lines):
        if index in outside_code and (heading := _HEADING.match(line)):
            section = Section(len(heading.group(1)), heading.group(2).strip())
            while stack[-1].level >= section.level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
            continue
        stack[-1].lines.append(line)
    return root


def read_blocks(lines: list[str]) -> list[Block]:
    """Paragraphs, lists, bold labels, code and tables: enough Markdown to find the template's fields."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif _FENCE.match(line):
            index = _read_code(lines, index, blocks)
        elif _ITEM.match(line):
            index = _read_list(lines, index, blocks)
        elif line.lstrip().startswith("|"):
            end = index
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            blocks.append(Block("table", lines[index:end]))
            index = end
        elif label := _LABEL_LINE.match(line.strip()):
            blocks.append(Block("label", [line], text=label.group(1).strip()))
            index += 1
        else:
            end = index + 1
            while end < len(lines) and lines[end].strip() and not _starts_block(lines[end]):
                end += 1
            blocks.append(
                Block("paragraph", lines[index:end], text=" ".join(line.strip() for line in lines[index:end]))
            )
            index = end
    return blocks


def _starts_block(line: str) -> bool:
    return bool(
        _FENCE.match(line) or _ITEM.match(line) or line.lstrip().startswith("|") or _LABEL_LINE.match(line.strip())
    )


def _read_code(lines: list[str], start: int, blocks: list[Block]) -> int:
    fence = _FENCE.match(lines[start]).group(1)  # type: ignore[union-attr]
    end = start + 1
    while end < len(lines):
        closing = _FENCE.match(lines[end])
        if closing and closing.group(1).startswith(fence) and not closing.group(2).strip():
            break
        end += 1
    blocks.append(Block("code", lines[start : end + 1], text="\n".join(lines[start + 1 : end])))
    return end + 1


def _read_list(lines: list[str], start: int, blocks: list[Block]) -> int:
    """One list: top-level items with their continuation lines and one level of nested items."""
    base = len(_ITEM.match(lines[start]).group(1))  # type: ignore[union-attr]
    items: list[Item] = []
    index = end = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        match = _ITEM.match(line)
        indent = len(line) - len(line.lstrip())
        after_blank = not lines[index - 1].strip()
        if match and indent <= base + 1:
            text = (match.group(2) or "").strip()
            if items and after_blank and bool(label_and_value(text)) != bool(label_and_value(items[-1].text)):
                break
            items.append(Item(text, [line]))
        elif match:
            items[-1].children.append((match.group(2) or "").strip())
            items[-1].raw.append(line)
        elif indent > base or (not after_blank and not _starts_block(line)):
            if items[-1].children and indent > base + 2:
                items[-1].children[-1] += " " + line.strip()
            else:
                items[-1].text += " " + line.strip()
            items[-1].raw.append(line)
        else:
            break
        index = end = index + 1
    blocks.append(Block("list", lines[start:end], items=items))
    return end


def loose_key(text: str) -> str:
    """A heading or label compared loosely: case, ``[optional]`` and emphasis do not matter."""
    text = re.sub(r"\[optional\]", "", text, flags=re.IGNORECASE).replace("*", "").replace("_", " ").replace("`", "")
    return " ".join(text.lower().split()).rstrip(":").strip()


def heading_title(text: str) -> str:
    return unescape(" ".join(re.sub(r"\[optional\]", "", text, flags=re.IGNORECASE).split()))


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Markdown's backslash escapes undone, for text read into a plain (not Markdown) field."""
    return _ESCAPED.sub(r"\1", text)


def _is_filler(text: str) -> bool:
    """Empty, ``[More Information Needed]`` or a template sentence that says nothing about the model."""
    plain_text = " ".join(text.strip().strip("*_ ").split()).lower()
    return (
        not plain_text
        or plain_text.strip("[]") == "more information needed"
        or plain_text.startswith(TEMPLATE_BOILERPLATE)
    )


def label_and_value(text: str) -> tuple[str, str] | None:
    """``**Label:** value`` as (label, value), or None."""
    match = _LABELLED.match(text.strip())
    if not match:
        return None
    label, rest = match.group("label").strip(), match.group("rest").strip()
    if label.endswith(":"):
        return label[:-1].strip(), unescape(rest)
    if rest.startswith(":"):
        return label, unescape(rest[1:].strip())
    return None


def without_filler(blocks: list[Block]) -> list[Block]:
    """The blocks without template placeholders, and without labels left with nothing under them."""
    kept: list[Block] = []
    for block in blocks:
        if block.kind == "list":
            block.items = [
                item
                for item in block.items
                if not _is_filler(item.text) and not ((pair := label_and_value(item.text)) and _is_filler(pair[1]))
            ]
            if block.items:
                kept.append(block)
        elif block.kind == "label" or not _is_filler(block.text if block.kind != "table" else block.markdown()):
            kept.append(block)
    return [
        block
        for index, block in enumerate(kept)
        if block.kind != "label" or (index + 1 < len(kept) and kept[index + 1].kind != "label")
    ]


def render_blocks(blocks: list[Block]) -> str:
    return "\n\n".join(block.markdown() for block in blocks).strip()


def link_parts(value: str) -> tuple[str, str]:
    """(text, target) of ``[text](url)`` or ``<url>``; a bare value is both."""
    value = value.strip()
    if match := MD_LINK.match(value):
        return match.group("text").strip(), match.group("url")
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1], value[1:-1]
    return value, value


def flattened_lines(section: Section) -> list[str]:
    """A section's lines with its subsections' headings and lines, as one text."""
    lines = list(section.lines)
    for child in section.children:
        lines += ["", f"{'#' * child.level} {child.title}", "", *flattened_lines(child)]
    return lines


def table_rows(block: Block) -> list[list[str]]:
    rows = []
    for line in block.raw:
        text = line.strip()
        text = text.removeprefix("|")
        text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
        rows.append([unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", text)])
    return rows

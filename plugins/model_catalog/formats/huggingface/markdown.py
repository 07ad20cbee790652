"""Markdown in small pieces: plain text escaped, lists, fences and links written (export), and the labels,
links and escapes of single lines read (import). Blocks and sections are read by ``blocks.py``."""

from __future__ import annotations

import re
from typing import Any

from model_catalog.formats.huggingface.hub import TEMPLATE_BOILERPLATE


def bullet(text: str, indent: str = "") -> str:
    lines = text.strip().splitlines() or [""]
    rest = [f"{indent}  {line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"{indent}- {lines[0]}", *rest])


def code_block(text: str, language: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


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


_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*(?P<rest>.*)$", re.DOTALL)

MD_LINK = re.compile(r"^\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<url>\S+?)\)$")


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


def plain_text(markdown: str) -> str:
    """Markdown as the text of a plain field: escapes undone, each line stripped, as :func:`escaped` writes it
    back (so that a value read, written and read again is the value read)."""
    return reflow("\n".join(line.strip() for line in unescape(markdown).strip().splitlines()).strip())


_STARTS_BLOCK = re.compile(r"^\s*([-*+>|#]|\d{1,9}[.)]|```|~~~)|^\s{4}")


def reflow(text: str) -> str:
    """A paragraph's lines as one line (its soft line breaks are spaces); text of several blocks as it is."""
    lines = text.split("\n")
    if len(lines) == 1 or any(not line.strip() or _STARTS_BLOCK.match(line) for line in lines[1:]):
        return text
    return " ".join(line.strip() for line in lines)


def is_filler(text: str) -> bool:
    """Empty, ``[More Information Needed]`` or a template sentence that says nothing about the model."""
    plain = " ".join(text.strip().strip("*_ ").split()).lower()
    return (
        not plain
        or plain.strip("[]").rstrip(".") in ("more information needed", "needs more information", "optional")
        or plain.startswith(TEMPLATE_BOILERPLATE)
    )


def label_and_value(text: str) -> tuple[str, str] | None:
    """``**Label:** value`` (or ``**Label**: value``) as (label, value), or None."""
    match = _LABELLED.match(text.strip())
    if not match:
        return None
    label, rest = match.group("label").strip(), match.group("rest").strip()
    if label.endswith(":"):
        return label[:-1].strip(), unescape(rest)
    if rest.startswith(":"):
        return label, unescape(rest[1:].strip())
    return None


def link_parts(value: str) -> tuple[str, str]:
    """(text, target) of ``[text](url)`` or ``<url>``; a bare value is both."""
    value = value.strip()
    if match := MD_LINK.match(value):
        return match.group("text").strip(), match.group("url")
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1], value[1:-1]
    return value, value

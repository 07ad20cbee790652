"""The draft card both importers build from another tool's fields: each value fitted to the card's rules (see
``fitting.py``), each source field placed in the import report, whatever has no card field kept, as Markdown, in the
description, and the whole within a card file's size.

The Model Card Toolkit's schema (``mct/``) and CycloneDX's ``modelCard`` (``cyclonedx_import/``), which is that
schema in camel case, are drafted the same way, through :class:`DraftBuilder`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from model_catalog.cards.yamlsource import MAX_TEXT
from model_catalog.formats.fitting import (
    card_schema,
    child_path,
    clean_text,
    field_rules,
    fit,
    kind_of,
    read_date,
    shown_value,
)
from model_catalog.formats.importing import ImportedDraft, Outcome, Placement, in_schema_order

Data = dict[str, Any]

Handler = Callable[[str, Any], object]
"""What reads one field of the source: (its path, its value)."""

PROSE_LIMIT = 60_000
"""Characters of the source's own description text in the card's, which leaves room for what is kept."""

KEPT_LIMIT = 10_000
"""Characters of one value kept in the description; the rest is cut, and the report says so."""

DRAFT_BUDGET = 600_000
"""Bytes one draft's text may take in its card file (UTF-8, with the indentation of each line), well under the card
size limit (1 MB); past it, values are dropped."""

_CUT = " […]"
_FULL = f"the description is full (a card's text values hold {MAX_TEXT:,} characters)"
_NO_ROOM = f"the draft is at its size limit ({DRAFT_BUDGET:,} bytes of text)"

LIST_LIMIT = 1_000
"""Items read from one list (and fields from one mapping); the rest are dropped, with one placement saying so."""

NESTING_LIMIT = 12
"""Levels of a value kept as YAML in the description; deeper parts are left out, so no walk can overflow."""

EVALUATION_NAME = re.compile(r"(?i)eval|valid|test|hold-?out|held-?out|benchmark")
"""Names of data sets that say they are for evaluation (neither MCT v0.0.2 nor CycloneDX says what one is for)."""

OWNERS_REASON = "a card's owners are the people given with --owner"
GRAPHICS_REASON = "graphics are images (base64), which a card cannot hold"
NO_FIELD = "the card has no field for it"

# ---------------------------------------------------------------------------------------------------------------
# The draft being built, and its report


@dataclass
class DraftBuilder:
    """A draft card being filled in from another tool's fields: each value fitted to the card's rules, each source
    field placed in the report, and whatever has no field kept, as Markdown, in the description."""

    source: str
    origin: str
    data: Data = field(default_factory=dict)
    report: list[Placement] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    spent: int = 0
    described: int = 0

    def place(self, source: str, outcome: Outcome, target: str = "", reason: str = "") -> None:
        self.report.append(Placement(source, outcome, target, reason))

    def mapped(self, source: str, target: str, reason: str = "") -> None:
        self.place(source, "mapped", target, reason)

    def drop(self, source: str, reason: str) -> None:
        self.place(source, "dropped", "", reason)

    def spend(self, value: Any) -> bool:
        """Count ``value``'s text against the draft's budget; False (nothing counted) when it does not fit."""
        size = _text_cost(value, 0)
        if self.spent + size > DRAFT_BUDGET:
            return False
        self.spent += size
        return True

    def describe(self, markdown: str) -> bool:
        """Count ``markdown`` against the description's length and the draft's budget; False when it has no room."""
        if self.described + len(markdown) + 200 > MAX_TEXT or not self.spend(markdown):  # 200: for its heading
            return False
        self.described += len(markdown) + 2
        return True

    def keep(self, source: str, value: Any, heading: str, reason: str, label: str | None = None) -> None:
        """Keep ``value`` in the description under ``heading`` (a bullet for short text, a YAML block otherwise)."""
        markdown, cut = as_markdown(label or source, value)
        if cut:
            reason += f"; cut to its first {KEPT_LIMIT:,} characters"
        if not markdown:
            self.drop(source, f"{reason}; it is empty")
        elif heading not in self.kept and not self.describe(f"#### {heading}"):
            self.drop(source, f"{reason}; but {_FULL}")
        elif not self.describe(markdown):
            self.drop(source, f"{reason}; but {_FULL}" if self.spent < DRAFT_BUDGET - len(markdown) else _NO_ROOM)
        else:
            self.kept.setdefault(heading, []).append(markdown)
            self.place(source, "kept", "description", reason)

    def keep_text(self, source: str, value: Any, heading: str, reason: str, label: str | None = None) -> None:
        """Keep ``value`` if it holds something; report it as dropped when it is empty."""
        if value in (None, "", [], {}) or (isinstance(value, str) and not clean_text(value)):
            self.drop(source, "empty")
        else:
            self.keep(source, value, heading, reason, label)

    def add_prose(self, source: str, value: Any, heading: str, title: str = "") -> None:
        """Text of the source's own description, in the card's ``description`` (Markdown)."""
        if not isinstance(value, str):
            self.keep(source, value, heading, f"expected text, got {kind_of(value)}")
            return
        text = clean_text(value)
        if not text:
            self.drop(source, "empty")
            return
        note = ""
        if len(text) > PROSE_LIMIT:
            note = f"cut to the first {PROSE_LIMIT:,} of its {len(text):,} characters"
            text = text[:PROSE_LIMIT]
        text = f"#### {title}\n\n{text}" if title else text
        if not self.describe(text):
            self.drop(source, _FULL)
            return
        self.prose.append(text)
        self.mapped(source, "description", note)

    def set(self, source: str, path: tuple[str, ...], value: Any, heading: str, reason: str = "") -> bool:
        """Set the card field at ``path`` to ``value`` fitted to its rules; kept in the description when it does
        not fit or the field holds another value already. True when the card holds it."""
        target = ".".join(path)
        fitted, note = fit(field_rules(target), value)
        if fitted is None:
            self.keep(source, value, heading, f"does not fit `{target}`: {note}")
            return False
        holder = self.data
        for name in path[:-1]:
            holder = holder.setdefault(name, {})
        if path[-1] in holder and holder[path[-1]] != fitted:
            self.keep(
                source, value, heading, f"`{target}` holds another value already ({shown_value(holder[path[-1]])})"
            )
            return False
        if path[-1] not in holder and not self.spend(fitted):
            self.drop(source, _NO_ROOM)
            return False
        holder[path[-1]] = fitted
        self.mapped(source, target, "; ".join(part for part in (reason, note) if part))
        return True

    def add(self, source: str, path: tuple[str, ...], value: Any, heading: str, reason: str = "") -> bool:
        """Add ``value`` to the list of text at ``path`` (``limitations``, ``intended_use.primary_uses``)."""
        target = ".".join(path)
        rules = field_rules(target)
        fitted, note = fit(rules.get("schema") if rules else None, value)
        if fitted is None:
            if note == "empty":
                self.drop(source, "empty")
            else:
                self.keep(source, value, heading, f"does not fit `{target}`: {note}")
            return False
        holder = self.data
        for name in path[:-1]:
            holder = holder.setdefault(name, {})
        items = holder.setdefault(path[-1], [])
        if fitted in items:
            self.mapped(source, f"{target}[{items.index(fitted)}]", "the same as another entry")
            return True
        if not self.spend(fitted):
            self.drop(source, _NO_ROOM)
            return False
        items.append(fitted)
        self.mapped(source, f"{target}[{len(items) - 1}]", "; ".join(part for part in (reason, note) if part))
        return True

    def entry(self, list_name: str) -> Entry:
        """A new item of the list of mappings ``list_name`` (``metrics``, ``training_data``)."""
        return Entry(self, list_name)

    def add_link(self, source: str, title: Any, url: Any, heading: str, title_source: str = "") -> int | None:
        """Add a link (its title: ``title``, else the URL); the index in ``links``, or None when it was kept."""
        link = self.entry("links")
        if not link.set("url", url, source):
            self.keep(source, url, heading, f"not a link the card accepts: {link.problem}")
            return None
        links = self.data.get("links", [])
        existing = next((i for i, item in enumerate(links) if item["url"] == link.fields["url"]), None)
        if existing is not None:
            self.mapped(source, f"links[{existing}].url", "the same link as another")
            if title_source:
                self.drop(title_source, "the title of a link given twice")
            return existing
        if not link.set("title", title, title_source):
            if title_source:
                self.keep(title_source, title, heading, f"not a link title: {link.problem}")
            link.set("title", link.fields["url"], "")
        return len(links) if link.commit() is not None else None

    def finish(self, id_hints: list[str], default_name: str = "Imported model") -> ImportedDraft:
        """The draft: status ``draft``, format 1, a name and a version (placeholders reported), fields in the
        schema's order, and the description made of the source's text and what was kept."""
        data = self.data
        if not data.get("name"):
            data["name"] = default_name
            self.drop("(name)", f"the source names no model: `name` is the placeholder {default_name!r}, change it")
        if not data.get("version"):
            data["version"] = "0.1.0"
            self.drop("(version)", "the source gives no usable version: `version` is 0.1.0, change it")
        created, updated = read_date(data.get("created")), read_date(data.get("updated"))
        if created and updated and updated < created:
            del data["updated"]
            self.drop("(updated)", f"before `created` ({created}); left out")
        parts = list(self.prose)
        if self.kept:
            parts.append(f"### Imported from the {self.origin}")
            for heading, items in self.kept.items():
                parts.append(f"#### {heading}\n\n" + _join_markdown(items))
        if parts:
            data["description"] = "\n\n".join(parts)[:MAX_TEXT]  # describe() keeps it shorter; this is a guard
        data["schema_version"] = 1
        data["status"] = "draft"
        ordered = in_schema_order(data, card_schema().fields)
        hints = [hint for hint in id_hints if hint]
        return ImportedDraft(ordered, self.source, id_hints=hints, report=self.report)


@dataclass
class Entry:
    """One mapping being added to a list field of the card: its fields fitted one by one, added whole or not."""

    builder: DraftBuilder
    list_name: str
    fields: Data = field(default_factory=dict)
    placed: list[tuple[str, str, str]] = field(default_factory=list)
    problem: str = ""

    def set(self, key: str, value: Any, source: str) -> bool:
        fitted, note = fit(field_rules(f"{self.list_name}.{key}"), value)
        if fitted is None:
            self.problem = note
            return False
        self.fields[key] = fitted
        if source:
            self.placed.append((source, key, note))
        return True

    def commit(self) -> Data | None:
        """Append the entry to its list and report its fields as mapped; None when the draft has no room left."""
        if not self.builder.spend(self.fields):
            for source, _, _ in self.placed:
                self.builder.drop(source, f"the draft is at its size limit ({DRAFT_BUDGET:,} bytes of text)")
            return None
        items = self.builder.data.setdefault(self.list_name, [])
        items.append(self.fields)
        for source, key, note in self.placed:
            self.builder.mapped(source, f"{self.list_name}[{len(items) - 1}].{key}", note)
        return self.fields


def _join_markdown(items: list[str]) -> str:
    """Bullets one under another, blocks apart."""
    text = items[0]
    for previous, item in itertools.pairwise(items):
        bullets = previous.startswith("- ") and item.startswith("- ") and "\n" not in previous + item
        text += ("\n" if bullets else "\n\n") + item
    return text


def _text_cost(value: Any, depth: int) -> int:
    """Bytes ``value`` takes in a card file, about: its UTF-8, an indentation of 8 for each line, 8 for a number."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "replace")) + 8 * value.count("\n") + 8
    if depth > NESTING_LIMIT:
        return 0
    if isinstance(value, dict):
        return sum(_text_cost(key, depth + 1) + _text_cost(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return sum(_text_cost(item, depth + 1) for item in value)
    return 8


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def as_markdown(label: str, value: Any) -> tuple[str, bool]:
    """A kept value for the description: ``- **label:** text`` for one line, a paragraph or YAML block otherwise;
    and whether it was cut to KEPT_LIMIT."""
    label = _MARKDOWN_SPECIAL.sub(r"\\\1", label)
    if isinstance(value, str):
        text = clean_text(value)
        cut = len(text) > KEPT_LIMIT
        text = text[:KEPT_LIMIT] + _CUT if cut else text
        if not text:
            return "", False
        if "\n" not in text and len(text) <= 300:
            return f"- **{label}:** {text}", cut
        return f"**{label}:**\n\n{text}", cut
    if isinstance(value, (bool, int, float)) or value is None:
        return f"- **{label}:** {json.dumps(value)}", False
    if value in ([], {}):
        return "", False
    body = yaml.safe_dump(
        _bounded(value, 0), allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    ).rstrip("\n")
    cut = len(body) > KEPT_LIMIT
    body = body[:KEPT_LIMIT] + "\n…" if cut else body
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"**{label}:**\n\n{fence}yaml\n{body}\n{fence}", cut


def _bounded(value: Any, depth: int) -> Any:
    """A copy of ``value`` that YAML can write: text cleaned and cut, at most NESTING_LIMIT levels and LIST_LIMIT
    items a level."""
    if isinstance(value, str):
        text = clean_text(value)
        return text if len(text) <= KEPT_LIMIT else text[:KEPT_LIMIT] + _CUT
    if isinstance(value, (dict, list)) and depth >= NESTING_LIMIT:
        return f"({kind_of(value)} nested deeper than {NESTING_LIMIT} levels, left out)"
    if isinstance(value, dict):
        items = list(value.items())
        bounded = {str(_bounded(str(key), depth)): _bounded(item, depth + 1) for key, item in items[:LIST_LIMIT]}
        if len(items) > LIST_LIMIT:
            bounded["…"] = f"{len(items) - LIST_LIMIT} more fields left out"
        return bounded
    if isinstance(value, list):
        bounded_list = [_bounded(item, depth + 1) for item in value[:LIST_LIMIT]]
        if len(value) > LIST_LIMIT:
            bounded_list.append(f"… {len(value) - LIST_LIMIT} more items left out")
        return bounded_list
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def items_of(builder: DraftBuilder, source: str, value: Any, heading: str) -> Iterator[tuple[str, Any]]:
    """The (path, item) of a list, at most LIST_LIMIT of them; anything else is kept, reported as not a list."""
    if not isinstance(value, list):
        builder.keep(source, value, heading, f"expected a list, got {kind_of(value)}")
        return
    if not value:
        builder.drop(source, "empty")
    for index, item in enumerate(value[:LIST_LIMIT]):
        yield child_path(source, index), item
    if len(value) > LIST_LIMIT:
        builder.drop(source, f"{len(value) - LIST_LIMIT} items after the first {LIST_LIMIT} are left out")


def fields_of(builder: DraftBuilder, source: str, value: Any, heading: str) -> Iterator[tuple[str, str, Any]]:
    """The (key, path, value) of a mapping, at most LIST_LIMIT of them; anything else is kept, reported."""
    if not isinstance(value, dict):
        builder.keep(source, value, heading, f"expected a mapping, got {kind_of(value)}")
        return
    if not value:
        builder.drop(source, "empty")
    pairs = list(value.items())
    for key, item in pairs[:LIST_LIMIT]:
        yield str(key), child_path(source, str(key)), item
    if len(pairs) > LIST_LIMIT:
        builder.drop(source, f"{len(pairs) - LIST_LIMIT} fields after the first {LIST_LIMIT} are left out")

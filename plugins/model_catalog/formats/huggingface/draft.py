"""The card an import builds up: fields set, facts found under labels, text kept for the description, and the
report of where each part of the Hub card went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from model_catalog.formats.huggingface.blocks import Block, Item
from model_catalog.formats.huggingface.hub import Data
from model_catalog.formats.importing import Outcome, Placement


@dataclass
class Fact:
    """A value found under a label of the template (``- **License:** mit``), with where it was found."""

    key: str
    label: str
    value: str
    where: str
    """The heading path of its section, for the description (``Model Details › Model Description``)."""
    source: str
    """Its section's heading, for the report (``### Model Description``)."""
    item: Item


@dataclass
class Draft:
    """What an import has found so far."""

    data: Data = field(default_factory=dict)
    meta: Data = field(default_factory=dict)
    report: list[Placement] = field(default_factory=list)
    title: str = ""
    prose: list[str] = field(default_factory=list)
    """Markdown of the description proper (the text under the title, Model Description)."""
    facts: list[Fact] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    """Heading path -> Markdown kept, as written, for the description."""
    kept_facts: dict[str, list[str]] = field(default_factory=dict)
    """Heading path -> the list items of facts kept, as written."""
    training: list[Data] = field(default_factory=list)
    evaluation: list[Data] = field(default_factory=list)
    index_datasets: list[Data] = field(default_factory=list)
    index_names: list[str] = field(default_factory=list)
    data_text: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """``training``/``evaluation`` -> (where, heading, Markdown) of data sections written as prose."""
    results_tables: list[tuple[str, str, Block]] = field(default_factory=list)
    contact_owners: str | None = None
    """The owners as the export's Model Card Contact lists them, as its Developed by fact would say."""
    repo_ids: list[str] = field(default_factory=list)
    """Hub repository ids (``org/name``) the card names, in their order."""

    @property
    def hub(self) -> Data:
        """The card's ``huggingface`` mapping."""
        found: Data = self.data.setdefault("huggingface", {})
        return found

    def place(self, source: str, outcome: Outcome, target: str = "", reason: str = "") -> None:
        self.report.append(Placement(source, outcome, target, reason))

    def keep(self, where: str, source: str, markdown: str, reason: str = "no field of the card holds it") -> None:
        """Keep Markdown, as written, in the description under the heading ``where``; reported as kept."""
        if markdown.strip():
            self.kept.setdefault(where, []).append(markdown.strip("\n"))
            self.place(source, "kept", "description", reason)

    def keep_fact(self, fact: Fact, reason: str = "no field of the card holds it") -> None:
        """Keep a fact as written, in one list with the other facts kept from its section."""
        self.kept_facts.setdefault(fact.where, []).append(fact.item.markdown.strip("\n"))
        self.place(f"{fact.source}: {fact.label}", "kept", "description", reason)


def add_link(data: Data, title: str, url: str) -> bool:
    links = data.setdefault("links", [])
    if any(link["url"] == url for link in links):
        return False
    links.append({"title": title.strip() or url, "url": url})
    return True


def fact_of(draft: Draft, key: str) -> Fact | None:
    return next((fact for fact in draft.facts if fact.key == key), None)


def put_at(data: Data, path: tuple[str, ...], value: Any) -> bool:
    """Set ``value`` at ``path`` unless another value is there; True when the card now holds it."""
    *parents, last = path
    for name in parents:
        data = data.setdefault(name, {})
    if last in data:
        return bool(data[last] == value)
    data[last] = value
    return True

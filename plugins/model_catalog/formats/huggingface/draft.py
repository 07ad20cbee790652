"""The card an import builds up: fields set, facts found under labels, prose kept for the description."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from model_catalog.formats.huggingface.hub import Data
from model_catalog.formats.huggingface.markdown import Block, heading_title


@dataclass
class Fact:
    """A value found under a label of the template (``**License:** mit``), with where it was found."""

    key: str
    label: str
    value: str
    where: str


@dataclass
class Draft:
    """What an import has found so far, and what it keeps for the description."""

    data: Data = field(default_factory=dict)
    meta: Data = field(default_factory=dict)
    used_meta: set[str] = field(default_factory=set)
    title: str = ""
    prose: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    training: list[Data] = field(default_factory=list)
    evaluation: list[Data] = field(default_factory=list)
    index_datasets: list[Data] = field(default_factory=list)
    index_names: list[str] = field(default_factory=list)
    index_task: str | None = None
    data_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    """``training``/``evaluation`` -> (where, Markdown) of data sections written as prose."""
    results_tables: list[tuple[str, Block]] = field(default_factory=list)

    def keep(self, where: str, markdown: str) -> None:
        if markdown.strip():
            self.kept.setdefault(where, []).append(markdown.strip())

    def keep_fact(self, fact: Fact) -> None:
        """Keep a fact without a field, in the list of facts kept from the same section if there is one."""
        line = f"- **{heading_title(fact.label)}:** {fact.value}"
        texts = self.kept.setdefault(fact.where, [])
        if texts and texts[-1].splitlines()[-1].startswith("- **"):
            texts[-1] += "\n" + line
        else:
            texts.append(line)


def add_link(data: Data, title: str, url: str) -> None:
    links = data.setdefault("links", [])
    if all(link["url"] != url for link in links):
        links.append({"title": title.strip() or url, "url": url})


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

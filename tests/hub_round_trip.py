"""Hugging Face cards through import, a draft card file, export and import again: what the tests of the importer
(on tests/data/huggingface) and of the corpus of real Hub cards (tests/data/real/huggingface) both check."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huggingface_hub import ModelCard

from model_catalog import Card
from model_catalog.authoring import prepare_model_card, write_prepared_card
from model_catalog.formats.huggingface.export import to_huggingface
from model_catalog.formats.huggingface.importer import import_huggingface
from model_catalog.formats.importing import ImportedDraft, assign_ids

OWNERS = [{"name": "Ada Lovelace", "email": "ada@example.com"}]

FRONT_KEYS = (
    "language",
    "license",
    "license_name",
    "license_link",
    "base_model",
    "library_name",
    "pipeline_tag",
    "datasets",
    "co2_eq_emissions",
    "tags",
)
"""The front matter an export must give back as the Hub card had it."""

LISTS = ("language", "datasets", "tags")
"""Keys the Hub reads the same as one string or a list of one: compared as lists (a card's `languages` is a list)."""

YAML_11 = {False: "no", True: "yes"}


@dataclass
class Trip:
    source: ImportedDraft
    card: Card
    exported: str
    again: ImportedDraft


def imported(text: str, name: str, folder: Path) -> tuple[ImportedDraft, Card]:
    """The draft of a Hub card, given its id as the command gives it, and the card file written from it."""
    [draft] = import_huggingface(text, name)
    assert assign_ids([draft]) == []
    card = write_prepared_card(prepare_model_card(draft.data, folder, owners=OWNERS, overwrite=True))
    return draft, card


def round_trip(text: str, name: str, folder: Path) -> Trip:
    draft, card = imported(text, name, folder)
    exported = to_huggingface(card)
    [again] = import_huggingface(exported, name)
    return Trip(draft, card, exported, again)


def hub_facts(text: str) -> dict[str, Any]:
    """What huggingface_hub reads of a card's front matter: the keys above, the eval results, the model-index."""
    try:
        data = ModelCard(text, ignore_metadata_errors=True).data
    except ValueError:  # front matter that is no mapping: huggingface_hub reads nothing of it
        data = ModelCard("", ignore_metadata_errors=True).data
    meta = data.to_dict()
    facts: dict[str, Any] = {key: meta.get(key) for key in FRONT_KEYS}
    for key in LISTS:
        if isinstance(facts[key], str):
            facts[key] = [facts[key]]
        elif isinstance(facts[key], list):  # PyYAML's YAML 1.1 reads `no` (Norwegian) as false; the Hub does not
            facts[key] = [YAML_11.get(item, item) if isinstance(item, bool) else item for item in facts[key]]
    facts["eval_results"] = [
        (
            result.task_type,
            result.dataset_type,
            result.dataset_name,
            result.dataset_config,
            result.dataset_split,
            result.metric_type,
            result.metric_value,
            result.metric_name,
        )
        for result in data.eval_results or []
    ]
    facts["model-index"] = meta.get("model-index")
    return comparable(facts)


def comparable(value: Any) -> Any:
    """``value`` with NaN as a word: NaN equals no number, not even itself."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(comparable(item) for item in value)
    return value


def differences(source: str, exported: str) -> dict[str, tuple[Any, Any]]:
    """The Hub facts an export changed, as (source, export)."""
    before, after = hub_facts(source), hub_facts(exported)
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


def changed_fields(trip: Trip) -> list[str]:
    """The card fields that importing the export again changed (the owners are the command's, not the card's)."""
    first, second = trip.source.data, trip.again.data
    return sorted(key for key in set(first) | set(second) if key != "owners" and first.get(key) != second.get(key))


def fidelity(draft: ImportedDraft) -> Counter[str]:
    return Counter(placement.outcome for placement in draft.report)


def fidelity_table(rows: list[tuple[str, Counter[str]]]) -> str:
    width = max([len(name) for name, _ in rows] + [4])
    lines = [f"{'card':<{width}}  mapped  kept  dropped", f"{'-' * width}  ------  ----  -------"]
    lines += [f"{name:<{width}}  {c['mapped']:>6}  {c['kept']:>4}  {c['dropped']:>7}" for name, c in rows]
    total = sum((counts for _, counts in rows), Counter())
    lines.append(f"{'all':<{width}}  {total['mapped']:>6}  {total['kept']:>4}  {total['dropped']:>7}")
    return "\n".join(lines)

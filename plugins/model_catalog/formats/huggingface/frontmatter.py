"""A Hub card's YAML front matter into the draft: each key into a card field or the card's ``huggingface``
mapping, and what neither holds kept, as YAML, for the description; each key in the report."""

from __future__ import annotations

import re
from typing import Any

import yaml

from model_catalog.cards.values import link_problem
from model_catalog.formats.huggingface.draft import Draft
from model_catalog.formats.huggingface.hub import HUB_TASKS, Data, unique
from model_catalog.formats.huggingface.markdown import code_block
from model_catalog.formats.huggingface.results import index_metrics, keeps_index
from model_catalog.formats.huggingface.values import finite, number_value, whole_number

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)

_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")


def read_front_matter(text: str, draft: Draft) -> str:
    """Parse the front matter into ``draft.meta`` and map each key; returns the Markdown body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        draft.keep("Front matter", "front matter", code_block(match.group(1) or "", "yaml"), _broken(exc))
        return text[match.end() :]
    if not isinstance(meta, dict):
        draft.keep("Front matter", "front matter", code_block(match.group(1) or "", "yaml"), "it is not a mapping")
        return text[match.end() :]
    draft.meta = {str(key): value for key, value in meta.items()}
    leftover: Data = {}
    for key, value in draft.meta.items():
        reader = _READERS.get(key)
        if reader is None or not reader(value, draft):
            leftover[key] = value
    if leftover:
        dumped = yaml.safe_dump(leftover, sort_keys=False, allow_unicode=True, default_flow_style=False)
        draft.kept.setdefault("Front matter", []).append(code_block(dumped, "yaml"))
        for key in leftover:
            draft.place(f"front matter: {key}", "kept", "description", "no field of the card holds it; kept as YAML")
    return text[match.end() :]


def _broken(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return f"it is not valid YAML ({getattr(exc, 'problem', None) or exc.__class__.__name__}{where})"


_YAML_11 = {False: "no", True: "yes"}
"""PyYAML reads ``no`` (Norwegian) and ``yes`` as booleans, which YAML 1.2 and the Hub read as the words."""


def _strings(value: Any, limit: int = 200, words: bool = False) -> list[str] | None:
    """A string or a list of strings (each one line of at most ``limit`` characters), as a list; else None.
    With ``words``, a boolean in the list is the word YAML 1.1 took for one."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        return None
    if words:
        items = [_YAML_11.get(item, item) if isinstance(item, bool) else item for item in items]
    if not all(isinstance(item, str) and item.strip() and len(item) <= limit and "\n" not in item for item in items):
        return None
    return [item.strip() for item in items]


def _language(value: Any, draft: Draft) -> bool:
    languages = _strings(value, 35, words=True)
    if languages is None:
        return False
    draft.data["languages"] = unique(languages)
    draft.place("front matter: language", "mapped", "languages")
    return True


def _license(value: Any, draft: Draft) -> bool:
    """Settled with the body's License fact (``settle.py``); here only checked to be an id or a list of ids."""
    return _strings(value, 100) is not None


def _license_extra(value: Any, draft: Draft) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value


def _base_model(value: Any, draft: Draft) -> bool:
    if _strings(value) is None:
        return False
    draft.hub["base_model"] = value.strip() if isinstance(value, str) else [item.strip() for item in value]
    draft.place("front matter: base_model", "mapped", "huggingface.base_model")
    return True


def _relation(value: Any, draft: Draft) -> bool:
    if value not in ("adapter", "merge", "quantized", "finetune"):
        return False
    draft.hub["base_model_relation"] = value
    draft.place("front matter: base_model_relation", "mapped", "huggingface.base_model_relation")
    return True


def _library(value: Any, draft: Draft) -> bool:
    if not (isinstance(value, str) and value.strip() and "\n" not in value):
        return False
    draft.hub["library_name"] = value.strip()
    draft.place("front matter: library_name", "mapped", "huggingface.library_name")
    return True


def _pipeline_tag(value: Any, draft: Draft) -> bool:
    if not (isinstance(value, str) and 0 < len(value.strip()) <= 80 and "\n" not in value):
        return False
    draft.data["task"] = value.strip()
    targets = "task"
    if value.strip() not in HUB_TASKS:
        draft.hub["pipeline_tag"] = value.strip()
        targets += ", huggingface.pipeline_tag"
    draft.place("front matter: pipeline_tag", "mapped", targets)
    return True


def _datasets(value: Any, draft: Draft) -> bool:
    names = _strings(value)
    if names is None:
        return False
    draft.hub["datasets"] = names
    draft.place("front matter: datasets", "mapped", "huggingface.datasets, training_data")
    return True


def _tags(value: Any, draft: Draft) -> bool:
    tags = _strings(value, 60, words=True)
    if tags is None:
        return False
    draft.data["tags"] = unique(tags)
    draft.place("front matter: tags", "mapped", "tags")
    return True


def _model_name(value: Any, draft: Draft) -> bool:
    if not (isinstance(value, str) and value.strip() and "\n" not in value):
        return False
    if _REPO_ID.fullmatch(value.strip()):
        draft.repo_ids.append(value.strip())
    draft.place("front matter: model_name", "mapped", "name", "the model's name (and a source of its id)")
    return True


def _emissions(value: Any, draft: Draft) -> bool:
    """``co2_eq_emissions`` in grams: into ``environmental_impact``, and kept as written for an export."""
    record = value if isinstance(value, dict) else {"emissions": value}
    grams = number_value(record.get("emissions"))
    if grams is None or (isinstance(value, (dict)) and not all(isinstance(key, str) for key in value)):
        return False
    impact = draft.data.setdefault("environmental_impact", {})
    impact["co2_eq_kg"] = kilograms(grams)
    for key, field in (("hardware_used", "hardware"), ("geographical_location", "region")):
        if isinstance(record.get(key), str) and record[key].strip() and "\n" not in record[key]:
            impact[field] = record[key].strip()
    draft.hub["co2_eq_emissions"] = value
    draft.place("front matter: co2_eq_emissions", "mapped", "environmental_impact, huggingface.co2_eq_emissions")
    return True


def kilograms(grams: float) -> float | int:
    """Grams as kilograms, without the float noise of a division (2450 g is 2.45 kg, not 2.4499999999999997)."""
    return whole_number(float(f"{grams / 1000:.12g}"))


def grams(kilograms: float) -> float | int:
    return whole_number(float(f"{kilograms * 1000:.12g}"))


def _model_index(value: Any, draft: Draft) -> bool:
    """Metrics from each eval result; the index itself kept whole, for an export, when a card can hold it."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        return False
    for entry in value:
        if isinstance(entry.get("name"), str) and entry["name"].strip():
            draft.index_names.append(entry["name"].strip())
    whole = ""
    if keeps_index(value):
        draft.hub["model_index"] = finite(value)
        whole = "; the result stays as written in huggingface.model_index, which an export writes back"
    else:
        draft.place(
            "front matter: model-index", "dropped", "", "too large to keep whole: an export builds it from `metrics`"
        )
    metrics: list[Data] = []
    for read in index_metrics(value):
        if read.metric is None and whole:
            draft.place(read.source, "kept", "huggingface.model_index", read.reason + whole)
        elif read.metric is None:
            draft.place(read.source, "dropped", "", read.reason)
        if read.metric is None:
            continue
        metrics.append(read.metric)
        draft.place(read.source, "mapped", f"metrics[{len(metrics) - 1}]", read.reason)
    if metrics:
        draft.data["metrics"] = metrics
    _index_datasets(value, draft)
    return True


def _index_datasets(index: list[Data], draft: Draft) -> None:
    """The data sets of the results, as evaluation data (their Hub ids in the description)."""
    seen: set[str] = set()
    for entry in index:
        for result in entry.get("results") or [] if isinstance(entry.get("results"), list) else []:
            dataset = result.get("dataset") if isinstance(result, dict) else None
            if not isinstance(dataset, dict):
                continue
            name = dataset.get("name") or dataset.get("type")
            if not isinstance(name, str) or not name.strip() or name.strip() == "unspecified" or "\n" in name:
                continue
            hub_id = dataset.get("type")
            entry_data: Data = {"name": name.strip()}
            if isinstance(hub_id, str) and hub_id.strip() and hub_id.strip() != name.strip():
                entry_data["description"] = f"Hub dataset `{hub_id.strip()}`."
            if entry_data["name"] not in seen:
                seen.add(entry_data["name"])
                draft.index_datasets.append(entry_data)


_READERS = {
    "language": _language,
    "license": _license,
    "license_name": _license_extra,
    "license_link": lambda value, draft: isinstance(value, str) and link_problem(value) is None,
    "base_model": _base_model,
    "base_model_relation": _relation,
    "library_name": _library,
    "pipeline_tag": _pipeline_tag,
    "datasets": _datasets,
    "tags": _tags,
    "model_name": _model_name,
    "co2_eq_emissions": _emissions,
    "model-index": _model_index,
}
"""Readers of the keys the Hub documents; each returns whether it took the value (else it is kept as YAML)."""

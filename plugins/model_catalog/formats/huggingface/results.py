"""A Hub card's ``model-index`` and the card's ``metrics``, both ways.

An import reads each eval result into metrics and keeps the whole index, as written, in ``huggingface.model_index``;
an export writes that index back while the card's metrics are still the ones read from it (so task names, dataset
revisions and args, verification and results no metric could hold reach the Hub again), and otherwise builds the
index from the metrics. Both directions read metrics from an index with :func:`index_metrics`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from model_catalog.formats.huggingface.hub import LOWER_IS_BETTER, UNSPECIFIED, Data, slug_of
from model_catalog.formats.huggingface.values import metric_value, not_finite

MAX_METRICS = 2_000
"""Metrics a card takes from one index; past that (an MTEB card's thousands), each result gives its main score."""

MAX_INDEX_CHARS = 600_000
"""The largest index (as JSON) a card keeps whole: a card file is at most a megabyte by default, and holds the
metrics too (at most :data:`MAX_METRICS`, some 300 kB)."""

IDENTITY = ("name", "type", "value", "std", "dataset", "dataset_config", "split", "slice")
"""The fields of a metric an index decides; the others (unit, interval, threshold, direction) are the card's."""


@dataclass
class Read:
    """One metric of an index, as a card metric or with the reason it is none."""

    source: str
    metric: Data | None
    reason: str = ""


def _mapping(value: Any) -> Data:
    return value if isinstance(value, dict) else {}


def _text(value: Any, limit: int = 80) -> str | None:
    return value.strip() if isinstance(value, str) and 0 < len(value.strip()) <= limit and "\n" not in value else None


def index_metrics(index: Any) -> list[Read]:
    """Every metric of a ``model-index``, read into a card metric or not, in the index's order."""
    reads: list[Read] = []
    for i, entry in enumerate(index if isinstance(index, list) else []):
        results = _mapping(entry).get("results")
        for j, item in enumerate(results if isinstance(results, list) else []):
            where = f"model-index[{i}].results[{j}]"
            result = _mapping(item)
            metrics = result.get("metrics")
            if not isinstance(metrics, list) or not metrics:
                reads.append(Read(where, None, "the result has no metrics"))
                continue
            dataset = _dataset_fields(_mapping(result.get("dataset")))
            for k, metric in enumerate(metrics):
                reads.append(_metric(f"{where}.metrics[{k}]", _mapping(metric), dataset))
    if sum(read.metric is not None for read in reads) > MAX_METRICS:
        reads = _main_scores(reads)
    return reads


def _dataset_fields(dataset: Data) -> Data:
    fields: Data = {}
    name = _text(dataset.get("name"), 200) or _text(dataset.get("type"), 200)
    if name and name != UNSPECIFIED:
        fields["dataset"] = name
    for key, field in (("config", "dataset_config"), ("split", "split")):
        if value := _text(dataset.get(key), 200):
            fields[field] = value
    return fields


def _metric(where: str, item: Data, dataset: Data) -> Read:
    kind = _text(item.get("type"))
    if kind is None:
        return Read(where, None, "the metric has no type of at most 80 characters on one line")
    read = metric_value(item.get("value"))
    if read is None:
        return Read(where, None, f"its value {item.get('value')!r} is not a number")
    value, std, how = read
    metric: Data = {"name": kind}
    label = item.get("name")
    if isinstance(label, str) and label.strip() and label.strip().lower() != kind.lower():
        label = label.strip()
        if label.startswith(f"{kind} (") and label.endswith(")") and _text(label[len(kind) + 2 : -1]):
            metric["slice"] = label[len(kind) + 2 : -1]
        elif _text(label):
            metric = {"name": label, "type": kind}
        else:
            how = "; ".join(filter(None, [how, "its name is too long for a metric name and stays in the index"]))
    metric["value"] = value
    if std is not None:
        metric["std"] = std
    metric.update(dataset)
    if kind.lower().replace("-", "_") in LOWER_IS_BETTER:
        metric["higher_is_better"] = False
    return Read(where, metric, how)


def _main_scores(reads: list[Read]) -> list[Read]:
    """One metric per result (its ``main_score``, else its first), the others left to the index."""
    chosen: dict[str, int] = {}
    for position, read in enumerate(reads):
        if read.metric is None:
            continue
        result = read.source.rsplit(".metrics[", 1)[0]
        current = chosen.get(result)
        if current is None or (read.metric["name"] == "main_score" != _name(reads[current])):
            chosen[result] = position
    keep = set(chosen.values())
    return [
        read if read.metric is None or position in keep else Read(read.source, None, _TOO_MANY)
        for position, read in enumerate(reads)
    ]


def _name(read: Read) -> str:
    return str(read.metric["name"]) if read.metric else ""


_TOO_MANY = f"more than {MAX_METRICS:,} metrics: each result gives the card its main score only"


def identity(metric: Data) -> tuple[Any, ...]:
    return tuple(metric.get(key) for key in IDENTITY)


def keeps_index(index: Any) -> bool:
    return isinstance(index, list) and len(json.dumps(index, default=str)) <= MAX_INDEX_CHARS


def index_for_export(data: Data) -> list[Data]:
    """The ``model-index`` of a card: the one it was imported with while its metrics are still those, else one
    built from its metrics (a result per task, data set, config and split, in the metrics' order)."""
    metrics = data.get("metrics", [])
    kept = data.get("huggingface", {}).get("model_index")
    if kept and [identity(m) for m in _read_metrics(kept)] == [identity(m) for m in metrics]:
        return list(not_finite(kept))
    if not metrics:
        return []
    task = data.get("task") or "other"
    results: list[Data] = []
    last: tuple[Any, ...] | None = None
    for metric in metrics:
        key = (metric.get("dataset") or UNSPECIFIED, metric.get("dataset_config"), metric.get("split"))
        if key != last:
            dataset: Data = {"name": key[0], "type": slug_of(key[0]) or UNSPECIFIED}
            dataset.update({name: value for name, value in (("config", key[1]), ("split", key[2])) if value})
            results.append({"task": {"type": task}, "dataset": dataset, "metrics": []})
            last = key
        entry: Data = {"type": metric.get("type") or metric["name"], "value": metric["value"]}
        if metric.get("std") is not None:
            entry["value"] = f"{metric['value']} +/- {metric['std']}"
        if metric.get("type"):
            entry["name"] = metric["name"]
        if metric.get("slice"):
            entry["name"] = f"{entry.get('name', metric['name'])} ({metric['slice']})"
        results[-1]["metrics"].append(entry)
    return [{"name": data["name"], "results": results}]


def _read_metrics(index: Any) -> list[Data]:
    return [read.metric for read in index_metrics(index) if read.metric is not None]

"""What changed between two versions of a card, field by field, in the terms a reviewer reads them.

Not a text diff: list items are matched (a reworded limitation is one edit, not a removal and an addition),
items of a list of mappings by the key the schema names (``meta.identity``: a data set by its name, an owner by
e-mail), metrics by what they measure (:mod:`model_catalog.changes.metrics`). Each change has a class, from the
schema's ``meta.review`` of its top-level field: ``editorial`` (wording), ``material`` (what the card claims) or
``governance`` (who answers for it and what it needs), so that a reviewer reads what matters first.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from model_catalog.cards.schema import CardSchema
from model_catalog.cards.values import plain
from model_catalog.changes.metrics import MetricComparison, compare_metrics, describe_key, metric_key
from model_catalog.errors import FieldPath, format_path

LEVELS = ("editorial", "material", "governance")
"""Classes of change, least to most important."""
DEFAULT_LEVEL = "material"
REWORDED = 0.75
"""How alike two list items must be (difflib's ratio) to be one item reworded rather than one removed and one
added: "Does not work on PL data" and "Does not work well on PL data" are one limitation."""
IGNORED = frozenset({"approvals", "id", "version"})
"""Fields the diff of two cards leaves to others: approvals to the review (stale approvals, roles to approve
again), the id and version to the catalog's diff, which pairs versions (a new version is not a change of one)."""
LONGEST_COMPARED = 4000
"""Words of two texts past which their likeness is not computed: difflib's time grows with the square of it, and
a Hub card imported whole can hold tens of thousands."""
SHOWN = 80
"""Longest value quoted in a one-line summary; longer ones are cut with an ellipsis."""


@dataclass(frozen=True)
class Change:
    """One change to one field of a card."""

    level: str
    """``editorial``, ``material`` or ``governance`` (see :data:`LEVELS`)."""
    kind: str
    """``changed``, ``added``, ``removed``, ``reworded`` or, for metrics, ``metric``."""
    field: str
    """The field as users write it: ``intended_use.out_of_scope``, ``metrics``."""
    summary: str
    """One line for people."""
    path: FieldPath = ()
    """Where the change is in the newer card (in the older one for what was removed): for located notices."""
    old: Any = None
    new: Any = None
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Plain-JSON facts of the change (a metric's difference, whether the intervals overlap)."""

    @property
    def what(self) -> str:
        """The summary without the field it starts with: ``added "Payments above 10000 EUR"``."""
        prefix = f"{self.field}: "
        return self.summary.removeprefix(prefix)

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "kind": self.kind,
            "field": self.field,
            "summary": self.summary,
            "old": plain(self.old),
            "new": plain(self.new),
            **({"detail": self.detail} if self.detail else {}),
        }


def short(value: Any) -> str:
    """A value as quoted in a summary: text in quotes, cut at :data:`SHOWN` characters, on one line."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return '"' + (text if len(text) <= SHOWN else text[: SHOWN - 1].rstrip() + "…") + '"'
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        text = ", ".join(short(item) for item in value) if isinstance(value, list) else f"{len(value)} fields"
        return f"[{text}]" if isinstance(value, list) else text
    return str(plain(value))


def _number(value: float) -> str:
    return f"{value:.4g}"


def _level_of(schema: CardSchema, top: str) -> str:
    level = schema.fields.get(top, {}).get("meta", {}).get("review", DEFAULT_LEVEL)
    return str(level) if level in LEVELS else DEFAULT_LEVEL


def _identity(schema: CardSchema, path: tuple[str | int, ...]) -> str | None:
    identity = schema.rules_at(path).get("meta", {}).get("identity")
    return str(identity) if identity else None


class _Differ:
    def __init__(self, schema: CardSchema):
        self.schema = schema
        self.changes: list[Change] = []

    def add(self, top: str, kind: str, where: FieldPath, summary: str, old: Any, new: Any, **detail: Any) -> None:
        name = _field_name(where)
        self.changes.append(
            Change(_level_of(self.schema, top), kind, name, f"{name}: {summary}", where, old, new, detail)
        )

    def value(self, top: str, where: FieldPath, schema_path: tuple[str | int, ...], old: Any, new: Any) -> None:
        if old == new:
            return
        if old is None or new is None:
            verb = "added" if old is None else "removed"
            self.add(top, verb, where, f"{verb} {short(new if old is None else old)}", old, new)
        elif isinstance(old, dict) and isinstance(new, dict):
            for key in [*new, *(key for key in old if key not in new)]:
                self.value(top, (*where, key), (*schema_path, key), old.get(key), new.get(key))
        elif isinstance(old, list) and isinstance(new, list) and _all(old, str) and _all(new, str):
            self.text_items(top, where, old, new)
        elif isinstance(old, list) and isinstance(new, list) and _all(old, dict) and _all(new, dict):
            self.mapping_items(top, where, schema_path, old, new)
        elif isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new or len(new) > SHOWN):
            before, after = old.split(), new.split()
            alike = ""
            if len(before) + len(after) <= LONGEST_COMPARED:
                ratio = difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()
                alike = f", {ratio:.0%} alike"
            self.add(top, "changed", where, f"text edited ({len(before)} → {len(after)} words{alike})", old, new)
        else:
            self.add(top, "changed", where, f"{short(old)} → {short(new)}", old, new)

    def text_items(self, top: str, where: FieldPath, old: list[str], new: list[str]) -> None:
        gone = [item for item in old if item not in new]
        came = [(index, item) for index, item in enumerate(new) if item not in old]
        for index, item in came:
            match = _reworded_from(item, gone)
            if match is not None:
                gone.remove(match)
                self.changes.append(
                    Change(
                        "editorial",
                        "reworded",
                        format_path(where),
                        f"{format_path(where)}: reworded {short(match)} → {short(item)}",
                        (*where, index),
                        match,
                        item,
                    )
                )
            else:
                self.add(top, "added", (*where, index), f"added {short(item)}", None, item)
        for item in gone:
            self.add(top, "removed", where, f"removed {short(item)}", item, None)

    def mapping_items(
        self,
        top: str,
        where: FieldPath,
        schema_path: tuple[str | int, ...],
        old: list[dict[str, Any]],
        new: list[dict[str, Any]],
    ) -> None:
        key = _identity(self.schema, schema_path)
        if key is None:
            if old != new:
                self.add(top, "changed", where, f"{len(old)} → {len(new)} entries, changed", old, new)
            return
        before = {str(item.get(key)): item for item in old}
        seen = set()
        for index, item in enumerate(new):
            name = str(item.get(key))
            seen.add(name)
            if name not in before:
                self.add(top, "added", (*where, index), f"added {short(_title(item, key))}", None, item)
            else:
                self.value(top, (*where, index), (*schema_path, 0), before[name], item)
        for name, item in before.items():
            if name not in seen:
                self.add(top, "removed", where, f"removed {short(_title(item, key))}", item, None)

    def metrics(self, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
        both, added, dropped = compare_metrics(old, new)
        position = {metric_key(metric): index for index, metric in enumerate(new)}
        for comparison in both:
            if comparison.changed:
                self.changes.append(_metric_change(comparison, ("metrics", position[comparison.key])))
        for metric in added:
            key = metric_key(metric)
            self.changes.append(
                Change(
                    "material",
                    "added",
                    "metrics",
                    f"metrics: added {describe_key(key)}: {_number(metric['value'])}",
                    ("metrics", position[key]),
                    None,
                    metric,
                )
            )
        for metric in dropped:
            self.changes.append(
                Change(
                    "material",
                    "removed",
                    "metrics",
                    f"metrics: dropped {describe_key(metric_key(metric))} (was {_number(metric['value'])})",
                    ("metrics",),
                    metric,
                    None,
                )
            )


def _field_name(where: FieldPath) -> str:
    """The field a change is in, as users write it: an item's index left out (``limitations``, not
    ``limitations[3]``), since the item is quoted."""
    end = len(where)
    while end and isinstance(where[end - 1], int):
        end -= 1
    return format_path(where[:end])


def _all(items: list[Any], kind: type) -> bool:
    return all(isinstance(item, kind) for item in items)


def _reworded_from(item: str, gone: list[str]) -> str | None:
    """The item of ``gone`` most alike ``item`` (the first of equals), if at least :data:`REWORDED` alike.

    difflib's ratio takes time in the square of the lengths, and a version that rewrites its limitations compares
    each new one with each old one: its cheap upper bounds (``real_quick_ratio``, ``quick_ratio``, as
    ``difflib.get_close_matches`` uses them) leave out the items that cannot beat the best so far. With the
    memo of ``site/changes_view.py``, rendering 2,000 generated cards took 56 s instead of 89 s
    (docs/performance.md, issue 18).
    """
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(item.lower())  # difflib caches what it learns of the second sequence
    best, best_ratio = None, REWORDED
    for candidate in gone:
        matcher.set_seq1(candidate.lower())
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = candidate, ratio
    return best


def _title(item: dict[str, Any], key: str) -> Any:
    """How an item of a list of mappings is named in a summary: an owner by name and address, others by key."""
    if "name" in item and key != "name":
        return f"{item['name']} <{item[key]}>" if key == "email" else item["name"]
    return item.get(key)


def _metric_change(comparison: MetricComparison, path: FieldPath) -> Change:
    old, new = comparison.old, comparison.new
    parts = [f"{_number(old['value'])} → {_number(new['value'])}"]
    if comparison.delta:
        parts.append(f"{comparison.delta:+.4g}, {comparison.direction}")
    if comparison.regression:
        parts.append("worse beyond the confidence intervals")
    elif comparison.overlap is True and comparison.direction != "same":
        parts.append("within the confidence intervals")
    if old.get("threshold") != new.get("threshold"):
        parts.append(f"threshold {short(old.get('threshold'))} → {short(new.get('threshold'))}")
    if comparison.threshold_change:
        parts.append(f"threshold {_number(new['threshold'])} {comparison.threshold_change}")
    if old.get("confidence_interval") != new.get("confidence_interval") and comparison.delta == 0:
        parts.append(f"interval {short(old.get('confidence_interval'))} → {short(new.get('confidence_interval'))}")
    detail = {
        "metric": list(comparison.key),
        "old_value": old["value"],
        "new_value": new["value"],
        "difference": round(comparison.delta, 12),
        "direction": comparison.direction,
        "intervals_overlap": comparison.overlap,
        "regression": comparison.regression,
        "threshold": comparison.threshold_change,
    }
    return Change(
        "material",
        "metric",
        "metrics",
        f"metrics: {describe_key(comparison.key)}: {'; '.join(parts)}",
        path,
        old,
        new,
        detail,
    )


def card_changes(old: dict[str, Any], new: dict[str, Any], schema: CardSchema | None = None) -> list[Change]:
    """Every change from ``old`` to ``new`` (two cards' fields), in the newer card's field order, approvals aside."""
    differ = _Differ(schema or CardSchema.load())
    for top in [*new, *(key for key in old if key not in new)]:
        if top in IGNORED:
            continue
        if top == "metrics" and isinstance(old.get(top, []), list) and isinstance(new.get(top, []), list):
            differ.metrics(old.get(top) or [], new.get(top) or [])
        else:
            differ.value(top, (top,), (top,), old.get(top), new.get(top))
    return differ.changes


def level_of(changes: list[Change]) -> str | None:
    """The most important class among ``changes``; None when there are none."""
    return max((change.level for change in changes), key=LEVELS.index, default=None)

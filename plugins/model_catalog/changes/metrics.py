"""Metrics compared across two versions of a card: which measurement is which, and whether one got worse.

A measurement is known by its name, data set and slice (and the Hub's config and split, which tell results on one
data set apart). "Worse beyond the confidence intervals" is the one claim of a regression made here: the two
intervals do not overlap and the newer value is on the worse side. Without both intervals a drop is reported as a
drop, never as a regression: there is nothing to tell it from noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MetricKey = tuple[str, str, str, str, str]
"""(name, data set, slice, config, split); empty strings for what is not given."""


def metric_key(metric: dict[str, Any]) -> MetricKey:
    return (
        str(metric["name"]),
        str(metric.get("dataset") or ""),
        str(metric.get("slice") or ""),
        str(metric.get("dataset_config") or ""),
        str(metric.get("split") or ""),
    )


def describe_key(key: MetricKey) -> str:
    """``roc_auc on Pay Later test, slice age 50+``: how a measurement is named in reports."""
    name, dataset, slice_, config, split = key
    text = name
    where = ", ".join(part for part in (config and f"config {config}", split and f"split {split}") if part)
    if dataset:
        text += f" on {dataset}" + (f" ({where})" if where else "")
    text += f", slice {slice_}" if slice_ else ", all data"
    return text


def metrics_by_key(metrics: list[dict[str, Any]]) -> dict[MetricKey, dict[str, Any]]:
    """The card's metrics by key; the first wins where a card repeats one (validation does not forbid it)."""
    found: dict[MetricKey, dict[str, Any]] = {}
    for metric in metrics:
        found.setdefault(metric_key(metric), metric)
    return found


def higher_is_better(metric: dict[str, Any]) -> bool:
    return bool(metric.get("higher_is_better", True))


def meets_threshold(metric: dict[str, Any]) -> bool | None:
    """Whether the metric meets its threshold; None when it has none."""
    threshold = metric.get("threshold")
    if threshold is None:
        return None
    if higher_is_better(metric):
        return bool(metric["value"] >= threshold)
    return bool(metric["value"] <= threshold)


def intervals_overlap(old: dict[str, Any], new: dict[str, Any]) -> bool | None:
    """Whether the two confidence intervals overlap; None unless both metrics give one."""
    a, b = old.get("confidence_interval"), new.get("confidence_interval")
    if not a or not b:
        return None
    return bool(min(a) <= max(b) and min(b) <= max(a))


@dataclass(frozen=True)
class MetricComparison:
    """One measurement in two versions of a card."""

    key: MetricKey
    old: dict[str, Any]
    new: dict[str, Any]

    @property
    def delta(self) -> float:
        return float(self.new["value"]) - float(self.old["value"])

    @property
    def direction(self) -> str:
        """``better``, ``worse`` or ``same``, as the metric's direction says."""
        if self.delta == 0:
            return "same"
        up = self.delta > 0
        return "better" if up == higher_is_better(self.new) else "worse"

    @property
    def overlap(self) -> bool | None:
        return intervals_overlap(self.old, self.new)

    @property
    def regression(self) -> bool:
        """Worse beyond the confidence intervals: worse, and the intervals do not overlap."""
        return self.direction == "worse" and self.overlap is False

    @property
    def threshold_change(self) -> str | None:
        """``newly missed``, ``newly met`` or None (no change, or no threshold in one of them)."""
        before, after = meets_threshold(self.old), meets_threshold(self.new)
        if before is True and after is False:
            return "newly missed"
        if before is False and after is True:
            return "newly met"
        if before is None and after is False:
            return "missed"
        return None

    @property
    def changed(self) -> bool:
        fields = ("value", "confidence_interval", "threshold", "higher_is_better", "unit", "std", "type")
        return any(self.old.get(name) != self.new.get(name) for name in fields)


def compare_metrics(
    old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[MetricComparison], list[dict[str, Any]], list[dict[str, Any]]]:
    """The measurements in both (changed or not), those only in ``new`` (added) and only in ``old`` (dropped)."""
    before, after = metrics_by_key(old), metrics_by_key(new)
    both = [MetricComparison(key, before[key], metric) for key, metric in after.items() if key in before]
    added = [metric for key, metric in after.items() if key not in before]
    dropped = [metric for key, metric in before.items() if key not in after]
    return both, added, dropped


def regressions(older: list[dict[str, Any]], newer: list[dict[str, Any]]) -> list[tuple[int, MetricComparison]]:
    """The measurements of ``newer`` worse than in ``older`` beyond the confidence intervals, with their index."""
    before = metrics_by_key(older)
    found = []
    for index, metric in enumerate(newer):
        key = metric_key(metric)
        if key in before:
            comparison = MetricComparison(key, before[key], metric)
            if comparison.regression:
                found.append((index, comparison))
    return found

"""A run's metrics into the card: the latest value per data set, percentages given their unit, the rest kept.

MLflow keeps a metric's data set only with the logged model it was measured for, so the history is matched to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from model_catalog.cards.schema import CardSchema
from model_catalog.formats.mlflow.draft import RunDraft, escaped
from model_catalog.formats.mlflow.store import LoggedModel


def map_metrics(state: RunDraft, client: Any, run: Any, models: list[LoggedModel]) -> None:
    """The latest value of each metric (per data set it was measured on); earlier steps are reported, not kept."""
    fractions = CardSchema.load().fraction_metrics
    metrics: list[dict[str, Any]] = []
    left_rows: list[str] = []
    datasets = {
        (point.key, point.step, point.timestamp, point.value): (point.dataset_name, point.dataset_digest)
        for model in models
        for point in model.metrics
        if point.dataset_name
    }
    for key in sorted(run.data.metrics):
        history = _history(client, run, key, datasets)
        groups: dict[tuple[str, str], list[Any]] = {}
        for point in history:
            groups.setdefault((point.dataset_name or "", point.dataset_digest or ""), []).append(point)
        for (dataset, _), points in groups.items():
            latest = max(points, key=lambda point: (point.step, point.timestamp))
            where = f"metrics: {key}" + (f" on {dataset}" if dataset else "")
            metric: dict[str, Any] = {"name": key, "value": latest.value}
            if dataset:
                metric["dataset"] = dataset
            problem = _metric_problem(key, latest.value, fractions, metric)
            if problem:
                left_rows.append(f"| {escaped(key)} | {escaped(dataset)} | {escaped(latest.value)} | {problem} |")
                state.draft.place(where, "kept", "description", problem)
            else:
                metrics.append(metric)
                reason = "the latest value" + (", a percentage (unit: '%')" if metric.get("unit") == "%" else "")
                state.draft.place(where, "mapped", f"metrics[{len(metrics) - 1}].value", reason)
            steps = sorted({point.step for point in points})
            if len(points) > 1:
                state.draft.place(
                    f"{where} (history)",
                    "dropped",
                    reason=f"{len(points)} values over steps {steps[0]} to {steps[-1]}; the card keeps the latest "
                    f"(step {latest.step}); the run's page charts them all",
                )
    if metrics:
        state.data["metrics"] = metrics
    if left_rows:
        state.section(
            "Metrics not in the card",
            "| Metric | Data set | Value | Why |\n| --- | --- | --- | --- |\n" + "\n".join(left_rows),
        )


def _history(client: Any, run: Any, key: str, datasets: dict[tuple[Any, ...], tuple[str, str]]) -> list[_Point]:
    """A metric's values, once each, with the data set each was measured on: MLflow keeps that only in the metrics
    of the model they were logged for (``datasets``), and copies a step's metrics to the model logged at it."""
    try:
        history = list(client.get_metric_history(run.info.run_id, key))
    except Exception:  # noqa: BLE001 - the latest value is in the run itself
        history = []
    points: dict[tuple[Any, ...], _Point] = {}
    for point in history:
        name, digest = point.dataset_name, point.dataset_digest
        if not name:
            name, digest = datasets.get((key, point.step, point.timestamp, point.value), (None, None))
        found = _Point(point.value, point.step, point.timestamp, name, digest)
        points.setdefault((found.step, found.timestamp, found.value, name, digest), found)
    return list(points.values()) or [_Point(run.data.metrics[key])]


@dataclass
class _Point:
    """One value of a metric (when its history cannot be read: the latest, which the run holds)."""

    value: float
    step: int = 0
    timestamp: int = 0
    dataset_name: str | None = None
    dataset_digest: str | None = None


def _metric_problem(key: str, value: Any, fractions: frozenset[str], metric: dict[str, Any]) -> str:
    """Why a metric cannot be a metric of the card ("" when it can; a percentage gets its unit)."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "not a finite number"
    if len(key) > 80 or "\n" in key:
        return "its name is longer than the card allows (80 characters) or has a line break"
    if key.strip().lower().replace(" ", "_").replace("-", "_") in fractions:
        if 1 < value <= 100:
            metric["unit"] = "%"
        elif value < 0 or value > 100:
            return f"{key} is a fraction in the card format, and {value} is neither a fraction nor a percentage"
    return ""

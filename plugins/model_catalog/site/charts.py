"""Geometry of the metric charts: one horizontal bar chart per metric across its slices.

Only numbers are computed here; the SVG markup is a template
(``partials/metric-chart.html``), so every label passes through autoescaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from model_catalog.site.formatting import format_number

WIDTH = 640
LABEL_WIDTH = 180
VALUE_WIDTH = 24
"""Room right of the plot for the ✗ of a bar that misses its threshold."""
ROW_HEIGHT = 28
BAR_HEIGHT = 16
TOP = 8
AXIS_HEIGHT = 28
OVERALL = "all data"
MIN_CHART_SLICES = 3


def passes(metric: dict[str, Any]) -> bool | None:
    """Whether the metric meets its threshold; None when it has none."""
    threshold = metric.get("threshold")
    if threshold is None:
        return None
    if metric.get("higher_is_better", True):
        return bool(metric["value"] >= threshold)
    return bool(metric["value"] <= threshold)


@dataclass
class Bar:
    label: str
    value_text: str
    y: float
    x: float
    width: float
    passed: bool | None
    whisker: tuple[float, float] | None = None


@dataclass
class Chart:
    id: str
    title: str
    description: str
    height: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    threshold: tuple[float, str] | None = None
    width: int = WIDTH
    plot_left: int = LABEL_WIDTH
    plot_right: int = WIDTH - VALUE_WIDTH
    axis_y: float = 0.0


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(index * step, 10) for index in range(first, max(last, first + 1) + 1)]


def _chart(chart_id: str, name: str, dataset: str | None, entries: list[dict[str, Any]]) -> Chart:
    unit = next((entry.get("unit") for entry in entries if entry.get("unit")), None)
    threshold = next((entry.get("threshold") for entry in entries if entry.get("threshold") is not None), None)
    numbers = [entry["value"] for entry in entries]
    for entry in entries:
        numbers.extend(entry.get("confidence_interval") or [])
    if threshold is not None:
        numbers.append(threshold)
    ticks = _nice_ticks(min(0.0, *numbers), max(numbers))
    low, high = ticks[0], ticks[-1]
    if high <= low:
        high = low + 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x_of(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) / (high - low) * plot_width)

    chart = Chart(id=chart_id, title="", description="", height=0)
    zero = x_of(max(low, 0.0))
    for row, entry in enumerate(entries):
        value = entry["value"]
        y = TOP + row * ROW_HEIGHT
        start, end = sorted((zero, x_of(value)))
        interval = entry.get("confidence_interval")
        chart.bars.append(
            Bar(
                label=str(entry.get("slice") or OVERALL),
                value_text=format_number(value) + (f" {unit}" if unit and unit != "fraction" else ""),
                y=y,
                x=start,
                width=max(end - start, 1),
                passed=passes(entry),
                whisker=(x_of(interval[0]), x_of(interval[1])) if interval else None,
            )
        )
    chart.axis_y = TOP + len(entries) * ROW_HEIGHT
    chart.height = chart.axis_y + AXIS_HEIGHT
    chart.ticks = [(x_of(tick), format_number(tick)) for tick in ticks]
    if threshold is not None:
        chart.threshold = (x_of(threshold), format_number(threshold))
    where = f" on {dataset}" if dataset else ""
    unit_text = f" ({unit})" if unit and unit != "fraction" else ""
    chart.title = f"{name}{unit_text} by slice{where}"
    better = "higher is better" if entries[0].get("higher_is_better", True) else "lower is better"
    best = max(chart.bars, key=lambda bar: bar.x + bar.width)
    worst = min(chart.bars, key=lambda bar: bar.x + bar.width)
    summary = (
        f"{len(entries)} slices, {better}, from {worst.value_text} ({worst.label}) to {best.value_text} ({best.label})"
    )
    if threshold is not None:
        failing = [bar.label for bar in chart.bars if bar.passed is False]
        summary += f"; dashed line: threshold {format_number(threshold)}, " + (
            f"missed by {', '.join(failing)}" if failing else "met by every slice"
        )
    summary += "; whiskers: confidence interval."
    chart.description = summary
    return chart


def metric_charts(metrics: list[dict[str, Any]], id_prefix: str = "mc-chart") -> list[Chart]:
    """A chart for each (metric, data set) measured on three or more slices (two numbers read best in the table)."""
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for metric in metrics:
        groups.setdefault((str(metric["name"]), metric.get("dataset")), []).append(metric)
    charts = []
    for index, ((name, dataset), entries) in enumerate(groups.items()):
        if len(entries) >= MIN_CHART_SLICES:
            charts.append(_chart(f"{id_prefix}-{index}", name, dataset, entries))
    return charts

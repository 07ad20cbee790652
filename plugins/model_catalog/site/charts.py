"""Geometry of the metric charts: one chart per metric across its slices, and one per measurement across versions.

Only numbers and plain text are computed here; the SVG markup is a template (``partials/metric-chart.html``,
``partials/metric-history.html``), so every label passes through autoescaping.

**Bars or dots.** A slice chart draws bars from zero when that reads well. When the values cluster, bars from zero
hide their differences (0.78 and 0.83 look the same), so each value is drawn as a dot with its confidence interval
as a line, on an axis fitted to the data. The values *cluster* when every number the chart draws (values, interval
bounds, thresholds) is on one side of zero and their spread is smaller than their distance from zero: bars from
zero would then spend more than half their length on a span where nothing is drawn. A fitted axis runs from the
smallest to the largest of those numbers, widened by a little padding and then out to nice ticks; it never crosses
zero when the data does not. History charts always use dots on a fitted axis.

**Thresholds.** Each slice (and each version) may have its own threshold: each gets its own mark on its row (or its
version). One full-length dashed line is drawn instead only when every row has the same threshold.

**Regressions.** A history chart flags a version that is worse than the previous version measuring the same thing
beyond the confidence intervals (:attr:`MetricComparison.regression`: worse, and the two intervals do not overlap).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from model_catalog.changes.metrics import (
    MetricComparison,
    MetricKey,
    describe_key,
    meets_threshold,
    metrics_by_key,
)
from model_catalog.site.formatting import format_number

WIDTH = 640
LABEL_WIDTH = 180
VALUE_WIDTH = 24
"""Room right of the plot for the ✗ of a row that misses its threshold."""
ROW_HEIGHT = 28
BAR_HEIGHT = 16
TOP = 8
AXIS_HEIGHT = 28
OVERALL = "all data"
MIN_CHART_SLICES = 3
PADDING = 0.08
"""Of the data's spread, added on each side of a fitted axis before it is rounded out to nice ticks."""

HISTORY_LEFT = 56
"""Room left of a history chart's plot for the value axis' labels."""
HISTORY_RIGHT = 16
HISTORY_TOP = 12
HISTORY_PLOT_HEIGHT = 150
HISTORY_AXIS_HEIGHT = 44
"""Below the plot: a line of version labels and one of regression flags."""
CHAR_WIDTH = 7
"""About the width of a character of a 12 px label, to keep version labels apart."""


@dataclass
class Axis:
    low: float
    high: float
    ticks: list[float]
    from_zero: bool

    @property
    def text(self) -> str:
        return f"axis from {format_number(self.low)} to {format_number(self.high)}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(index * step, 10) for index in range(first, max(last, first + 1) + 1)]


def clustered(numbers: list[float]) -> bool:
    """Whether bars from zero would hide the differences: every number on one side of zero, and their spread
    smaller than their distance from zero."""
    low, high = min(numbers), max(numbers)
    if low > 0:
        return high - low < low
    if high < 0:
        return high - low < -high
    return False


def fit_axis(numbers: list[float], *, from_zero: bool) -> Axis:
    """An axis holding every number: from zero (bars), or fitted to them with a little padding (dots)."""
    low, high = min(numbers), max(numbers)
    if from_zero:
        ticks = _nice_ticks(min(low, 0.0), max(high, 0.0))
    else:
        pad = (high - low) * PADDING or abs(high) * PADDING or 1.0
        ticks = _nice_ticks(low - pad, high + pad)
        if low >= 0:
            ticks = [tick for tick in ticks if tick >= 0]
        if high <= 0:
            ticks = [tick for tick in ticks if tick <= 0]
    return Axis(ticks[0], ticks[-1], ticks, from_zero)


def _drawn_numbers(entries: list[dict[str, Any]]) -> list[float]:
    """Values, interval bounds and thresholds: what a chart's axis must hold."""
    numbers: list[float] = []
    for entry in entries:
        numbers.append(entry["value"])
        numbers.extend(entry.get("confidence_interval") or [])
        if entry.get("threshold") is not None:
            numbers.append(entry["threshold"])
    return numbers


def _unit_suffix(unit: Any) -> str:
    return f" {unit}" if unit and unit != "fraction" else ""


def _legend(entries: list[dict[str, Any]], marks: str, intervals: str) -> str:
    """How values are drawn: ``dots: value; lines: confidence interval; `` (intervals only when there are some)."""
    if any(entry.get("confidence_interval") for entry in entries):
        return f"{marks}; {intervals}: confidence interval; "
    return f"{marks}; "


def _shared_threshold(entries: list[dict[str, Any]]) -> float | None:
    """The threshold every entry has, when they all have the same one."""
    thresholds = {entry.get("threshold") for entry in entries}
    threshold = thresholds.pop() if len(thresholds) == 1 else None
    return None if threshold is None else float(threshold)


def _threshold_summary(
    labels: list[str], entries: list[dict[str, Any]], shared: float | None, marks: str, each: str
) -> str:
    """How the thresholds are drawn and who misses them: ``dashed line: threshold 0.78, met by every slice``."""
    failing = [label for label, entry in zip(labels, entries, strict=True) if meets_threshold(entry) is False]
    if shared is not None:
        text = f"dashed line: threshold {format_number(shared)}"
    else:
        by_threshold: dict[float, list[str]] = {}
        for label, entry in zip(labels, entries, strict=True):
            if entry.get("threshold") is not None:
                by_threshold.setdefault(entry["threshold"], []).append(label)
        if not by_threshold:
            return ""
        text = f"{marks}: each {each}'s threshold, " + "; ".join(
            f"{format_number(threshold)} for {', '.join(names)}" for threshold, names in by_threshold.items()
        )
        without = [label for label, entry in zip(labels, entries, strict=True) if entry.get("threshold") is None]
        if without:
            text += f"; none for {', '.join(without)}"
    return text + (
        f"; missed by {', '.join(failing)}"
        if failing
        else f"; met by every {each}" + ("" if shared else " that has one")
    )


@dataclass
class Bar:
    """One row of a slice chart: a slice's value, drawn as a bar from zero or as a dot."""

    label: str
    value_text: str
    y: float
    x: float
    """Left end of the bar."""
    width: float
    passed: bool | None
    whisker: tuple[float, float] | None = None
    dot: float = 0.0
    """Where the value is: the centre of its dot."""
    threshold: float | None = None
    """Where this row's threshold is (none when the chart draws one line for all, or the row has none)."""


@dataclass
class Chart:
    id: str
    title: str
    description: str
    height: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    threshold: tuple[float, str] | None = None
    """The one dashed line, when every row has the same threshold."""
    width: int = WIDTH
    plot_left: int = LABEL_WIDTH
    plot_right: int = WIDTH - VALUE_WIDTH
    axis_y: float = 0.0
    style: str = "bars"
    """``bars`` (from zero) or ``dots`` (a fitted axis; see the module's docstring)."""


def _chart(chart_id: str, name: str, dataset: str | None, entries: list[dict[str, Any]]) -> Chart:
    unit = next((entry.get("unit") for entry in entries if entry.get("unit")), None)
    numbers = _drawn_numbers(entries)
    dots = clustered(numbers)
    axis = fit_axis(numbers, from_zero=not dots)
    low, high = axis.low, axis.high
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x_of(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) / (high - low) * plot_width)

    shared = _shared_threshold(entries)
    chart = Chart(id=chart_id, title="", description="", height=0, style="dots" if dots else "bars")
    zero = x_of(min(max(low, 0.0), high))
    for row, entry in enumerate(entries):
        value = entry["value"]
        start, end = sorted((zero, x_of(value)))
        interval = entry.get("confidence_interval")
        threshold = entry.get("threshold")
        chart.bars.append(
            Bar(
                label=str(entry.get("slice") or OVERALL),
                value_text=format_number(value) + _unit_suffix(unit),
                y=TOP + row * ROW_HEIGHT,
                x=start,
                width=max(end - start, 1),
                passed=meets_threshold(entry),
                whisker=(x_of(interval[0]), x_of(interval[1])) if interval else None,
                dot=x_of(value),
                threshold=x_of(threshold) if threshold is not None and shared is None else None,
            )
        )
    chart.axis_y = TOP + len(entries) * ROW_HEIGHT
    chart.height = chart.axis_y + AXIS_HEIGHT
    chart.ticks = [(x_of(tick), format_number(tick)) for tick in axis.ticks]
    if shared is not None:
        chart.threshold = (x_of(shared), format_number(shared))
    where = f" on {dataset}" if dataset else ""
    unit_text = f" ({unit})" if unit and unit != "fraction" else ""
    chart.title = f"{name}{unit_text} by slice{where}"
    better = "higher is better" if entries[0].get("higher_is_better", True) else "lower is better"
    lowest = min(range(len(entries)), key=lambda index: entries[index]["value"])
    highest = max(range(len(entries)), key=lambda index: entries[index]["value"])
    parts = [
        f"{len(entries)} slices, {better}, from {chart.bars[lowest].value_text} ({chart.bars[lowest].label})"
        f" to {chart.bars[highest].value_text} ({chart.bars[highest].label})",
        _legend(entries, "dots: value" if dots else "bars from 0", "lines" if dots else "whiskers") + axis.text,
        _threshold_summary([bar.label for bar in chart.bars], entries, shared, "short marks", "slice"),
    ]
    chart.description = "; ".join(part for part in parts if part) + "."
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


@dataclass
class HistoryPoint:
    """One version's measurement in a history chart."""

    version: str
    label: str
    """The version as shown under its slot: empty where versions are too many to label each."""
    x: int
    y: int
    value_text: str
    passed: bool | None
    regression: bool
    """Worse than the previous point beyond the confidence intervals."""
    current: bool
    """The version of the page the chart is on."""
    whisker: tuple[int, int] | None = None
    """Top and bottom of the confidence interval."""
    threshold: int | None = None
    """Where this version's threshold is (none when the chart draws one line for all, or the version has none)."""


@dataclass
class HistoryChart:
    id: str
    title: str
    description: str
    points: list[HistoryPoint] = field(default_factory=list)
    ticks: list[tuple[int, str]] = field(default_factory=list)
    """(y, text) of the value axis."""
    threshold: tuple[int, str] | None = None
    """The one dashed line, when every version has the same threshold."""
    regressions: list[str] = field(default_factory=list)
    """The versions flagged as regressions."""
    width: int = WIDTH
    height: int = HISTORY_TOP + HISTORY_PLOT_HEIGHT + HISTORY_AXIS_HEIGHT
    plot_left: int = HISTORY_LEFT
    plot_right: int = WIDTH - HISTORY_RIGHT
    plot_top: int = HISTORY_TOP
    axis_y: int = HISTORY_TOP + HISTORY_PLOT_HEIGHT
    slot: float = 0.0
    """The width each version has."""
    mark: int = 0
    """Half the length of a version's threshold mark."""
    band: tuple[int, int] | None = None
    """Left end and width of the current version's slot, highlighted."""
    flag: str = "▼ regression"
    """The text under a regression (just the ▼ where slots are narrow)."""


def _point_text(metric: dict[str, Any]) -> str:
    text = format_number(metric["value"]) + _unit_suffix(metric.get("unit"))
    details = []
    interval = metric.get("confidence_interval")
    if interval:
        details.append(f"interval {format_number(interval[0])} – {format_number(interval[1])}")
    if metric.get("threshold") is not None:
        verdict = "met" if meets_threshold(metric) else "missed"
        details.append(f"threshold {format_number(metric['threshold'])}, {verdict}")
    return text + (f" ({'; '.join(details)})" if details else "")


def _history_chart(
    chart_id: str, key: MetricKey, measured: list[tuple[str, dict[str, Any]]], current_version: str
) -> HistoryChart:
    entries = [metric for _, metric in measured]
    axis = fit_axis(_drawn_numbers(entries), from_zero=False)
    low, high = axis.low, axis.high
    chart = HistoryChart(id=chart_id, title="", description="")
    chart.slot = (chart.plot_right - chart.plot_left) / len(measured)
    chart.mark = round(min(20.0, chart.slot * 0.35))
    if chart.slot < len(chart.flag) * CHAR_WIDTH + 8:
        chart.flag = "▼"

    def y_of(value: float) -> int:
        return round(chart.plot_top + (high - value) / (high - low) * HISTORY_PLOT_HEIGHT)

    longest = max(len(version) for version, _ in measured)
    every = max(1, math.ceil((longest * CHAR_WIDTH + 8) / chart.slot))
    shared = _shared_threshold(entries)
    for index, (version, metric) in enumerate(measured):
        interval = metric.get("confidence_interval")
        threshold = metric.get("threshold")
        regression = index > 0 and MetricComparison(key, measured[index - 1][1], metric).regression
        current = version == current_version
        labelled = (len(measured) - 1 - index) % every == 0 or current
        chart.points.append(
            HistoryPoint(
                version=version,
                label=version if labelled else "",
                x=round(chart.plot_left + (index + 0.5) * chart.slot),
                y=y_of(metric["value"]),
                value_text=format_number(metric["value"]),
                passed=meets_threshold(metric),
                regression=regression,
                current=current,
                whisker=(y_of(max(interval)), y_of(min(interval))) if interval else None,
                threshold=y_of(threshold) if threshold is not None and shared is None else None,
            )
        )
        if regression:
            chart.regressions.append(version)
        if current:
            left = round(chart.plot_left + index * chart.slot)
            chart.band = (left, round(chart.plot_left + (index + 1) * chart.slot) - left)
    chart.ticks = [(y_of(tick), format_number(tick)) for tick in axis.ticks]
    if shared is not None:
        chart.threshold = (y_of(shared), format_number(shared))
    name, *where = key
    unit = entries[-1].get("unit")
    named = f"{name} ({unit})" if unit and unit != "fraction" else name
    chart.title = describe_key((named, where[0], where[1], where[2], where[3])) + ", across versions"
    better = "Higher is better" if entries[-1].get("higher_is_better", True) else "Lower is better"
    values = "; ".join(f"{version}: {_point_text(metric)}" for version, metric in measured)
    flagged = [
        f"{point.version} is worse than {previous.version} beyond the confidence intervals"
        for previous, point in itertools.pairwise(chart.points)
        if point.regression
    ]
    parts = [
        f"{better}. {values}",
        ("▼ regression: " + "; ".join(flagged)) if flagged else "no regression beyond the confidence intervals",
        _legend(entries, "dots: value", "lines") + axis.text,
        _threshold_summary([version for version, _ in measured], entries, shared, "dashes", "version"),
    ]
    if any(point.current for point in chart.points):
        parts.append(f"highlighted: version {current_version} (this page)")
    chart.description = ". ".join(part[:1].upper() + part[1:] for part in parts if part) + "."
    return chart


def history_charts(
    versions: list[tuple[str, list[dict[str, Any]]]], current_version: str, id_prefix: str = "mc-history"
) -> list[HistoryChart]:
    """A chart across versions for each measurement of the current version that two or more versions report.

    ``versions`` are the model's versions oldest first, each as (version, metrics). Each point is compared with
    the previous version that measured the same thing (name, data set, slice, config and split).
    """
    by_version = [(version, metrics_by_key(metrics)) for version, metrics in versions]
    current = next((found for version, found in by_version if version == current_version), {})
    charts: list[HistoryChart] = []
    for key in current:
        measured = [(version, found[key]) for version, found in by_version if key in found]
        if len(measured) >= 2:
            charts.append(_history_chart(f"{id_prefix}-{len(charts)}", key, measured, current_version))
    return charts

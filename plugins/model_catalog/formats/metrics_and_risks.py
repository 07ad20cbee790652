"""Performance metrics and risks as the card's ``metrics`` and ``ethical_considerations``: the Model Card Toolkit and
CycloneDX (MCT's schema in camel case) describe them alike, so both importers draft them here."""

from __future__ import annotations

from typing import Any

from model_catalog.formats.drafting import Data, DraftBuilder, Entry, fields_of
from model_catalog.formats.fitting import card_schema, kind_of, number_of, shown_value


def catalog_metric(
    builder: DraftBuilder,
    prefix: str,
    parts: dict[str, tuple[str, Any]],
    heading: str,
    whole_value: Any,
) -> Data | None:
    """A metric from a performance metric of MCT or CycloneDX (``parts``: card key -> (source path, value);
    keys ``name``, ``value``, ``slice``, ``low``, ``high``, ``threshold``); the whole of it is kept when its
    name or value does not fit, and the interval when it does not contain the value."""
    metric = builder.entry("metrics")
    name_source, name = parts.get("name", ("", None))
    value_source, value = parts.get("value", ("", None))
    if not metric.set("name", name, name_source):
        builder.keep(prefix, whole_value, heading, f"a metric without a usable name ({metric.problem})", "Metric")
        return None
    number, unit = number_of(value)
    if number is None:
        shown = f"{shown_value(value)} is not a number" if value is not None else "it has no value"
        builder.keep(prefix, whole_value, heading, f"a metric's value must be a number; {shown}", "Metric")
        return None
    reason = ""
    key = metric.fields["name"].strip().lower().replace(" ", "_").replace("-", "_")
    if key in card_schema().fraction_metrics:
        if not unit and 1 < number <= 100:
            unit, reason = "%", f"{number} is read as a percentage (unit: '%')"
        if number < 0 or number > (100 if unit == "%" else 1):
            builder.keep(prefix, whole_value, heading, f"{metric.fields['name']} {number} is not a fraction", "Metric")
            return None
    metric.fields["value"] = number
    metric.placed.append((value_source, "value", reason))
    if unit:
        metric.fields["unit"] = unit
    if "slice" in parts:
        slice_source, slice_value = parts["slice"]
        if not metric.set("slice", slice_value, slice_source):
            builder.keep(slice_source, slice_value, heading, f"does not fit `metrics.slice`: {metric.problem}")
    _interval(builder, metric, parts, heading)
    if "threshold" in parts:
        threshold_source, threshold = parts["threshold"]
        if not metric.set("threshold", threshold, threshold_source):
            builder.keep(threshold_source, threshold, heading, f"does not fit `metrics.threshold`: {metric.problem}")
    return metric.commit()


def _interval(builder: DraftBuilder, metric: Entry, parts: dict[str, tuple[str, Any]], heading: str) -> None:
    bounds = [parts[key] for key in ("low", "high") if key in parts]
    if not bounds:
        return
    numbers = [number_of(value)[0] for _, value in bounds]
    low, high = (numbers + [None, None])[:2]
    value = metric.fields["value"]
    if len(bounds) == 2 and low is not None and high is not None and low <= value <= high:
        metric.fields["confidence_interval"] = [low, high]
        metric.placed += [
            (bounds[0][0], "confidence_interval[0]", ""),
            (bounds[1][0], "confidence_interval[1]", ""),
        ]
        return
    why = (
        f"[{low}, {high}] does not contain the value {value}"
        if low is not None and high is not None
        else "an interval needs two numbers"
    )
    for source, bound in bounds:
        builder.keep(source, bound, heading, f"not a confidence interval of the card: {why}")


def add_risk(builder: DraftBuilder, path: str, value: Any, heading: str, keys: dict[str, str]) -> Data | None:
    """An ethical consideration (MCT's and CycloneDX's risk: name and mitigation strategy) as the card's; the
    entry added, or None."""
    if value == {}:
        builder.drop(path, "empty")
        return None
    if not isinstance(value, dict):
        builder.keep_text(path, value, heading, f"a risk is a mapping, got {kind_of(value)}")
        return None
    entry = builder.entry("ethical_considerations")
    later: list[tuple[str, Any, str]] = []
    for key, child, item in fields_of(builder, path, value, heading):
        target = keys.get(key)
        if target is None:
            later.append((child, item, "not a field of a risk"))
        elif not entry.set(target, item, child):
            later.append((child, item, f"does not fit `ethical_considerations.{target}`: {entry.problem}"))
    added = entry.commit() if "risk" in entry.fields else None
    if added is None:
        later += [(source, entry.fields[key], "a mitigation without its risk") for source, key, _ in entry.placed]
    for child, item, reason in later:
        builder.keep_text(child, item, heading, reason)
    return added

"""What the templates show: cards and the catalog turned into plain view data."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.changes.metrics import meets_threshold
from model_catalog.review.gate import ReviewState
from model_catalog.site.changes_view import VersionChanges, change_history, version_changes
from model_catalog.site.charts import Chart, HistoryChart, history_charts, metric_charts
from model_catalog.site.formatting import format_number, iso_date

FACETS = (
    ("task", "Task"),
    ("status", "Status"),
    ("review", "Review"),
    ("risk", "Risk tier"),
    ("license", "License"),
    ("team", "Owner team"),
    ("tag", "Tag"),
)

RENDERED_FIELDS = frozenset(
    {
        "schema_version",
        "id",
        "name",
        "version",
        "status",
        "summary",
        "description",
        "owners",
        "license",
        "task",
        "tags",
        "risk_tier",
        "created",
        "updated",
        "model_details",
        "intended_use",
        "factors",
        "metrics",
        "evaluation_data",
        "training_data",
        "ethical_considerations",
        "limitations",
        "caveats_and_recommendations",
        "environmental_impact",
        "links",
        "approvals",
    }
)
"""Fields the built-in card template shows in their own sections; any other field
(an organisation's extension) is shown under "Additional information"."""

Href = Callable[[str], str]
"""Turns a site path (``models/x/``) into a link relative to the page being rendered."""


@dataclass
class Banner:
    kind: str
    """``info``, ``warning``, ``danger`` or ``draft``."""
    text: str
    link: str | None = None
    link_text: str | None = None


@dataclass
class MetricRow:
    name: str
    value: str
    interval: str
    threshold: str
    passed: bool | None
    dataset: str
    slice: str
    higher_is_better: bool


@dataclass
class CardView:
    card: Card
    data: dict[str, Any]
    versions: list[dict[str, Any]]
    banners: list[Banner]
    metric_rows: list[MetricRow]
    charts: list[Chart]
    history: list[HistoryChart]
    """On the latest version's page, a chart across versions for each measurement two or more versions report:
    summed up there, drawn on the model's compare page (``history_href``)."""
    history_href: str | None
    """The model's compare page, where the charts across versions and every version's changes are."""
    base: dict[str, Any] | None
    derived: list[dict[str, Any]]
    extra_fields: dict[str, Any]
    export_hrefs: dict[str, str]
    """Links to the card in each export format (json, huggingface, cyclonedx)."""
    edit_url: str | None
    review: ReviewState | None
    changed: VersionChanges | None = None
    """What changed since the version before (None for a model's first version)."""
    version_changes: dict[str, str] = field(default_factory=dict)
    """On the latest version's page, each version's changes from the one before, counted by class: the change
    history, in the list of versions."""


def metric_rows(metrics: list[dict[str, Any]]) -> list[MetricRow]:
    rows = []
    for metric in metrics:
        unit = metric.get("unit")
        suffix = f" {unit}" if unit and unit != "fraction" else ""
        interval = metric.get("confidence_interval")
        threshold = metric.get("threshold")
        std = metric.get("std")
        # The data set as the Hub tells results apart: its configuration (a language, a subset) and split.
        where = [
            f"{label} {metric[key]}"
            for key, label in (("dataset_config", "config"), ("split", "split"))
            if metric.get(key)
        ]
        dataset = str(metric.get("dataset") or "") + (f" ({', '.join(where)})" if where else "")
        rows.append(
            MetricRow(
                name=str(metric["name"]),
                value=format_number(metric["value"]) + suffix + (f" ± {format_number(std)}" if std is not None else ""),
                interval=f"{format_number(interval[0])} – {format_number(interval[1])}" if interval else "",
                threshold=(("≥ " if metric.get("higher_is_better", True) else "≤ ") + format_number(threshold) + suffix)
                if threshold is not None
                else "",
                passed=meets_threshold(metric),
                dataset=dataset.strip(),
                slice=str(metric.get("slice") or ""),
                higher_is_better=bool(metric.get("higher_is_better", True)),
            )
        )
    return rows


def card_view(
    card: Card,
    catalog: Catalog,
    *,
    page_url: Callable[[Card], str],
    export_urls: Callable[[Card], dict[str, str]],
    href: Href,
    include_drafts: bool,
    edit_url: str | None,
    review: ReviewState | None = None,
    schema: CardSchema | None = None,
    compare_href: Callable[[Card, Card], str | None] = lambda old, new: None,
) -> CardView:
    """Everything the card template needs about one version of one model."""
    versions = catalog.versions(card.id, include_drafts=include_drafts)
    latest = versions[0] if versions else card
    banners: list[Banner] = []
    if card.is_draft:
        banners.append(Banner("draft", "Draft: this card has not been reviewed or approved. Do not rely on it yet."))
    if card.status == "deprecated":
        banners.append(Banner("warning", f"Deprecated: {card.name} {card.version} should not be used for new work."))
    if card.status == "retired":
        banners.append(Banner("danger", f"Retired: {card.name} {card.version} is no longer served or supported."))
    if review is not None and review.checked and review.missing_roles:
        banners.append(
            Banner(
                "danger",
                "Not fully approved: missing valid approvals from "
                + ", ".join(review.missing_roles)
                + ". Do not rely on this card yet.",
            )
        )
    if review is not None and review.overdue:
        banners.append(Banner("warning", f"Review overdue: this card was due for re-review on {review.review_due}."))
    if latest is not card:
        banners.append(
            Banner(
                "info",
                f"A newer version of {latest.name} is available: {latest.version}.",
                href(page_url(latest)),
                f"Go to version {latest.version}",
            )
        )
    base = None
    base_ref = card.data.get("model_details", {}).get("base_model")
    if base_ref:
        base_id, _, base_version = str(base_ref).partition("@")
        candidates = [
            v
            for v in catalog.versions(base_id, include_drafts=include_drafts)
            if not base_version or v.version == base_version
        ]
        target = candidates[0] if candidates else None
        if target is not None:
            base = {"name": target.name, "version": target.version, "href": href(page_url(target))}
    derived = [
        {"name": other.name, "version": other.version, "href": href(page_url(other))}
        for other in catalog.derived_from(card.id)
        if include_drafts or not other.is_draft
    ]
    metrics = card.data.get("metrics", [])
    older = versions[versions.index(card) + 1] if card in versions and versions[-1] is not card else None
    history = (
        history_charts([(v.version, v.data.get("metrics", [])) for v in reversed(versions)], card.version)
        if latest is card
        else []
    )
    schema = schema or CardSchema.load()
    page_href: Callable[[Card], str] = lambda other: href(page_url(other))  # noqa: E731
    return CardView(
        card=card,
        data=card.data,
        versions=[
            {
                "version": v.version,
                "status": v.status,
                "href": href(page_url(v)),
                "current": v is card,
                "latest": v is latest,
                "updated": iso_date(v.data.get("updated")),
            }
            for v in versions
        ],
        banners=banners,
        metric_rows=metric_rows(metrics),
        charts=metric_charts(metrics),
        history=history,
        history_href=compare_href(versions[1], latest) if len(versions) > 1 else None,
        base=base,
        derived=derived,
        extra_fields={key: value for key, value in card.data.items() if key not in RENDERED_FIELDS},
        export_hrefs={name: href(url) for name, url in export_urls(card).items()},
        edit_url=edit_url,
        review=review,
        changed=version_changes(older, card, schema, href=page_href, compare_href=compare_href) if older else None,
        version_changes={
            entry.version: entry.summary()
            for entry in change_history(versions, schema, href=page_href, compare_href=compare_href)
        }
        if latest is card
        else {},
    )


def headline_metric(card: Card) -> dict[str, Any] | None:
    """The metric the index shows: the first one measured on all data (no slice)."""
    metrics = card.data.get("metrics", [])
    return next((m for m in metrics if not m.get("slice")), metrics[0] if metrics else None)


def facet_values(card: Card, review: ReviewState | None = None) -> dict[str, list[str]]:
    data = card.data
    teams = sorted({str(owner["team"]) for owner in data.get("owners", []) if owner.get("team")})
    single = {
        "task": data.get("task"),
        "status": data.get("status"),
        "risk": data.get("risk_tier"),
        "license": data.get("license"),
    }
    values = {name: [str(value)] if value else [] for name, value in single.items()}
    values["team"] = teams
    values["tag"] = sorted({str(tag) for tag in data.get("tags", [])})
    values["review"] = [review.label] if review is not None else []
    return values


@dataclass
class IndexView:
    rows: list[dict[str, Any]] = field(default_factory=list)
    facets: list[dict[str, Any]] = field(default_factory=list)


def index_view(
    catalog: Catalog,
    *,
    page_url: Callable[[Card], str],
    href: Href,
    include_drafts: bool,
    reviews: dict[tuple[str, str], ReviewState] | None = None,
) -> IndexView:
    """Rows (latest version of each model) and facets with counts for the catalog index."""
    view = IndexView()
    counts: dict[str, dict[str, int]] = {name: {} for name, _ in FACETS}
    for versions in catalog.models(include_drafts=include_drafts).values():
        card = versions[0]
        data = card.data
        review = (reviews or {}).get(card.key)
        facets = facet_values(card, review)
        for name, values in facets.items():
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
        metric = headline_metric(card)
        text = " ".join(
            [
                card.name,
                card.id,
                str(data.get("summary", "")),
                str(data.get("task", "")),
                *facets["tag"],
                *facets["team"],
            ]
        ).lower()
        view.rows.append(
            {
                "name": card.name,
                "href": href(page_url(card)),
                "summary": data.get("summary", ""),
                "version": card.version,
                "status": card.status,
                "risk": data.get("risk_tier", ""),
                "task": data.get("task", ""),
                "license": data.get("license", ""),
                "teams": facets["team"],
                "updated": iso_date(data.get("updated") or data.get("created")),
                "metric": metric,
                "metric_text": (
                    f"{metric['name']} {format_number(metric['value'])}"
                    + (f" {metric['unit']}" if metric.get("unit") not in (None, "fraction") else "")
                )
                if metric
                else "",
                "text": text,
                "review": review.label if review is not None else "",
                "facets_json": {name: json.dumps(values, ensure_ascii=False) for name, values in facets.items()},
            }
        )
    view.rows.sort(key=lambda row: row["name"].lower())
    view.facets = [
        {"name": name, "title": title, "values": sorted(counts[name].items(), key=lambda item: item[0].lower())}
        for name, title in FACETS
        if counts[name]
    ]
    return view

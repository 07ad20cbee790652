"""Metric history across a model's versions: one chart per measurement, each version's threshold, and a regression
flagged exactly where a version got worse beyond the confidence intervals."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from helpers import CARD, REPO
from model_catalog.cards.loader import load_card
from model_catalog.cards.model import Card, version_key
from model_catalog.site.charts import HistoryChart, history_charts
from model_catalog.site.templates import TemplateRenderer


def write_versions(tmp_path: Path, versions: dict[str, list[str]]) -> list[Card]:
    """Valid cards of one model, one per version (``{version: [flow mapping of a metric, ...]}``), oldest first."""
    cards = []
    for version, metrics in versions.items():
        text = CARD.format(id="fraud", name="Fraud", version=version, status="in_review")
        text = re.sub(r"metrics:\n(  - .*\n)+", "metrics:\n" + "".join(f"  - {{{m}}}\n" for m in metrics), text)
        path = tmp_path / "fraud" / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        cards.append(load_card(path))
    return cards


def charts_of(cards: list[Card], current: str | None = None) -> list[HistoryChart]:
    return history_charts([(c.version, c.data["metrics"]) for c in cards], current or cards[-1].version)


def flagged(tmp_path: Path, old: str, new: str) -> list[str]:
    """The versions flagged by the one chart of two versions measuring ``old`` then ``new``."""
    (chart,) = charts_of(write_versions(tmp_path, {"1.0": [old], "2.0": [new]}))
    return chart.regressions


def test_regression_is_a_drop_beyond_the_intervals(tmp_path: Path) -> None:
    before = "name: recall, value: 0.84, confidence_interval: [0.82, 0.86]"
    assert flagged(tmp_path / "a", before, "name: recall, value: 0.78, confidence_interval: [0.76, 0.80]") == ["2.0"]
    # Worse, but the intervals overlap: noise as far as the card can tell.
    assert flagged(tmp_path / "b", before, "name: recall, value: 0.81, confidence_interval: [0.79, 0.83]") == []
    # Better beyond the intervals.
    assert flagged(tmp_path / "c", before, "name: recall, value: 0.9, confidence_interval: [0.89, 0.91]") == []
    # Worse with no interval on one side: a drop, never a regression.
    assert flagged(tmp_path / "d", before, "name: recall, value: 0.5") == []


def test_lower_is_better_metrics_regress_upwards(tmp_path: Path) -> None:
    before = "name: fpr, value: 0.02, confidence_interval: [0.018, 0.022], higher_is_better: false"
    up = "name: fpr, value: 0.05, confidence_interval: [0.045, 0.055], higher_is_better: false"
    down = "name: fpr, value: 0.01, confidence_interval: [0.009, 0.011], higher_is_better: false"
    assert flagged(tmp_path / "up", before, up) == ["2.0"]
    assert flagged(tmp_path / "down", before, down) == []


def test_each_version_is_compared_with_the_previous_one_and_flagged_where_it_regressed(tmp_path: Path) -> None:
    cards = write_versions(
        tmp_path,
        {
            "1.0": ["name: auc, value: 0.80, confidence_interval: [0.79, 0.81], threshold: 0.75"],
            "1.1": ["name: auc, value: 0.76, confidence_interval: [0.75, 0.77], threshold: 0.78"],
            "1.2": ["name: auc, value: 0.765, confidence_interval: [0.755, 0.775], threshold: 0.78"],
            "2.0": ["name: auc, value: 0.70, confidence_interval: [0.69, 0.71], threshold: 0.78"],
        },
    )
    (chart,) = charts_of(cards, current="1.2")
    assert [p.version for p in chart.points] == ["1.0", "1.1", "1.2", "2.0"]
    assert [p.regression for p in chart.points] == [False, True, False, True]
    assert [p.current for p in chart.points] == [False, False, True, False]
    assert chart.title == "auc, all data, across versions"
    # Dots on a fitted axis: 0.69 to 0.81 with the thresholds, padded out to nice ticks.
    top, bottom = float(chart.ticks[-1][1]), float(chart.ticks[0][1])
    assert 0.6 < bottom <= 0.69 and 0.81 <= top < 0.9
    assert [p.passed for p in chart.points] == [True, False, False, False]
    # The threshold changed (0.75, then 0.78): each version's own is drawn at its height.
    assert chart.threshold is None

    def y_of(value: float) -> int:
        (y_low, low), (y_high, high) = [(y, float(text)) for y, text in (chart.ticks[0], chart.ticks[-1])]
        return round(y_low + (value - low) / (high - low) * (y_high - y_low))

    assert [p.threshold for p in chart.points] == [y_of(0.75)] + [y_of(0.78)] * 3
    assert [p.y for p in chart.points] == [y_of(v) for v in (0.80, 0.76, 0.765, 0.70)]
    assert chart.band is not None and chart.band[0] < chart.points[2].x < chart.band[0] + chart.band[1]
    # The description holds every value, the regressions and how to read the chart.
    for text in ("1.0: 0.8 (interval 0.79 – 0.81; threshold 0.75, met)", "1.1: 0.76", "1.2: 0.765", "2.0: 0.7"):
        assert text in chart.description
    assert (
        "▼ regression: 1.1 is worse than 1.0 beyond the confidence intervals; "
        "2.0 is worse than 1.2 beyond the confidence intervals" in chart.description
    )
    assert "Dots: value; lines: confidence interval; axis from" in chart.description
    assert "version 1.2 (this page)" in chart.description


def test_a_shared_threshold_is_one_line(tmp_path: Path) -> None:
    cards = write_versions(
        tmp_path,
        {v: [f"name: auc, value: {x}, threshold: 0.8"] for v, x in (("1.0", 0.81), ("1.1", 0.83), ("1.2", 0.85))},
    )
    (chart,) = charts_of(cards)
    assert chart.threshold is not None and chart.threshold[1] == "0.8"
    assert all(p.threshold is None for p in chart.points)
    assert "No regression beyond the confidence intervals" in chart.description


def test_only_measurements_of_this_version_found_in_two_versions(tmp_path: Path) -> None:
    cards = write_versions(
        tmp_path,
        {
            "1.0": ["name: auc, value: 0.8", "name: auc, value: 0.7, slice: young", "name: dropped, value: 0.5"],
            "1.1": ["name: auc, value: 0.81", "name: dropped, value: 0.5", "name: auc, value: 0.6, slice: old"],
            "2.0": ["name: auc, value: 0.82", "name: auc, value: 0.71, slice: young", "name: new, value: 0.1"],
        },
    )
    assert [chart.title for chart in charts_of(cards)] == [
        "auc, all data, across versions",
        "auc, slice young, across versions",
    ]
    (young,) = [chart for chart in charts_of(cards) if "young" in chart.title]
    assert [p.version for p in young.points] == ["1.0", "2.0"]  # compared with the last version that measured it
    # On 1.1's page: "dropped" (also in 1.0) has a chart; "old" (only in 1.1) has none.
    assert [chart.title for chart in charts_of(cards, current="1.1")] == [
        "auc, all data, across versions",
        "dropped, all data, across versions",
    ]


def test_credit_risk_versions_measure_different_data_sets() -> None:
    """1.0 and 2.0 of credit-risk report on different test sets: no measurement to follow across them."""
    cards = [load_card(REPO / "cards" / "credit-risk" / f"{v}.yaml") for v in ("1.0", "2.0")]
    assert charts_of(cards) == []


def render_page(cards: list[Card], current: Card) -> str:
    """The metric history as the model's compare page shows it (the card page sums it up and links there)."""
    versions = sorted(cards, key=lambda card: version_key(card.version), reverse=True)
    view = {
        "history": history_charts([(c.version, c.data["metrics"]) for c in reversed(versions)], current.version),
        "versions": [{"version": c.version} for c in versions],
    }
    return TemplateRenderer().render("partials/metric-history.html", view=view)


def test_the_history_is_in_one_details_open_only_with_a_regression(tmp_path: Path) -> None:
    """Two slices only (no slice chart), yet the history is there."""
    cards = write_versions(
        tmp_path,
        {
            "1.0": ["name: recall, value: 0.84, slice: card, confidence_interval: [0.82, 0.86], threshold: 0.8",
                    "name: recall, value: 0.74, slice: wallet, confidence_interval: [0.70, 0.78]"],
            "2.0": ["name: recall, value: 0.78, slice: card, confidence_interval: [0.76, 0.80], threshold: 0.8",
                    "name: recall, value: 0.75, slice: wallet, confidence_interval: [0.71, 0.79]"],
        },
    )  # fmt: skip
    html = render_page(cards, cards[1])
    assert 'class="mc-chart mc-chart--dots"' not in html and "mc-chart--bars" not in html
    assert '<h2 id="metric-history">Metric history</h2>' in html
    assert html.count('<details class="mc-history') == 1 and '<details class="mc-history" open>' in html
    assert "2 measurements across 2 versions: ▼ 1 with a regression" in html
    figures = re.findall(r'<figure class="mc-chart mc-chart--history" id="(mc-history-\d)">', html)
    assert figures == ["mc-history-0", "mc-history-1"]
    for figure in figures:
        assert f'aria-labelledby="{figure}-title" aria-describedby="{figure}-desc"' in html
        assert f'<span id="{figure}-title">' in html and f'<span id="{figure}-desc">' in html
    assert html.count('<g class="mc-chart__flags"') == 1  # only where a version regressed
    assert len(re.findall(r"<text x=\"\d+\">▼ regression</text>", html)) == 1
    assert html.count('class="mc-chart__regression"') == 1
    assert html.count("mc-chart__current-label") == 2

    better = write_versions(
        tmp_path / "better",
        {"1.0": ["name: recall, value: 0.74, slice: wallet"], "2.0": ["name: recall, value: 0.8, slice: wallet"]},
    )
    html = render_page(better, better[1])
    assert '<details class="mc-history">' in html
    assert "1 measurement across 2 versions, no regression" in html
    assert "▼" not in html


def test_a_model_with_one_version_has_no_history(tmp_path: Path) -> None:
    cards = write_versions(tmp_path, {"1.0": ["name: recall, value: 0.8"]})
    html = render_page(cards, cards[0])
    assert "metric-history" not in html and "<details" not in html


def test_many_versions_keep_their_labels_apart() -> None:
    """Thirty versions: every few labelled (always the newest and this page's), the flag shortened to ▼."""
    versions = [
        (f"1.{n}", [{"name": "auc", "value": value, "confidence_interval": [value - 0.01, value + 0.01]}])
        for n, value in enumerate([0.9] * 20 + [0.7] * 10)
    ]
    (chart,) = history_charts(versions, "1.5")
    labelled = [point.version for point in chart.points if point.label]
    assert "1.29" in labelled and "1.5" in labelled
    assert 5 < len(labelled) <= 16
    shown = sorted(point.x for point in chart.points if point.label and point.version != "1.5")
    assert min(b - a for a, b in itertools.pairwise(shown)) >= len("1.29") * 7
    assert chart.regressions == ["1.20"] and chart.flag == "▼"
    assert "1.20 is worse than 1.19 beyond the confidence intervals" in chart.description
    assert all(f"1.{n}: " in chart.description for n in range(30))

"""The slice charts of a card page: bars from zero or dots on a fitted axis, each row's threshold, the SVG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import CARD, GOLDEN, REPO
from model_catalog.cards.loader import load_card
from model_catalog.site.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Chart, clustered, fit_axis, metric_charts
from model_catalog.site.templates import TemplateRenderer

PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def card_with_metrics(tmp_path: Path, *metrics: str, version: str = "1.0") -> Path:
    """A valid card file whose metrics are ``metrics`` (flow mappings, one a line)."""
    text = CARD.format(id="fraud", name="Fraud", version=version, status="in_review")
    text = re.sub(r"metrics:\n(  - .*\n)+", "metrics:\n" + "".join(f"  - {{{m}}}\n" for m in metrics), text)
    path = tmp_path / f"{version}.yaml"
    path.write_text(text)
    return path


def only_chart(path: Path) -> Chart:
    charts = metric_charts(load_card(path).data["metrics"])
    assert len(charts) == 1
    return charts[0]


def x_of(chart: Chart, value: float) -> float:
    """Where ``value`` is on the chart's axis, from its first and last tick."""
    (left, low), (right, high) = [(x, float(text)) for x, text in (chart.ticks[0], chart.ticks[-1])]
    assert (left, right) == (LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH)
    return round(left + (value - low) / (high - low) * (right - left))


def render(chart: Chart) -> str:
    return TemplateRenderer().render("partials/metric-chart.html", chart=chart)


def test_the_clustering_rule() -> None:
    assert clustered([0.75, 0.78, 0.839])  # spread 0.09, 0.75 from zero
    assert clustered([-10.0, -9.0])
    assert not clustered([0.1, 0.5, 0.9])  # spread 0.8 beyond 0.1 from zero
    assert not clustered([-0.2, 0.3])  # both sides of zero
    assert not clustered([0.0, 0.5])
    fitted = fit_axis([0.01, 0.5], from_zero=False)
    assert fitted.low == 0 and fitted.high >= 0.5  # padding never crosses zero
    same = fit_axis([0.8, 0.8], from_zero=False)
    assert same.low < 0.8 < same.high


def test_clustered_values_are_dots_on_a_fitted_axis() -> None:
    """credit-risk 2.0's AUCs run from 0.781 to 0.829: from zero, their bars would look alike."""
    card = load_card(REPO / "cards" / "credit-risk" / "2.0.yaml")
    (chart,) = metric_charts(card.data["metrics"])
    assert chart.style == "dots"
    assert chart.title == "roc_auc by slice on Pay Later out-of-time test 2024-H2"
    low, high = float(chart.ticks[0][1]), float(chart.ticks[-1][1])
    assert 0.7 <= low <= 0.75 and 0.839 <= high <= 0.86  # the data (0.75 to 0.839) and a little padding
    entries = [m for m in card.data["metrics"] if m["name"] == "roc_auc"]
    for bar, entry in zip(chart.bars, entries, strict=True):
        assert bar.dot == x_of(chart, entry["value"])
        assert bar.whisker == tuple(x_of(chart, bound) for bound in entry["confidence_interval"])
    dots = sorted(chart.bars, key=lambda bar: bar.dot)
    assert dots[-1].dot - dots[0].dot > 100  # 0.781 to 0.829 spans a sixth of the plot at least
    assert "dots: value; lines: confidence interval; axis from 0.725 to 0.85" in chart.description
    svg = render(chart)
    assert 'class="mc-chart__dots"' in svg and 'class="mc-chart__bars"' not in svg


def test_widely_spread_values_are_bars_from_zero(tmp_path: Path) -> None:
    chart = only_chart(
        card_with_metrics(
            tmp_path,
            "name: recall, value: 0.2, slice: a",
            "name: recall, value: 0.55, slice: b",
            "name: recall, value: 0.9, slice: c, confidence_interval: [0.85, 0.95]",
        )
    )
    assert chart.style == "bars"
    assert chart.ticks[0] == (LABEL_WIDTH, "0")
    for bar, value in zip(chart.bars, (0.2, 0.55, 0.9), strict=True):
        assert bar.x == LABEL_WIDTH
        assert bar.x + bar.width == x_of(chart, value)
    assert "bars from 0; whiskers: confidence interval; axis from 0 to 1" in chart.description
    svg = render(chart)
    assert 'class="mc-chart__bars"' in svg and 'class="mc-chart__dots"' not in svg


def test_negative_values_get_bars_from_zero_inside_the_axis(tmp_path: Path) -> None:
    chart = only_chart(
        card_with_metrics(
            tmp_path,
            "name: uplift, value: -0.4, slice: a",
            "name: uplift, value: -0.1, slice: b",
            "name: uplift, value: -0.9, slice: c",
        )
    )
    assert chart.style == "bars"
    assert chart.ticks[-1] == (LABEL_WIDTH + PLOT_WIDTH, "0")
    assert all(bar.x + bar.width == LABEL_WIDTH + PLOT_WIDTH for bar in chart.bars)


def test_each_row_draws_its_own_threshold() -> None:
    """credit-risk 2.0: 0.78 on all data, 0.75 on each slice."""
    (chart,) = metric_charts(load_card(REPO / "cards" / "credit-risk" / "2.0.yaml").data["metrics"])
    assert chart.threshold is None
    assert [bar.threshold for bar in chart.bars] == [x_of(chart, 0.78)] + [x_of(chart, 0.75)] * 5
    svg = render(chart)
    marks = re.search(r'<path class="mc-chart__marks" d="([^"]*)"', svg)
    assert marks is not None
    assert marks.group(1) == "".join(f"M{bar.threshold} {bar.y - 2}v22" for bar in chart.bars)
    assert "mc-chart__threshold" not in svg
    assert "short marks: each slice's threshold, 0.78 for all data; 0.75 for age 18-24, age 25-49" in chart.description


def test_one_dashed_line_when_every_row_shares_the_threshold(tmp_path: Path) -> None:
    chart = only_chart(
        card_with_metrics(
            tmp_path,
            *(f"name: recall, value: {v}, slice: s{v}, threshold: 0.8" for v in (0.81, 0.84, 0.86)),
        )
    )
    assert chart.threshold == (x_of(chart, 0.8), "0.8")
    assert all(bar.threshold is None for bar in chart.bars)
    svg = render(chart)
    assert f'<path class="mc-chart__threshold" d="M{chart.threshold[0]} 0V{chart.axis_y}"/>' in svg
    assert "mc-chart__marks" not in svg
    assert "dashed line: threshold 0.8; met by every slice." in chart.description


def test_a_row_that_misses_its_threshold_is_marked_with_a_cross(tmp_path: Path) -> None:
    """Lower is better here: 0.05 misses ≤ 0.04; the marker is a ✗, not colour alone."""
    chart = only_chart(
        card_with_metrics(
            tmp_path,
            "name: fpr, value: 0.021, slice: a, threshold: 0.04, higher_is_better: false",
            "name: fpr, value: 0.05, slice: b, threshold: 0.04, higher_is_better: false",
            "name: fpr, value: 0.03, slice: c, threshold: 0.035, higher_is_better: false",
        )
    )
    assert [bar.passed for bar in chart.bars] == [True, False, True]
    svg = render(chart)
    failing = chart.bars[1]
    assert f'<text y="{failing.y}">✗</text>' in svg
    assert svg.count("✗") == 1
    assert "missed by b" in chart.description
    fail_path = re.search(r'class="mc-chart__(?:dot|bar)--fail" d="([^"]*)"', svg)
    assert fail_path is not None and fail_path.group(1).count("M") == 1


def test_labels_are_escaped_by_the_template(tmp_path: Path) -> None:
    chart = only_chart(
        card_with_metrics(
            tmp_path, *(f"name: recall, value: 0.{n}, slice: '<b>{n}</b>'" for n in (5, 6, 7)), version="2.0"
        )
    )
    svg = render(chart)
    assert "<b>" not in svg and "&lt;b&gt;5&lt;/b&gt;" in svg


def test_credit_risk_chart_matches_golden_file(update_golden: bool) -> None:
    (chart,) = metric_charts(load_card(REPO / "cards" / "credit-risk" / "2.0.yaml").data["metrics"])
    actual = render(chart) + "\n"
    expected = GOLDEN / "charts" / "credit-risk-2.0.html"
    if update_golden:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((REPO / "cards").glob("*/*.yaml")), ids=lambda p: p.parent.name + "/" + p.stem)
def test_every_example_chart_keeps_its_points_inside_the_plot(path: Path) -> None:
    for chart in metric_charts(load_card(path).data.get("metrics", [])):
        for bar in chart.bars:
            xs = [bar.x, bar.x + bar.width, bar.dot, *(bar.whisker or ()), *([bar.threshold] if bar.threshold else [])]
            assert all(LABEL_WIDTH <= x <= LABEL_WIDTH + PLOT_WIDTH for x in xs), (chart.title, bar)

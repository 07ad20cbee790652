"""The metric history of a card page in Chromium: a version whose metric dropped beyond its confidence interval
is flagged in words, the charts pass axe in both palettes, and their <details> opens with the keyboard."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from helpers import REPO, run, serving

pytestmark = pytest.mark.browser

CARD = """\
id: {id}
name: {name}
version: "{version}"
status: draft
summary: Scores baskets at checkout.
description: Scores each basket before payment.
owners: [{{name: Ada Lovelace, email: ada@example.com, team: risk}}]
metrics:
{metrics}
"""

SCORER = {
    "1.0": [
        "name: roc_auc, value: 0.84, confidence_interval: [0.83, 0.85], threshold: 0.8",
        "name: roc_auc, value: 0.82, slice: new customers, confidence_interval: [0.80, 0.84], threshold: 0.78",
    ],
    "1.1": [  # new customers: 0.82 [0.80, 0.84] -> 0.74 [0.72, 0.76], below its threshold too
        "name: roc_auc, value: 0.85, confidence_interval: [0.84, 0.86], threshold: 0.8",
        "name: roc_auc, value: 0.74, slice: new customers, confidence_interval: [0.72, 0.76], threshold: 0.78",
    ],
}
RANKER = {  # better in every version: no regression
    "1.0": ["name: ndcg, value: 0.61, confidence_interval: [0.60, 0.62], threshold: 0.6"],
    "2.0": ["name: ndcg, value: 0.66, confidence_interval: [0.65, 0.67], threshold: 0.6"],
}


@pytest.fixture(scope="module")
def history_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example catalog with two more models, drafts shown: one whose newer version regressed, one that
    only improved."""
    root = tmp_path_factory.mktemp("history")
    shutil.copytree(REPO / "cards", root / "cards")
    shutil.copytree(REPO / "docs", root / "docs")
    config = (REPO / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        config.replace("      prefix: models\n", "      prefix: models\n      show_drafts: true\n")
    )
    for model_id, name, versions in (("scorer", "Basket scorer", SCORER), ("ranker", "Search ranker", RANKER)):
        (root / "cards" / model_id).mkdir()
        for version, metrics in versions.items():
            text = CARD.format(
                id=model_id, name=name, version=version, metrics="\n".join(f"  - {{{m}}}" for m in metrics)
            )
            (root / "cards" / model_id / f"{version}.yaml").write_text(text)
    done = run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")], root)
    assert done.returncode == 0, done.stderr
    with serving(root / "site") as url:
        yield url


def test_a_regression_is_flagged_in_words_and_the_history_is_open(page: Page, history_site_url: str) -> None:
    page.goto(history_site_url + "models/scorer/compare/")
    details = page.locator("details.mc-history")
    expect(details).to_have_attribute("open", "")
    expect(details.locator("summary")).to_have_text("2 measurements across 2 versions: ▼ 1 with a regression")
    expect(page.locator("#metric-history")).to_have_text("Metric history")
    charts = details.locator("figure.mc-chart--history")
    expect(charts).to_have_count(2)
    dropped = charts.nth(1)
    svg = dropped.locator("svg")
    expect(svg).to_be_visible()
    expect(svg).to_have_accessible_name("roc_auc, slice new customers, across versions")
    expect(svg).to_have_accessible_description(
        "Higher is better. 1.0: 0.82 (interval 0.8 – 0.84; threshold 0.78, met); "
        "1.1: 0.74 (interval 0.72 – 0.76; threshold 0.78, missed). "
        "▼ regression: 1.1 is worse than 1.0 beyond the confidence intervals. "
        "Dots: value; lines: confidence interval; axis from 0.7 to 0.85. "
        "Dashed line: threshold 0.78; missed by 1.1. Highlighted: version 1.1 (this page)."
    )
    flag = dropped.locator(".mc-chart__flags text")
    expect(flag).to_have_text("▼ regression")
    expect(flag).to_be_visible()
    # Under the version that regressed: the flag and 1.1's label share a column.
    label = dropped.locator(".mc-chart__labels text", has_text="1.1")
    flag_box, label_box = flag.bounding_box(), label.bounding_box()
    assert flag_box and label_box
    assert abs((flag_box["x"] + flag_box["width"] / 2) - (label_box["x"] + label_box["width"] / 2)) < 2
    assert flag_box["y"] > label_box["y"]
    expect(dropped.locator(".mc-chart__values text")).to_have_text("✗")  # 1.1 misses its threshold
    expect(charts.nth(0).locator(".mc-chart__flags text")).to_have_count(0)  # all data did not regress


def test_the_history_opens_with_the_keyboard(page: Page, history_site_url: str) -> None:
    page.goto(history_site_url + "models/ranker/compare/")
    details = page.locator("details.mc-history")
    expect(details).not_to_have_attribute("open", "")
    chart = details.locator("figure.mc-chart--history svg")
    expect(chart).to_be_hidden()
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('details.mc-history > summary')"):
            break
    else:
        pytest.fail("the metric history cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(chart).to_be_visible()
    expect(details.locator(".mc-chart__flags text")).to_have_count(0)
    page.keyboard.press("Space")
    expect(details).not_to_have_attribute("open", "")


def test_the_latest_version_sums_up_the_history_and_links_to_its_charts(page: Page, history_site_url: str) -> None:
    page.goto(history_site_url + "models/scorer/1.1/")
    summary = page.locator("#metric-history")
    expect(summary).to_contain_text("▼ 1 with a regression")
    expect(page.locator("figure.mc-chart--history")).to_have_count(0)
    summary.get_by_role("link", name="charts on the compare page").click()
    expect(page).to_have_url(
        re.compile(re.escape(history_site_url + "models/scorer/compare/") + r"\?.*#metric-history$")
    )
    expect(page.locator("details.mc-history")).to_have_attribute("open", "")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["models/scorer/compare/", "models/ranker/compare/"])
def test_no_accessibility_violations_in_either_palette(
    browser: Browser, history_site_url: str, scheme: str, path: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(history_site_url + path)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
    page.evaluate("document.querySelector('details.mc-history').open = true")
    expect(page.locator("figure.mc-chart--history svg").first).to_be_visible()
    results = Axe().run(page, context={"include": [["article"]]})
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    context.close()
    assert violations == []

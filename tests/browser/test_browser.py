"""What readers see, in a real Chromium driven by Playwright, on the built example catalog."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from helpers import REPO, run, serving, write_site

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
LOCAL = "http://127.0.0.1:"
"""Where the sites under test are served: any other request leaves the machine."""


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    with serving(example_site) as url:
        yield url


@pytest.fixture(scope="module")
def paged_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example catalog built with ``index_page_size: 4``: its 13 models take four pages of rows."""
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(REPO / "cards", root / "cards")
    shutil.copytree(REPO / "docs", root / "docs")
    config = (REPO / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        config.replace("      prefix: models\n", "      prefix: models\n      index_page_size: 4\n")
    )
    done = run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")], root)
    assert done.returncode == 0, done.stderr
    with serving(root / "site") as url:
        yield url


def latest_cards(example_site: Path) -> dict[str, dict]:
    data = json.loads((example_site / "models" / "catalog.json").read_text())
    return {model["id"]: model["versions"][0]["card"] for model in data["models"]}


def visible_models(page: Page) -> set[str]:
    paths = page.eval_on_selector_all(
        "tr[data-mc-row]:not([hidden]) td:first-child a", "links => links.map(a => new URL(a.href).pathname)"
    )
    return {path.strip("/").split("/")[1] for path in paths}


def count_of(page: Page, facet: str, value: str) -> int:
    label = page.locator(f'[data-mc-facet="{facet}"] label:has(input[value="{value}"]) [data-mc-count]')
    return int(label.inner_text())


def test_material_search_finds_a_model_by_a_word_of_its_description(page: Page, site_url: str) -> None:
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("upsampled", delay=30)
    result = page.locator(".md-search-result__item").first
    expect(result).to_contain_text("Acme Voice Transcriber", timeout=15_000)
    result.locator("a").first.click()
    expect(page).to_have_url(re.compile(re.escape(site_url + "models/speech-recognizer/2.1.0/") + r"(\?[^#]*)?(#.*)?$"))


def test_model_url_redirects_to_the_latest_version_keeping_the_hash(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/credit-risk/?from=chat#metrics")
    expect(page).to_have_url(site_url + "models/credit-risk/2.0/?from=chat#metrics")
    expect(page.locator("h1").first).to_contain_text("2.0")
    expect(page.locator("#metrics")).to_be_in_viewport()
    expect(page.locator(".mc-banner--info")).to_have_count(0)  # the latest version: no "newer version" banner


def test_facets_narrow_rows_update_counts_and_live_in_the_url(page: Page, site_url: str, example_site: Path) -> None:
    cards = latest_cards(example_site)
    page.goto(site_url + "models/")
    expect(page.locator("[data-mc-filters]")).to_be_visible()
    assert visible_models(page) == set(cards)

    page.locator('[data-mc-facet="risk"] input[value="high"]').check()
    high = {model_id for model_id, card in cards.items() if card.get("risk_tier") == "high"}
    assert visible_models(page) == high
    tabular_high = {m for m in high if cards[m]["task"] == "tabular-classification"}
    assert count_of(page, "task", "tabular-classification") == len(tabular_high)
    assert count_of(page, "risk", "low") == sum(card.get("risk_tier") == "low" for card in cards.values())

    page.locator('[data-mc-facet="task"] input[value="tabular-classification"]').check()
    assert visible_models(page) == tabular_high
    expect(page.locator("[data-mc-result-count]")).to_have_text(f"{len(tabular_high)} of {len(cards)} models")

    url = page.url
    assert "risk=high" in url and "task=tabular-classification" in url
    page.goto("about:blank")
    page.goto(url)
    expect(page.locator('[data-mc-facet="risk"] input[value="high"]')).to_be_checked()
    assert visible_models(page) == tabular_high

    page.locator("[data-mc-reset]").click()
    expect(page.locator("[data-mc-result-count]")).to_have_text(f"{len(cards)} models")
    assert visible_models(page) == set(cards)


def test_free_text_filter_and_sorting(page: Page, site_url: str, example_site: Path) -> None:
    cards = latest_cards(example_site)
    page.goto(site_url + "models/?filter=whisper")
    assert visible_models(page) == {
        m
        for m, c in cards.items()
        if "whisper" in " ".join(c.get("tags", [])).lower() or "whisper" in c.get("summary", "").lower()
    }
    page.goto(site_url + "models/")
    page.locator('th[data-mc-sort="updated"] button').click()
    expect(page.locator('th[data-mc-sort="updated"]')).to_have_attribute("aria-sort", "descending")
    dates = page.eval_on_selector_all("tr[data-mc-row]", "rows => rows.map(r => r.dataset.sortUpdated)")
    assert dates == sorted(dates, reverse=True)
    assert "sort=-updated" in page.url


def shown_rows(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "tr[data-mc-row]:not([hidden]) td:first-child a", "links => links.map(a => a.textContent)"
    )


def test_long_catalog_shows_rows_a_page_at_a_time(page: Page, paged_site_url: str, example_site: Path) -> None:
    cards = latest_cards(example_site)
    names = sorted((card["name"] for card in cards.values()), key=str.casefold)
    page.goto(paged_site_url + "models/")
    count, more, show_all = (
        page.locator(s) for s in ("[data-mc-result-count]", "[data-mc-more-rows]", "[data-mc-all-rows]")
    )
    expect(count).to_have_text(f"{len(cards)} models, showing the first 4")
    assert shown_rows(page) == names[:4]
    expect(more).to_have_text("Show 4 more")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "catalog-index-paged.png"), full_page=True)
    more.click()
    assert shown_rows(page) == names[:8]
    show_all.click()
    assert shown_rows(page) == names
    expect(page.locator("[data-mc-more]")).to_be_hidden()
    expect(count).to_have_text(f"{len(cards)} models")

    page.goto(paged_site_url + "models/?sort=-updated")  # the four newest first
    newest = sorted((str(card["updated"]) for card in cards.values()), reverse=True)[:4]
    assert (
        page.eval_on_selector_all("tr[data-mc-row]:not([hidden])", "rows => rows.map(r => r.dataset.sortUpdated)")
        == newest
    )
    show_all.click()
    page.locator("#mc-q").fill("a")  # a new filter starts again at one page
    expect(count).to_contain_text("showing the first 4")
    assert len(shown_rows(page)) == 4
    page.locator("#mc-q").fill("zzzz-no-such-model")
    expect(page.locator("[data-mc-empty]")).to_be_visible()
    expect(page.locator("[data-mc-more]")).to_be_hidden()


def test_catalog_works_with_the_keyboard_alone(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/")
    page.locator("#mc-q").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "high":
            break
    else:
        pytest.fail("the risk facet cannot be reached with Tab")
    page.keyboard.press("Space")
    expect(page.locator('[data-mc-facet="risk"] input[value="high"]')).to_be_checked()
    assert "risk=high" in page.url
    page.locator('th[data-mc-sort="name"] button').focus()
    page.keyboard.press("Enter")
    expect(page.locator('th[data-mc-sort="name"]')).to_have_attribute("aria-sort", "descending")


def test_card_page_shows_failures_first_chart_and_versions(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/credit-risk/1.0/")
    failures = page.locator("section.mc-failures")
    expect(failures).to_be_visible()
    assert failures.bounding_box()["y"] < page.locator("#metrics").bounding_box()["y"]
    chart = page.locator("figure.mc-chart svg").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 300
    expect(page.locator(".mc-banner--info")).to_contain_text("A newer version")
    versions = page.locator("ul.mc-versions li")
    expect(versions).to_have_count(2)
    page.locator("ul.mc-versions a", has_text="2.0").click()
    expect(page).to_have_url(site_url + "models/credit-risk/2.0/")
    expect(page.locator(".mc-banner--info")).to_have_count(0)


def test_instant_navigation_keeps_the_catalog_working(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.locator("nav.md-nav--primary a", has_text="Models").first.click()
    expect(page.locator("[data-mc-filters]")).to_be_visible()
    page.locator('[data-mc-facet="risk"] input[value="low"]').check()
    assert "risk=low" in page.url


def test_no_console_errors_on_any_page_and_screenshots(page: Page, site_url: str, example_site: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pages = sorted(p.relative_to(example_site).parent.as_posix() for p in example_site.rglob("index.html"))
    assert len(pages) > 30
    for path in pages:
        page.goto(site_url + ("" if path == "." else path + "/"))
    page.goto(site_url + "models/")
    page.screenshot(path=str(ARTIFACTS / "catalog-index.png"), full_page=True)
    page.goto(site_url + "models/image-classifier/1.0/")
    page.screenshot(path=str(ARTIFACTS / "card-page.png"), full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["models/", "models/credit-risk/2.0/", "models/speech-recognizer/2.1.0/"])
def test_no_serious_accessibility_violations(browser: Browser, site_url: str, scheme: str, path: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    expected = "slate" if scheme == "dark" else "default"
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
    results = Axe().run(page, context={"include": [["article"]]})
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []


IMAGES_AND_FOOTNOTES = """\
id: ocr
name: OCR
version: '1.2'
status: draft
owners: [{name: Ada Lovelace, email: ada@example.com}]
description: |
  Reads receipts[^source]. ![tracking pixel](https://tracker.evil.example/pixel.png)
  <img src=https://tracker.evil.example/raw.png alt="raw tag"> ![protocol-relative](//evil.example/p.png)
  ![chart](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==)

  [^source]: Measured on the 2025 receipts set.
"""


@pytest.fixture(scope="module")
def markdown_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("markdown")
    write_site(root, {"ocr/1.2.yaml": IMAGES_AND_FOOTNOTES}, plugin_options="cards_dir: cards\nshow_drafts: true")
    done = run([sys.executable, "-m", "mkdocs", "build"], root)
    assert done.returncode == 0, done.stderr
    with serving(root / "site") as url:
        yield url


def test_images_from_other_hosts_are_not_loaded_and_footnotes_link(browser: Browser, markdown_site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: request.url.startswith((LOCAL, "data:")) or outside.append(request.url))
    page.goto(markdown_site_url + "models/ocr/1.2/")
    markdown = page.locator(".mc-markdown").first
    expect(markdown.locator(".mc-blocked-image")).to_have_text(
        ["[image not shown: tracking pixel]", "[image not shown: raw tag]", "[image not shown: protocol-relative]"]
    )
    expect(markdown.locator("img")).to_have_count(1)  # the data: raster image stays
    assert outside == []
    markdown.locator("sup a").click()
    expect(page).to_have_url(re.compile(r"#mc-fn-[0-9a-f]{8}-source$"))
    expect(page.locator(":target")).to_contain_text("Measured on the 2025 receipts set.")
    context.close()

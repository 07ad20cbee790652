"""The catalog opened from the file system (file://), as people open a built site they were sent: with Material's
instant navigation, without it, and with Material's offline plugin, which is made for that. Links that name folders
(``use_directory_urls``, MkDocs' default) open a folder's listing from disk, so the site built for it, as the docs
say, has them off (the offline plugin turns them off itself); the index's filter works either way."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from compat.sites import EDIT_URL, Config, add_plugin, built, example_copy
from helpers import EXAMPLE_MODELS

pytestmark = pytest.mark.browser

SHIM = "https://unpkg.com/iframe-worker/shim"
"""The polyfill Material's offline plugin adds for file:// search: it is Material's, and this machine has no network,
so the test serves an empty script in its place."""


def for_disk(config: Config) -> None:
    config["use_directory_urls"] = False


def no_instant(config: Config) -> None:
    for_disk(config)
    config["theme"]["features"].remove("navigation.instant")


EDITS: dict[str, Callable[[Config], None] | None] = {
    "instant": for_disk,
    "no-instant": no_instant,
    "offline": lambda config: add_plugin(config, "offline"),
    "directory-urls": None,  # the example as it is
}
FOR_DISK = ["instant", "no-instant", "offline"]


@pytest.fixture(scope="module", params=list(EDITS))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp(f"file-{request.param}")
    return built(example_copy(root, EDITS[request.param])), request.param


def materials_search_index(message: str, site: Path, variant: str) -> bool:
    """Material's own search loads search/search_index.js from file://, which only its offline plugin writes: without
    that plugin, its failure to load is Material's, and no page of the catalog asks for it."""
    return variant != "offline" and (site / "search" / "search_index.js").as_uri() in message


def test_the_site_for_disk_names_files(site: tuple[Path, str]) -> None:
    html = (site[0] / "models" / "index.html").read_text()
    if site[1] in FOR_DISK:
        assert 'href="credit-risk/2.0/index.html"' in html
    else:
        assert 'href="credit-risk/2.0/"' in html


@pytest.fixture
def page(browser: Browser, site: tuple[Path, str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        text = f"{message.text} ({message.location.get('url')})"
        if message.type == "error" and not materials_search_index(text, *site):
            errors.append(text)

    def outside(route: Route) -> None:
        if route.request.url == SHIM:
            route.fulfill(body="", content_type="text/javascript")
        else:
            errors.append(f"outside request: {route.request.url}")
            route.abort()

    page.on("console", console)
    page.on("pageerror", lambda exc: materials_search_index(str(exc), *site) or errors.append(str(exc)))
    context.route(re.compile(r"^https?://"), outside)
    yield page
    context.close()
    assert errors == [], errors


def visible_models(page: Page) -> set[str]:
    hrefs = page.eval_on_selector_all(
        "tr[data-mc-row]:not([hidden]) td:first-child a", "links => links.map(a => a.getAttribute('href'))"
    )
    return {href.split("/")[0] for href in hrefs}


def filter_credit(page: Page, site: Path) -> None:
    """The index opened from the file system, its filter box given "credit": one model is left."""
    page.goto((site / "models" / "index.html").as_uri())
    expect(page.locator("[data-mc-filters]")).to_be_visible()  # catalog.js started: the form is hidden until then
    assert visible_models(page) == set(EXAMPLE_MODELS)
    page.locator("[data-mc-text]").press_sequentially("credit", delay=20)
    expect(page.locator("[data-mc-result-count]")).to_have_text(f"1 of {len(EXAMPLE_MODELS)} models")
    assert visible_models(page) == {"credit-risk"}


def test_filter_narrows_the_rows(page: Page, site: tuple[Path, str]) -> None:
    filter_credit(page, site[0])
    expect(page.locator("tr[data-mc-row]:not([hidden])")).to_have_count(1)


@pytest.mark.parametrize("site", FOR_DISK, indirect=True)
def test_a_rows_link_opens_the_card_page(page: Page, site: tuple[Path, str]) -> None:
    filter_credit(page, site[0])
    page.locator("tr[data-mc-row]:not([hidden]) td:first-child a").click()
    card = page.locator('[data-mc-card="credit-risk"][data-mc-version="2.0"]')
    expect(card, "the card page, not the folder's listing (file:// opens no index.html)").to_have_count(1)
    expect(page.get_by_role("link", name="Edit this card")).to_have_attribute("href", EDIT_URL)

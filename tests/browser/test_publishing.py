"""The catalog as readers reach it on a published site: through Material's instant navigation from the site's
other pages, and under a sub-path, as GitHub Pages serves a repository's site."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers import REPO, run, serving

pytestmark = pytest.mark.browser

PAGES_URL = "https://acme.github.io/model-catalog/"


def _catalog_styled(page: Page) -> bool:
    """Whether catalog.css applies: the index table's collapsed borders are its (the browser's default, and
    Material's for a table with a class, is separate)."""
    return bool(
        page.locator("[data-mc-table]").evaluate("table => getComputedStyle(table).borderCollapse === 'collapse'")
    )


def test_instant_navigation_into_the_catalog_starts_its_filter_and_styles(page: Page, tmp_path: Path) -> None:
    shutil.copytree(REPO / "cards", tmp_path / "cards")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    (tmp_path / "site").mkdir()
    with serving(tmp_path / "site") as url:
        # Material's instant navigation works only with a site_url, whose sitemap tells it the site's pages.
        (tmp_path / "mkdocs.yml").write_text(f"site_url: {url}\n" + (REPO / "mkdocs.yml").read_text())
        done = run([sys.executable, "-m", "mkdocs", "build", "--strict"], tmp_path)
        assert done.returncode == 0, done.stderr
        page.goto(url + "writing-cards/")  # a docs page: no catalog script or style sheet
        assert page.locator('script[src*="model-catalog/catalog.js"]').count() == 0
        assert page.locator('link[href*="model-catalog/catalog.css"]').count() == 0
        page.evaluate("window.__same_document = true")
        page.locator("nav.md-nav--primary a", has_text="Models").first.click()
        page.wait_for_url(re.compile(r"/models/$"))
        assert page.evaluate("window.__same_document === true"), "not an instant navigation"
        expect(page.locator("[data-mc-filters]")).to_be_visible()
        assert _catalog_styled(page)
        page.locator("[data-mc-text]").fill("credit")
        expect(page.locator("[data-mc-result-count]")).to_contain_text("1 of")
        # On to a card and back: the script runs again on the index and starts it once.
        page.locator("[data-mc-table] tbody a", has_text=re.compile("Credit", re.IGNORECASE)).first.click()
        page.wait_for_url(re.compile(r"/models/credit-risk/2\.0/$"))
        page.go_back()
        page.wait_for_url(re.compile(r"/models/(\?.*)?$"))
        expect(page.locator("[data-mc-filters]")).to_be_visible()
        page.locator("[data-mc-text]").fill("speech")
        expect(page.locator("[data-mc-result-count]")).to_contain_text("1 of")
        assert page.locator("[data-mc-filters]").count() == 1


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built with a GitHub Pages ``site_url``, put where a server serves it under ``/model-catalog/``."""
    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(REPO / "cards", root / "cards")
    shutil.copytree(REPO / "docs", root / "docs")
    config = (REPO / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(f"site_url: {PAGES_URL}\n" + config)
    site = root / "www" / "model-catalog"
    done = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], root)
    assert done.returncode == 0, done.stderr
    return root / "www"


def test_under_a_sub_path_links_redirects_and_the_sitemap_hold(page: Page, pages_site: Path) -> None:
    sitemap = (pages_site / "model-catalog" / "sitemap.xml").read_text()
    locations = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert f"{PAGES_URL}models/credit-risk/2.0/" in locations
    assert f"{PAGES_URL}models/credit-risk/" not in locations  # a redirect
    assert all(location.startswith(PAGES_URL) for location in locations)
    with serving(pages_site) as url:
        page.goto(url + "model-catalog/models/credit-risk/#metrics")
        page.wait_for_url(url + "model-catalog/models/credit-risk/2.0/#metrics")
        canonical = page.locator('link[rel="canonical"]').get_attribute("href")
        assert canonical == f"{PAGES_URL}models/credit-risk/2.0/"
        page.goto(url + "model-catalog/models/")
        expect(page.locator("[data-mc-filters]")).to_be_visible()
        page.locator("[data-mc-table] tbody a", has_text=re.compile("Credit", re.IGNORECASE)).first.click()
        page.wait_for_url(url + "model-catalog/models/credit-risk/2.0/")
        expect(page.locator(".mc-card h1")).to_contain_text("Credit")

"""Fixtures every tier shares: the golden-file switch, the example catalog built once, and one Chromium. Playwright
is imported only by the browser fixture, so tiers without a browser test never load it."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, REPO, run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the expected files of golden tests")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example catalog, built once into a temp dir; returns the site dir."""
    out = tmp_path_factory.mktemp("example-site")
    done = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], REPO)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session, for every tier that drives one (Playwright allows one driver per process)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the tests with ./dev test, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


LOCAL_URLS = ("http://127.0.0.1:", "data:", "file:", "about:")
"""Where a page of the site may load from in the browser tests: the local server, data: URLs, the files of a site
opened from disk."""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context that fails its test on any script error, console error or request that leaves the
    machine (a catalog page makes none)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda request: request.url.startswith(LOCAL_URLS) or errors.append(f"outside request: {request.url}"),
    )
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection the test tries fails it: exports are read back with the libraries' own files, never
    with a schema or JSON-LD context fetched online."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

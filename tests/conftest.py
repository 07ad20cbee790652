"""Fixtures every tier shares: the golden-file switch and the example catalog built once. No browser here: the
browser tier's own conftest (browser/conftest.py) brings Playwright."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import REPO, run


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

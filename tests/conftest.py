"""Shared fixtures: the repository, the CLI as a subprocess, real MkDocs builds in temp dirs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the expected files of golden tests")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def run(
    args: list[str], cwd: Path, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True, text=True, timeout=timeout)


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `model-catalog` command, run as users run it (after ``prefix``, such as ``setpriv ...``)."""
    return run([*(prefix or []), sys.executable, "-m", "model_catalog", *args], cwd, env=env)


def mkdocs_build(site_root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build` of the site in `site_root`."""
    return run([sys.executable, "-m", "mkdocs", "build", *extra], site_root, env=env)


REGISTRY = """\
approvers:
  - name: Rita Reviewer
    email: rita@example.com
    roles: [ml-lead]
"""


def with_approval(text: str, approver: str = "Rita Reviewer", role: str = "ml-lead", date: str = "2025-02-02") -> str:
    """`text` (a card) with an unsigned approval of its current content appended."""
    from model_catalog.cards.digest import content_digest
    from model_catalog.cards.values import without_empty

    digest = content_digest(without_empty(yaml.safe_load(text)))
    return text + f"approvals:\n  - {{approver: {approver}, role: {role}, date: {date}, digest: '{digest}'}}\n"


def write_site(
    root: Path,
    cards: dict[str, str] | None = None,
    plugin_options: str = "",
    extra_config: str = "",
    copy_example_cards: bool = False,
    registry: str | None = REGISTRY,
) -> Path:
    """A small MkDocs site in `root` whose cards are `cards` ({relative path: YAML text})."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    if registry is not None and cards:
        (root / "cards").mkdir(exist_ok=True)
        (root / "cards" / "APPROVERS.yaml").write_text(registry)
    (root / "docs" / "index.md").write_text("# Home\n\nWelcome.\n")
    if copy_example_cards:
        shutil.copytree(REPO / "cards", root / "cards")
    for name, text in (cards or {}).items():
        path = root / "cards" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    options = textwrap.indent(textwrap.dedent(plugin_options).strip(), "      ")
    (root / "mkdocs.yml").write_text(
        "site_name: Test catalog\n"
        "repo_url: https://git.example.com/ml/catalog\n"
        "edit_uri: edit/main/docs/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - model-catalog:\n"
        f"{options or '      cards_dir: cards'}\n"
        f"{textwrap.dedent(extra_config)}"
    )
    return root


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example catalog, built once into a temp dir; returns the site dir."""
    out = tmp_path_factory.mktemp("example-site")
    done = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], REPO)
    assert done.returncode == 0, done.stderr
    return out


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, one for the whole session (Playwright allows one driver)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the tests with ./dev test, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

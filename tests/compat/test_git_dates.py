"""mkdocs-git-revision-date-localized-plugin: a card page shows when its card's YAML was committed, not the build's
day (a generated page has no Markdown file in git, so the plugin needs to be told which file the page comes from)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from compat.sites import add_plugin, built, example_copy
from helpers import ENV

FIRST = "2024-06-01T12:00:00+00:00"
"""When everything but credit-risk 2.0 was committed."""
SECOND = "2025-03-04T12:00:00+00:00"
"""When cards/credit-risk/2.0.yaml was committed."""


def commit(root: Path, date: str, *paths: str) -> None:
    git = ["git", "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com"]
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for args in (["add", "--", *paths], ["commit", "-q", "-m", f"Cards as of {date}"]):
        subprocess.run([*git, *args], cwd=root, env={**ENV, **env}, check=True, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plugin = {"git-revision-date-localized": {"enable_creation_date": True, "type": "date"}}
    root = example_copy(tmp_path_factory.mktemp("git-dates"), lambda config: add_plugin(config, plugin))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, capture_output=True)
    (root / ".gitignore").write_text("/site/\n/.model-catalog-cache/\n")
    commit(root, FIRST, ".", ":!cards/credit-risk/2.0.yaml")
    commit(root, SECOND, "cards/credit-risk/2.0.yaml")
    return built(root)


def shown_dates(page: Path) -> list[str]:
    """The dates the plugin put on `page`: last change and creation, each as the plugin writes it."""
    return re.findall(r'<span class="git-revision-date-localized-plugin [^"]*"[^>]*>([^<]+)</span>', page.read_text())


def test_card_page_shows_when_its_yaml_was_committed(site: Path) -> None:
    assert shown_dates(site / "models" / "credit-risk" / "2.0" / "index.html") == ["March 4, 2025"] * 2


def test_older_version_shows_its_own_commit(site: Path) -> None:
    assert shown_dates(site / "models" / "credit-risk" / "1.0" / "index.html") == ["June 1, 2024"] * 2
    assert shown_dates(site / "review" / "index.html") == ["June 1, 2024"] * 2  # a Markdown page, as a control

"""Backstage's mkdocs-techdocs-core beside the catalog, in its own virtualenv (it pins its own mkdocs-material).
techdocs-core builds from a temp copy of the docs (through mkdocs-monorepo-plugin): the catalog must not leak that
copy's path into its links nor lose what it keeps out of search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compat.sites import EDIT_URL, TECHDOCS_BIN, Config, built, catalog_options, edit_link, example_copy


@pytest.fixture(scope="module", params=["mkdocs-search", "material-search"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built with techdocs-core's default search (MkDocs' own, which ignores ``search: exclude``) and with
    ``use_material_search: true``."""
    if not (TECHDOCS_BIN / "mkdocs").is_file():
        pytest.fail(f"{TECHDOCS_BIN.parent} is missing: run the tests with ./dev test, which makes it")
    techdocs: object = (
        {"techdocs-core": {"use_material_search": True}} if request.param == "material-search" else "techdocs-core"
    )

    def edit(config: Config) -> None:
        config["plugins"] = [techdocs, {"model-catalog": catalog_options(config)}]

    return built(example_copy(tmp_path_factory.mktemp("techdocs"), edit), venv_bin=TECHDOCS_BIN)


def test_edit_link_points_at_the_card_yaml_in_the_repository(site: Path) -> None:
    assert edit_link((site / "models" / "credit-risk" / "2.0" / "index.html").read_text()) == EDIT_URL


def test_only_the_latest_version_is_in_search(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    locations = [doc["location"] for doc in docs]
    assert any(location.startswith("models/credit-risk/2.0/") for location in locations)
    assert [location for location in locations if location.startswith("models/credit-risk/1.0/")] == []

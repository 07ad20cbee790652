"""mkdocs-static-i18n beside the catalog: one catalog per language, in both layouts and both plugin orders."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat.sites import EDIT_URL, Config, add_plugin, built, edit_link, example_copy, page_lang

LANGUAGES = [
    {"locale": "en", "default": True, "name": "English", "build": True},
    {"locale": "fr", "name": "Français", "build": True},
]


@pytest.fixture(
    scope="module",
    params=[("suffix", True), ("suffix", False), ("folder", True), ("folder", False)],
    ids=["suffix-i18n-first", "suffix-i18n-last", "folder-i18n-first", "folder-i18n-last"],
)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with two languages, French with a home page of its own, built with --strict."""
    structure, i18n_first = request.param

    def edit(config: Config) -> None:
        add_plugin(config, {"i18n": {"docs_structure": structure, "languages": LANGUAGES}}, before_catalog=i18n_first)
        # The plugin's docs: Material's language switcher does not work with instant navigation, and it warns.
        config["theme"]["features"].remove("navigation.instant")

    root = example_copy(tmp_path_factory.mktemp(f"i18n-{structure}"), edit)
    docs = root / "docs"
    if structure == "folder":
        (docs / "en").mkdir()
        for page in docs.glob("*.md"):
            page.rename(docs / "en" / page.name)
        (docs / "fr").mkdir()
        (docs / "fr" / "index.md").write_text("# Catalogue des modèles\n\nBienvenue.\n")
    else:
        (docs / "index.fr.md").write_text("# Catalogue des modèles\n\nBienvenue.\n")
    return built(root)


@pytest.mark.parametrize(("folder", "lang"), [("", "en"), ("fr/", "fr")])
def test_catalog_is_built_once_per_language_in_that_language(site: Path, folder: str, lang: str) -> None:
    card = site / f"{folder}models/credit-risk/2.0/index.html"
    index = site / f"{folder}models/index.html"
    assert card.is_file() and index.is_file(), sorted(p.relative_to(site).as_posix() for p in site.glob("**/models"))
    html = card.read_text()
    assert page_lang(html) == lang and page_lang(index.read_text()) == lang
    assert "Acme Pay Later Credit Risk Model" in html
    assert edit_link(html) == EDIT_URL
    assert (site / f"{folder}models/credit-risk/1.0/index.html").is_file()


def test_french_home_page_is_the_translated_one(site: Path) -> None:
    home = (site / "fr" / "index.html").read_text()
    assert page_lang(home) == "fr" and "Catalogue des modèles" in home
    assert not (site / "fr" / "fr").exists() and not (site / "models" / "fr").exists()

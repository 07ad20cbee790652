"""mkdocs-macros-plugin: it renders Jinja in every page's Markdown; the catalog's pages and the docs pages that show
Jinja or GitHub Actions expressions as text must come out as written."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from compat.sites import add_plugin, built, example_copy
from helpers import REPO, card, with_approval, write_site

EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def test_docs_pages_show_their_expressions_as_written(tmp_path: Path) -> None:
    site = built(example_copy(tmp_path, lambda config: add_plugin(config, "macros")))
    docs = REPO / "docs"
    sources = {path: EXPRESSION.findall(path.read_text()) for path in sorted(docs.rglob("*.md"))}
    assert any(sources.values())  # the docs do show some (customising.md, review.md)
    for path, expressions in sources.items():
        url = path.relative_to(docs).with_suffix("")
        built_page = site / (url.parent if url.name == "index" else url) / "index.html"
        text = html.unescape(built_page.read_text())
        missing = [expression for expression in expressions if expression not in text]
        assert missing == [], f"{url}.md: rendered by macros, not shown: {missing[:5]}"


@pytest.mark.parametrize("macros_first", [True, False], ids=["macros-first", "macros-last"])
def test_card_text_is_not_rendered_as_jinja(tmp_path: Path, macros_first: bool) -> None:
    text = with_approval(card(approved=False).replace("Scores each payment.", "Scores each payment {{ 7 * 7 }} times."))
    root = write_site(tmp_path, {"fraud/1.0.yaml": text})
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    add_plugin(config, "macros", before_catalog=macros_first)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    page = (built(root) / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "Scores each payment {{ 7 * 7 }} times." in page
    assert "Scores each payment 49 times." not in page

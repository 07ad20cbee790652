"""mkdocs-minify-plugin: catalog pages minify like any other; the catalog's own script is not the minifier's."""

from __future__ import annotations

from pathlib import Path

from compat.sites import EDIT_URL, add_plugin, build, built, edit_link, example_copy, log_records

MINIFY = {"minify_html": True, "minify_js": True, "minify_css": True}


def test_catalog_pages_are_minified_and_keep_their_links(tmp_path: Path) -> None:
    site = built(example_copy(tmp_path, lambda config: add_plugin(config, {"minify": MINIFY}, before_catalog=False)))
    for page in ("models/credit-risk/2.0/index.html", "models/index.html"):
        html = (site / page).read_text()
        assert html.startswith("<!doctype html><html lang=en") and html.count("\n") < 5, page  # minify-html's output
        assert "\n    <" not in html
    assert edit_link((site / "models/credit-risk/2.0/index.html").read_text()) == EDIT_URL
    assert "data-mc-filters" in (site / "models/index.html").read_text()


def test_minifying_the_catalogs_script_is_refused_in_one_paragraph(tmp_path: Path) -> None:
    options = {**MINIFY, "js_files": ["assets/model-catalog/catalog.js"]}
    root = example_copy(tmp_path, lambda config: add_plugin(config, {"minify": options}, before_catalog=False))
    done = build(root)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    about = [record for record in log_records(done.stderr) if "js_files" in record]
    assert len(about) == 1, done.stderr[-3000:]
    assert "assets/model-catalog/" in about[0] and "\n\n" not in about[0].strip(), about[0]

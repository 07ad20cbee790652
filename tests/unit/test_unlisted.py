"""Catalog pages kept out of the search index files and the sitemap, whichever plugin wrote them."""

from __future__ import annotations

import json
from pathlib import Path

from model_catalog.site.unlisted import drop_from_search_index, drop_from_sitemap

DOCS = [
    {"location": "", "title": "Home", "text": "Welcome"},
    {"location": "models/fraud/2.0/", "title": "Fraud 2.0", "text": "latest"},
    {"location": "models/fraud/2.0/#metrics", "title": "Metrics", "text": "auc"},
    {"location": "models/fraud/1.0/", "title": "Fraud 1.0", "text": "older"},
    {"location": "models/fraud/1.0/#metrics", "title": "Metrics", "text": "older auc"},
    {"location": "models/fraud/1.0/x/", "title": "Not the page", "text": "a page under it"},
]


def _write_index(site: Path) -> None:
    (site / "search").mkdir(parents=True)
    index = {"config": {"lang": ["en"]}, "docs": DOCS}
    (site / "search" / "search_index.json").write_text(json.dumps(index))
    (site / "search" / "search_index.js").write_text("var __index = " + json.dumps(index))


def test_the_pages_and_their_sections_leave_both_index_files(tmp_path: Path) -> None:
    _write_index(tmp_path)
    assert drop_from_search_index(tmp_path, ["models/fraud/1.0/"]) == 4  # two entries in each of the two files
    kept = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert [doc["location"] for doc in kept["docs"]] == [
        "",
        "models/fraud/2.0/",
        "models/fraud/2.0/#metrics",
        "models/fraud/1.0/x/",
    ]
    assert kept["config"] == {"lang": ["en"]}
    script = (tmp_path / "search" / "search_index.js").read_text()
    assert script.startswith("var __index = ")
    assert json.loads(script.removeprefix("var __index = ")) == kept
    assert (tmp_path / "search" / "search_index.json").stat().st_mode & 0o777 == 0o644


def test_a_site_without_an_index_or_with_another_format_is_left_alone(tmp_path: Path) -> None:
    assert drop_from_search_index(tmp_path, ["models/fraud/1.0/"]) == 0
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("[1, 2]")
    (tmp_path / "search" / "search_index.js").write_text("window.index = {}")
    assert drop_from_search_index(tmp_path, ["models/fraud/1.0/"]) == 0
    assert (tmp_path / "search" / "search_index.json").read_text() == "[1, 2]"
    assert (tmp_path / "search" / "search_index.js").read_text() == "window.index = {}"


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
         <loc>https://catalog.example.com/docs/models/fraud/</loc>
         <lastmod>2025-01-01</lastmod>
    </url>
    <url>
         <loc>https://catalog.example.com/docs/models/fraud/2.0/</loc>
    </url>
    <url>
         <loc>https://catalog.example.com/docs/x/models/fraud/</loc>
    </url>
</urlset>"""


def test_the_sitemap_loses_exactly_the_urls_named() -> None:
    xml = drop_from_sitemap(SITEMAP, ["models/fraud/"], "https://catalog.example.com/docs/")
    assert "<loc>https://catalog.example.com/docs/models/fraud/</loc>" not in xml
    assert "<loc>https://catalog.example.com/docs/models/fraud/2.0/</loc>" in xml
    assert "<loc>https://catalog.example.com/docs/x/models/fraud/</loc>" in xml
    assert xml.startswith('<?xml version="1.0"') and xml.endswith("</urlset>")
    assert drop_from_sitemap(SITEMAP, [], "https://catalog.example.com/docs/") == SITEMAP

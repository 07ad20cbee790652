"""The compare pages in real `mkdocs build` runs: a model's versions side by side (`models/<id>/compare/`), the models
picked on the index (`models/compare/`), their URLs, their place outside the nav and the search, the card data the
first one holds as JSON (hostile text included), and the ids and versions the site reserves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from helpers import EXAMPLE_MODELS, card, mkdocs_build, run_cli, write_site
from xss_cards import MODEL, PAYLOADS, version_of, write_hostile_site

MULTI_VERSION = {"credit-risk", "toxicity-classifier"}
"""The example's models with more than one published version."""
DATA = re.compile(r'<script type="application/json" data-mc-compare-data>(.*?)</script>', re.DOTALL)


def article(page: Path) -> str:
    return page.read_text().split("<article", 1)[1].split("</article>", 1)[0]


def embedded(page: Path) -> dict:
    found = DATA.findall(page.read_text())
    assert len(found) == 1, page
    data: dict = json.loads(found[0])
    return data


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text())
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_a_model_with_versions_has_a_compare_page_holding_each_versions_card_json(example_site: Path) -> None:
    models = example_site / "models"
    assert {path.parent.parent.name for path in models.glob("*/compare/index.html")} == MULTI_VERSION
    for model_id in set(EXAMPLE_MODELS) - MULTI_VERSION:
        assert not (models / model_id / "compare").exists()
    page = models / "credit-risk" / "compare" / "index.html"
    data = embedded(page)
    assert data["id"] == "credit-risk"
    assert [entry["version"] for entry in data["versions"]] == ["2.0", "1.0"]
    for entry in data["versions"]:
        assert entry["card"] == json.loads((models / "credit-risk" / entry["version"] / "card.json").read_text())
        assert entry["href"] == f"../{entry['version']}/"
    html = article(page)
    assert "<title>Compare versions of Acme Pay Later Credit Risk Model" in page.read_text()
    # Two labelled selects, the previous version as A and the newest as B; hidden until the script shows them.
    assert (
        '<label for="mc-compare-a">Version A</label>' in html and '<label for="mc-compare-b">Version B</label>' in html
    )
    assert re.search(r'<select id="mc-compare-a"[^>]*>.*?<option value="1\.0" selected>', html, re.DOTALL)
    assert re.search(r'<select id="mc-compare-b"[^>]*>\s*<option value="2\.0" selected>', html)
    # Without the script: it says so and links to each version.
    assert "needs JavaScript" in html
    assert '<a href="../2.0/">' in html and '<a href="../1.0/">' in html
    assert html.rstrip().endswith('<script src="../../../assets/model-catalog/compare.js"></script>')
    assert "catalog.js" not in html


def test_each_version_links_to_the_comparison_with_its_predecessor(example_site: Path) -> None:
    models = example_site / "models"
    for version in ("1.0", "2.0"):  # the oldest has no predecessor: it is compared with the next one
        html = (models / "toxicity-classifier" / version / "index.html").read_text()
        assert '<a href="../compare/?a=1.0&amp;b=2.0">Compare versions</a>' in html
    assert "Compare versions</a>" not in (models / "image-classifier" / "1.0" / "index.html").read_text()


def test_the_index_lets_readers_pick_models_for_the_page_of_models(example_site: Path) -> None:
    models = example_site / "models"
    html = article(models / "index.html")
    assert 'data-mc-compare-href="compare/"' in html
    assert "data-mc-compare-go disabled>Compare selected (0)</button>" in html
    picks = re.findall(
        r'<input type="checkbox" class="mc-select" data-mc-select value="([^"]+)" aria-label="([^"]+)"', html
    )
    assert len(picks) == len(EXAMPLE_MODELS)
    assert ("credit-risk@2.0", "Select Acme Pay Later Credit Risk Model to compare") in picks
    page = article(models / "compare" / "index.html")
    assert 'data-mc-card-json="../{id}/{version}/card.json"' in page
    assert 'data-mc-card-page="../{id}/{version}/"' in page
    assert "needs JavaScript" in page and '<a href="../">catalog index</a>' in page
    assert page.rstrip().endswith('<script src="../../assets/model-catalog/compare.js"></script>')


def test_compare_pages_are_neither_in_the_nav_nor_in_the_search(example_site: Path) -> None:
    pages = ["models/compare/"] + [f"models/{model_id}/compare/" for model_id in sorted(MULTI_VERSION)]
    assert not set(pages) & search_locations(example_site)
    for page in ["index.html", *(f"{page}index.html" for page in pages)]:
        nav = (example_site / page).read_text().split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        assert "compare" not in nav.lower(), page
    html = (example_site / "models" / "credit-risk" / "compare" / "index.html").read_text()
    assert re.search(r'data-md-type="navigation"\s+hidden', html) and re.search(r'data-md-type="toc"\s+hidden', html)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_urls_follow_the_prefix_and_use_directory_urls(tmp_path: Path, directory_urls: bool) -> None:
    write_site(
        tmp_path,
        {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0"), "churn/1.0.yaml": card(id="churn")},
        plugin_options="cards_dir: cards\nprefix: catalog/ml",
        extra_config="" if directory_urls else "use_directory_urls: false\n",
    )
    done = mkdocs_build(tmp_path, "--strict")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    folder = site / "catalog" / "ml"
    index = "" if directory_urls else "index.html"
    assert (folder / "fraud" / "compare" / "index.html").is_file()
    assert not (folder / "churn" / "compare").exists()
    data = embedded(folder / "fraud" / "compare" / "index.html")
    assert [entry["href"] for entry in data["versions"]] == [f"../2.0/{index}", f"../1.0/{index}"]
    assert (
        f'<a href="../compare/{index}?a=1.0&amp;b=2.0">Compare versions</a>'
        in (folder / "fraud" / "2.0" / "index.html").read_text()
    )
    assert f'data-mc-compare-href="compare/{index}"' in (folder / "index.html").read_text()
    page = (folder / "compare" / "index.html").read_text()
    assert 'data-mc-card-json="../{id}/{version}/card.json"' in page
    assert f'data-mc-card-page="../{{id}}/{{version}}/{index}"' in page
    assert f'<a href="../{index}">catalog index</a>' in page
    located = {"catalog/ml/compare/", "catalog/ml/fraud/compare/"} if directory_urls else set()
    located |= {"catalog/ml/compare/index.html", "catalog/ml/fraud/compare/index.html"} if not directory_urls else set()
    assert not located & search_locations(site)


def test_drafts_get_a_comparison_only_when_they_are_shown(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0", status="draft")})
    assert mkdocs_build(tmp_path).returncode == 0
    models = tmp_path / "site" / "models"
    assert not (models / "fraud" / "compare").exists()
    assert not (models / "compare").exists()  # one model: nothing to pick
    assert "Compare versions" not in (models / "fraud" / "1.0" / "index.html").read_text()
    assert "data-mc-select" not in (models / "index.html").read_text()
    write_site(tmp_path, {}, plugin_options="cards_dir: cards\nshow_drafts: true")
    assert mkdocs_build(tmp_path).returncode == 0
    assert [entry["version"] for entry in embedded(models / "fraud" / "compare" / "index.html")["versions"]] == [
        "2.0",
        "1.0",
    ]


def test_hostile_text_in_the_embedded_json_stays_data(tmp_path: Path) -> None:
    """Every payload of the XSS corpus, a version each: the script element's text has no <, > or &, ends where
    the page's own </script> ends it, and parses back to each version's card.json."""
    assert "</script><script>alert(1)</script>" in PAYLOADS
    write_hostile_site(tmp_path)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "site" / "models" / MODEL
    html = (folder / "compare" / "index.html").read_text()
    start = html.index('<script type="application/json" data-mc-compare-data>') + len(
        '<script type="application/json" data-mc-compare-data>'
    )
    text = html[start : html.index("</script>", start)]
    assert not set(text) & {"<", ">", "&"}
    assert html[start + len(text) :].startswith("</script></template>\n")
    # The changes and the history the page lists in its HTML hold the same text, escaped.
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = json.loads(text)
    assert len(data["versions"]) == len(PAYLOADS)
    by_version = {entry["version"]: entry["card"] for entry in data["versions"]}
    for index, payload in enumerate(PAYLOADS):
        card_json = json.loads((folder / version_of(index) / "card.json").read_text())
        assert by_version[version_of(index)] == card_json
        assert card_json["summary"] == payload
    # Elsewhere the page names the model as any card page does: escaped.
    assert f'<h1 id="compare">Compare versions of {escape(PAYLOADS[-1][:120])}</h1>' in html
    assert "<script>alert" not in html.replace(text, "")


def test_an_id_or_version_the_site_reserves_is_a_located_error(tmp_path: Path) -> None:
    compare = card(id="compare", name="Compare", approved=False)
    version = card(id="fraud", version="Compare", approved=False)
    write_site(
        tmp_path, {"compare/1.0.yaml": compare, "problems/1.0.yaml": card(id="problems"), "fraud/x.yaml": version}
    )
    done = mkdocs_build(tmp_path)
    assert done.returncode != 0
    assert (
        "cards/compare/1.0.yaml:1:5: id: the id 'compare' is reserved for a page of the catalog itself "
        "(models/compare/ with the default prefix); choose another id"
    ) in done.stderr
    assert "cards/problems/1.0.yaml:1:5: id: the id 'problems' is reserved" in done.stderr
    assert (
        "cards/fraud/x.yaml:3:10: version: the version 'Compare' is reserved for the page that compares" in done.stderr
    )
    assert "Traceback" not in done.stderr
    validated = run_cli("validate", cwd=tmp_path)
    assert (
        validated.returncode != 0 and "cards/compare/1.0.yaml:1:5: id: the id 'compare' is reserved" in validated.stdout
    )

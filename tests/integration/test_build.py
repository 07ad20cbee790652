"""Real `mkdocs build` runs: the example catalog, the build gate, drafts, overrides, extensions."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from helpers import CARD, EXAMPLE_MODELS, REPO, card, mkdocs_build, with_approval, write_site
from model_catalog.formats import catalog_json

PUBLISHED = set(EXAMPLE_MODELS)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


def local_links(page: Path, site: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text())
    url = page.relative_to(site).as_posix()
    found = []
    for href in parser.hrefs:
        if urlsplit(href).scheme or href.startswith(("#", "//")):
            continue
        target = urlsplit(urljoin(url, href)).path.lstrip("/")
        found.append(target)
    return found


def resolves(site: Path, target: str) -> bool:
    path = site / target
    return path.is_file() or (path / "index.html").is_file()


def latest_versions(site: Path) -> dict[str, str]:
    """Each published model's latest version, from the site's catalog.json."""
    data = json.loads((site / "models" / "catalog.json").read_text())
    return {model["id"]: model["latest_version"] for model in data["models"]}


def redirect_target(html: str) -> str:
    """Where a redirect file sends readers; its refresh, canonical link, script and fallback link must agree."""
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    script = re.search(r'<script>location\.replace\("([^"]+)" \+ location\.search \+ location\.hash\);</script>', html)
    fallback = re.search(r'<a href="([^"]+)">Go to the latest version', html)
    assert refresh and canonical and script and fallback, html
    assert refresh[1] == canonical[1] == script[1] == fallback[1], html
    assert '<meta name="robots" content="noindex">' in html and "<article" not in html
    return refresh[1]


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text())
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_index_lists_every_published_model_and_no_draft(example_site: Path) -> None:
    html = (example_site / "models" / "index.html").read_text()
    rows = re.findall(r"<tr data-mc-row", html)
    assert len(rows) == len(PUBLISHED)
    for model_id, version in latest_versions(example_site).items():
        assert f'href="{model_id}/{version}/"' in html  # straight to the latest version, not through the redirect
    assert "support-ticket-router" not in html
    assert not (example_site / "models" / "support-ticket-router").exists()
    assert 'data-mc-facet="task"' in html and 'data-mc-facet="risk"' in html


def test_each_model_has_one_page_per_version_and_a_redirect_to_the_latest(example_site: Path) -> None:
    latest = latest_versions(example_site)
    assert set(latest) == PUBLISHED
    searchable = search_locations(example_site)
    for model_id in PUBLISHED:
        versions = {path.stem for path in (REPO / "cards" / model_id).glob("*.yaml")}
        folder = example_site / "models" / model_id
        pages = {path.parent.relative_to(folder).as_posix() for path in folder.rglob("index.html")}
        compare = {"compare"} if len(versions) > 1 else set()  # the versions side by side (test_compare_pages.py)
        assert pages == versions | {"."} | compare, model_id
        for version in versions:
            assert (folder / version / "card.json").is_file()
            assert (f"models/{model_id}/{version}/" in searchable) == (version == latest[model_id]), version
        assert redirect_target((folder / "index.html").read_text()) == f"{latest[model_id]}/"
        assert f"models/{model_id}/" not in searchable


def test_card_page_renders_every_section_failures_first(example_site: Path) -> None:
    html = (example_site / "models" / "image-classifier" / "1.0" / "index.html").read_text()
    sections = [
        "where-it-fails",
        "description",
        "intended-use",
        "metrics",
        "factors",
        "evaluation-data",
        "training-data",
        "ethical-considerations",
        "caveats",
        "model-details",
        "lineage",
        "environmental-impact",
        "links",
        "owners",
        "approvals",
        "versions",
    ]
    positions = [html.index(f'id="{section}"') for section in sections]
    assert positions == sorted(positions)
    assert "May misclassify rare images" in html
    assert html.index("May misclassify rare images") < html.index('id="description"')
    assert (
        '<svg class="mc-chart__svg"' in html
        and 'aria-labelledby="mc-chart-0-title"' in html
        and '<span id="mc-chart-0-desc">' in html
    )
    assert "0.92" in html


def test_old_versions_say_a_newer_one_exists_and_deprecated_ones_say_so(example_site: Path) -> None:
    old = (example_site / "models" / "credit-risk" / "1.0" / "index.html").read_text()
    assert "A newer version of" in old and "Go to version 2.0" in old
    assert "mc-banner--warning" in old and "Deprecated:" in old
    new = (example_site / "models" / "credit-risk" / "2.0" / "index.html").read_text()
    assert "A newer version of" not in new


def test_lineage_links_both_ways(example_site: Path) -> None:
    detector = (example_site / "models" / "object-detector" / "1.0" / "index.html").read_text()
    assert re.search(r'Built on: <a href="\.\./\.\./image-classifier/1\.0/">', detector)
    base = (example_site / "models" / "image-classifier" / "1.0" / "index.html").read_text()
    assert re.search(r'<a href="\.\./\.\./object-detector/1\.0/">', base)


def test_every_local_link_on_catalog_pages_resolves(example_site: Path) -> None:
    pages = list((example_site / "models").rglob("index.html"))
    assert len(pages) > 20
    for page in pages:
        for target in local_links(page, example_site):
            assert resolves(example_site, target), f"{page}: broken link {target}"


def test_no_link_goes_through_a_redirect(example_site: Path) -> None:
    stubs = {
        path.parent.relative_to(example_site).as_posix()
        for path in example_site.rglob("index.html")
        if '<meta http-equiv="refresh"' in path.read_text()
    }
    assert stubs == {f"models/{model_id}" for model_id in PUBLISHED}
    redirects = {f"{stub}/" for stub in stubs} | {f"{stub}/index.html" for stub in stubs} | stubs
    for page in example_site.rglob("*.html"):
        if page.parent.relative_to(example_site).as_posix() not in stubs:
            assert not set(local_links(page, example_site)) & redirects, page
    assert not search_locations(example_site) & redirects
    urls = [
        v["url"]
        for model in json.loads((example_site / "models" / "catalog.json").read_text())["models"]
        for v in model["versions"]
    ]
    assert not set(urls) & redirects


def test_card_pages_are_not_in_the_navigation(example_site: Path) -> None:
    for page, index_href in [
        (example_site / "index.html", "models/"),
        (example_site / "models" / "credit-risk" / "2.0" / "index.html", "../../"),
    ]:
        nav = page.read_text().split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        assert "credit-risk" not in nav and "image-classifier" not in nav
        assert f'href="{index_href}"' in nav  # the index is in the navigation


def test_card_tags_work_with_materials_tags_plugin(example_site: Path) -> None:
    html = (example_site / "models" / "credit-risk" / "2.0" / "index.html").read_text()
    assert '<span class="md-tag">credit</span>' in html and '<span class="md-tag">regulated</span>' in html


def test_edit_link_points_at_the_card_yaml(example_site: Path) -> None:
    html = (example_site / "models" / "credit-risk" / "2.0" / "index.html").read_text()
    assert 'href="https://git.acme.example/ml/model-catalog/edit/main/cards/credit-risk/2.0.yaml"' in html


def test_catalog_json_holds_every_version(example_site: Path) -> None:
    data = json.loads((example_site / "models" / "catalog.json").read_text())
    models = {model["id"]: model for model in data["models"]}
    assert set(models) == PUBLISHED
    assert [v["card"]["version"] for v in models["credit-risk"]["versions"]] == ["2.0", "1.0"]
    assert models["credit-risk"]["latest_version"] == "2.0"
    card = json.loads((example_site / "models" / "image-classifier" / "1.0" / "card.json").read_text())
    source = yaml.safe_load((REPO / "cards" / "image-classifier" / "1.0.yaml").read_text())
    assert card == json.loads(json.dumps(source, default=str))  # every field, dates as YYYY-MM-DD
    assert {"name": "accuracy", "value": 0.92}.items() <= card["metrics"][0].items()
    text = (example_site / "models" / "catalog.json").read_text()
    assert text == catalog_json.dumps(data)  # written model by model, yet canonical: sorted keys, compact, one line
    assert models["image-classifier"]["versions"][0]["card"] == card


def test_search_index_has_card_text_once(example_site: Path) -> None:
    index = json.loads((example_site / "search" / "search_index.json").read_text())
    locations = {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if "May misclassify rare images" in doc["text"] and doc["location"].startswith("models/")
    }
    assert locations == {"models/image-classifier/1.0/"}


def test_invalid_card_fails_the_build_and_leaves_the_old_site(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card()})
    assert mkdocs_build(tmp_path).returncode == 0
    sentinel = tmp_path / "site" / "sentinel.txt"
    sentinel.write_text("previous deploy")
    old_index = (tmp_path / "site" / "models" / "index.html").read_text()
    (tmp_path / "cards" / "fraud" / "1.0.yaml").write_text(card().replace("value: 0.81", "value: 81"))
    (tmp_path / "cards" / "other.yaml").write_text("id: x\nname: [\n")
    done = mkdocs_build(tmp_path)
    assert done.returncode != 0
    assert (
        "cards/fraud/1.0.yaml:20:27: metrics[0].value: must be at most 1 (got 81); write recall as a fraction"
        in done.stderr
    )
    assert "cards/other.yaml:3:1: YAML syntax error" in done.stderr
    assert "Traceback" not in done.stderr
    assert sentinel.read_text() == "previous deploy"
    assert (tmp_path / "site" / "models" / "index.html").read_text() == old_index


def test_drafts_are_left_out_of_a_build_unless_asked(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0", status="draft")})
    assert mkdocs_build(tmp_path).returncode == 0
    assert not (tmp_path / "site" / "models" / "fraud" / "2.0").exists()
    assert "Go to version" not in (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert redirect_target((tmp_path / "site" / "models" / "fraud" / "index.html").read_text()) == "1.0/"
    write_site(tmp_path, {}, plugin_options="cards_dir: cards\nshow_drafts: true")
    assert mkdocs_build(tmp_path).returncode == 0
    draft = (tmp_path / "site" / "models" / "fraud" / "2.0" / "index.html").read_text()
    assert "mc-banner--draft" in draft
    # Published by this very build: the banner says what is true of the card, not how the site was built.
    assert "Draft: this card has not been reviewed or approved. Do not rely on it yet." in draft
    assert "not published" not in draft and "`" not in draft.split("mc-banner--draft", 1)[1].split("</div>", 1)[0]
    assert redirect_target((tmp_path / "site" / "models" / "fraud" / "index.html").read_text()) == "2.0/"


def test_directory_urls_off_gives_working_links(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0")},
        extra_config="use_directory_urls: false\n",
    )
    assert mkdocs_build(tmp_path).returncode == 0
    site = tmp_path / "site"
    page = site / "models" / "fraud" / "1.0" / "index.html"
    assert 'href="../2.0/index.html"' in page.read_text()
    assert 'href="fraud/2.0/index.html"' in (site / "models" / "index.html").read_text()
    for target in local_links(page, site) + local_links(site / "models" / "index.html", site):
        assert (site / target).is_file(), target
    assert redirect_target((site / "models" / "fraud" / "index.html").read_text()) == "2.0/index.html"


def test_redirects_are_not_in_the_sitemap_and_a_page_of_the_site_wins(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "fraud/1.0.yaml": card(),
            "fraud/2.0.yaml": card(version="2.0"),
            "churn/1.0.yaml": card(id="churn", name="Churn"),
        },
        extra_config="site_url: https://catalog.example.com/\n",
    )
    (tmp_path / "docs" / "models" / "churn").mkdir(parents=True)
    (tmp_path / "docs" / "models" / "churn" / "index.md").write_text("# Churn, our own page\n")
    (tmp_path / "docs" / "models" / "churn" / "1.0").mkdir()
    (tmp_path / "docs" / "models" / "churn" / "1.0" / "card.json").write_text('{"ours": true}\n')
    done = mkdocs_build(tmp_path, "--strict")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    assert redirect_target((site / "models" / "fraud" / "index.html").read_text()) == "2.0/"
    assert "Churn, our own page" in (site / "models" / "churn" / "index.html").read_text()
    assert (site / "models" / "churn" / "1.0" / "card.json").read_text() == '{"ours": true}\n'
    assert json.loads((site / "models" / "fraud" / "1.0" / "card.json").read_text())["id"] == "fraud"
    sitemap = re.findall(r"<loc>https://catalog\.example\.com/([^<]*)</loc>", (site / "sitemap.xml").read_text())
    assert {"models/fraud/1.0/", "models/fraud/2.0/", "models/churn/1.0/", "models/churn/"} <= set(sitemap)
    assert "models/fraud/" not in sitemap


def test_a_template_override_replaces_one_partial_only(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card()}, plugin_options="cards_dir: cards\ntemplates_dir: overrides")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "owners.html").write_text(
        '<h2 id="owners">Who to call</h2><p class="team-contact">{{ card.owners[0].name }} on call</p>'
    )
    assert mkdocs_build(tmp_path).returncode == 0
    html = (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert '<p class="team-contact">Ada Lovelace on call</p>' in html
    assert 'id="where-it-fails"' in html  # the rest still comes from the package


def test_card_values_are_escaped_and_markdown_is_sanitised(tmp_path: Path) -> None:
    hostile = with_approval(
        card(name="<script>alert(1)</script>Fraud", approved=False).replace(
            "Scores each payment.", "Scores <img src=x onerror=alert(1)> each [payment](javascript:alert(1))."
        )
    )
    write_site(tmp_path, {"fraud/1.0.yaml": hostile})
    assert mkdocs_build(tmp_path).returncode == 0
    html = (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Fraud" in html
    assert "onerror" not in html and "javascript:" not in html
    redirect = (tmp_path / "site" / "models" / "fraud" / "index.html").read_text()
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;Fraud</title>" in redirect
    assert redirect.count("<script>") == 1 and redirect_target(redirect) == "1.0/"


def test_schema_extension_tightens_and_extends_the_format(tmp_path: Path) -> None:
    base = card(approved=False) + "cost_center: CC-1234\n"
    write_site(
        tmp_path,
        {"fraud/1.0.yaml": with_approval(base)},
        plugin_options="cards_dir: cards\nschema_extension: org-schema.yaml",
    )
    (tmp_path / "org-schema.yaml").write_text(
        "fields:\n"
        "  cost_center: {type: string, regex: 'CC-[0-9]{4}', meta: {description: Finance cost centre.}}\n"
        "  task: {allowed: [tabular-classification, text-classification]}\n"
        "  caveats_and_recommendations: {required: true}\n"
    )
    done = mkdocs_build(tmp_path)
    assert done.returncode != 0
    assert "cards/fraud/1.0.yaml:1:1: caveats_and_recommendations: missing; every card must have it" in done.stderr
    path = tmp_path / "cards" / "fraud" / "1.0.yaml"
    base += "caveats_and_recommendations: [Recalibrate monthly]\n"
    path.write_text(with_approval(base))
    assert mkdocs_build(tmp_path).returncode == 0
    html = (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "Additional information" in html and "CC-1234" in html
    path.write_text(with_approval(base.replace("task: tabular-classification", "task: object-detection")))
    done = mkdocs_build(tmp_path)
    assert "task: must be one of tabular-classification, text-classification (got 'object-detection')" in done.stderr


def test_catalog_page_path_clash_is_reported(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card()})
    (tmp_path / "docs" / "models").mkdir()
    (tmp_path / "docs" / "models" / "index.md").write_text("# Mine\n")
    done = mkdocs_build(tmp_path)
    assert done.returncode != 0 and "has the path of a catalog page" in done.stderr


def test_reference_page_tables_are_generated_from_schema_and_settings(example_site: Path) -> None:
    from model_catalog import CardSchema, CatalogSettings
    from model_catalog.config.options import option_docs

    html = (example_site / "reference" / "index.html").read_text()
    assert "model-catalog:" not in html
    for field in CardSchema.load().iter_fields():
        assert f"<code>{field.path}</code>" in html, field.path
    for option in option_docs(CatalogSettings):
        assert f"<code>{option.name}</code>" in html, option.name


def test_compacting_keeps_what_the_browser_renders_and_preformatted_text_exactly() -> None:
    from model_catalog.site.html import compact_html

    page = (
        "<div>\n    <p>Two   words\n      and\tmore</p>\n  <pre>  keep\n    this </pre>\n"
        "<p><code>a  \n   b</code> <span>x</span>   <span>y</span></p>\n  <script>if (a)\n    b()</script>\n</div>"
    )
    compacted = compact_html(page)
    assert compacted == (
        "<div>\n<p>Two words\nand\tmore</p>\n<pre>  keep\n    this </pre>\n"
        "<p><code>a  \n   b</code> <span>x</span> <span>y</span></p>\n<script>if (a)\n    b()</script>\n</div>"
    )

    def rendered_text(
        html: str,
    ) -> str:  # outside pre/code/script, a browser shows each run of white space as one space
        return re.sub(r"\s+", " ", re.sub(r"<(pre|code|script)\b.*?</\1>", "", html, flags=re.DOTALL))

    assert rendered_text(compacted) == rendered_text(page)


def test_images_load_only_from_the_site_data_or_listed_hosts(tmp_path: Path) -> None:
    description = (
        "description: '![a](https://img.acme.example/a.png) ![b](https://tracker.evil.example/b.png) "
        "![c](figures/c.png)'\n"
    )
    text = CARD.format(id="fraud", name="Fraud", version="1.0", status="draft")
    text = re.sub(r"description: \|\n(  .*\n)+", description, text)
    site = write_site(tmp_path, {"fraud/1.0.yaml": text}, plugin_options="cards_dir: cards\nshow_drafts: true")
    assert mkdocs_build(site).returncode == 0
    page = (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert 'src="figures/c.png"' in page and "https://" not in "".join(re.findall(r"<img[^>]*>", page))
    assert "[image not shown: a]" in page and "[image not shown: b]" in page
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("show_drafts: true", "show_drafts: true\n      image_hosts: [img.acme.example]")
    )
    assert mkdocs_build(site).returncode == 0
    page = (site / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert 'src="https://img.acme.example/a.png"' in page and "[image not shown: b]" in page


def test_an_override_extends_a_builtin_template_and_changes_one_block(tmp_path: Path) -> None:
    write_site(tmp_path, {"fraud/1.0.yaml": card()}, plugin_options="cards_dir: cards\ntemplates_dir: overrides")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "card.html").write_text(
        '{% extends "builtin/card.html" %}\n'
        '{% block metrics %}\n{{ super() }}\n<p class="mc-note">Re-measured every quarter.</p>\n{% endblock %}\n'
        "{% block owners %}{% endblock %}\n"
    )
    (tmp_path / "overrides" / "index.html").write_text(
        '{% extends "builtin/index.html" %}{% block intro %}<p class="mc-intro">Ask #ml-catalog.</p>{% endblock %}'
    )
    assert mkdocs_build(tmp_path).returncode == 0
    html = (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    metrics, after = html.split('id="metrics"', 1)[1].split('<p class="mc-note">Re-measured every quarter.</p>', 1)
    assert "recall" in metrics and 'id="where-it-fails"' in html  # what the block had, and the rest of the page
    assert 'id="owners"' not in html and 'id="approvals"' in after  # an empty block removes its section
    index = (tmp_path / "site" / "models" / "index.html").read_text()
    assert '<p class="mc-intro">Ask #ml-catalog.</p>' in index and "data-mc-table" in index


def test_an_imported_cards_languages_and_metric_identity_are_shown(tmp_path: Path) -> None:
    text = card(status="draft").replace("task:", "languages: [en, fr]\ntask:", 1)
    wer = (
        "  - {name: Test WER, type: wer, value: 12.5, unit: '%', higher_is_better: false, std: 0.4,\n"
        "     dataset: common_voice_11_0, dataset_config: nl, split: test}\n"
    )
    text = text.replace("training_data:", wer + "training_data:", 1)
    assert "languages:" in text
    write_site(tmp_path, {"fraud/1.0.yaml": text}, plugin_options="cards_dir: cards\nshow_drafts: true")
    done = mkdocs_build(tmp_path, "--strict")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "models" / "fraud" / "1.0" / "index.html").read_text()
    assert "<dt>Languages</dt><dd>en, fr</dd>" in html
    assert "Data set: common_voice_11_0 (config nl, split test)" in html and "12.5 % ± 0.4" in html

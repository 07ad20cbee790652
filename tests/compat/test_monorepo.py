"""mkdocs-monorepo-plugin: the example catalog as a sub-site (``!include``) of a parent site, the plugin's options
in the parent's mkdocs.yml. Monorepo builds from a merged temp copy of the docs; links must name the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compat.sites import Config, build, built, catalog_options, edit_link, example_copy, log_records

SUB = "acme-model-catalog"
"""The sub-site's folder, and the slug of its site_name ("Acme model catalog"), which monorepo puts its pages under."""


def monorepo_site(root: Path, prefix: str) -> Path:
    """A parent site in `root` whose nav includes the example, copied into `root`/acme-model-catalog."""
    sub = example_copy(root / SUB)
    options: Config = catalog_options(yaml.safe_load((sub / "mkdocs.yml").read_text()))
    options.update(prefix=prefix, cards_dir=f"{SUB}/cards")
    options["approvals"]["registry"] = f"{SUB}/cards/APPROVERS.yaml"
    example = yaml.safe_load((sub / "mkdocs.yml").read_text())
    parent = {
        "site_name": "Acme engineering",
        "repo_url": example["repo_url"],
        "edit_uri": "edit/main/docs/",
        "docs_dir": "docs",
        "theme": example["theme"],
        "plugins": ["search", "tags", "monorepo", {"model-catalog": options}],
        "markdown_extensions": example["markdown_extensions"],
        "nav": [{"Home": "index.md"}, {"Catalog": f"!include ./{SUB}/mkdocs.yml"}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(parent, sort_keys=False))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(f"# Acme engineering\n\nSee the [model catalog]({SUB}/models/index.md).\n")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(monorepo_site(tmp_path_factory.mktemp("monorepo"), prefix=f"{SUB}/models"))


def test_catalog_is_published_under_the_sub_site(site: Path) -> None:
    for model in ("credit-risk/2.0", "credit-risk/1.0", "credit-risk", ""):
        assert (site / SUB / "models" / model / "index.html").is_file(), model
    assert 'href="acme-model-catalog/models/"' in (site / "index.html").read_text()


def test_edit_link_points_at_the_card_yaml_in_the_repository(site: Path) -> None:
    html = (site / SUB / "models" / "credit-risk" / "2.0" / "index.html").read_text()
    assert edit_link(html) == f"https://git.acme.example/ml/model-catalog/edit/main/{SUB}/cards/credit-risk/2.0.yaml"


def test_prefix_outside_the_sub_site_is_reported_with_the_one_that_works(tmp_path: Path) -> None:
    done = build(monorepo_site(tmp_path, prefix="models"))
    assert done.returncode != 0
    hints = [record for record in log_records(done.stderr) if "prefix" in record and f"{SUB}/models" in record]
    assert hints, "\n".join(record for record in log_records(done.stderr) if not record.startswith("INFO"))[-3000:]
    assert "Traceback" not in done.stderr

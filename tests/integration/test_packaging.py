"""The wheel carries everything the plugin needs at run time, so `pip install .` works, not only `-e`."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from helpers import REPO, run


def test_wheel_ships_templates_schema_and_entry_points(tmp_path: Path) -> None:
    done = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)], tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("mkdocs_model_catalog-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"model_catalog/data/card.schema.yaml", "model_catalog/data/spdx_licenses.txt", "model_catalog/py.typed"}
    for template in (REPO / "site_templates").rglob("*"):
        if template.is_file() and template.suffix in (".html", ".js", ".css"):
            expected.add("model_catalog/site_templates/" + template.relative_to(REPO / "site_templates").as_posix())
    assert expected <= names, expected - names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "model-catalog = model_catalog.plugin:ModelCatalogPlugin" in text
    assert "model-catalog = model_catalog.cli:run" in text

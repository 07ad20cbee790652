"""The Model Card Toolkit files of the corpus are what MCT's own JSON Schemas (shipped in its 2.0.0 wheel) allow,
for the schema version each declares: the importer is tested on files MCT itself accepts, of both versions."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from helpers import DATA
from model_catalog.formats.mct.importer import import_mct

MCT = DATA / "real" / "mct"
FILES = sorted(MCT.glob("*.json"))


def mct_schema(version: str) -> dict[str, object]:
    """MCT's schema of ``version``; v0.0.1's refers to ``#definitions/graphic``, a JSON pointer without its
    leading slash that no validator resolves, so the slash is put back."""
    text = (MCT / "schema" / f"v{version}" / "model_card.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text.replace('"#definitions/', '"#/definitions/')))


def test_both_schema_versions_are_in_the_corpus() -> None:
    assert {json.loads(path.read_text())["schema_version"] for path in FILES} == {"0.0.1", "0.0.2"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_file_mct_accepts_imports(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, mct_schema(data["schema_version"]))
    [draft] = import_mct(path.read_text(encoding="utf-8"), path.name)
    assert draft.data["name"] and draft.report

"""`model-catalog export --format spdx` as users run it: the document on standard output or in a file, reproducible."""

from __future__ import annotations

import io
import json
from pathlib import Path

from spdx_python_model import v3_0_1 as spdx

from helpers import REPO, run_cli

CARD = "cards/credit-risk/2.0.yaml"


def read_back(text: str) -> spdx.SHACLObjectSet:
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    assert objects.missing_ids == set()
    return objects


def test_export_spdx_to_standard_output_reads_back() -> None:
    done = run_cli("export", CARD, "--format", "spdx", cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    [package] = read_back(done.stdout).foreach_type(spdx.ai_AIPackage)
    assert (package.name, package.software_packageVersion) == ("Acme Pay Later Credit Risk Model", "2.0")
    assert done.stdout == run_cli("export", CARD, "--format", "spdx", cwd=REPO).stdout


def test_export_spdx_to_a_file_from_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "credit-risk.spdx.json"
    done = run_cli("export", str(REPO / CARD), "--format", "spdx", "--output", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text == run_cli("export", CARD, "--format", "spdx", cwd=REPO).stdout, "the same bytes from any folder"
    [document] = read_back(text).foreach_type(spdx.SpdxDocument)
    assert document._id == "urn:model-catalog:credit-risk@2.0/document"


def test_source_date_epoch_is_honoured_and_checked(tmp_path: Path) -> None:
    card = tmp_path / "undated.yaml"
    card.write_text(
        "\n".join(line for line in (REPO / CARD).read_text().splitlines() if not line.startswith("updated:"))
    )
    done = run_cli("export", str(card), "--format", "spdx", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["@graph"][0]["created"] == "2026-01-01T00:00:00Z"
    done = run_cli("export", str(REPO / CARD), "--format", "spdx", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "soon"})
    assert done.returncode == 2 and "Traceback" not in done.stderr and "cannot export" in done.stderr

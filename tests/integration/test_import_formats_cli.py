"""`model-catalog import mct` and `import cyclonedx` as users run them: real files into a catalog, all or none, the
JSON report, files of the wrong format or broken ones refused with where and what to do, and the round trip of a
card through `export --format cyclonedx`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import DATA, REPO, run_cli, write_site

MCT = DATA / "real" / "mct"
CYCLONEDX = DATA / "real" / "cyclonedx"
OWNER = ["--owner", "A B <a@b.c>", "--out", "cards"]


def catalog(tmp_path: Path, *files: Path) -> list[str]:
    """A site with an empty cards folder, and copies of ``files`` beside it; returns their names."""
    write_site(tmp_path)
    (tmp_path / "cards").mkdir()
    for path in files:
        shutil.copy(path, tmp_path / path.name)
    return [path.name for path in files]


def written(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cards").rglob("*.yaml"))


def test_several_mct_files_in_one_command_make_valid_drafts(tmp_path: Path) -> None:
    names = catalog(tmp_path, MCT / "cats_vs_dogs_v0_0_1.json", MCT / "full.pbtxt", MCT / "considerations.json")
    done = run_cli("import", "mct", *names, *OWNER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    cards = [tmp_path / line for line in done.stdout.split()]
    assert cards == [
        tmp_path / "cards/fine-tuned-mobilenetv2-model-for-cat-vs-dogs/v1.0.yaml",
        tmp_path / "cards/name/v1.0.yaml",
        tmp_path / "cards/train-and-eval-model/0.3.yaml",
    ]
    first = yaml.safe_load(cards[0].read_text())
    assert first["status"] == "draft" and first["owners"] == [{"name": "A B", "email": "a@b.c"}]
    assert [metric["slice"] for metric in first["metrics"][1:]] == ["cat", "Dog"]
    assert "cats_vs_dogs_v0_0_1.json -> cards/fine-tuned-mobilenetv2-model-for-cat-vs-dogs/v1.0.yaml:" in done.stderr
    assert (
        "dropped: model_parameters.data.eval.graphics (1 graphic: Validation Set Size; graphics are images"
        in done.stderr
    )
    checked = run_cli("validate", "cards", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_json_report_says_where_every_field_went(tmp_path: Path) -> None:
    names = catalog(tmp_path, MCT / "full.json", CYCLONEDX / "valid-machine-learning-1.6.json")
    done = run_cli("import", "mct", names[0], "--format", "json", *OWNER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads(done.stdout)
    assert (entry["source"], entry["card"], entry["id"], entry["version"]) == (
        "full.json",
        "cards/name/v1.0.yaml",
        "name",
        "v1.0",
    )
    report = {item["source"]: item for item in entry["report"]}
    assert report["model_details.version.name"] == {
        "source": "model_details.version.name",
        "outcome": "mapped",
        "target": "version",
        "reason": "",
    }
    assert report["model_details.owners[0]"]["outcome"] == "kept"
    assert report["quantitative_analysis.graphics"]["outcome"] == "dropped"
    assert {item["outcome"] for item in entry["report"]} == {"mapped", "kept", "dropped"}
    bom = run_cli("import", "cyclonedx", names[1], "--format", "json", *OWNER, cwd=tmp_path)
    assert bom.returncode == 0, bom.stderr
    (model,) = json.loads(bom.stdout)
    assert (model["id"], model["version"]) == ("compvis-stable-diffusion", "1.4")


@pytest.mark.parametrize(
    ("command", "file", "text", "expected"),
    [
        (
            "mct",
            "bom.json",
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}',
            "bom.json: this is a CycloneDX BOM file, not a Model Card Toolkit one; import it with `model-catalog import cyclonedx bom.json`",
        ),
        (
            "cyclonedx",
            "card.json",
            '{"model_details": {"name": "x"}}',
            "card.json: this is a Model Card Toolkit file, not a CycloneDX BOM one; import it with `model-catalog import mct card.json`",
        ),
        (
            "mct",
            "bad.json",
            '{\n  "model_details": {\n    "name": "x"\n    "overview": "y"\n  }\n}\n',
            "bad.json:4:5: not valid JSON: Expecting ',' delimiter",
        ),
        (
            "cyclonedx",
            "bad.json",
            '{\n  "bomFormat": "CycloneDX",\n  "components": [\n    {"type": "x",}\n  ]\n}',
            "bad.json:4:18: not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "mct",
            "bad.pbtxt",
            'model_details {\n  name: "x"\n  overview: 3\n}\n',
            "bad.pbtxt:3:13: not a ModelCard in protobuf text format: ModelDetails.overview is a string in double quotes, got '3'",
        ),
        (
            "cyclonedx",
            "none.json",
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x"}]}',
            "none.json: no machine-learning-model component with a modelCard in this BOM",
        ),
    ],
)
def test_a_wrong_or_broken_file_is_refused_with_where_and_what_to_do(
    command: str, file: str, text: str, expected: str, tmp_path: Path
) -> None:
    catalog(tmp_path, MCT / "full.json")
    (tmp_path / file).write_text(text)
    done = run_cli("import", command, "full.json", file, *OWNER, cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr and "nothing imported" in done.stderr
    assert "Traceback" not in done.stderr and not written(tmp_path)  # all or none: full.json was fine


def test_the_real_boms_that_are_not_json_are_refused_at_their_line(tmp_path: Path) -> None:
    names = catalog(tmp_path, CYCLONEDX / "mlbom-open-source.json", CYCLONEDX / "mlbom-foundation-models.json")
    done = run_cli("import", "cyclonedx", *names, *OWNER, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        "mlbom-open-source.json:9:5: not valid JSON: Expecting property name enclosed in double quotes" in done.stderr
    )
    assert not written(tmp_path)


def key_fields(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": card["name"],
        "version": str(card["version"]),
        "task": card.get("task"),
        "license": card.get("license"),
        "metrics": [(m["name"], m["value"], m.get("slice")) for m in card.get("metrics", [])],
        "limitations": card.get("limitations"),
        "intended_use": card.get("intended_use"),
    }


@pytest.mark.parametrize(
    "card",
    [
        "image-classifier/1.0.yaml",
        "fraud-detector/3.2.yaml",
        "credit-risk/2.0.yaml",  # long nested text: once wrapped so that the card did not parse
    ],
)
def test_a_card_exported_to_cyclonedx_and_imported_back_keeps_its_key_fields(card: str, tmp_path: Path) -> None:
    catalog(tmp_path)
    exported = run_cli(
        "export", str(REPO / "cards" / card), "--format", "cyclonedx", "--output", "bom.json", cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    done = run_cli("import", "cyclonedx", "bom.json", *OWNER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    original = yaml.safe_load((REPO / "cards" / card).read_text())
    back = yaml.safe_load((tmp_path / done.stdout.strip()).read_text())
    assert done.stdout.strip() == f"cards/{card}"  # the same id and version
    assert key_fields(back) == key_fields(original)
    assert back["status"] == "draft" and "approvals" not in back

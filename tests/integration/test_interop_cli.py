"""export, import and schema from the command line, and the files the site publishes beside each card."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from helpers import REPO, run_cli, write_site

CARD = "cards/credit-risk/2.0.yaml"


def test_exports_match_the_files_published_beside_the_card_page(example_site: Path, tmp_path: Path) -> None:
    folder = example_site / "models" / "credit-risk" / "2.0"
    for export, name in (
        ("json", "card.json"),
        ("huggingface", "huggingface-README.txt"),
        ("cyclonedx", "cyclonedx.json"),
    ):
        done = run_cli("export", CARD, "--format", export, cwd=REPO)
        assert done.returncode == 0, done.stderr
        assert done.stdout == (folder / name).read_text(), export
    page = (folder / "index.html").read_text()
    for name in ("card.json", "huggingface-README.txt", "cyclonedx.json"):
        assert f'href="{name}"' in page
    assert json.loads((example_site / "models" / "card.schema.json").read_text())["title"].startswith("Model card")


def test_export_to_a_file_and_bad_inputs(tmp_path: Path) -> None:
    out = tmp_path / "bom.json"
    assert run_cli("export", str(REPO / CARD), "--format", "cyclonedx", "-o", str(out), cwd=tmp_path).returncode == 0
    assert json.loads(out.read_text())["specVersion"] == "1.6"
    done = run_cli("export", str(REPO / CARD), "--format", "cyclonedx", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "soon"})
    assert done.returncode == 2 and "Traceback" not in done.stderr and "cannot export" in done.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nname: [\n")
    done = run_cli("export", str(broken), cwd=tmp_path)
    assert done.returncode == 2 and "broken.yaml:3:1: YAML syntax error" in done.stderr


def test_import_a_hugging_face_card_as_a_draft(tmp_path: Path) -> None:
    write_site(tmp_path)
    readme = next((REPO / "tests" / "data" / "huggingface").glob("*.md"))
    done = run_cli(
        "import", "huggingface", str(readme), "--owner", "Ada Lovelace <ada@example.com>", "--team", "nlp", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    written = tmp_path / done.stdout.strip()
    data = yaml.safe_load(written.read_text())
    assert data["status"] == "draft" and data["owners"][0]["email"] == "ada@example.com"
    assert run_cli("validate", cwd=tmp_path).returncode == 0
    again = run_cli("import", "huggingface", str(readme), "--owner", "Ada Lovelace <ada@example.com>", cwd=tmp_path)
    assert again.returncode == 2 and "already holds" in again.stderr


def test_pre_commit_hook_runs_the_validate_command() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "model-catalog-validate" and hooks[0]["entry"] == "model-catalog validate"
    assert hooks[0]["language"] == "python"


def test_import_of_many_files_is_all_or_nothing_with_a_report(tmp_path: Path) -> None:
    write_site(tmp_path)
    (tmp_path / "cards").mkdir()
    sources = sorted((REPO / "tests" / "data" / "huggingface").glob("*.md"))
    copies = [tmp_path / f"{index}.md" for index in range(len(sources))]
    for source, copy in zip(sources, copies, strict=True):
        copy.write_bytes(source.read_bytes())
    owner = ["--owner", "Ada Lovelace <ada@example.com>", "--out", "cards"]
    (tmp_path / "bom.json").write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}')
    refused = run_cli("import", "huggingface", *map(str, copies), "bom.json", *owner, cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (
        "bom.json: this is a CycloneDX BOM file" in refused.stderr
        and "model-catalog import cyclonedx" in refused.stderr
    )
    assert not list((tmp_path / "cards").rglob("*.yaml"))  # nothing written, though the others were fine

    twice = run_cli("import", "huggingface", str(copies[0]), str(copies[0]), *owner, cwd=tmp_path)
    assert twice.returncode == 2 and "the same card as" in twice.stderr
    assert not list((tmp_path / "cards").rglob("*.yaml"))

    done = run_cli("import", "huggingface", *map(str, copies), "--format", "json", *owner, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [entry["source"] for entry in report] == list(map(str, copies))
    assert len({(entry["id"], entry["version"]) for entry in report}) == len(copies)
    for entry in report:
        assert (tmp_path / entry["card"]).is_file()
        assert entry["report"] and all(place["outcome"] in ("mapped", "kept", "dropped") for place in entry["report"])
    assert run_cli("validate", cwd=tmp_path).returncode == 0

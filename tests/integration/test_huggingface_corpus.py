"""Real Hub model cards (tests/data/real/huggingface, with SOURCES.yaml saying where each comes from) imported,
written as draft cards, exported and imported again: no card fails, the Hub gets its metadata back, and a second
import changes nothing. ``pytest -s`` prints how much of each card went into fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers import DATA, run_cli, write_site
from hub_round_trip import changed_fields, differences, fidelity, fidelity_table, round_trip
from model_catalog.formats.huggingface.importer import import_huggingface

CORPUS = DATA / "real" / "huggingface"
CARDS = sorted(CORPUS.glob("*.md"))
AT_LEAST = 40


def test_the_corpus_is_there() -> None:
    assert len(CARDS) >= AT_LEAST, f"{CORPUS} holds {len(CARDS)} cards; the corpus test needs at least {AT_LEAST}"
    sources = yaml.safe_load((CORPUS / "SOURCES.yaml").read_text(encoding="utf-8"))
    assert {entry["file"] for entry in sources} == {path.name for path in CARDS}, "each card's source is recorded"
    assert all(entry.get("repository") and entry.get("commit") and entry.get("license") for entry in sources)


@pytest.mark.parametrize("path", CARDS, ids=lambda path: path.name)
def test_a_real_card_survives_import_export_and_import_again(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    trip = round_trip(text, path.name, tmp_path)  # raises if the draft would not validate
    assert differences(text, trip.exported) == {}
    assert changed_fields(trip) == []


def test_fidelity_of_the_corpus(tmp_path: Path) -> None:
    """Per card, how many parts of it went into fields, were kept as text, were dropped (printed, not judged)."""
    rows = []
    for path in CARDS:
        [draft] = import_huggingface(path.read_text(encoding="utf-8-sig"), path.name)
        rows.append((path.name, fidelity(draft)))
    print("\n" + fidelity_table(rows))
    assert len(rows) == len(CARDS)


def test_the_command_imports_real_cards(tmp_path: Path) -> None:
    write_site(tmp_path)
    (tmp_path / "cards").mkdir(exist_ok=True)
    chosen = CARDS[:: max(1, len(CARDS) // 5)][:5]
    if not chosen:
        pytest.fail(f"no cards in {CORPUS}")
    done = run_cli(
        "import", "huggingface", *map(str, chosen), "--format", "json",
        "--owner", "Ada Lovelace <ada@example.com>", "--out", "cards", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert [entry["source"] for entry in report] == list(map(str, chosen))
    assert run_cli("validate", cwd=tmp_path).returncode == 0


def _mteb_card(results: int) -> str:
    """An MTEB leaderboard card: thousands of eval results, one value written with a decimal comma."""
    entries = []
    for index in range(results):
        metrics = [
            {"type": kind, "value": round(40 + (index * 7 + offset) % 55 + 0.123456789, 9)}
            for offset, kind in enumerate(("accuracy", "f1", "main_score"))
        ]
        if index == 17:
            metrics[0]["value"] = "29,603788751645216"
        entries.append(
            {
                "task": {"type": "Classification"},
                "dataset": {
                    "name": f"MTEB Task{index} (en)",
                    "type": f"mteb/task-{index}",
                    "config": "en",
                    "split": "test",
                    "revision": "e8379541af4e31359cca9fbcf4b00f2671dba205",
                },
                "metrics": metrics,
            }
        )
    meta = {
        "library_name": "sentence-transformers",
        "tags": ["mteb"],
        "model-index": [{"name": "big", "results": entries}],
    }
    return f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n# big\n\nA sentence embedding model.\n"


def test_an_mteb_card_with_1391_results_imports_and_goes_back_whole(tmp_path: Path) -> None:
    text = _mteb_card(1391)
    trip = round_trip(text, "mteb.md", tmp_path)
    data = trip.source.data
    assert len(data["metrics"]) == 1391  # each result's main score; the others stay in the index
    assert data["metrics"][0] == {
        "name": "main_score",
        "value": data["metrics"][0]["value"],
        "dataset": "MTEB Task0 (en)",
        "dataset_config": "en",
        "split": "test",
    }
    assert len(data["huggingface"]["model_index"][0]["results"]) == 1391
    assert "description" not in data or "29,6037" not in data["description"]
    assert differences(text, trip.exported) == {}
    assert changed_fields(trip) == []
    write_site(tmp_path / "site")
    (tmp_path / "site" / "cards").mkdir(exist_ok=True)
    (tmp_path / "site" / "mteb.md").write_text(text)
    done = run_cli(
        "import", "huggingface", "mteb.md", "--format", "json", "--owner", "A B <a@b.io>", "--out", "cards",
        cwd=tmp_path / "site",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

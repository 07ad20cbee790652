"""Golden tests: each broken card (or folder of cards) beside the exact errors it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import GOLDEN
from model_catalog import load_catalog
from model_catalog.errors import format_text

CASES = GOLDEN / "errors"


def case_inputs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.suffix in (".yaml", ".yml") or p.is_dir())


@pytest.mark.parametrize("case", case_inputs(), ids=lambda p: p.stem)
def test_errors_match_golden_file(case: Path, update_golden: bool) -> None:
    catalog = load_catalog(case, root=CASES)
    actual = format_text(catalog.errors) + "\n"
    expected_file = case.with_name(case.stem + ".errors.txt")
    if update_golden:
        expected_file.write_text(actual, encoding="utf-8")
    assert catalog.errors, "a golden case must produce errors"
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_expected_file_has_an_input() -> None:
    stems = {p.stem for p in case_inputs()}
    for expected in CASES.glob("*.errors.txt"):
        assert expected.name.removesuffix(".errors.txt") in stems, f"{expected.name} has no input"

"""Files replaced whole: the old content stays until the new one is complete, and nothing is left behind."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from model_catalog._infra.atomicfile import replace_file


def test_a_file_is_replaced_with_the_mode_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "cards" / "new.yaml"  # its folder does not exist yet
    replace_file(path, b"id: a\n", mode=0o644)
    replace_file(path, b"id: b\n", mode=0o640)
    assert path.read_bytes() == b"id: b\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["new.yaml"]


def test_a_failed_replacement_keeps_nothing_of_the_attempt(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "kept.yaml").write_text("id: a\n")
    with pytest.raises(OSError):
        replace_file(target, b"id: b\n")  # a folder cannot be replaced by a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (target / "kept.yaml").read_text() == "id: a\n"

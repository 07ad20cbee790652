"""The text cache's files (exports, catalog.json): written as a stream, hashed on the way, used only when whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from model_catalog._infra.cache_folder import CacheFolder
from model_catalog._infra.text_cache import TextCache

SECRET = b"k" * 32


def cache(folder: Path) -> TextCache:
    folder.mkdir(exist_ok=True)
    return TextCache(CacheFolder(folder, SECRET), context="test")


def write_in_chunks(chunks: list[str]) -> Callable[[Any], None]:
    def write(out: Any) -> None:
        for chunk in chunks:
            out.write(chunk)

    return write


def test_a_file_written_in_chunks_is_found_whole_by_another_run(tmp_path: Path) -> None:
    chunks = ["{", *(f'"é{i}":"{"x" * 1000}",' for i in range(3000)), '"end":1}']  # 3 MB, non-ASCII
    key = cache(tmp_path / "c").key("catalog.json")
    stored = cache(tmp_path / "c").put_file(key, write_in_chunks(chunks))
    assert stored is not None and stored.read_text(encoding="utf-8") == "".join(chunks)
    later = cache(tmp_path / "c")
    assert later.file(key) == stored
    assert later.file_text(key) == "".join(chunks)
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary file left


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:-1]),  # truncated
        lambda path: path.write_bytes(path.read_bytes().replace(b"a", b"b", 1)),  # one byte changed
        lambda path: path.rename(path.with_name(path.name[:-1] + ("0" if path.name[-1] != "0" else "1"))),
    ],
    ids=["truncated", "edited", "renamed"],
)
def test_a_damaged_file_is_a_miss(tmp_path: Path, damage: Callable[[Path], object]) -> None:
    key = cache(tmp_path / "c").key("export")
    stored = cache(tmp_path / "c").put_file(key, write_in_chunks(["abc", "def"]))
    assert stored is not None
    damage(stored)
    later = cache(tmp_path / "c")
    assert later.file(key) is None and later.file_text(key) is None


def test_a_file_under_another_secret_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    key = cache(tmp_path / "c").key("export")
    assert TextCache(CacheFolder(tmp_path / "c", b"o" * 32), context="test").put_file(key, write_in_chunks(["abc"]))
    assert cache(tmp_path / "c").file(key) is None


def test_a_write_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    def failing(out: Any) -> None:
        out.write("half of it")
        raise RuntimeError("the exporter failed")

    text_cache = cache(tmp_path / "c")
    key = text_cache.key("export")
    with pytest.raises(RuntimeError):
        text_cache.put_file(key, failing)
    assert [path for path in (tmp_path / "c").rglob("*") if path.is_file()] == []
    assert cache(tmp_path / "c").file(key) is None

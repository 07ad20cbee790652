"""The text cache's files (exports, catalog.json): written as a stream, hashed on the way, used only when whole;
known by their stamp afterwards, but only while the file is the one that was checked."""

from __future__ import annotations

import json
import os
import time
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


def stored_and_stamped(folder: Path, text: str = "abcdef") -> tuple[str, Path]:
    """A file put by one run that used it to the end (its stamp recorded), as a build does."""
    run = cache(folder)
    key = run.key("export")
    stored = run.put_file(key, write_in_chunks([text]))
    assert stored is not None
    run.prune()
    assert (folder / "text" / "stamps").is_file()
    return key, stored


def test_a_stamped_file_is_found_by_the_next_run(tmp_path: Path) -> None:
    key, stored = stored_and_stamped(tmp_path / "c")
    later = cache(tmp_path / "c")
    assert later.file(key) == stored and later.file_text(key) == "abcdef"
    later.prune()
    assert cache(tmp_path / "c").file(key) == stored


def test_a_file_changed_behind_its_stamp_is_a_miss(tmp_path: Path) -> None:
    """Same size, modification time put back: the status change time, which only the kernel sets, still moved."""
    key, stored = stored_and_stamped(tmp_path / "c")
    before = os.stat(stored)
    time.sleep(0.05)  # past the clock tick of the file system's times
    stored.write_bytes(b"abcxyz")
    os.utime(stored, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache(tmp_path / "c").file(key) is None


def test_a_file_replaced_by_another_is_a_miss(tmp_path: Path) -> None:
    key, stored = stored_and_stamped(tmp_path / "c")
    before = os.stat(stored)
    replacement = stored.with_name("other")
    replacement.write_bytes(b"abcxyz")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, stored)
    assert cache(tmp_path / "c").file(key) is None


@pytest.mark.parametrize("forged", ["edited", "other secret"])
def test_a_forged_stamps_file_counts_for_nothing(tmp_path: Path, forged: str) -> None:
    """Stamps rewritten to match a changed file: without the secret they do not verify, so the file is read."""
    key, stored = stored_and_stamped(tmp_path / "c")
    stored.write_bytes(b"abcxyz")
    status = os.stat(stored)
    stamp = [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
    body = json.dumps({stored.name: stamp}).encode()
    stamps = tmp_path / "c" / "text" / "stamps"
    if forged == "edited":
        mac = stamps.read_bytes().partition(b"\n")[0]
    else:
        mac = CacheFolder(tmp_path / "c", b"o" * 32).mac(b"stamps", cache(tmp_path / "c").context.encode(), body)
        mac = mac.encode()
    stamps.write_bytes(mac + b"\n" + body)
    assert cache(tmp_path / "c").file(key) is None


def test_stamps_are_kept_only_for_files_the_run_used(tmp_path: Path) -> None:
    _, stored = stored_and_stamped(tmp_path / "c")
    run = cache(tmp_path / "c")
    other = run.key("another export")
    assert run.put_file(other, write_in_chunks(["x"]))
    run.prune()  # the first file was not used: deleted, and its stamp with it
    assert not stored.exists()
    stamps = json.loads((tmp_path / "c" / "text" / "stamps").read_bytes().partition(b"\n")[2])
    assert [name.partition(".")[0] for name in stamps] == [other]

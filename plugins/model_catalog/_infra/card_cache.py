"""Card files read with their answers cached by content, and checked in forked workers when there are many.

:class:`CardReader` is a layer around the pure reading of ``cards/loader.py``:
same answers, sooner. It knows a card file by its content key (its display path
and bytes; under ``mkdocs serve``, by its file stamp too, until the file is
written), takes the answer from :class:`CardCache` where that content was seen
before, and checks the rest with :func:`~model_catalog._infra.parallel.fork_map`.

One JSON file per cache folder holds, for each card file content seen, either
its errors or its fields. The file is only a hint: it is ignored as a whole
when its keyed hash does not verify (:mod:`model_catalog._infra.cache_folder`: a file
nobody but this user's runs could have written), when it cannot be read, was
written for another tool version, schema or size limit, or has any entry of an
unexpected shape; it never runs code (no pickle). Locations of valid cards are
not stored: a card read from the cache parses its file again only if a later
check needs to point into it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from model_catalog._infra.atomicfile import replace_file
from model_catalog._infra.cache_folder import CACHE_FORMAT, CacheFolder, read_regular
from model_catalog._infra.parallel import fork_map
from model_catalog._version import __version__
from model_catalog.cards.loader import CardRead, content_key, parse_card
from model_catalog.cards.model import Card
from model_catalog.cards.validation import Validation
from model_catalog.errors import CardError

FILE_NAME = "cards.json"
_ENTRIES_MAC = b"card-cache"

Cached = tuple[dict[str, Any] | None, list[CardError], str | None]
"""A cached answer: a valid card's fields and digest, or an invalid one's errors."""


_JSON_LEAVES = (str, int, float, bool, type(None))


class _NotJson(Exception):
    pass


def date_paths(value: Any) -> list[list[str | int]] | None:
    """Where the dates are in ``value`` (JSON has none: they are stored as text and restored from this list).

    None when ``value`` holds something else JSON cannot give back as it was (a
    time of day, binary data): such a card is not cached.
    """
    found: list[list[str | int]] = []

    def walk(node: Any, path: list[str | int]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            if isinstance(item, (dict, list)):
                walk(item, path + [key])
            elif type(item) is dt.date:
                found.append(path + [key])
            elif not isinstance(item, _JSON_LEAVES):
                raise _NotJson

    try:
        walk(value, [])
    except _NotJson:
        return None
    return found


def _restore_dates(data: dict[str, Any], paths: list[list[str | int]]) -> dict[str, Any]:
    for path in paths:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        if isinstance(target[path[-1]], str):  # not yet restored by an earlier get of the same entry
            target[path[-1]] = dt.date.fromisoformat(target[path[-1]])
    return data


FileStamp = tuple[int, int, int, int, int]
"""What changes when a file is written: its device, inode, size, and modification and change times (ns)."""

SETTLED_NS = 2_000_000_000
"""How long ago a file must have been changed for its stamp to be trusted: a file changed again within the
file system's clock tick keeps its stamp ("racy" files, as git calls them); such a file is simply read."""


def file_stamp(path: Path) -> FileStamp | None:
    """The :data:`FileStamp` of ``path``; None if it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class CardCache:
    """Results of validating card file contents, by content hash."""

    def __init__(
        self, folder: CacheFolder | None, context: str, previous: CardCache | None = None, remember: bool = False
    ):
        """The cache in ``folder``; or, when ``previous`` (an earlier run in this process) had the same folder
        and context, its entries, already decoded (``mkdocs serve`` rebuilds), and the content keys of the
        files it read (:meth:`known_key`). With ``remember``, this run keeps such things for a next run: the
        card files' stamps, and each entry's encoding once saved (work and memory a single run does not spend)."""
        self.remember = remember
        self.folder = folder
        self.path = folder.path / FILE_NAME if folder else None
        self.context = f"{CACHE_FORMAT}|{__version__}|{context}"
        self.entries: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()
        """Keys looked up or stored this run: what :meth:`save` keeps."""
        self.dirty = False
        self.stamps: dict[tuple[str, str], tuple[FileStamp, str]] = {}
        """The stamp and content key of each card file read in this process, by path and display path."""
        self._encoded: dict[str, bytes] = {}
        """Entries as :meth:`save` last wrote them, by key, while unchanged: a rebuild encodes only new ones."""
        if self.path is None:
            return
        if previous is not None and (previous.path, previous.context) == (self.path, self.context):
            self.entries = {key: previous.entries[key] for key in previous.seen if key in previous.entries}
            self._encoded = {key: previous._encoded[key] for key in self.entries if key in previous._encoded}
            self.stamps = previous.stamps
        else:
            self.entries = self._read(self.path)

    def known_key(self, path: Path, source: str, stamp: FileStamp | None) -> str | None:
        """The content key of ``path`` (shown as ``source``) as this process last read it, if not written since."""
        known = self.stamps.get((str(path), source))
        return known[1] if known is not None and stamp is not None and known[0] == stamp else None

    def stamp(self, path: Path, source: str, stamp: FileStamp | None, key: str, read_at_ns: int) -> None:
        """Remember that ``path``, with ``stamp`` when read at ``read_at_ns``, had content ``key``."""
        if stamp is not None and max(stamp[3], stamp[4]) < read_at_ns - SETTLED_NS:
            self.stamps[str(path), source] = (stamp, key)
        else:
            self.stamps.pop((str(path), source), None)

    def _read(self, path: Path) -> dict[str, dict[str, Any]]:
        assert self.folder is not None
        raw = read_regular(path) or b""
        split = raw.find(b"\n")
        body = memoryview(raw)[split + 1 :]  # 9 MB at 1,000 cards: not copied
        if split < 0 or not self.folder.verifies(raw[:split], _ENTRIES_MAC, body):  # not written by this user's runs
            return {}
        try:
            stored = orjson.loads(body)  # 2x json's speed: a third of a warm `validate` is this
        except (UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("context") != self.context:
            return {}
        entries = stored.get("entries")
        if not isinstance(entries, dict) or not all(_well_formed(entry) for entry in entries.values()):
            return {}
        return entries

    def get(self, key: str) -> Cached | None:
        """(fields, [], digest) for a valid card, (None, errors, None) for an invalid one; None when unknown."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            if "errors" in entry:
                return None, [CardError(**e) for e in entry["errors"]], None
            # Dates are restored in place: the entry is written back with them as text (see save).
            return _restore_dates(entry["data"], entry["dates"]), [], str(entry["digest"])
        except (TypeError, ValueError, KeyError, IndexError):
            self.entries.pop(key, None)
            return None

    def put(self, key: str, card: Card | None, errors: list[CardError], dates: list[list[str | int]] | None) -> None:
        """Remember a card file's answer: its card (with :func:`date_paths` of its fields), or its errors."""
        if self.path is None:
            return
        if card is None:
            self.entries[key] = {"errors": [asdict(error) for error in errors]}
        elif dates is None:
            return  # fields JSON cannot give back as they were: checked again every time
        else:
            # Shared with the card, not copied: save() writes its dates as text.
            self.entries[key] = {"data": card.data, "dates": dates, "digest": card.digest}
        self._encoded.pop(key, None)
        self.seen.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the entries seen this run, atomically; failures are ignored (the cache is only a hint)."""
        if self.folder is None or self.path is None or not (self.dirty or set(self.entries) != self.seen):
            return
        encoded = {}
        try:
            for key, entry in self.entries.items():
                if key in self.seen:
                    encoded[key] = self._encoded.get(key) or orjson.dumps(entry)  # dates become YYYY-MM-DD
        except (TypeError, ValueError):  # a value JSON cannot hold: keep the previous file
            return
        if self.remember:
            self._encoded = encoded
        # The keys are hexadecimal digests: nothing in them needs escaping.
        body = b"".join(
            [
                b'{"context":',
                orjson.dumps(self.context),
                b',"entries":{',
                b",".join(b'"%s":%s' % (key.encode(), entry) for key, entry in encoded.items()),
                b"}}",
            ]
        )
        mac = self.folder.mac(_ENTRIES_MAC, body).encode()
        with contextlib.suppress(OSError):
            replace_file(self.path, mac, b"\n", body)


def _well_formed(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if "errors" in entry:
        return isinstance(entry["errors"], list) and all(isinstance(e, dict) for e in entry["errors"])
    return (
        isinstance(entry.get("data"), dict)
        and isinstance(entry.get("dates"), list)
        and isinstance(entry.get("digest"), str)
    )


def _plausible(cached: Cached, validation: Validation) -> bool:
    """Whether a cached answer has the shape of a real one (a damaged cache must not break the checks)."""
    data, errors, _ = cached
    if data is None:
        return bool(errors) and all(isinstance(error.line, int) and isinstance(error.message, str) for error in errors)
    required = [name for name, rules in validation.schema.fields.items() if rules.get("required")]
    return not errors and all(isinstance(data.get(name), (str, list)) and data.get(name) for name in required)


_Miss = tuple[Path, str, bytes, str]
"""A card file to check: its path, display path, bytes and content key."""


def _check(
    shared: tuple[Validation, int], miss: _Miss
) -> tuple[Card | None, list[CardError], list[list[str | int]] | None]:
    """One card file checked (in a worker, when there are many): its card, errors, and where its dates are."""
    validation, max_bytes = shared
    path, source, raw, key = miss
    card, errors = parse_card(raw, validation, path=path, source=source, max_bytes=max_bytes, key=key)
    return card, errors, date_paths(card.data) if card is not None else None


class CardReader:
    """Reads card files as :func:`~model_catalog.cards.loader.read_cards` does (a
    :data:`~model_catalog.cards.loader.Reader`), answering from ``cache`` where a file's content was seen before,
    and checking the others in ``workers`` forked processes when there are many."""

    def __init__(self, validation: Validation, max_bytes: int, cache: CardCache | None = None, workers: int = 1):
        self.validation = validation
        self.max_bytes = max_bytes
        self.cache = cache
        self.workers = workers

    def __call__(self, files: list[tuple[Path, str]]) -> list[CardRead]:
        """Every file's card and errors, in order. Under ``mkdocs serve`` (a cache that remembers), a file read
        before and not written since is not read again."""
        cache = self.cache
        results: list[CardRead | None] = []
        misses: list[tuple[int, _Miss]] = []
        read_at = time.time_ns()
        stamped = cache if cache is not None and cache.remember else None  # files' stamps serve only a later check
        for path, source in files:
            stamp = file_stamp(path) if stamped is not None else None
            key = stamped.known_key(path, source, stamp) if stamped is not None else None
            cached = stamped.get(key) if stamped is not None and key is not None else None
            raw = b""
            if cached is None or not _plausible(cached, self.validation):
                try:
                    raw = path.read_bytes()
                except OSError as exc:
                    results.append(
                        CardRead(source, None, [CardError(source, 0, 0, "", f"cannot read the file: {exc.strerror}")])
                    )
                    continue
                key = content_key(source, raw)
                cached = cache.get(key) if cache is not None else None
                if stamped is not None:
                    stamped.stamp(path, source, stamp, key, read_at)
                if cached is not None and not _plausible(cached, self.validation):
                    cached = None
            assert key is not None
            if cache is not None:
                cache.seen.add(key)
            if cached is None:
                misses.append((len(results), (path, source, raw, key)))
                results.append(None)
                continue
            data, errors, digest = cached
            card = None if data is None else Card(path.absolute(), source, data, key, digest or "")
            results.append(CardRead(source, card, errors))
        checked = fork_map(_check, (self.validation, self.max_bytes), [miss for _, miss in misses], self.workers)
        for (position, (_, source, _, key)), (card, errors, dates) in zip(misses, checked, strict=True):
            results[position] = CardRead(source, card, errors)
            if cache is not None:
                cache.put(key, card, errors, dates)
        return [result for result in results if result is not None]

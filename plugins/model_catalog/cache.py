"""Validation results cached by the content hash of each card file.

One JSON file per cache folder holds, for each card file content seen, either
its errors or its fields. The file is only a hint: it is ignored as a whole
when its keyed hash does not verify (:mod:`model_catalog.cachefolder`: a file
nobody but this user's runs could have written), when it cannot be read, was
written for another tool version, schema or size limit, or has any entry of an
unexpected shape; it never runs code (no pickle). Locations of valid cards are
not stored: a card read from the cache parses its file again only if a later
check needs to point into it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import orjson

from ._version import __version__
from .atomicfile import replace_file
from .cachefolder import CacheFolder, read_regular
from .errors import CardError

CACHE_FORMAT = 4
FILE_NAME = "cards.json"
_ENTRIES_MAC = b"card-cache"
_PAGE_MAC = b"page"
_FILE_MAC = b"file"
_HEX = frozenset("0123456789abcdef")


def content_key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


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
        self.digests: dict[str, str] = {}
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
            self.digests = {key: previous.digests[key] for key in previous.seen if key in previous.digests}
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
        raw = read_regular(path)
        mac, _, body = (raw or b"").partition(b"\n")
        if not self.folder.verifies(mac, _ENTRIES_MAC, body):  # a file this user's runs did not write
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

    def get(self, key: str) -> tuple[dict[str, Any] | None, list[CardError]] | None:
        """(fields, []) for a valid card, (None, errors) for an invalid one; None when unknown."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            if "errors" in entry:
                result: tuple[dict[str, Any] | None, list[CardError]] = (
                    None,
                    [CardError(**e) for e in entry["errors"]],
                )
            else:
                # Dates are restored in place: the entry is written back with them as text (see save).
                result = (_restore_dates(entry["data"], entry["dates"]), [])
                if isinstance(entry.get("digest"), str):
                    self.digests[key] = entry["digest"]
        except (TypeError, ValueError, KeyError, IndexError):
            self.entries.pop(key, None)
            return None
        return result

    def remember_digest(self, key: str, digest: str) -> None:
        """Store a valid card's content digest with it (computing it costs more than the rest of a warm load)."""
        entry = self.entries.get(key)
        if entry is not None and "data" in entry and entry.get("digest") != digest:
            entry["digest"] = digest
            self._encoded.pop(key, None)
            self.dirty = True

    def put(
        self, key: str, data: dict[str, Any] | None, errors: list[CardError], dates: list[list[str | int]] | None = None
    ) -> None:
        """Remember a card file's answer; ``dates`` are :func:`date_paths` of ``data`` when already known."""
        if self.path is None:
            return
        if errors:
            self.entries[key] = {"errors": [asdict(error) for error in errors]}
        else:
            dates = date_paths(data) if dates is None else dates
            if dates is None:
                return
            # Shared with the card, not copied: save() writes its dates as text.
            self.entries[key] = {"data": data, "dates": dates}
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
            replace_file(self.path, mac + b"\n" + body)


def _well_formed(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if "errors" in entry:
        return isinstance(entry["errors"], list) and all(isinstance(e, dict) for e in entry["errors"])
    return isinstance(entry.get("data"), dict) and isinstance(entry.get("dates"), list)


class TextCache:
    """Rendered text stored one file per key.

    Pages are stored with a keyed hash of their key and text (:meth:`get`,
    :meth:`put`): a file whose hash does not verify (truncated, edited,
    written by anyone but this user's runs) is a miss. Without a folder, or
    where a file cannot be written, they are kept in memory for the run, so
    what was put can always be got back.

    Files for the site as they are (exports, catalog.json: :meth:`file`,
    :meth:`put_file`) hold just their text, to be copied by MkDocs; the keyed
    hash of key and text is their name's second half, checked against the
    text before a file is used.
    """

    def __init__(
        self, folder: CacheFolder | None, context: str, previous: TextCache | None = None, remember: bool = False
    ):
        """The cache in ``folder``; with ``previous``, an earlier run's in this process on the same folder
        (``mkdocs serve``), its listing of the folder and the file texts it read are taken over. With
        ``remember``, :meth:`file_text` keeps what it reads for such a next run."""
        self.remember = remember
        self.cache_folder = folder
        self.folder = folder.subfolder("text") if folder else None
        """The real folder of the text files, once it exists."""
        self._subfolders: dict[str, Path] = {}
        """The real folders (by name) that entries are in, once checked."""
        if self.folder is not None and folder is not None:
            with contextlib.suppress(OSError), os.scandir(self.folder) as listing:
                for entry in listing:
                    if entry.is_symlink():
                        folder.subfolder("text", entry.name)  # raises CacheError naming it
        self.context = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{context}".encode()).hexdigest()
        self.used: set[str] = set()
        self.memory: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        """File texts read by :meth:`file_text`, by key, when remembered."""
        self._files: dict[str, tuple[Path, str]] | None = None
        self._verified: set[Path] = set()
        self._texts_before: dict[str, str] = {}
        if previous is not None and (previous.cache_folder, previous.context) == (self.cache_folder, self.context):
            self._files = previous._files
            self._texts_before = previous.texts
            self._verified = previous._verified

    def key(self, *parts: Any) -> str:
        """A key for text made from ``parts`` (any JSON-able values)."""
        payload = json.dumps([self.context, *parts], sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    def _entry_folder(self, key: str, create: bool) -> Path | None:
        """The real folder that the entry of ``key`` is in; made when ``create``."""
        known = self._subfolders.get(key[:2])
        if known is not None or self.cache_folder is None:
            return known
        folder = self.cache_folder.subfolder("text", key[:2], create=create)
        if folder is not None:
            self._subfolders[key[:2]] = folder
            self.folder = folder.parent
        return folder

    def get(self, key: str) -> str | None:
        self.used.add(key)
        if key in self.memory:
            return self.memory[key]
        folder = self._entry_folder(key, create=False)
        if folder is None or self.cache_folder is None:
            return None
        mac, _, body = (read_regular(folder / key) or b"").partition(b"\n")
        if not self.cache_folder.verifies(mac, _PAGE_MAC, key.encode(), body):
            return None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def keep(self, key: str) -> None:
        """Keep the entry of ``key`` (when :meth:`prune` runs) although this run did not read it."""
        self.used.add(key)

    def put(self, key: str, text: str) -> bool:
        """Store ``text``; False when it could only be kept in memory (no folder, or the folder is not writable)."""
        self.used.add(key)
        folder = self._entry_folder(key, create=True)
        if folder is not None and self.cache_folder is not None:
            body = text.encode("utf-8")
            try:
                replace_file(folder / key, self.cache_folder.mac(_PAGE_MAC, key.encode(), body).encode() + b"\n" + body)
                return True
            except OSError:
                pass
        self.memory[key] = text
        return False

    def _listing(self) -> dict[str, tuple[Path, str]]:
        if self._files is None:
            self._files = self._scan(self.folder) if self.folder is not None else {}
        return self._files

    def file(self, key: str) -> Path | None:
        """The file :meth:`put_file` stored for ``key``, if its text verifies; None otherwise."""
        self.used.add(key)
        found = self._listing().get(key)
        if found is None:
            return None
        path, mac = found
        if path in self._verified:
            return path
        return path if self._read_verified(key, path, mac) is not None else None

    def _read_verified(self, key: str, path: Path, mac: str) -> bytes | None:
        """The bytes of ``path`` if they are what this user's runs stored for ``key``."""
        assert self.cache_folder is not None
        body = read_regular(path)
        if body is None or not self.cache_folder.verifies(mac, _FILE_MAC, key.encode(), body):
            return None
        if self.remember:  # under `mkdocs serve` the next build need not read it again: the file is ours
            self._verified.add(path)
        return body

    def file_text(self, key: str) -> str | None:
        """The text of the file :meth:`put_file` stored for ``key``; None if it does not verify. Read once in
        this process when remembered."""
        self.used.add(key)
        text = self.texts.get(key) or self._texts_before.get(key)
        if text is None:
            found = self._listing().get(key)
            body = self._read_verified(key, *found) if found is not None else None
            if body is None:
                return None
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return None
        if self.remember:
            self.texts[key] = text
        return text

    def put_file(self, key: str, write: Callable[[TextIO], None]) -> Path | None:
        """Store what ``write`` writes as a file of its own; None when there is no folder or it cannot be written."""
        self.used.add(key)
        folder = self._entry_folder(key, create=True)
        if folder is None or self.cache_folder is None:
            return None
        text = io.StringIO()
        write(text)
        body = text.getvalue().encode("utf-8")
        mac = self.cache_folder.mac(_FILE_MAC, key.encode(), body)
        path = folder / f"{key}.{mac}"
        try:
            replace_file(path, body, mode=0o644)
        except OSError:
            return None
        if self._files is not None:
            self._files[key] = (path, mac)
        if self.remember:
            self._verified.add(path)
        return path

    def rescan(self) -> None:
        """Forget the listing of the folder (other processes have added files to it)."""
        self._files = None

    @staticmethod
    def _entries(folder: Path) -> Iterator[tuple[os.DirEntry[str], str, str]]:
        """The regular files in the two-hex-digit subfolders of ``folder`` (links are never followed), with
        the key and the rest of each name."""
        try:
            with os.scandir(folder) as subfolders:
                subs = [sub for sub in subfolders if len(sub.name) == 2 and sub.is_dir(follow_symlinks=False)]
            for sub in subs:
                with os.scandir(sub.path) as listing:
                    for entry in listing:
                        if entry.is_file(follow_symlinks=False):
                            key, _, rest = entry.name.partition(".")
                            yield entry, key, rest
        except OSError:
            return

    @classmethod
    def _scan(cls, folder: Path) -> dict[str, tuple[Path, str]]:
        """Files stored by :meth:`put_file` (named ``<key>.<keyed hash>``), by key: one listing of the folder."""
        return {
            key: (Path(entry.path), rest)
            for entry, key, rest in cls._entries(folder)
            if len(key) == 64 and len(rest) == 64 and set(rest) <= _HEX
        }

    def prune(self) -> None:
        """Delete the entries this build did not use, so the folder does not grow without bound.

        Only regular files named as this class names them (an entry, or a temporary file of one), that really
        lie inside the cache folder, are deleted.
        """
        if self.folder is None or self.cache_folder is None:
            return
        for entry, key, rest in self._entries(self.folder):
            if key:
                ours = len(key) == 64 and set(key) <= _HEX and (not rest or (len(rest) == 64 and set(rest) <= _HEX))
                stale = key not in self.used
            else:  # a temporary file replace_file left behind: .<name>.<random>.tmp
                ours = stale = entry.name.endswith(".tmp")
            if ours and stale and self.cache_folder.owns(Path(entry.path)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        if self._files is not None:
            self._files = {key: found for key, found in self._files.items() if key in self.used}

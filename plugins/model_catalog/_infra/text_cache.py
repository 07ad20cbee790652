"""Rendered pages, exports and catalog.json stored one file per content key, authenticated (see cache_folder)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from model_catalog._infra.atomicfile import new_file, replace_file
from model_catalog._infra.cache_folder import CACHE_FORMAT, CacheFolder, read_regular
from model_catalog._version import __version__

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

_PAGE_MAC = b"page"
_FILE_MAC = b"file"
_STAMPS_MAC = b"stamps"
_STAMPS = "stamps"
"""The file, in the text folder, of the stamps of files known to verify (see :meth:`TextCache.file`)."""
_HEX = frozenset("0123456789abcdef")

Stamp = tuple[int, int, int, int, int]


@functools.cache
def _code_stamp() -> str:
    """The size and time of each module of the package: what is rendered follows from the code too, and an
    editable install changes it without a new version (60 calls of stat, once per process)."""
    package = Path(__file__).resolve().parent.parent
    stamps = []
    for path in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            info = path.stat()
            stamps.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()


def _stamp(status: os.stat_result) -> Stamp:
    """What tells a file from any other, and from itself changed: device, inode, size, modification and status
    change times. The status change time cannot be set by anyone but the kernel, which moves it on every write,
    rename or change of the file's times."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


class _SignedText:
    """Text written to a binary file as UTF-8, each chunk fed to a keyed hash on its way."""

    def __init__(self, out: BinaryIO, signer: hmac.HMAC):
        self.out, self.signer = out, signer

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.signer.update(data)
        self.out.write(data)
        return len(text)


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
    text before a file is used. A file checked (or written) by an earlier run
    need not be read again while its stamp is the one that run recorded, in a
    file authenticated as the entries are: a warm build of 1,000 cards would
    otherwise read 3,000 exports to use none of their bytes.
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
        self.context = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{_code_stamp()}|{context}".encode()).hexdigest()
        self.used: set[str] = set()
        self.memory: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        """File texts read by :meth:`file_text`, by key, when remembered."""
        self._files: dict[str, tuple[Path, str]] | None = None
        self._verified: set[Path] = set()
        self._stamps: dict[str, Stamp] | None = None
        """The stamps of files known to hold what their names say, by file name (read when first needed)."""
        self._stamps_read: dict[str, Stamp] = {}
        self._texts_before: dict[str, str] = {}
        if previous is not None and (previous.cache_folder, previous.context) == (self.cache_folder, self.context):
            self._files = previous._files
            self._texts_before = previous.texts
            self._verified = previous._verified
            self._stamps, self._stamps_read = previous._stamps, previous._stamps_read

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
                replace_file(folder / key, self.cache_folder.mac(_PAGE_MAC, key.encode(), body).encode(), b"\n", body)
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
        if path in self._verified or self._known_stamp(path):
            return path
        return path if self._verified_file(key, path, mac) else None

    def _verified_file(self, key: str, path: Path, mac: str) -> bool:
        """Whether ``path`` holds what this user's runs stored for ``key`` (read in chunks, never whole)."""
        assert self.cache_folder is not None
        status = self.cache_folder.verify_file(mac, path, _FILE_MAC, key.encode())
        if status is None:
            return False
        self._known_stamps()[path.name] = _stamp(status)  # taken before the file was read: a change since moves it
        if self.remember:  # under `mkdocs serve` the next build need not read it again: the file is ours
            self._verified.add(path)
        return True

    def _known_stamps(self) -> dict[str, Stamp]:
        """The stamps an earlier run recorded, if their file verifies; then this run's too."""
        if self._stamps is None:
            self._stamps = {}
            if self.folder is not None and self.cache_folder is not None:
                mac, _, body = (read_regular(self.folder / _STAMPS) or b"").partition(b"\n")
                if self.cache_folder.verifies(mac, _STAMPS_MAC, self.context.encode(), body):
                    with contextlib.suppress(ValueError):
                        read = json.loads(body)
                        self._stamps = {
                            name: tuple(stamp)
                            for name, stamp in (read.items() if isinstance(read, dict) else ())
                            if isinstance(stamp, list) and len(stamp) == 5 and all(type(n) is int for n in stamp)
                        }
            self._stamps_read = dict(self._stamps)
        return self._stamps

    def _known_stamp(self, path: Path) -> bool:
        """Whether ``path`` is, unchanged, a regular file that verified in an earlier run or was written by one."""
        known = self._known_stamps().get(path.name)
        if known is None:
            return False
        try:
            status = os.lstat(path)
        except OSError:
            return False
        return stat.S_ISREG(status.st_mode) and _stamp(status) == known

    def adopt(self, key: str, path: Path) -> None:
        """Keep the file another process of this run (a forked worker) stored for ``key`` with :meth:`put_file`,
        and record its stamp, as that process would have."""
        self.used.add(key)
        with contextlib.suppress(OSError):
            self._known_stamps()[path.name] = _stamp(os.lstat(path))

    def _read_verified(self, key: str, path: Path, mac: str) -> bytes | None:
        """The bytes of ``path`` if they are what this user's runs stored for ``key``."""
        assert self.cache_folder is not None
        body = self.cache_folder.read_verified(mac, path, _FILE_MAC, key.encode())
        if body is not None and self.remember:  # as in _verified_file
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

    def put_file(self, key: str, write: Callable[[SupportsWrite[str]], object]) -> Path | None:
        """Store what ``write`` writes as a file of its own; None when there is no folder or it cannot be written.

        The text goes to the file as it is written, hashed on the way: catalog.json of 10,000 cards is 90 MB,
        never held in memory.
        """
        self.used.add(key)
        folder = self._entry_folder(key, create=True)
        if folder is None or self.cache_folder is None:
            return None
        signer = self.cache_folder.signer(_FILE_MAC, key.encode())
        try:
            with new_file(folder, f".{key}.") as (out, temporary):
                write(_SignedText(out, signer))
                out.flush()
                mac = signer.hexdigest()
                path = folder / f"{key}.{mac}"
                os.chmod(temporary, 0o644)
                os.replace(temporary, path)
                written = os.fstat(out.fileno())  # after the rename, which may move the status change time
        except OSError:
            return None
        self._known_stamps()[path.name] = _stamp(written)
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
        self._save_stamps()

    def _save_stamps(self) -> None:
        """Record the stamps of the files this run used, for the next run, if they changed."""
        if self._stamps is None or self.folder is None or self.cache_folder is None:
            return
        self._stamps = {name: stamp for name, stamp in self._stamps.items() if name.partition(".")[0] in self.used}
        if self._stamps == self._stamps_read:
            return
        body = json.dumps(self._stamps, sort_keys=True, separators=(",", ":")).encode()
        mac = self.cache_folder.mac(_STAMPS_MAC, self.context.encode(), body).encode()
        with contextlib.suppress(OSError):
            replace_file(self.folder / _STAMPS, mac, b"\n", body)
            self._stamps_read = dict(self._stamps)

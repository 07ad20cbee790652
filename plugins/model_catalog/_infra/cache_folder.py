"""The cache folder, whose content counts only where this user's own runs wrote it.

The folder usually sits in the checkout, where a pull request can put files.
So every entry read from it is authenticated: a keyed hash (HMAC-SHA256) under
a secret kept outside the checkout (:func:`secret_key`) is written with it and
checked before it is used, and an entry that does not verify is simply a miss.
Whatever the folder holds, a build gives the verdicts and bytes a build without
it gives. A folder tracked by git is refused, and no symbolic link in or to it
is ever followed: files are read with ``O_NOFOLLOW``, written by renaming into
real folders, and deleted only when they are regular files with the names this
module's users write, inside the real folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path
from typing import BinaryIO

CACHE_FORMAT = 6
"""Version of the files the caches write: a new one ignores what older versions wrote."""
KEY_ENV = "MODEL_CATALOG_CACHE_KEY"
"""Environment variable holding the secret (any text), for machines whose home folder does not persist (CI)."""
KEY_FILE = "cache-key"


class CacheError(Exception):
    """The cache folder cannot be used safely; the message says why and what to do."""


def _user_cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(base) if base else Path.home() / ".cache"


def repository_top(folder: Path) -> Path | None:
    """The work tree of the git repository holding ``folder``, found without running git."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _inside(path: Path, folders: list[Path | None]) -> bool:
    return any(folder is not None and path.is_relative_to(folder) for folder in folders)


_SECRETS: dict[str, bytes] = {}


def secret_key(project: Path) -> bytes:
    """The secret that cache entries are authenticated with: from :data:`KEY_ENV`, else from a file in the user's
    cache home (``$XDG_CACHE_HOME`` or ``~/.cache``, ``model-catalog/cache-key``), made on first use.

    A key file inside the project's folder or repository is refused: whoever can commit it could sign entries.
    Where no key file can be written, a key for this process only is used (the cache then helps within it).
    """
    text = os.environ.get(KEY_ENV, "")
    if text:
        return hashlib.sha256(b"model-catalog cache key\0" + text.encode()).digest()
    path = _user_cache_home().absolute() / "model-catalog" / KEY_FILE
    real = Path(os.path.realpath(path))
    project = Path(os.path.realpath(project))
    if _inside(real, [project, repository_top(project)]):
        raise CacheError(
            f"the cache key {path} is inside the project's repository, where a pull request could "
            f"replace it; set XDG_CACHE_HOME to a folder outside it, or set {KEY_ENV}"
        )
    known = _SECRETS.get(str(real))
    if known is None:
        known = _SECRETS[str(real)] = _read_key(path) or _make_key(path) or os.urandom(32)
    return known


def _read_key(path: Path) -> bytes | None:
    raw = read_regular(path)
    return raw if raw is not None and len(raw) >= 32 else None


def _make_key(path: Path) -> bytes | None:
    """A new random key written to ``path`` (owner-only), or the one another process wrote there first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(32))  # what the secrets module uses
        try:
            os.link(temporary, path)  # fails if a key is there already: then that one is used
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    except OSError:
        return None
    return _read_key(path)


def _open_regular(path: Path) -> tuple[BinaryIO, os.stat_result] | None:
    """``path`` open for reading, with its status, if it is a regular file (never through a symbolic link, never a
    FIFO); else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if stat.S_ISREG(status.st_mode):
            return os.fdopen(fd, "rb"), status
    except OSError:
        pass
    os.close(fd)
    return None


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (never through a symbolic link, never a FIFO); else None."""
    opened = _open_regular(path)
    if opened is None:
        return None
    with opened[0] as handle:
        try:
            return handle.read()
        except OSError:
            return None


def _tracked_by_git(path: Path) -> list[str]:
    """Files git tracks at or under ``path`` (empty when git is missing or ``path`` is not in a repository)."""
    import subprocess  # here: only a cache folder inside a repository needs it

    try:
        done = subprocess.run(
            ["git", "-C", str(path.parent), "ls-files", "-z", "--", path.name],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [name for name in done.stdout.decode(errors="replace").split("\0") if name]


class CacheFolder:
    """A cache folder checked to be safe to use, and the secret its entries are authenticated with."""

    def __init__(self, path: Path, secret: bytes):
        self.path = path
        self.secret = secret

    def mac(self, *parts: bytes | memoryview) -> str:
        """The keyed hash of ``parts`` (each length-prefixed, so no two sequences of parts share it), as hex."""
        return self.signer(*parts).hexdigest()

    def signer(self, *parts: bytes | memoryview) -> hmac.HMAC:
        """A keyed hash started with ``parts``, each length-prefixed as in :meth:`mac`. What is added to it
        afterwards is one last part, unprefixed: a file hashed as it is written or read, whose length is not
        known before its end."""
        signer = hmac.new(self.secret, digestmod=hashlib.sha256)
        for part in parts:
            signer.update(len(part).to_bytes(8, "big"))
            signer.update(part)
        return signer

    def verify_file(self, mac: str, path: Path, *parts: bytes) -> os.stat_result | None:
        """The status of the regular file ``path``, taken before it was read, if it hashes, after ``parts``, to
        ``mac``, as a :meth:`signer` fed with it while it was written; else None. Read a megabyte at a time:
        exports and catalog.json can be large."""
        opened = _open_regular(path)
        if opened is None:
            return None
        handle, status = opened
        signer = self.signer(*parts)
        with handle:
            try:
                while chunk := handle.read(1 << 20):
                    signer.update(chunk)
            except OSError:
                return None
        return status if _matches(signer, mac) else None

    def read_verified(self, mac: str, path: Path, *parts: bytes) -> bytes | None:
        """The bytes of the regular file ``path`` if they hash, after ``parts``, to ``mac``, as in
        :meth:`verify_file`; else None. Read whole: for a caller that needs them."""
        body = read_regular(path)
        if body is None:
            return None
        signer = self.signer(*parts)
        signer.update(body)
        return body if _matches(signer, mac) else None

    def verifies(self, mac: bytes | str, *parts: bytes | memoryview) -> bool:
        """Whether ``mac`` (as written by :meth:`mac`: any other bytes simply do not verify) is that of ``parts``."""
        return _matches(self.signer(*parts), mac)

    def subfolder(self, *names: str, create: bool = False) -> Path | None:
        """The real folder ``names`` below this one, made when ``create``; None when absent (and not made).

        None also when a part is a file (nothing can be stored there); raises :class:`CacheError` when a part is
        a symbolic link.
        """
        path = self.path
        for name in names:
            path = path / name
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                if not create:
                    return None
                try:
                    path.mkdir(exist_ok=True)
                    mode = os.lstat(path).st_mode
                except OSError:
                    return None
            except OSError:
                return None
            if stat.S_ISLNK(mode):
                raise CacheError(_a_link(path))
            if not stat.S_ISDIR(mode):
                return None
        return path

    def owns(self, path: Path) -> bool:
        """Whether ``path`` really lies inside this folder (no link on the way leads elsewhere)."""
        return Path(os.path.realpath(path)).is_relative_to(self.path)


def _matches(signer: hmac.HMAC, mac: bytes | str) -> bool:
    """Whether ``mac``, as read from a file (hex: any other bytes simply do not match), is ``signer``'s."""
    given = mac.encode("utf-8", errors="replace") if isinstance(mac, str) else mac
    return hmac.compare_digest(signer.hexdigest().encode(), given)


def _a_link(path: Path) -> str:
    return (
        f"{path} in the cache folder is a symbolic link; model-catalog never follows links in its cache (a link committed "
        "to the repository could make it read, overwrite or delete files elsewhere): delete it, the cache is "
        "rebuilt by the next build"
    )


def open_cache_folder(path: Path | None, project: Path) -> CacheFolder | None:
    """The cache folder at ``path`` (None: no cache), checked; raises :class:`CacheError` when it is unsafe."""
    if path is None:
        return None
    path = path.absolute()
    if path.is_symlink():
        raise CacheError(
            f"cache_dir {path} is a symbolic link; model-catalog never follows links to or in its "
            "cache (a link committed to the repository could make it delete files elsewhere): "
            "point cache_dir at a real folder"
        )
    if path.exists():
        if not path.is_dir():
            raise CacheError(f"cache_dir {path} is not a folder; remove it or point cache_dir elsewhere")
        tracked = _tracked_by_git(path) if repository_top(path.parent) else []
        if tracked:
            raise CacheError(
                f"cache_dir {path} is tracked by git ({len(tracked)} file(s), e.g. {tracked[0]}); a cache "
                "committed to the repository must never decide what is validated or published: run "
                f"`git rm -r --cached {path.name}` and list it in .gitignore"
            )
    real = Path(os.path.realpath(path))
    return CacheFolder(real, secret_key(project))

"""Reading a repository's revisions with the real ``git``, never through a checkout of the user's tree.

Files of a revision are read from git's objects (``ls-tree``, then one ``cat-file --batch`` for all blobs) and
written into a folder of our own, as pre-commit reads staged files: the working tree, the index and HEAD are never
touched. What a revision holds is untrusted (it is the pull request): only regular files are taken (links and
submodules are skipped), paths are checked to stay inside the folder, and sizes are capped.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

REMOTE_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "upstream/HEAD", "main", "master")
"""Where the default base is looked for, in this order: the remote's default branch, then the usual names."""
ZERO_OID = "0" * 40


class GitError(Exception):
    """git cannot answer: not a repository, an unknown revision, git missing. The message says what to do."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    parents: tuple[str, ...]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Answers must not depend on the user's pager, locale or replace refs, nor prompt for anything.
    env.update({"GIT_PAGER": "cat", "LC_ALL": "C", "GIT_NO_REPLACE_OBJECTS": "1", "GIT_TERMINAL_PROMPT": "0"})
    return env


class Repository:
    """One git repository, found from a folder inside its working tree."""

    def __init__(self, folder: Path):
        self.folder = folder
        top = self._git("rev-parse", "--show-toplevel", what=f"{folder} is not in a git repository").strip()
        self.top = Path(top)

    def _git(self, *args: str, what: str, stdin: bytes | None = None) -> str:
        return self._git_bytes(*args, what=what, stdin=stdin).decode("utf-8", "surrogateescape")

    def _git_bytes(self, *args: str, what: str, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", "-c", "core.quotePath=off", *args],
                cwd=self.folder,
                input=stdin,
                capture_output=True,
                env=_environment(),
                check=False,
            )
        except FileNotFoundError:
            raise GitError("git is not installed; install it, or compare two card files with --files") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"{what}" + (f" (git: {said[-1]})" if said else ""))
        return done.stdout

    def commit(self, revision: str) -> str:
        """The commit ``revision`` names; :class:`GitError` naming it when it names none."""
        if not revision or revision.startswith("-"):
            raise GitError(f"{revision!r} is not a revision; give a branch, a tag or a commit")
        return self._git(
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{revision}^{{commit}}",
            what=f"unknown revision {revision!r}; fetch it first (in CI: actions/checkout with fetch-depth: 0)",
        ).strip()

    def default_base(self) -> tuple[str, str]:
        """The merge-base of HEAD with the remote's default branch, and the branch's name."""
        for branch in REMOTE_BRANCHES:
            try:
                self.commit(branch)
            except GitError:
                continue
            base = self._git("merge-base", "HEAD", branch, what=f"HEAD and {branch} have no common commit").strip()
            return base, branch
        raise GitError("cannot tell the base branch (no origin/HEAD, main or master here); give it with --base REV")

    def relative(self, path: Path) -> str | None:
        """``path`` as a path inside the repository (``cards/x/1.0.yaml``); None when it is outside."""
        try:
            return Path(os.path.abspath(path)).relative_to(self.top.resolve()).as_posix()
        except ValueError:
            return None

    def files(self, commit: str, folders: list[str]) -> list[tuple[str, str]]:
        """The regular files under ``folders`` at ``commit``, as (path, blob id); links and submodules left out."""
        listing = self._git_bytes(
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", *folders, what=f"cannot list {commit}"
        )
        found = []
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            if kind == "blob" and mode in ("100644", "100755"):
                found.append((name.decode("utf-8", "surrogateescape"), oid))
        return found

    def blobs(self, oids: list[str], max_bytes: int) -> Iterator[tuple[str, bytes | None]]:
        """Each blob's content, or None for one larger than ``max_bytes``, streamed from one ``cat-file``: a
        revision of 100,000 cards is never all in memory, and a huge file in a pull request is never read."""
        if not oids:
            return
        sizes = self._git(
            "cat-file",
            "--batch-check=%(objectname) %(objectsize)",
            what="cat-file",
            stdin="".join(f"{oid}\n" for oid in oids).encode(),
        )
        small = []
        for line in sizes.splitlines():
            oid, _, size = line.partition(" ")
            if size.isdigit() and int(size) <= max_bytes:
                small.append(oid)
            else:
                yield oid, None
        if not small:
            return
        process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_environment(),
        )
        assert process.stdin is not None and process.stdout is not None
        request = "".join(f"{oid}\n" for oid in small).encode()
        # Written from a thread: git answers as it reads, and a full pipe would stop both sides.
        writer = threading.Thread(target=_write_and_close, args=(process.stdin, request), daemon=True)
        writer.start()
        try:
            for oid in small:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise GitError(f"cat-file gave no answer for {oid}")
                data = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after each object
                yield oid, data
        finally:
            writer.join()
            process.stdout.close()
            process.wait()

    def export(self, commit: str, paths: list[str], into: Path, max_bytes: int) -> list[str]:
        """Write the regular files under ``paths`` (files or folders) at ``commit`` into ``into``, at their paths
        in the repository; returns those written. A file larger than ``max_bytes`` is written empty-handed: as a
        file of ``max_bytes + 1`` bytes, so that the reader refuses it as too large, naming it."""
        wanted = [path for path in dict.fromkeys(paths) if path]
        if not wanted:
            return []
        listing = self.files(commit, wanted)
        names: dict[str, list[str]] = {}
        for name, oid in listing:
            names.setdefault(oid, []).append(name)
        written = []
        root = into.resolve()
        for oid, data in self.blobs(list(names), max_bytes):
            for name in names[oid]:
                relative = PurePosixPath(name)
                if relative.is_absolute() or ".." in relative.parts or ".git" in relative.parts:
                    continue  # git never stores these; refused anyway, as the path is from the pull request
                target = root.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data if data is not None else b"#" * (max_bytes + 1))
                written.append(name)
        return written

    def history(self, base: str, head: str, folders: list[str]) -> list[tuple[Commit, list[tuple[str, str]]]]:
        """The commits after ``base`` up to ``head`` that changed files under ``folders``, oldest first, each with
        the files it changed as (path before, path after); a file it added has no path before (""), one it
        deleted none after. Merges are left out: their authors wrote no change of their own."""
        text = self._git(
            "log",
            "--reverse",
            "--no-merges",
            "-M",
            "--name-status",
            "-z",
            "--format=%x01%H%x00%an%x00%ae%x00%P",
            f"{base}..{head}",
            "--",
            *folders,
            what=f"cannot read the history from {base} to {head}",
        )
        found: list[tuple[Commit, list[tuple[str, str]]]] = []
        for record in text.split("\x01")[1:]:
            header, _, rest = record.partition("\n")
            sha, name, email, parents = header.split("\0")[:4]
            fields = [part.strip("\n") for part in rest.split("\0")]
            files: list[tuple[str, str]] = []
            index = 0
            while index < len(fields):
                status = fields[index]
                if not status:
                    index += 1
                    continue
                if status[0] in "RC":
                    files.append((fields[index + 1] if status[0] == "R" else "", fields[index + 2]))
                    index += 3
                else:
                    path = fields[index + 1]
                    files.append(("" if status[0] == "A" else path, "" if status[0] == "D" else path))
                    index += 2
            found.append((Commit(sha, name, email, tuple(parents.split())), files))
        return found

    def changed_in_worktree(self, folders: list[str]) -> list[str]:
        """Files under ``folders`` that differ between HEAD and the working tree (staged or not), or are new."""
        changed = self._git("diff", "--name-only", "-z", "HEAD", "--", *folders, what="cannot compare HEAD")
        new = self._git("ls-files", "-z", "--others", "--exclude-standard", "--", *folders, what="cannot list files")
        return [name for name in (changed + new).split("\0") if name]

    def user(self) -> tuple[str, str]:
        """git's user.name and user.email here ("" for one not set)."""
        found = []
        for key in ("user.name", "user.email"):
            try:
                found.append(self._git("config", "--get", key, what=key).strip())
            except GitError:
                found.append("")
        return found[0], found[1]

    def blob_at(self, commit: str, path: str, max_bytes: int) -> bytes | None:
        """The file at ``path`` in ``commit``; None when it is not there (or not a regular file)."""
        listing = self.files(commit, [path])
        exact = [oid for name, oid in listing if name == path]
        return next((data for _, data in self.blobs(exact[:1], max_bytes)), None)


def _write_and_close(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
    except BrokenPipeError:
        pass
    finally:
        stream.close()

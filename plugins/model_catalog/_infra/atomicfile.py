"""Files replaced whole or not at all: written beside their target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def replace_file(path: Path, *chunks: bytes, mode: int | None = None) -> None:
    """Write ``chunks``, one after the other, to ``path`` so that readers see the old file or the new one, never
    part of either. (Several chunks, so that a large file need not be copied to have a header put before it.)

    ``mode`` sets the new file's permission bits (else the temporary file's: owner only). Raises OSError,
    and then leaves no temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with new_file(path.parent, f".{path.name}.") as (out, temporary):
        for chunk in chunks:
            out.write(chunk)
        out.close()
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)


@contextlib.contextmanager
def new_file(folder: Path, prefix: str) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file in ``folder`` (owner only), open for writing, and its path; for the caller to rename
    into place before the block ends. Whatever is still there afterwards (an error, no rename) is deleted."""
    import tempfile  # here: a command that writes nothing starts faster without it

    handle, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out, temporary
    finally:
        temporary.unlink(missing_ok=True)

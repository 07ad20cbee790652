"""Located errors: what is wrong, where, and how to fix it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

FieldPath = tuple[str | int, ...]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters written as ``\\xNN``: a file name must not move a terminal's cursor."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


def format_path(path: FieldPath) -> str:
    """Render a field path the way users write it: ``metrics[2].value``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True, order=True)
class CardError:
    """One problem in one card file.

    ``line`` and ``column`` are 1-based; 0 means the problem concerns the
    whole file. ``path`` is the field path (``metrics[2].value``), empty for
    file-level problems. ``severity`` is ``error`` (fails the gate),
    ``warning`` or ``notice``.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        file = printable(self.file)
        where = file if self.line == 0 else f"{file}:{self.line}:{self.column}"
        field = f" {self.path}:" if self.path else ""
        level = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{level}{field} {self.message}"


class SchemaError(Exception):
    """The card schema or its extension cannot be used; the message names the file."""


class CatalogError(Exception):
    """Raised when cards are invalid and the caller wants an exception."""

    def __init__(self, errors: Sequence[CardError]):
        self.errors = list(errors)
        super().__init__(format_text(self.errors))


def format_text(errors: Iterable[CardError]) -> str:
    return "\n".join(str(error) for error in errors)


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(errors: Iterable[CardError]) -> str:
    """GitHub Actions workflow commands, one per error, shown on the PR's lines."""
    lines = []
    for error in errors:
        props = [f"file={_escape_github_property(error.file)}"]
        if error.line:
            props += [f"line={error.line}", f"col={error.column}"]
        if error.path:
            props.append(f"title={_escape_github_property(error.path)}")
        message = _escape_github_data(error.message)
        lines.append(f"::{error.severity} {','.join(props)}::{message}")
    return "\n".join(lines)


def format_json(errors: Iterable[CardError]) -> str:
    return json.dumps([asdict(error) for error in errors], indent=2, ensure_ascii=False)

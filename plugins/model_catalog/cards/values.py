"""Card values: the format's own rules (``link``, ``spdx_license``, ``single_line``, shared by Cerberus and the
fast check), dates, and values as plain JSON data."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from typing import Any

_SPDX_OPERATOR = re.compile(r"\s+(?:AND|OR|WITH)\s+")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_FULL_LINK = re.compile(r"(?i)https?://[^\s/?#]+[^\s]*|mailto:[^\s]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def describe_value(value: object) -> str:
    """How a value reads in a message: ``'abc'``, ``92``, ``a list``."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
"""Characters that end a line for Python, browsers or Markdown."""


def line_break_problem(value: str) -> str | None:
    """What is wrong with text that must stay on one line (a name, a title), or None."""
    if not any(ch in LINE_BREAKS for ch in value):
        return None
    return "must be a single line (it holds a line break); write it on one line, and put longer text in `description`"


def unknown_licenses(expression: str, licenses: frozenset[str]) -> list[str]:
    """The identifiers of an SPDX expression that are neither SPDX licences nor ``LicenseRef-``s."""
    if expression == "proprietary":
        return []
    ids = [part.strip("() ") for part in _SPDX_OPERATOR.split(expression.strip())]
    return [part for part in ids if part not in licenses and not part.startswith("LicenseRef-")]


def link_problem(value: str) -> str | None:
    """What is wrong with a link (a full http, https or mailto URL, or a relative path), or None.

    Read as a browser reads it (the WHATWG URL standard), so no link can be taken for one kind here and
    followed as another there: browsers drop tabs and newlines anywhere and control characters at either end
    (``"\\x01javascript:"`` runs as ``javascript:``), so control characters are refused wherever they are,
    and the scheme is looked for after leading white space.
    """
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        return (
            f"must not contain control characters (got U+{ord(control):04X} in {describe_value(value)}); "
            "remove it (browsers skip it, so the link would not go where it reads)"
        )
    text = value.strip()
    if text.lower().startswith(_LINK_SCHEMES):
        if _FULL_LINK.fullmatch(text):
            return None
        return f"is not a valid link (got {describe_value(value)}); write a full URL such as https://example.com/page"
    if _SCHEME.match(text) or text.startswith(("//", "\\\\", "/\\", "\\/")):
        return f"links must use http, https or mailto (got {describe_value(value)})"
    if not text or any(ch.isspace() for ch in text):
        return f"is not a valid link (got {describe_value(value)}); encode spaces as %20"
    return None


def parse_isodate(value: object) -> dt.date | None:
    """A date from YAML's date value or an ISO ``YYYY-MM-DD`` string; None otherwise."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def without_empty(value: Any) -> Any:
    """``value`` without mapping keys whose value is null: a key left empty is not filled in yet."""
    if isinstance(value, dict):
        return {key: without_empty(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_empty(item) for item in value]
    return value


def build_date() -> dt.date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def plain(value: Any) -> Any:
    """``value`` with dates as ISO strings, ready for JSON."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value

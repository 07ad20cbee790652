"""Values of another tool's files fitted to the card's rules, which the card schema holds: text cleaned, numbers,
dates and SPDX licenses read, and for each value that does not fit, the reason; and the paths reports name them by.

Both importers (``mct/`` and ``cyclonedx_import/``) fit values through :func:`fit`, directly and through
``drafting.py``'s :class:`~model_catalog.formats.drafting.DraftBuilder`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from model_catalog.cards.schema import CardSchema, Rules
from model_catalog.cards.validation import MAX_EXACT_INTEGER
from model_catalog.cards.values import link_problem, parse_isodate, unknown_licenses
from model_catalog.cards.yamlsource import MAX_TEXT

TEXT_LIMIT = MAX_TEXT
"""Characters of one value of a card (the card reader's limit); longer ones are cut, and the report says so."""

# ---------------------------------------------------------------------------------------------------------------
# Paths of source fields, as reports name them


_PLAIN_KEY = re.compile(r"[A-Za-z_$@][A-Za-z0-9_$@-]*")


def child_path(parent: str, key: str | int) -> str:
    """The path of ``key`` under ``parent``: ``a.b``, ``a[2]``, or ``a["odd key"]`` (long keys cut to 60)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _PLAIN_KEY.fullmatch(key) and len(key) <= 60:
        return f"{parent}.{key}" if parent else key
    shown = key if len(key) <= 60 else key[:57] + "..."
    return f"{parent}[{json.dumps(shown, ensure_ascii=True)}]"


def kind_of(value: Any) -> str:
    """A value's JSON kind, for reasons: ``text``, ``a number``, ``a list``."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


# ---------------------------------------------------------------------------------------------------------------
# Values fitted to the card's rules


_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ud800-\udfff]")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SPDX_OPERATORS = re.compile(r"(\s+(?:AND|OR|WITH)\s+|[()])")


@lru_cache(maxsize=1)
def card_schema() -> CardSchema:
    """The built-in card schema: what drafts are fitted to (the command checks them against the configured one)."""
    return CardSchema.load()


def field_rules(path: str) -> Rules | None:
    """The rules of a card field by its dotted path (``metrics.name``: list items are looked through)."""
    rules: Rules | None = {"type": "dict", "schema": card_schema().fields}
    for part in path.split("."):
        if rules is None:
            return None
        inner = rules.get("schema")
        if rules.get("type") == "list" and isinstance(inner, dict):
            inner = inner.get("schema")
        if not isinstance(inner, dict):
            return None
        rules = inner.get(part)
    return rules


def clean_text(value: str) -> str:
    """Text a card file can hold: line breaks as ``\\n``, without control characters, lone surrogates or BOMs."""
    text = _LINE_BREAK.sub("\n", value)
    text = _UNWANTED.sub(lambda match: "\ufffd" if "\ud800" <= match.group() <= "\udfff" else "", text)
    return text.strip()


def one_line(value: str) -> str:
    """``value`` cleaned and on one line (names, titles and slices become headings and table cells)."""
    return " ".join(clean_text(value).split())


def number_of(value: Any) -> tuple[float | int | None, str]:
    """A finite number from a number or its text (``"0.9"``, ``"95%"``), and its unit (``%`` or "")."""
    if isinstance(value, bool):
        return None, ""
    if isinstance(value, int):
        return (value, "") if abs(value) <= MAX_EXACT_INTEGER else (None, "")
    if isinstance(value, float):
        return (value, "") if math.isfinite(value) else (None, "")
    if not isinstance(value, str) or len(value) > 100:
        return None, ""
    text = value.strip()
    unit = ""
    if text.endswith("%"):
        text, unit = text[:-1].strip(), "%"
    if not _NUMBER.fullmatch(text):
        return None, ""
    if re.fullmatch(r"[-+]?\d+", text):
        number: float | int = int(text)
        return (number, unit) if abs(number) <= MAX_EXACT_INTEGER else (None, "")
    number = float(text)
    return (number, unit) if math.isfinite(number) else (None, "")


def spdx_license(text: str) -> tuple[str | None, str]:
    """An SPDX identifier or expression in its canonical case, or ``proprietary``; with a note when it was read
    loosely (``Apache 2.0`` as ``Apache-2.0``). None when an id is unknown."""
    text = one_line(text)
    if not text:
        return None, ""
    if text.lower() == "proprietary":
        return "proprietary", ""
    known = {name.lower(): name for name in card_schema().licenses}

    def canonical(expression: str) -> str | None:
        parts = _SPDX_OPERATORS.split(expression)
        out = []
        for part in parts:
            token = part.strip()
            if not token or token in "()" or token.upper() in ("AND", "OR", "WITH"):
                out.append(part.upper() if token.upper() in ("AND", "OR", "WITH") else part)
                continue
            if token.startswith("LicenseRef-"):
                out.append(token)
            elif token.lower() in known:
                out.append(known[token.lower()])
            else:
                return None
        result = "".join(out).strip()
        return result if not unknown_licenses(result, card_schema().licenses) else None

    found = canonical(text)
    if found:
        return found, ""
    loose = re.sub(r"(?i)\s+licen[sc]e\b", "", text).replace(" ", "-")
    found = canonical(loose) if " " in text else None
    return (found, f"read as the SPDX identifier {found}") if found else (None, "")


def fit(rules: Rules | None, value: Any) -> tuple[Any, str]:
    """``value`` as the card field of ``rules`` holds it, and a note; or None and what keeps it out."""
    if rules is None:
        return None, "the card has no such field"
    wanted = rules.get("type")
    types = wanted if isinstance(wanted, list) else [wanted]
    if "boolean" in types:
        if isinstance(value, bool):
            return value, ""
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true", ""
        if types == ["boolean"]:
            return None, f"not true or false (got {kind_of(value)})"
    if "integer" in types:
        number, unit = number_of(value)
        if not isinstance(number, int) or unit:
            return None, f"not a whole number (got {shown_value(value)})"
        return _within(rules, number)
    if "number" in types:
        number, unit = number_of(value)
        if number is None or unit:
            return None, f"not a number (got {shown_value(value)})"
        return _within(rules, number)
    if "isodate" in types:
        date = read_date(value)
        return (date, "") if date else (None, f"not a date (got {shown_value(value)})")
    if "string" in types:
        return _fit_text(rules, value)
    return None, "no field of the card takes it"


def _within(rules: Rules, number: float) -> tuple[Any, str]:
    if "min" in rules and number < rules["min"]:
        return None, f"below {rules['min']}"
    return number, ""


def _fit_text(rules: Rules, value: Any) -> tuple[Any, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        value = str(value)
    if not isinstance(value, str):
        return None, f"not text (got {kind_of(value)})"
    text = one_line(value) if rules.get("single_line") else clean_text(value)
    note = ""
    if not text:
        return None, "empty"
    limit = rules.get("maxlength")
    if isinstance(limit, int) and len(text) > limit:
        return None, f"longer than the {limit} characters the field holds"
    if len(text) > TEXT_LIMIT:
        note = f"cut to the first {TEXT_LIMIT:,} of its {len(text):,} characters"
        text = text[:TEXT_LIMIT]
    if rules.get("regex") and not re.fullmatch(rules["regex"], text):
        pattern = rules.get("meta", {}).get("pattern", "the field's pattern")
        return None, f"{shown_value(text)} does not fit the field ({pattern})"
    if rules.get("link"):
        problem = link_problem(text)
        if problem:
            return None, f"not a link the card accepts: it {problem}"
    if rules.get("spdx_license"):
        found, note = spdx_license(text)
        if found is None:
            return None, f"{shown_value(text)} is not an SPDX license identifier or expression"
        text = found
    if "allowed" in rules and text not in rules["allowed"]:
        return None, f"{shown_value(text)} is not one of {', '.join(map(str, rules['allowed']))}"
    return text, note


def shown_value(value: Any) -> str:
    """A value for a reason: short text or a number as written, anything else by its kind (never walked)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return kind_of(value)
    text = one_line(str(value))
    return repr(text if len(text) <= 60 else text[:57] + "...")


_DAY_FIRST_OR_MONTH_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def read_date(value: Any) -> dt.date | None:
    """A date from ``YYYY-MM-DD``, ``YYYY/MM/DD`` or an unambiguous ``MM/DD/YYYY`` / ``DD/MM/YYYY``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip()
    found = parse_isodate(text) or parse_isodate(text.replace("/", "-"))
    if found or not text:
        return found
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?", text):
        return parse_isodate(text[:10])
    match = _DAY_FIRST_OR_MONTH_FIRST.fullmatch(text)
    if not match:
        return None
    first, second, year = (int(part) for part in match.groups())
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    else:
        return None  # 03/04/2020: April or March?
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def tonnes_to_kg(value: float) -> float | int:
    """Tonnes as kilograms without binary noise (31.22 t is 31220 kg, not 31220.000000000004)."""
    try:
        kg = Decimal(repr(value)) * 1000
    except InvalidOperation:
        return value * 1000
    return int(kg) if kg == kg.to_integral_value() else float(kg)

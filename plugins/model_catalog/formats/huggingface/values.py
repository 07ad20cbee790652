"""Values read from a Hub card's text: counts, hours, masses, dates, ids, licences, links; and which labelled
line of the template holds which card field."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from model_catalog.formats.huggingface.hub import card_schema
from model_catalog.formats.huggingface.markdown import link_parts

_URL = re.compile(r"(?i)https?://[^\s/?#]+\S*|mailto:\S+")

_SPDX_TOKEN = re.compile(r"[A-Za-z0-9.+:-]+")

_ID = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")

_CATALOG_REF = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(@[A-Za-z0-9][A-Za-z0-9._+-]{0,63})?")

_COUNT = re.compile(
    r"~?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|b|thousand|million|billion)?(?:\s*parameters)?\.?", re.IGNORECASE
)

_HOURS = re.compile(r"~?\s*(\d+(?:\.\d+)?)\s*(h|hrs?|hours?|d|days?|min|minutes?)?\.?", re.IGNORECASE)

_MASS = re.compile(
    r"~?\s*(\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(g|grams?|kg|kilograms?|t|tonnes?|tons?)\b.*", re.IGNORECASE
)


def _plain_value(value: str) -> str | None:
    return value.strip() or None


def url_value(value: str) -> str | None:
    target = link_parts(value)[1]
    return target if _URL.fullmatch(target) else None


def _count(value: str) -> int | None:
    """``24,800``, ``110M`` or ``1.3 billion parameters`` as a whole number."""
    match = _COUNT.fullmatch(value.strip())
    if not match:
        return None
    scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
    number = float(match.group(1).replace(",", "")) * scale.get((match.group(2) or "").lower(), 1)
    return round(number) if number.is_integer() or match.group(2) else None


def _hours(value: str) -> float | None:
    match = _HOURS.fullmatch(value.strip())
    if not match:
        return None
    unit = (match.group(2) or "h").lower()
    factor = 24.0 if unit.startswith("d") else 1 / 60 if unit.startswith("min") else 1.0
    return whole_number(float(match.group(1)) * factor)


def _co2_kg(value: str) -> float | None:
    """Emissions with an explicit mass unit; a bare number is ambiguous (the template asks for grams)."""
    match = _MASS.fullmatch(value.strip())
    if not match:
        return None
    unit = match.group(2).lower()
    factor = 0.001 if unit.startswith("g") else 1000.0 if unit.startswith("t") else 1.0
    return whole_number(float(match.group(1).replace(",", "")) * factor)


def whole_number(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def number_value(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return kind(value.strip())
            except ValueError:
                pass
    return None


_PLUS_MINUS = re.compile(
    r"\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?:\+/-|±|\+-)\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*"
)

_DECIMAL_COMMA = re.compile(r"\s*(-?\d+),(\d{1,2}|\d{4,})\s*")


def metric_value(value: Any) -> tuple[float | int, float | int | None, str] | None:
    """A Hub metric value as (value, standard deviation, how it was read): a number, a number written as text,
    ``264.62 +/- 15.44`` (Stable-Baselines3's mean and standard deviation), or ``29,6037`` with a decimal comma
    (a comma before three digits is a thousands separator, never guessed). None when it is no number."""
    number = number_value(value)
    if number is not None:
        if (isinstance(number, float) and number != number) or number in (float("inf"), float("-inf")):
            return None
        return number, None, "" if not isinstance(value, str) else f"read from the text {value!r}"
    if not isinstance(value, str):
        return None
    if match := _PLUS_MINUS.fullmatch(value):
        mean, spread = number_value(match.group(1)), number_value(match.group(2))
        if mean is not None and spread is not None:
            return mean, spread, f"{value!r} read as the mean {mean} and the standard deviation {spread}"
    if match := _DECIMAL_COMMA.fullmatch(value):
        read = number_value(f"{match.group(1)}.{match.group(2)}")
        if read is not None:
            return read, None, f"{value!r} read with a decimal comma as {read}"
    return None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def model_id(value: str) -> str | None:
    return value.strip() if _ID.fullmatch(value.strip()) else None


def _version(value: str) -> str | None:
    return value.strip() if _VERSION.fullmatch(value.strip()) else None


def _risk_tier(value: str) -> str | None:
    return value.strip().lower() if value.strip().lower() in ("low", "medium", "high") else None


def catalog_ref(value: Any) -> str | None:
    """A base model reference our catalog can hold: ``id`` or ``id@version``."""
    if not isinstance(value, str):
        return None
    text = link_parts(value)[0].strip()
    return text if _CATALOG_REF.fullmatch(text) else None


def _sensitive(value: str) -> bool | str:
    return {"yes": True, "true": True, "no": False, "false": False, "none": False}.get(
        value.strip().lower(), value.strip()
    )


@lru_cache(maxsize=1)
def _licenses_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in card_schema().licenses}


def spdx_value(text: Any) -> str | None:
    """An SPDX identifier or expression with each id in its canonical case, or None if any id is unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = " ".join(text.split())
    if text.lower() == "proprietary":
        return "proprietary"
    known = _licenses_by_lower()
    unknown: list[str] = []

    def canonical(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.upper() in ("AND", "OR", "WITH"):
            return token.upper()
        if token.startswith("LicenseRef-"):
            return token
        if token.lower() not in known:
            unknown.append(token)
        return known.get(token.lower(), token)

    result = _SPDX_TOKEN.sub(canonical, text)
    return None if unknown or re.search(r"[^A-Za-z0-9.+:\-() ]", result) else result


def hub_license_to_spdx(license: Any, license_name: Any) -> str | None:
    if license == "other":
        return "proprietary" if str(license_name).lower() == "proprietary" else spdx_value(license_name)
    return spdx_value(license)


MODEL_LABELS: dict[str, tuple[tuple[str, ...], Callable[[str], Any]]] = {
    "model type": (("model_details", "architecture"), _plain_value),
    "architecture": (("model_details", "architecture"), _plain_value),
    "framework": (("model_details", "framework"), _plain_value),
    "parameters": (("model_details", "parameters"), _count),
    "input format": (("model_details", "input_format"), _plain_value),
    "output format": (("model_details", "output_format"), _plain_value),
    "repository": (("model_details", "repository"), url_value),
    "paper": (("model_details", "paper"), url_value),
    "catalog id": (("id",), model_id),
    "version": (("version",), _version),
    "risk tier": (("risk_tier",), _risk_tier),
    "created": (("created",), _date),
    "updated": (("updated",), _date),
}
"""``- **Label:** value`` facts of the Model Details and Technical Specifications sections."""

RECONCILED_LABELS = (
    "license",
    "finetuned from model",
    "task",
    "demo",
    "developed by",
    "status",
    "language",
    "resources for more information",
)
"""Facts settled once the whole card is read: given by the front matter too, or restating what an export writes."""

FACT_LABELS = frozenset(MODEL_LABELS) | frozenset(RECONCILED_LABELS)

ENVIRONMENT_LABELS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "hardware type": ("hardware", _plain_value),
    "hours used": ("hours", _hours),
    "compute region": ("region", _plain_value),
    "carbon emitted": ("co2_eq_kg", _co2_kg),
}

DATASET_LABELS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "size": ("size", _plain_value),
    "sensitive data": ("sensitive_data", _sensitive),
    "link": ("link", url_value),
}


NOT_FINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
"""Numbers a card cannot hold (its values are finite), written in a kept index as these words."""


def finite(value: Any) -> Any:
    """``value`` with its NaN and infinite numbers as the words of :data:`NOT_FINITE`."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if value != value else "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def not_finite(value: Any) -> Any:
    """The reverse of :func:`finite`, for an export."""
    if isinstance(value, str) and value in NOT_FINITE:
        return NOT_FINITE[value]
    if isinstance(value, dict):
        return {key: not_finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [not_finite(item) for item in value]
    return value

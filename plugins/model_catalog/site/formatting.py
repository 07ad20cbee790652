"""How values read on a page: numbers and dates, the same in tables, charts and the index."""

from __future__ import annotations

import datetime as dt
from typing import Any


def format_number(value: float) -> str:
    """Short, stable text for a metric value."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1):
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def iso_date(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value)

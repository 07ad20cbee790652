"""Card values as plain JSON data."""

from __future__ import annotations

import datetime as dt
from typing import Any


def plain(value: Any) -> Any:
    """``value`` with dates as ISO strings, ready for JSON."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value

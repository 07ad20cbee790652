"""What the compare pages show: a model's versions side by side, and the models a reader picked on the index.

Both pages are static. A model's page holds the data of each of its versions (what ``card.json`` holds) in a
``<script type="application/json">`` element, so that it works offline and from ``file://``; the page that compares
models fetches each one's ``card.json``. ``assets/compare.js`` renders both, from the same code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from model_catalog.cards.model import Card
from model_catalog.cards.values import plain
from model_catalog.site.formatting import iso_date

_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: Any) -> Markup:
    """``data`` as JSON text to put inside a ``<script type="application/json">`` element as it is.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026``: they can only stand inside JSON
    strings, where the escape means the same character, and without them no card text can end the element
    (``</script>``) or open a comment in it (``<!--``). ``JSON.parse`` gives back the very data.
    """
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.translate(_SCRIPT_ESCAPES))


def compare_query(a: str, b: str) -> str:
    """The query of a model's compare page that shows version ``a`` beside version ``b``."""
    return "?" + urlencode({"a": a, "b": b})


def compare_link(card: Card, versions: list[Card]) -> tuple[str, str] | None:
    """The two versions a card page's "Compare versions" link shows: its predecessor and it (the oldest version
    beside the one after it); None when the model has one version."""
    if len(versions) < 2 or card not in versions:
        return None
    at = versions.index(card)  # newest first
    return (
        (versions[at + 1].version, card.version) if at + 1 < len(versions) else (card.version, versions[at - 1].version)
    )


def model_compare_view(versions: list[Card], page_href: Callable[[Card], str]) -> dict[str, Any]:
    """What ``model-compare.html`` shows of a model's versions (newest first), and the data its script reads."""
    latest = versions[0]
    return {
        "id": latest.id,
        "name": latest.name,
        "versions": [
            {
                "version": card.version,
                "status": card.status,
                "href": page_href(card),
                "latest": card is latest,
                "updated": iso_date(card.data.get("updated")),
            }
            for card in versions
        ],
        "a": versions[1].version,
        "b": latest.version,
        "data": script_json(
            {
                "id": latest.id,
                "versions": [
                    {"version": card.version, "href": page_href(card), "card": plain(card.data)} for card in versions
                ],
            }
        ),
    }

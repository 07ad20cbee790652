"""Cards as plain JSON data, for other tools and for ``catalog.json``."""

from __future__ import annotations

import json
from typing import Any, Callable

from .card import Card, Catalog
from .plaindata import plain


def dumps(data: Any) -> str:
    """Stable, compact JSON text: sorted keys, no spaces, UTF-8, trailing newline (C encoder: fast)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def card_json(card: Card) -> str:
    return dumps(plain(card.data))


def catalog_json(catalog: Catalog, *, include_drafts: bool, urls: dict[tuple[str, str], str]) -> str:
    """The whole catalog, every version of every model, as one JSON document."""
    models = []
    for model_id, versions in catalog.models(include_drafts=include_drafts).items():
        models.append({
            "id": model_id,
            "name": versions[0].name,
            "latest_version": versions[0].version,
            "versions": [{"url": urls.get(card.key), "source": card.source, "card": plain(card.data)}
                         for card in versions],
        })
    return dumps({"format": "model-catalog/catalog", "schema_version": 1, "models": models})


def _huggingface(card: Card) -> str:
    from .formats.huggingface import to_huggingface

    return to_huggingface(card)


def _cyclonedx(card: Card) -> str:
    from .formats.cyclonedx import to_cyclonedx

    return dumps(to_cyclonedx(card))


EXPORTERS: dict[str, Callable[[Card], str]] = {"json": card_json, "huggingface": _huggingface, "cyclonedx": _cyclonedx}
"""Export formats by name: each turns a card into the text of a file."""

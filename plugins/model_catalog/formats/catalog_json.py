"""Cards as plain JSON data, for other tools and for ``catalog.json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.values import plain

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def dumps(data: Any) -> str:
    """Stable, compact JSON text: sorted keys, no spaces, UTF-8, trailing newline (C encoder: fast)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def card_json(card: Card) -> str:
    return dumps(plain(card.data))


def write_catalog_json(
    out: SupportsWrite[str],
    catalog: Catalog,
    *,
    include_drafts: bool,
    urls: dict[tuple[str, str], str],
    card_text: Callable[[Card], str] = card_json,
) -> None:
    """The whole catalog, every version of every model, as one JSON document, written model by model.

    The text is what :func:`dumps` makes of the whole document; no more than one
    model is held at a time. ``card_text`` gives each card's :func:`card_json`
    (a build passes the one it already wrote).
    """
    before, _, after = dumps({"format": "model-catalog/catalog", "models": [], "schema_version": 1}).partition(
        '"models":[]'
    )
    out.write(before + '"models":[')
    for index, (model_id, versions) in enumerate(catalog.models(include_drafts=include_drafts).items()):
        # Keys in sorted order, as dumps() writes them: id, latest_version, name, versions; card, source, url.
        head = dumps({"id": model_id, "latest_version": versions[0].version, "name": versions[0].name})
        entries = ",".join(
            '{"card":'
            + card_text(card).rstrip("\n")
            + ","
            + dumps({"source": card.source, "url": urls.get(card.key)}).rstrip("\n")[1:]
            for card in versions
        )
        out.write(("," if index else "") + head.rstrip("\n")[:-1] + ',"versions":[' + entries + "]}")
    out.write("]" + after)

"""The formats cards are exported to and imported from, one module or sub-package each.

:data:`EXPORTERS` maps each export format's name to the function that writes it.
"""

from __future__ import annotations

from collections.abc import Callable

from model_catalog.cards.model import Card
from model_catalog.formats.catalog_json import card_json, dumps


def _huggingface(card: Card) -> str:
    from model_catalog.formats.huggingface.export import to_huggingface

    return to_huggingface(card)


def _cyclonedx(card: Card) -> str:
    from model_catalog.formats.cyclonedx import to_cyclonedx

    return dumps(to_cyclonedx(card))


EXPORTERS: dict[str, Callable[[Card], str]] = {"json": card_json, "huggingface": _huggingface, "cyclonedx": _cyclonedx}
"""Export formats by name: each turns a card into the text of a file."""

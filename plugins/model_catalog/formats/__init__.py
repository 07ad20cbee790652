"""The formats cards are exported to and imported from, one module or sub-package each.

:data:`EXPORTERS` maps each export format's name to the function that writes it; :data:`IMPORTERS` each import
format's name to the function that reads a file of it (see ``importing.py``). Each is imported when it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from model_catalog.cards.model import Card
from model_catalog.formats.catalog_json import card_json, dumps
from model_catalog.formats.importing import ImportedDraft, Importer


def _huggingface(card: Card) -> str:
    from model_catalog.formats.huggingface.export import to_huggingface

    return to_huggingface(card)


def _cyclonedx(card: Card) -> str:
    from model_catalog.formats.cyclonedx import to_cyclonedx

    return dumps(to_cyclonedx(card))


def _spdx(card: Card) -> str:
    from model_catalog.formats.spdx import to_spdx

    return dumps(to_spdx(card))


EXPORTERS: dict[str, Callable[[Card], str]] = {
    "json": card_json,
    "huggingface": _huggingface,
    "cyclonedx": _cyclonedx,
    "spdx": _spdx,
}
"""Export formats by name: each turns a card into the text of a file."""


def _import_huggingface(text: str, name: str) -> list[ImportedDraft]:
    from model_catalog.formats.huggingface.importer import import_huggingface

    return import_huggingface(text, name)


def _import_mct(text: str, name: str) -> list[ImportedDraft]:
    from model_catalog.formats.mct.importer import import_mct

    return import_mct(text, name)


def _import_cyclonedx(text: str, name: str) -> list[ImportedDraft]:
    from model_catalog.formats.cyclonedx_import.importer import import_cyclonedx

    return import_cyclonedx(text, name)


IMPORTERS: dict[str, Importer] = {
    "huggingface": _import_huggingface,
    "mct": _import_mct,
    "cyclonedx": _import_cyclonedx,
}
"""Import formats of files by name: each reads a file's text into the drafts it holds."""

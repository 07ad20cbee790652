"""A model card and the catalog of all cards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model_catalog.cards.digest import content_digest
from model_catalog.cards.yamlsource import Located, YamlError, decode_card_bytes, parse_yaml
from model_catalog.errors import CardError

_VERSION_PART = re.compile(r"(\d+)|([^\d]+)")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders "1.2" < "1.10" < "2.0" and "2.0-rc1" < "2.0"."""
    parts: list[tuple[int, int | str]] = []
    for number, text in _VERSION_PART.findall(version):
        if number:
            parts.append((2, int(number)))
        elif text.strip("."):
            parts.append((0, text.strip(".").lower()))
    parts.append((1, ""))
    return tuple(parts)


@dataclass
class Card:
    """One valid card file: one version of one model."""

    path: Path
    """Absolute path of the YAML file."""
    source: str
    """The path shown to users (relative to where the catalog was loaded from)."""
    data: dict[str, Any]
    """The card's fields as written in the YAML file."""
    fingerprint: str = ""
    """Hash of the file's path and bytes: equal fingerprints, equal cards."""
    digest: str = ""
    """The content digest approvals are bound to (:mod:`model_catalog.cards.digest`); made from ``data`` when not
    given (the cache and the workers that checked the card give it)."""
    located: Located | None = field(default=None, repr=False, compare=False)
    """Where each value is in the file; read again on demand for cards from the cache or from another process."""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = content_digest(self.data)

    def __getstate__(self) -> dict[str, Any]:
        """What another process receives: everything but the locations, which are large and rarely needed."""
        return {**self.__dict__, "located": None}

    def where(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` in the card's file (see :meth:`Located.locate`)."""
        if self.located is None:
            try:
                raw = self.path.read_bytes()
                self.located = parse_yaml(decode_card_bytes(raw, len(raw)), recover=True)  # it was accepted before
            except (OSError, YamlError):
                return (1, 1)
        return self.located.locate(path, key=key)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass
class Catalog:
    """Every card found under a folder, and every error found on the way."""

    cards: list[Card] = field(default_factory=list)
    errors: list[CardError] = field(default_factory=list)
    _indexed_count: int = field(default=-1, repr=False)
    _by_id: dict[str, list[Card]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def _index(self) -> dict[str, list[Card]]:
        """Cards by model id, newest version first; rebuilt when cards were added since."""
        if self._indexed_count != len(self.cards):
            by_id: dict[str, list[Card]] = {}
            for card in self.cards:
                by_id.setdefault(card.id, []).append(card)
            self._by_id = {
                key: sorted(cards, key=lambda c: version_key(c.version), reverse=True) for key, cards in by_id.items()
            }
            self._derived: dict[str, list[Card]] = {}
            for card in self.cards:
                base = str(card.data.get("model_details", {}).get("base_model", "")).split("@")[0]
                if base:
                    self._derived.setdefault(base, []).append(card)
            self._indexed_count = len(self.cards)
        return self._by_id

    def versions(self, model_id: str, *, include_drafts: bool = True) -> list[Card]:
        """The versions of one model, newest first."""
        return [card for card in self._index().get(model_id, []) if include_drafts or not card.is_draft]

    def models(self, *, include_drafts: bool = True) -> dict[str, list[Card]]:
        """Model id -> its versions, newest first, models sorted by id."""
        ids = sorted({card.id for card in self.cards})
        grouped = {model_id: self.versions(model_id, include_drafts=include_drafts) for model_id in ids}
        return {model_id: cards for model_id, cards in grouped.items() if cards}

    def get(self, model_id: str, version: str | None = None) -> Card | None:
        """One version of a model (the newest when ``version`` is None), or None."""
        for card in self.versions(model_id):
            if version is None or card.version == version:
                return card
        return None

    def derived_from(self, model_id: str) -> list[Card]:
        """Cards whose ``model_details.base_model`` names ``model_id``."""
        self._index()
        return list(self._derived.get(model_id, []))

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

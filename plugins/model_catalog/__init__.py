"""model-catalog: model cards as YAML in git, validated, reviewed and published with MkDocs."""

from __future__ import annotations

from .card import Card, Catalog
from .errors import CardError, CatalogError
from .loader import load_card, load_catalog
from .schema import CardSchema, SchemaError
from .settings import CatalogSettings

__all__ = [
    "Card",
    "CardError",
    "CardSchema",
    "Catalog",
    "CatalogError",
    "CatalogSettings",
    "SchemaError",
    "load_card",
    "load_catalog",
]

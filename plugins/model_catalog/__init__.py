"""model-catalog: model cards as YAML in git, validated, reviewed and published with MkDocs."""

from __future__ import annotations

from ._version import __version__
from .approve import ApprovalRefused, add_approval
from .authoring import CardExistsError, create_model_card
from .card import Card, Catalog
from .errors import CardError, CatalogError
from .gate import validate
from .loader import load_card, load_catalog
from .schema import CardSchema, SchemaError
from .settings import CatalogSettings

__all__ = [
    "ApprovalRefused",
    "Card",
    "CardError",
    "CardExistsError",
    "CardSchema",
    "Catalog",
    "CatalogError",
    "CatalogSettings",
    "SchemaError",
    "__version__",
    "add_approval",
    "create_model_card",
    "load_card",
    "load_catalog",
    "validate",
]

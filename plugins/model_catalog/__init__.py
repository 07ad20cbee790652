"""model-catalog: model cards as YAML in git, validated, reviewed and published with MkDocs."""

from __future__ import annotations

from model_catalog._version import __version__
from model_catalog.authoring import CardExistsError, create_model_card
from model_catalog.cards.loader import load_card, load_catalog
from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.check import validate
from model_catalog.config.settings import CatalogSettings
from model_catalog.errors import CardError, CatalogError, SchemaError
from model_catalog.review.approve import ApprovalRefused, add_approval

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

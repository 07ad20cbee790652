"""model-catalog: model cards as YAML in git, validated, reviewed and published with MkDocs.

The names in ``__all__`` are the Python API; the sub-packages are the implementation, free to change between
versions (tests and tools that need them say so in their imports). Names are imported on first use, so that
``model-catalog validate``, which imports this package, does not pay for what it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from model_catalog._version import __version__

if TYPE_CHECKING:
    from model_catalog.authoring import CardExistsError, create_model_card
    from model_catalog.cards.digest import content_digest
    from model_catalog.cards.loader import load_card, load_catalog
    from model_catalog.cards.model import Card, Catalog
    from model_catalog.cards.schema import CardSchema
    from model_catalog.check import CheckedCatalog, check_cards, validate
    from model_catalog.config.settings import ApprovalPolicy, CatalogSettings
    from model_catalog.errors import CardError, CatalogError, SchemaError
    from model_catalog.formats.cyclonedx import to_cyclonedx
    from model_catalog.formats.huggingface import from_huggingface, to_huggingface
    from model_catalog.formats.json_schema import card_json_schema
    from model_catalog.formats.mlflow.importer import model_info_from_mlflow_run
    from model_catalog.review.approve import ApprovalRefused, add_approval

_WHERE = {
    "ApprovalPolicy": "model_catalog.config.settings",
    "ApprovalRefused": "model_catalog.review.approve",
    "Card": "model_catalog.cards.model",
    "CardError": "model_catalog.errors",
    "CardExistsError": "model_catalog.authoring",
    "CardSchema": "model_catalog.cards.schema",
    "Catalog": "model_catalog.cards.model",
    "CatalogError": "model_catalog.errors",
    "CatalogSettings": "model_catalog.config.settings",
    "CheckedCatalog": "model_catalog.check",
    "SchemaError": "model_catalog.errors",
    "add_approval": "model_catalog.review.approve",
    "card_json_schema": "model_catalog.formats.json_schema",
    "check_cards": "model_catalog.check",
    "content_digest": "model_catalog.cards.digest",
    "create_model_card": "model_catalog.authoring",
    "from_huggingface": "model_catalog.formats.huggingface",
    "load_card": "model_catalog.cards.loader",
    "load_catalog": "model_catalog.cards.loader",
    "model_info_from_mlflow_run": "model_catalog.formats.mlflow.importer",
    "to_cyclonedx": "model_catalog.formats.cyclonedx",
    "to_huggingface": "model_catalog.formats.huggingface",
    "validate": "model_catalog.check",
}

__all__ = [
    "ApprovalPolicy",
    "ApprovalRefused",
    "Card",
    "CardError",
    "CardExistsError",
    "CardSchema",
    "Catalog",
    "CatalogError",
    "CatalogSettings",
    "CheckedCatalog",
    "SchemaError",
    "__version__",
    "add_approval",
    "card_json_schema",
    "check_cards",
    "content_digest",
    "create_model_card",
    "from_huggingface",
    "load_card",
    "load_catalog",
    "model_info_from_mlflow_run",
    "to_cyclonedx",
    "to_huggingface",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # once imported, an ordinary attribute
        return value
    raise AttributeError(f"module 'model_catalog' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

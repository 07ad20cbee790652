"""Hugging Face model cards: a card exported as a Hub README, and a Hub README imported as a draft."""

from model_catalog.formats.huggingface.export import to_huggingface
from model_catalog.formats.huggingface.importer import from_huggingface, import_huggingface

__all__ = ["from_huggingface", "import_huggingface", "to_huggingface"]

"""Model Card Toolkit files (JSON or protobuf text) imported as draft cards."""

from model_catalog.formats.mct.importer import import_mct

__all__ = ["import_mct"]

"""CycloneDX ML-BOMs (JSON) imported as draft cards, one for each model with a model card."""

from model_catalog.formats.cyclonedx_import.importer import import_cyclonedx

__all__ = ["import_cyclonedx"]

"""Conversions between cards and other formats: Hugging Face model cards, CycloneDX."""

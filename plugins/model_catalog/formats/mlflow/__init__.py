"""MLflow runs read from a tracking store as draft cards, with an import report."""

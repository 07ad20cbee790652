"""MLflow's schemas in words: a signature's inputs and outputs and a data set's columns, for the card's text.

Nothing here needs numpy: signatures and dataset schemas are read from the JSON MLflow stores, not through
``mlflow.types``, which mlflow-skinny cannot import without it.
"""

from __future__ import annotations

import json
from typing import Any


def json_value(text: Any) -> Any:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _spec_text(spec: Any) -> str:
    """One column or tensor of an MLflow schema: ``amount (double)``, ``image (tensor float32, shape -1×28×28)``."""
    if not isinstance(spec, dict):
        return str(spec)
    name = spec.get("name")
    kind = _type_text(spec)
    optional = ", optional" if spec.get("required") is False else ""
    return f"{name} ({kind}{optional})" if name else f"{kind}{optional}"


def _type_text(spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if kind == "tensor":
        tensor = spec.get("tensor-spec") or {}
        shape = tensor.get("shape")
        dims = "×".join(str(dim) for dim in shape) if isinstance(shape, list) else "?"
        return f"tensor {tensor.get('dtype', '?')}, shape {dims}"
    if kind == "array" and isinstance(spec.get("items"), dict):
        return f"array of {_type_text(spec['items'])}"
    if kind == "map" and isinstance(spec.get("values"), dict):
        return f"map to {_type_text(spec['values'])}"
    if kind == "object" and isinstance(spec.get("properties"), dict):
        return "object of " + ", ".join(
            f"{key}: {_type_text(value) if isinstance(value, dict) else value}"
            for key, value in spec["properties"].items()
        )
    return str(kind or "any")


def schema_text(schema: Any) -> str:
    """An MLflow schema (a signature's inputs or outputs, a data set's schema) in words."""
    if isinstance(schema, dict):
        for key in ("mlflow_colspec", "mlflow_tensorspec"):
            if key in schema:
                inner = schema[key]
                if isinstance(inner, dict):  # tensorspec of a data set: features and targets, each JSON
                    parts = [f"{part}: {schema_text(json_value(value))}" for part, value in inner.items() if value]
                    return "; ".join(parts)
                return schema_text(inner)
        return ""
    if not isinstance(schema, list) or not schema:
        return ""
    noun = "tensor" if all(isinstance(spec, dict) and spec.get("type") == "tensor" for spec in schema) else "column"
    plural = "" if len(schema) == 1 else "s"
    return f"{len(schema)} {noun}{plural}: " + ", ".join(_spec_text(spec) for spec in schema)

"""A JSON Schema (draft 2020-12) generated from the Cerberus card schema, for editors and other validators.

It expresses the structure (types, required fields, allowed values, patterns,
ranges, unknown keys) including the requirements that apply once a card leaves
draft. Checks across fields or cards (metric ranges, confidence intervals,
dates in order, lineage, approvals) stay with `model-catalog validate`.
"""

from __future__ import annotations

from typing import Any

from model_catalog.cards.schema import CardSchema, Rules

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "float": "number",
    "boolean": "boolean",
    "list": "array",
    "dict": "object",
    "isodate": "string",
}
_END = r"$(?![\s\S])"
"""The end of the text in every regex dialect: Python's ``$`` also matches before a final newline, ECMA's does not."""
_VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f]"  # no white space, no control character (see value_rules.link_problem)
_LINK = (
    rf"^(?:https?://[^\s/?#\x00-\x1f\x7f-\x9f]+{_VISIBLE}*|mailto:{_VISIBLE}+"
    rf"|(?![A-Za-z][A-Za-z0-9+.-]*:)(?![/\\][/\\]){_VISIBLE}+){_END}"
)


def _license(schema: CardSchema) -> dict[str, Any]:
    return {
        "anyOf": [
            {"enum": sorted(schema.licenses | {"proprietary"})},
            {"pattern": rf"^LicenseRef-[A-Za-z0-9.-]+{_END}"},
            {"pattern": rf"^\S.*\s(AND|OR|WITH)\s.*\S{_END}"},
        ]
    }


def _rules(rules: Rules, schema: CardSchema, *, nullable: bool) -> dict[str, Any]:
    kinds = rules.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    out: dict[str, Any] = {}
    meta = rules.get("meta", {})
    if meta.get("description"):
        out["description"] = " ".join(str(meta["description"]).split())
    if "example" in meta:
        out["examples"] = [meta["example"]]
    types = sorted({_TYPES[kind] for kind in kinds if kind in _TYPES})
    if nullable:
        types.append("null")
    if types:
        out["type"] = types[0] if len(types) == 1 else types
    if "isodate" in kinds:
        out["format"] = "date"
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"]) + ([None] if nullable else [])
    if "regex" in rules:
        out["pattern"] = f"^(?:{rules['regex']}){_END}"
    for rule, keyword in (("min", "minimum"), ("max", "maximum")):
        if rule in rules:
            out[keyword] = rules[rule]
    array = "list" in kinds
    for rule, keyword in (("minlength", "min"), ("maxlength", "max")):
        if rule in rules:
            out[f"{keyword}Items" if array else f"{keyword}Length"] = rules[rule]
    if rules.get("empty") is False:
        out["minItems" if array else "minLength"] = max(1, out.get("minItems" if array else "minLength", 1))
    if rules.get("spdx_license"):
        out.update(_license(schema))
    if rules.get("link"):
        out["pattern"] = _LINK
    if rules.get("single_line"):
        out["not"] = {"type": "string", "pattern": r"[\n\r\x0b\x0c\x85\u2028\u2029]"}  # value_rules.LINE_BREAKS
    inner = rules.get("schema")
    if "dict" in kinds and isinstance(inner, dict):
        out.update(_object(inner, schema))
    elif array and isinstance(inner, dict):
        out["items"] = _rules(inner, schema, nullable=False)
    return out


def _object(fields: dict[str, Rules], schema: CardSchema) -> dict[str, Any]:
    required = [name for name, rules in fields.items() if rules.get("required")]
    return {
        "properties": {
            name: _rules(rules, schema, nullable=not rules.get("required")) for name, rules in fields.items()
        },
        "required": required,
        "additionalProperties": False,
    }


def card_json_schema(schema: CardSchema) -> dict[str, Any]:
    """The JSON Schema of a card under ``schema`` (built-in fields plus any extension)."""
    base = _object(schema.rules_for(documented=False), schema)
    documented = _object(schema.rules_for(documented=True), schema)
    return {
        "$schema": DIALECT,
        "$id": "urn:model-catalog:schema:card:1",
        "title": "Model card (model-catalog format v1)",
        "description": "One version of one model. Generated from the Cerberus schema; "
        "`model-catalog validate` also checks what JSON Schema cannot express.",
        "type": "object",
        **base,
        "if": {"properties": {"status": {"enum": list(schema.documented_statuses)}}, "required": ["status"]},
        "then": documented,
    }

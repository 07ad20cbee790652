"""Reference documentation generated from the schema and the settings (never written twice).

A docs page asks for it with a marker line, which the plugin replaces:
``<!-- model-catalog: field-reference -->`` or ``<!-- model-catalog: options-reference -->``.
"""

from __future__ import annotations

import re
from typing import Any

from model_catalog.cards.schema import CardSchema, Rules
from model_catalog.config.options import option_docs
from model_catalog.config.settings import CatalogSettings

MARKER = re.compile(r"^<!--[ \t]*model-catalog:[ \t]*(field-reference|options-reference)[ \t]*-->[ \t]*$", re.MULTILINE)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _type_text(rules: Rules) -> str:
    kind = rules.get("type", "any")
    names = kind if isinstance(kind, list) else [kind]
    text = " or ".join({"isodate": "date", "dict": "mapping"}.get(name, str(name)) for name in names)
    inner = rules.get("schema")
    if kind == "list" and isinstance(inner, dict):
        item = inner.get("type", "any")
        text = f"list of {'mappings' if item == 'dict' else str(item) + 's'}"
    return text


def _constraints(rules: Rules, schema: CardSchema) -> str:
    parts = []
    if "allowed" in rules:
        parts.append("one of " + ", ".join(f"`{value}`" for value in rules["allowed"]))
    pattern = rules.get("meta", {}).get("pattern")
    if pattern:
        parts.append(str(pattern))
    elif "regex" in rules:
        parts.append(f"matches `{rules['regex']}`")
    for rule, words in (("min", "at least"), ("max", "at most"), ("minlength", "at least"), ("maxlength", "at most")):
        if rule in rules:
            unit = " entries" if rules.get("type") == "list" else (" characters" if "length" in rule else "")
            parts.append(f"{words} {rules[rule]}{unit}")
    if rules.get("spdx_license"):
        parts.append("SPDX identifier or expression, or `proprietary`")
    if rules.get("link"):
        parts.append("http(s), mailto or relative link")
    if rules.get("single_line"):
        parts.append("a single line")
    if rules.get("meta", {}).get("markdown"):
        parts.append("Markdown")
    return "; ".join(parts)


def field_reference(schema: CardSchema) -> str:
    """A Markdown table of every field of the card format."""
    required = {"always": "yes", "documented": "once out of draft", "no": ""}
    lines = [
        "| Field | Type | Required | Description | Constraints |",
        "| --- | --- | --- | --- | --- |",
    ]
    for doc in schema.iter_fields():
        lines.append(
            f"| `{doc.path}` | {_type_text(doc.rules)} | {required[doc.required]} | "
            f"{_cell(doc.description)} | {_cell(_constraints(doc.rules, schema))} |"
        )
    statuses = ", ".join(f"`{status}`" for status in schema.documented_statuses)
    lines += [
        "",
        f'"Once out of draft" means the field is required when `status` is one of {statuses}.',
        'Fractions (`value` between 0 and 1, or 0 to 100 with `unit: "%"`) are required for these '
        "metric names: " + ", ".join(f"`{name}`" for name in sorted(schema.fraction_metrics)) + ".",
    ]
    return "\n".join(lines)


def options_reference() -> str:
    """A Markdown table of the plugin's options."""
    lines = ["| Option | Default | Description |", "| --- | --- | --- |"]
    for option in option_docs(CatalogSettings):
        shown = "`null`" if option.default is None else f"`{option.default}`"
        lines.append(f"| `{option.name}` | {shown} | {_cell(option.description)} |")
    return "\n".join(lines)


def expand_markers(markdown: str, schema: CardSchema) -> str:
    """Replace the reference markers of a docs page with the generated tables."""

    def replace(match: re.Match[str]) -> str:
        table = field_reference(schema) if match[1] == "field-reference" else options_reference()
        return f"\n{table}\n"

    return MARKER.sub(replace, markdown)

"""A new draft card, written from the schema: every field present, each with a one-line prompt."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .schema import CardSchema, Rules

_GIVEN = ("schema_version", "id", "name", "version", "status", "owners")


def _scalar(value: Any) -> str:
    """One YAML flow value, always safe to read back (strings quoted when needed)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True).strip().removesuffix("...").strip()


def _prompt(rules: Rules) -> str:
    meta = rules.get("meta", {})
    text = " ".join(str(meta.get("description", "")).split())
    inner = rules.get("schema")
    if rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
        example = {name: f"<{name}>" for name, sub in inner.get("schema", {}).items() if sub.get("required")}
        text += f" Each entry: {_scalar(example)}"
    elif rules.get("type") == "list":
        text += " A list: one '- item' per line."
    return text


def _fields(fields: dict[str, Rules], indent: str) -> list[str]:
    lines = []
    for name, rules in fields.items():
        if name == "approvals":
            continue
        inner = rules.get("schema")
        if rules.get("type") == "dict" and isinstance(inner, dict):
            lines.append(f"{indent}{name}:")
            lines.extend(_fields(inner, indent + "  "))
        else:
            lines.append(f"{indent}{name}:  # {_prompt(rules)}")
    return lines


def render_new_card(schema: CardSchema, *, model_id: str, name: str, version: str,
                    owners: list[dict[str, str]], schema_url: str | None = None) -> str:
    """The YAML text of a draft card; fields left empty are prompts and count as not filled in."""
    lines = []
    if schema_url:
        lines.append(f"# yaml-language-server: $schema={schema_url}")
    lines += [
        f"# Draft model card for {name} {version}. Fill in each empty field (the comment says what it",
        "# wants), then set `status: in_review` and open a pull request. `model-catalog validate` checks it.",
        f"schema_version: 1",
        f"id: {_scalar(model_id)}",
        f"name: {_scalar(name)}",
        f"version: {json.dumps(version)}",
        "status: draft",
        "owners:",
    ]
    for owner in owners:
        lines.append(f"  - name: {_scalar(owner['name'])}")
        lines.append(f"    email: {_scalar(owner['email'])}")
        if owner.get("team"):
            lines.append(f"    team: {_scalar(owner['team'])}")
    rest = {name: rules for name, rules in schema.fields.items() if name not in _GIVEN}
    lines.extend(_fields(rest, ""))
    return "\n".join(lines) + "\n"

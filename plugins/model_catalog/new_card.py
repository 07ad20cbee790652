"""Writing card YAML from the schema: every field present, filled where a value is known, else a prompt."""

from __future__ import annotations

from typing import Any

import yaml

from .schema import CardSchema, Rules

SKIPPED = frozenset({"approvals"})
"""Fields a new card never carries (approvals are added by `model-catalog approve`)."""


class _Dumper(yaml.SafeDumper):
    """Block style, strings that YAML would misread quoted, multi-line strings as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(value: Any, indent: str) -> str:
    """``value`` as the YAML that follows ``key:``: inline for scalars, an indented block otherwise."""
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    if isinstance(value, (dict, list)) and value:
        lines = text.rstrip("\n").split("\n")
        return "\n" + "\n".join(f"{indent}  {line}" for line in lines)
    scalar = text.strip()
    if scalar.endswith("\n...") or scalar.endswith("..."):
        scalar = scalar[: scalar.rfind("...")].strip()
    if scalar.startswith("|"):
        style, body = text.split("\n", 1)
        return f" {style}\n" + "\n".join(
            f"{indent}{line}" if line.strip() else "" for line in body.rstrip("\n").split("\n")
        )
    return " " + scalar


def _prompt(rules: Rules) -> str:
    meta = rules.get("meta", {})
    text = " ".join(str(meta.get("description", "")).split())
    inner = rules.get("schema")
    if rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
        example = {name: f"<{name}>" for name, sub in inner.get("schema", {}).items() if sub.get("required")}
        flow = yaml.safe_dump(example, default_flow_style=True, width=10_000).strip()
        text += f" Each entry: {flow}"
    elif rules.get("type") == "list":
        text += " A list: one '- item' per line."
    return text


def _fields(fields: dict[str, Rules], values: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for name, rules in fields.items():
        if name in SKIPPED:
            continue
        inner = rules.get("schema")
        value = values.get(name)
        if rules.get("type") == "dict" and isinstance(inner, dict) and (value is None or isinstance(value, dict)):
            lines.append(f"{indent}{name}:")
            lines.extend(_fields(inner, value or {}, indent + "  "))
        elif value is None:
            lines.append(f"{indent}{name}:  # {_prompt(rules)}")
        else:
            lines.append(f"{indent}{name}:{_dump(value, indent)}")
    extra = [key for key in values if key not in fields and key not in SKIPPED]
    for name in extra:
        lines.append(f"{indent}{name}:{_dump(values[name], indent)}")
    return lines


def render_card_yaml(schema: CardSchema, values: dict[str, Any], header: list[str] | None = None) -> str:
    """The YAML text of a card: known ``values`` written out, every other field an empty key with a prompt.

    Empty keys count as not filled in, so the card validates as a draft and
    `validate` lists what is still missing once it leaves draft.
    """
    lines = [f"# {line}" if line else "#" for line in header or []]
    lines.extend(_fields(schema.fields, values, ""))
    return "\n".join(lines) + "\n"


def new_card_header(name: str, version: str) -> list[str]:
    return [
        f"Model card for {name} {version}. Fill in each empty field (its comment says what it wants),",
        "then set `status: in_review` and open a pull request. `model-catalog validate` checks it.",
    ]

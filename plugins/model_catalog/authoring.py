"""Creating cards: from what a training pipeline has at hand, or from another tool's card.

A new card is written from the schema, every section present: what is known is
filled in, every other field is an empty key with a one-line prompt, so the card
validates as a draft and `validate` lists what is still missing once it leaves draft.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model_catalog._infra.atomicfile import replace_file
from model_catalog.cards.loader import display_path, find_card_files, read_card
from model_catalog.cards.model import Card
from model_catalog.cards.schema import CardSchema, Rules
from model_catalog.cards.validation import validation_for
from model_catalog.cards.yamlsource import YamlError, decode_card_bytes, parse_yaml
from model_catalog.errors import CatalogError

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
    # A scalar is put after its key at any depth: wrapped, its next lines would lack that depth's indentation
    # (and the file would not parse). Blocks are indented whole below, wrapped lines with them.
    width = 100 if isinstance(value, (dict, list)) else float("inf")
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=width, indent=2
    )
    if isinstance(value, (dict, list)) and value:
        lines = text.rstrip("\n").split("\n")
        return "\n" + "\n".join(f"{indent}  {line}" for line in lines)
    scalar = text.strip()
    if scalar.endswith("..."):
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


class CardExistsError(FileExistsError):
    """A card for this (id, version) exists already."""


def slugify(name: str) -> str:
    """A card id from a model name: ``ImageClassifier`` -> ``image-classifier``."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name)
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:63].rstrip("-") or "model"


def git_owner() -> dict[str, str] | None:
    """The owner git knows about (user.name, user.email), if any."""

    def read(key: str) -> str:
        try:
            done = subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=5, check=False)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    name, email = read("user.name"), read("user.email")
    return {"name": name, "email": email} if name and email else None


def normalise_model_info(model_info: Mapping[str, Any], schema: CardSchema) -> dict[str, Any]:
    """Card fields from a training script's dictionary.

    ``metrics`` may be a ``{name: value}`` mapping or the card's list form;
    ``limitations`` (and other list fields) a string or a list; ``version`` any
    scalar; ``id`` is derived from ``name`` when absent. Unknown keys are refused.
    """
    data = dict(model_info)
    unknown = [key for key in data if key not in schema.fields]
    if unknown:
        close = difflib.get_close_matches(unknown[0], schema.fields, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"model_info has an unknown key {unknown[0]!r}{hint}")
    if "name" not in data:
        raise ValueError("model_info needs a 'name'")
    data.setdefault("schema_version", 1)
    data.setdefault("id", slugify(str(data["name"])))
    data["version"] = str(data.get("version", "0.1.0"))
    metrics = data.get("metrics")
    if isinstance(metrics, Mapping):
        data["metrics"] = [{"name": str(name), "value": value} for name, value in metrics.items()]
    for name, rules in schema.fields.items():
        if rules.get("type") == "list" and isinstance(data.get(name), str):
            data[name] = [data[name]]
    data["status"] = data.get("status", "draft")
    return data


def _existing(cards_dir: Path, model_id: str, version: str) -> Path | None:
    """The file that already holds (id, version) under ``cards_dir``, if one does."""
    for path in find_card_files([cards_dir])[0] if cards_dir.is_dir() else []:
        try:
            data = parse_yaml(decode_card_bytes(path.read_bytes(), 10_000_000)).data
        except (OSError, YamlError):
            continue
        if isinstance(data, dict) and str(data.get("id")) == model_id and str(data.get("version")) == version:
            return path
    return None


@dataclass(frozen=True)
class PreparedCard:
    """A card's file checked and ready to be written: where, and its text."""

    path: Path
    text: str


def prepare_model_card(
    model_info: Mapping[str, Any],
    cards_dir: str | Path = "cards",
    *,
    owners: list[dict[str, str]] | None = None,
    overwrite: bool = False,
    schema: CardSchema | None = None,
) -> PreparedCard:
    """The file :func:`create_model_card` would write, checked, and nothing written: so that a command making
    several cards can refuse them all before writing any. Raises as :func:`create_model_card` does."""
    schema = schema or CardSchema.load()
    data = normalise_model_info(model_info, schema)
    if owners is not None:
        data["owners"] = owners
    if not data.get("owners"):
        owner = git_owner()
        if owner is None:
            raise ValueError(
                "no owners: pass owners=[{'name': ..., 'email': ...}] (or set git's user.name and user.email)"
            )
        data["owners"] = [owner]
    cards_dir = Path(cards_dir)
    target = cards_dir / str(data["id"]) / f"{data['version']}.yaml"
    existing = _existing(cards_dir, str(data["id"]), str(data["version"]))
    if existing is not None and not overwrite:
        raise CardExistsError(
            f"{display_path(existing)} already holds {data['id']} version {data['version']}; "
            "replace it with --force (overwrite=True from Python)"
        )
    if existing is not None and existing.resolve() != target.resolve():
        target = existing
    text = render_card_yaml(schema, data, new_card_header(str(data["name"]), str(data["version"])))
    located = parse_yaml(text)
    _, errors = validation_for(schema).check(located, display_path(target))
    if errors:
        raise CatalogError(errors)
    return PreparedCard(target, text)


def write_prepared_card(prepared: PreparedCard, schema: CardSchema | None = None) -> Card:
    """Write a card :func:`prepare_model_card` made, whole or not at all, and read it back."""
    schema = schema or CardSchema.load()
    replace_file(prepared.path, prepared.text.encode("utf-8"))
    card, errors = read_card(prepared.path, validation_for(schema))
    if card is None:  # pragma: no cover - the text was checked when it was prepared
        raise CatalogError(errors)
    return card


def create_model_card(
    model_info: Mapping[str, Any],
    cards_dir: str | Path = "cards",
    *,
    owners: list[dict[str, str]] | None = None,
    overwrite: bool = False,
    schema: CardSchema | None = None,
) -> Card:
    """Write a draft card for ``model_info`` to ``cards_dir/<id>/<version>.yaml`` and return it.

    Every section of the format is in the file; what ``model_info`` does not
    give is an empty key with a one-line prompt. Owners come from
    ``owners``, ``model_info["owners"]`` or git's user; an existing card for the
    same (id, version) is never overwritten unless ``overwrite`` is true.
    Raises ``ValueError`` for unusable input, :class:`CardExistsError`, and
    :class:`CatalogError` if the result would not validate as a draft.
    """
    schema = schema or CardSchema.load()
    prepared = prepare_model_card(model_info, cards_dir, owners=owners, overwrite=overwrite, schema=schema)
    return write_prepared_card(prepared, schema)

"""Creating cards from what a training pipeline has at hand."""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .atomicfile import replace_file
from .card import Card
from .errors import CatalogError
from .loader import display_path, find_card_files, read_card
from .new_card import new_card_header, render_card_yaml
from .schema import CardSchema, validation_for
from .yamlsource import YamlError, decode_card_bytes, parse_yaml


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
            done = subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=5)
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
    replace_file(target, text.encode("utf-8"))
    card, errors = read_card(target, validation_for(schema))
    if card is None:  # pragma: no cover - the text was checked above
        raise CatalogError(errors)
    return card

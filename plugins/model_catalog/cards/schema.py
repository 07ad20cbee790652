"""The card schema: a Cerberus schema kept as YAML data, plus an organisation's extension."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from model_catalog.cards.yamlsource import SAFE_LOADER
from model_catalog.errors import SchemaError

Rules = dict[str, Any]

DRAFT = "draft"


def _read_package_text(name: str) -> str:
    return resources.files("model_catalog").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _merge_rules(base: Rules, extra: Rules) -> Rules:
    """Merge ``extra`` over ``base`` rule by rule; a rule set to null is removed."""
    merged = dict(base)
    for rule, value in extra.items():
        if value is None:
            merged.pop(rule, None)
        elif rule in ("schema", "meta") and isinstance(value, dict) and isinstance(merged.get(rule), dict):
            inner = merged[rule]
            # `schema` of a dict maps field names to rule sets; of a list, it is one rule set.
            if rule == "schema" and merged.get("type") == "dict":
                merged[rule] = _merge_fields(inner, value)
            else:
                merged[rule] = _merge_rules(inner, value)
        else:
            merged[rule] = value
    return merged


def _merge_fields(base: dict[str, Rules], extra: dict[str, Rules | None]) -> dict[str, Rules]:
    merged = dict(base)
    for name, rules in extra.items():
        if rules is None:
            merged.pop(name, None)
        elif name in merged:
            merged[name] = _merge_rules(merged[name], rules)
        else:
            merged[name] = rules
    return merged


def _apply_documented(rules: Rules) -> Rules:
    """Return a copy of ``rules`` with every ``meta.documented`` merged in, recursively."""
    result = dict(rules)
    extra = result.get("meta", {}).get("documented")
    if extra:
        result = _merge_rules(result, extra)
    inner = result.get("schema")
    if isinstance(inner, dict):
        if result.get("type") == "dict":
            result["schema"] = {name: _apply_documented(sub) for name, sub in inner.items()}
        else:
            result["schema"] = _apply_documented(inner)
    return result


@dataclass(frozen=True)
class FieldDoc:
    """One field of the format, for the reference docs and the JSON Schema."""

    path: str
    rules: Rules
    description: str
    required: str
    """``always``, ``documented`` (once the card leaves draft) or ``no``."""


@dataclass
class CardSchema:
    """The effective card schema: built-in fields with the extension merged over them."""

    fields: dict[str, Rules]
    documented_statuses: tuple[str, ...]
    fraction_metrics: frozenset[str]
    sources: tuple[str, ...] = ()
    _digest_text: str = field(default="", repr=False)

    @classmethod
    def builtin(cls, name: str) -> CardSchema:
        """Another built-in schema file of the same shape (the approvers registry's)."""
        text = _read_package_text(name)
        data = yaml.load(text, Loader=SAFE_LOADER)
        return cls(
            fields=data["fields"],
            documented_statuses=(),
            fraction_metrics=frozenset(),
            sources=(f"built-in {name}",),
            _digest_text=text,
        )

    @classmethod
    def load(cls, extension: Path | None = None) -> CardSchema:
        """Load the built-in schema, with ``extension`` (a YAML file) merged over it; raises :class:`SchemaError`,
        naming the file, when the extension cannot be read or its rules are not valid."""
        text = _read_package_text("card.schema.yaml")
        data = yaml.load(text, Loader=SAFE_LOADER)  # libyaml: the built-in schema is read on every run
        sources = ["built-in card.schema.yaml"]
        digest_parts = [text]
        if extension is not None:
            try:
                ext_text = extension.read_text(encoding="utf-8")
                ext = yaml.safe_load(ext_text) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise SchemaError(f"{extension}: cannot read the schema extension: {exc}") from None
            if not isinstance(ext, dict) or not isinstance(ext.get("fields", {}), dict):
                raise SchemaError(f"{extension}: a schema extension is a mapping with a `fields:` mapping")
            data["fields"] = _merge_fields(data["fields"], ext.get("fields") or {})
            for key in ("documented_statuses", "fraction_metrics"):
                if key in ext:
                    data[key] = ext[key]
            sources.append(str(extension))
            digest_parts.append(ext_text)
        schema = cls(
            fields=copy.deepcopy(data["fields"]),
            documented_statuses=tuple(data.get("documented_statuses", ())),
            fraction_metrics=frozenset(data.get("fraction_metrics", ())),
            sources=tuple(sources),
            _digest_text="\0".join(digest_parts),
        )
        if extension is not None:  # the built-in schema is valid (tested); a merged one fails here, naming its source
            from model_catalog.cards.cerberus_validator import build_validator  # Cerberus: only for an extension

            for documented in (False, True):
                build_validator(schema.rules_for(documented=documented), schema.licenses, schema.sources)
        return schema

    @cached_property
    def digest(self) -> str:
        """Changes whenever the schema or its extension changes (for caches)."""
        return hashlib.sha256(self._digest_text.encode()).hexdigest()

    @cached_property
    def licenses(self) -> frozenset[str]:
        lines = _read_package_text("spdx_licenses.txt").splitlines()
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))

    def is_documented(self, status: object) -> bool:
        return status in self.documented_statuses

    def rules_for(self, *, documented: bool) -> dict[str, Rules]:
        if not documented:
            return self.fields
        return {name: _apply_documented(rules) for name, rules in self.fields.items()}

    def field_names(self, path: tuple[str | int, ...]) -> list[str]:
        """Names allowed in the mapping at ``path`` (list indices are skipped)."""
        level: dict[str, Rules] | None = self.fields
        for part in path:
            if level is None:
                return []
            if isinstance(part, int):
                continue
            rules = level.get(part, {})
            inner = rules.get("schema")
            if rules.get("type") == "list" and isinstance(inner, dict):
                inner = inner.get("schema")
            level = inner if isinstance(inner, dict) else None
        return sorted(level) if level else []

    def rules_at(self, path: tuple[str | int, ...]) -> Rules:
        """The rule set of the field at ``path``, or an empty one."""
        rules: Rules = {"type": "dict", "schema": self.fields}
        for part in path:
            inner = rules.get("schema")
            if not isinstance(inner, dict):
                return {}
            if isinstance(part, int):
                rules = inner if rules.get("type") == "list" else {}
            else:
                rules = inner.get(part, {}) if rules.get("type") == "dict" else {}
        return rules

    def iter_fields(self) -> Iterator[FieldDoc]:
        """Every field, depth first, in schema order."""

        def walk(fields: dict[str, Rules], prefix: str) -> Iterator[FieldDoc]:
            for name, rules in fields.items():
                meta = rules.get("meta", {})
                required = (
                    "always"
                    if rules.get("required")
                    else ("documented" if meta.get("documented", {}).get("required") else "no")
                )
                path = f"{prefix}{name}"
                yield FieldDoc(path, rules, str(meta.get("description", "")).strip(), required)
                inner = rules.get("schema")
                if rules.get("type") == "dict" and isinstance(inner, dict):
                    yield from walk(inner, path + ".")
                elif rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
                    yield from walk(inner.get("schema", {}), path + "[].")

        return walk(self.fields, "")

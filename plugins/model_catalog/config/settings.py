"""The catalog's settings: the plugin's options in mkdocs.yml, read the same way by the CLI."""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from model_catalog.config.mkdocs_yml import ConfigFileError, load_config_file, resolve_tags
from model_catalog.config.policy import ApprovalPolicy, PolicyError

PLUGIN_NAME = "model-catalog"


class SettingsError(Exception):
    """mkdocs.yml or the plugin's options cannot be used."""


def _option(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class CatalogSettings:
    """Options of the `model-catalog` plugin. Paths are relative to mkdocs.yml."""

    cards_dir: str = _option("cards", "Folder holding the card YAML files (searched recursively).")
    prefix: str = _option("models", "Folder of the site the catalog pages are published under.")
    templates_dir: str | None = _option(None, "Folder of templates that override the built-in ones, file by file.")
    schema_extension: str | None = _option(None, "YAML file whose `fields` are merged over the built-in card schema.")
    max_card_bytes: int = _option(1_000_000, "Largest card file accepted, in bytes.")
    edit_cards: bool = _option(True, "Link each card page to its YAML file through `repo_url` and `edit_uri`.")
    show_drafts: bool | None = _option(None, "Publish draft cards; `null` shows them under `mkdocs serve` only.")
    index_page_size: int = _option(
        50,
        'Rows the catalog index shows at first, and adds with each "Show more" '
        "(the page stays quick with thousands of models); `0` shows every row.",
    )
    image_hosts: list[str] | None = _option(
        None,
        "Hosts that images in a card's Markdown may load from "
        "(`[images.acme.example]`); by default only images in the site itself "
        "and `data:` images are shown, so a page makes no outside request.",
    )
    approvals: dict[str, Any] | None = _option(None, "The review policy: see the `approvals.*` options below.")
    cache_dir: str | None = _option(
        ".model-catalog-cache",
        "Folder for validation results, rendered pages and "
        "exports cached by content hash (keep it out of git; restore it in CI to speed "
        "up). A large catalog also needs less memory with it. `null`: no cache.",
    )

    base_dir: Path = field(default=Path("."), metadata={"doc": ""})
    """Folder that relative paths are resolved against (the folder of mkdocs.yml)."""

    @classmethod
    def from_options(
        cls, options: dict[str, Any] | None, base_dir: Path, source: str = "mkdocs.yml"
    ) -> CatalogSettings:
        """Check and convert the plugin's options, naming the bad one when one is bad."""
        options = dict(options or {})
        known = {f.name: f for f in fields(cls) if f.name != "base_dir"}
        values: dict[str, Any] = {}
        for name, value in options.items():
            if name in ("enabled",):
                continue
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known options: {', '.join(known)}"
                raise SettingsError(f"{source}: plugins.{PLUGIN_NAME}.{name}: unknown option{hint}")
            if value is None and known[name].default is not None:
                continue
            if isinstance(value, os.PathLike):  # MkDocs' `!relative $config_dir/...`
                try:
                    value = os.fspath(value)
                except Exception as exc:  # noqa: BLE001 - MkDocs raises its own error for a bare !relative
                    raise SettingsError(f"{source}: plugins.{PLUGIN_NAME}.{name}: {exc}") from None
            expected = _runtime_types(typing.get_type_hints(cls)[name])
            if (value is not None and not isinstance(value, expected)) or (
                isinstance(value, bool) and bool not in expected
            ):
                wanted = " or ".join(t.__name__ for t in expected if t is not type(None))
                raise SettingsError(f"{source}: plugins.{PLUGIN_NAME}.{name}: must be {wanted} (got {value!r})")
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise SettingsError(f"{source}: plugins.{PLUGIN_NAME}.{name}: must be 0 or more (got {value})")
            if (
                name == "image_hosts"
                and value is not None
                and not all(isinstance(host, str) and re.fullmatch(r"[A-Za-z0-9.-]+", host) for host in value)
            ):
                raise SettingsError(
                    f"{source}: plugins.{PLUGIN_NAME}.{name}: must be a list of host names such as "
                    f"images.acme.example (got {value!r})"
                )
            values[name] = value
        return cls(**values, base_dir=base_dir)

    @classmethod
    def option_docs(cls) -> list[tuple[str, Any, str]]:
        """(name, default, description) of every option, for the docs."""
        return [
            (f.name, None if f.default is MISSING else f.default, f.metadata["doc"])
            for f in fields(cls)
            if f.name != "base_dir"
        ]

    def resolve(self, path: str) -> Path:
        return (self.base_dir / path).resolve()

    @property
    def cards_path(self) -> Path:
        return self.resolve(self.cards_dir)

    @property
    def templates_path(self) -> Path | None:
        return self.resolve(self.templates_dir) if self.templates_dir else None

    @property
    def schema_extension_path(self) -> Path | None:
        return self.resolve(self.schema_extension) if self.schema_extension else None

    @property
    def cache_path(self) -> Path | None:
        """The cache folder as configured, links not resolved: the cache refuses them (see ``cachefolder``)."""
        return Path(os.path.abspath(self.base_dir / self.cache_dir)) if self.cache_dir else None

    @property
    def policy(self) -> ApprovalPolicy:
        try:
            return ApprovalPolicy.from_options(self.approvals, source=f"plugins.{PLUGIN_NAME}.approvals")
        except PolicyError as exc:
            raise SettingsError(str(exc)) from None

    @property
    def registry_path(self) -> Path:
        registry = self.policy.registry
        return self.resolve(registry) if registry else self.cards_path / "APPROVERS.yaml"


def _runtime_types(hint: Any) -> tuple[type, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(t for arg in typing.get_args(hint) for t in _runtime_types(arg))
    origin = typing.get_origin(hint)
    return (origin or hint,)


def read_mkdocs_settings(config_file: Path) -> CatalogSettings:
    """The plugin's settings from an mkdocs.yml, for use outside MkDocs (the CLI), its tags resolved as MkDocs
    resolves them (:mod:`model_catalog.mkdocs_yml`)."""
    try:
        config = load_config_file(config_file)
        options: dict[str, Any] | None = None
        plugins = config.get("plugins") or []
        entries = (
            plugins.items()
            if isinstance(plugins, dict)
            else (next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins)
        )
        for name, value in entries:
            if name == PLUGIN_NAME:
                options = resolve_tags(value or {}, config, config_file, f"plugins.{PLUGIN_NAME}")
    except ConfigFileError as exc:
        raise SettingsError(str(exc)) from None
    if options is None:
        raise SettingsError(f"{config_file}: the `{PLUGIN_NAME}` plugin is not listed under `plugins:`")
    if not isinstance(options, dict):
        raise SettingsError(f"{config_file}: plugins.{PLUGIN_NAME}: must be a mapping of options")
    return CatalogSettings.from_options(options, config_file.parent.resolve(), source=str(config_file))


CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
"""Where the plugin's options are looked for in the current folder, in this order."""


def find_settings(config: Path | str | None = None) -> CatalogSettings:
    """The settings from ``config``, else from the first of :data:`CONFIG_NAMES` here, else the defaults."""
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise SettingsError(f"{path}: no such file")
        return read_mkdocs_settings(path)
    for name in CONFIG_NAMES:
        if Path(name).is_file():
            return read_mkdocs_settings(Path(name))
    return CatalogSettings(base_dir=Path.cwd())

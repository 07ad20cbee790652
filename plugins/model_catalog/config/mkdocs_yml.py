"""Reading mkdocs.yml without MkDocs, so the command line sees the options MkDocs gives the plugin.

(Without MkDocs: importing its configuration code would add 0.15 s to every command, most of a warm `validate`.)

MkDocs reads its configuration with tags of its own: ``!ENV`` (an environment
variable, with a default) and ``!relative`` (a path from the configuration's
folder or ``docs_dir``), and ``INHERIT`` merges a parent file under it. They
are resolved here the same way. Anything else MkDocs would run as Python
(``!!python/name:...``) is not run: outside the plugin's options it is
ignored, inside them it is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model_catalog.config.settings import PLUGIN_NAME, CatalogSettings, SettingsError


class ConfigFileError(Exception):
    """mkdocs.yml cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class Relative:
    """``!relative $config_dir/sub`` (or ``$docs_dir``, or a bare ``!relative``) before it is resolved."""

    prefix: str
    suffix: str


@dataclass(frozen=True)
class NotRun:
    """A tag MkDocs would give to Python (``!!python/name:``...), left unresolved."""

    tag: str


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with MkDocs' ``!ENV`` and ``!relative``; other tags become :class:`NotRun`."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable set, read as YAML reads a plain
    value; else the default (the last item of a list of two or more), else null. As MkDocs' pyyaml_env_tag."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = list(node.value)
        default = loader.construct_object(items.pop(), deep=True) if len(items) > 1 else None
        names = [loader.construct_scalar(item) for item in items if isinstance(item, yaml.ScalarNode)]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, "!ENV takes a variable name or a list of them", node.start_mark
        )
    for name in names:
        if str(name) in os.environ:
            text = os.environ[str(name)]
            tag = loader.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, text))
    return default


def _relative(loader: yaml.SafeLoader, node: yaml.Node) -> Relative:
    text = str(loader.construct_scalar(node) or "") if isinstance(node, yaml.ScalarNode) else ""
    prefix, _, suffix = text.partition("/")
    return Relative(prefix, suffix) if prefix.startswith("$") else Relative("", text)


def _not_run(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> NotRun:
    return NotRun(node.tag)


_Loader.add_constructor("!ENV", _env)
_Loader.add_constructor("!relative", _relative)
_Loader.add_multi_constructor("!", _not_run)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _not_run)


def _merge(parent: Any, child: Any) -> Any:
    """``child`` over ``parent``, mappings merged key by key (as MkDocs merges an ``INHERIT``ed file)."""
    if not (isinstance(parent, dict) and isinstance(child, dict)):
        return child
    merged = dict(parent)
    for key, value in child.items():
        merged[key] = _merge(merged[key], value) if key in merged else value
    return merged


def load_config_file(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The mapping in the MkDocs configuration file ``path``, its ``INHERIT`` chain merged under it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.load(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except RecursionError:
        raise ConfigFileError(f"{path}: nested too deeply to be a MkDocs configuration") from None
    except yaml.YAMLError as exc:
        raise ConfigFileError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path}: not a MkDocs configuration (expected a mapping)")
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigFileError(f"{path}: INHERIT: must be the path of another configuration file")
    parent_path = Path(os.path.normpath(path.parent / parent))
    if parent_path in _seen or len(_seen) > 20:
        raise ConfigFileError(f"{path}: INHERIT: {parent} inherits from itself in the end; break the loop")
    if not parent_path.is_file():
        raise ConfigFileError(f"{path}: INHERIT: {parent} does not exist ({parent_path})")
    return dict(_merge(load_config_file(parent_path, (*_seen, path)), data))


def inherited_file(path: Path) -> str | None:
    """The file ``path`` names in its ``INHERIT`` (as written, relative to its folder), or None: for reading a
    configuration of another git revision, file by file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, RecursionError, yaml.YAMLError):
        return None  # load_config_file says what is wrong
    parent = data.get("INHERIT") if isinstance(data, dict) else None
    return parent if isinstance(parent, str) else None


def resolve_tags(value: Any, config: dict[str, Any], config_file: Path, where: str) -> Any:
    """``value`` (options read by :func:`load_config_file`) with ``!relative`` paths resolved as MkDocs resolves
    them; raises :class:`ConfigFileError` for a tag MkDocs would run as Python, or a ``!relative`` that needs a page."""
    if isinstance(value, dict):
        return {key: resolve_tags(item, config, config_file, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_tags(item, config, config_file, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, NotRun):
        raise ConfigFileError(
            f"{config_file}: {where}: the tag {value.tag} is not supported in these options; write the value itself"
        )
    if isinstance(value, Relative):
        folder = config_file.parent.absolute()
        if value.prefix == "$config_dir":
            return os.path.join(folder, value.suffix)
        if value.prefix == "$docs_dir" or (not value.prefix and not value.suffix):
            # A bare `!relative` names the current page's folder; while MkDocs reads its configuration there is
            # no page, and it gives docs_dir: so does this.
            docs_dir = config.get("docs_dir", "docs")
            return os.path.join(folder / str(docs_dir), value.suffix)
        written = f"{value.prefix}/{value.suffix}" if value.prefix else value.suffix
        raise ConfigFileError(
            f"{config_file}: {where}: `!relative {written}` is refused by MkDocs too; write "
            "`!relative $config_dir/...` or `!relative $docs_dir/...`"
        )
    return value


def read_mkdocs_settings(config_file: Path) -> CatalogSettings:
    """The plugin's settings from an mkdocs.yml, for use outside MkDocs (the CLI), its tags resolved as MkDocs
    resolves them."""
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


def configured_docs_dir(config_file: Path) -> Path | None:
    """The docs folder ``config_file`` names (MkDocs' default ``docs``), as it is in the repository: before any
    plugin moves it (mkdocs-monorepo-plugin merges it into a temporary folder). None if the file cannot say."""
    try:
        value = load_config_file(config_file).get("docs_dir", "docs")
    except ConfigFileError:
        return None
    return Path(os.path.normpath(config_file.parent / value)) if isinstance(value, str) else None

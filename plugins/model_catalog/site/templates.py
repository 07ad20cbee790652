"""The Jinja environment of the catalog pages: user templates first, built-in ones second."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Iterable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from model_catalog.site.formatting import format_number, iso_date
from model_catalog.site.html import MarkdownRenderer


def builtin_templates_dir() -> Path:
    return Path(str(resources.files("model_catalog.site_templates")))


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return format_number(value)


def _label(name: str) -> str:
    """``caveats_and_recommendations`` -> ``Caveats and recommendations``."""
    text = str(name).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


class TemplateProblem(Exception):
    """A template could not be rendered; the message names the template file and line."""


class TemplateRenderer:
    """Renders the built-in templates, letting a site override any of them file by file, or extend one.

    A template in the overrides folder replaces the built-in one of the same name; the built-in ones are also
    reachable as ``builtin/<name>``, so an override can ``{% extends "builtin/card.html" %}`` and change one
    block, with ``{{ super() }}`` for what it had.
    """

    def __init__(self, overrides: Path | None = None, image_hosts: Iterable[str] = ()):
        folders = [str(overrides)] if overrides else []
        folders.append(str(builtin_templates_dir()))
        self.folders = folders
        self.markdown = MarkdownRenderer(image_hosts)
        builtin = jinja2.FileSystemLoader(folders[-1])
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.PrefixLoader({"builtin": builtin})]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(markdown=self.markdown.render, isodate=iso_date, number=_number, label=_label)

    @cached_property
    def digest(self) -> str:
        """Changes when any template in any folder changes (for caching rendered pages)."""
        hasher = hashlib.sha256(repr(sorted(self.markdown.image_hosts)).encode())
        for folder in self.folders:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file() and path.suffix in (".html", ".js", ".css", ".svg"):
                    hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
        return hasher.hexdigest()

    def render(self, name: str, **context: Any) -> str:
        """Render a template; a broken template raises :class:`TemplateProblem` naming its file and line."""
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
        except Exception as exc:  # noqa: BLE001 - any failure inside a (user) template is reported, located
            frames = [
                frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith((".html", ".svg"))
            ]
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else name
            raise TemplateProblem(f"{where}: {type(exc).__name__}: {exc}") from None

    def asset(self, name: str) -> str:
        """A static file (script, style sheet) from the template folders."""
        source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return source

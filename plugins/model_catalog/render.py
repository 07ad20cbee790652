"""The Jinja environment of the catalog pages: user templates first, built-in ones second."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import traceback
from collections.abc import Iterable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from .charts import format_number
from .markdown_text import MarkdownRenderer

_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def builtin_templates_dir() -> Path:
    return Path(str(resources.files("model_catalog.site_templates")))


def iso_date(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value)


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
    """Renders the built-in templates, letting a site override any of them file by file."""

    def __init__(self, overrides: Path | None = None, image_hosts: Iterable[str] = ()):
        folders = [str(overrides)] if overrides else []
        folders.append(str(builtin_templates_dir()))
        self.folders = folders
        self.markdown = MarkdownRenderer(image_hosts)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
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


_VERBATIM = re.compile(r"(<(pre|code|script|style|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_LINE_BREAK_SPACE = re.compile(r"[ \t\r\f]*\n\s*")
_SPACES = re.compile(r"[ \t]{2,}")


def compact_html(html: str) -> str:
    """Every run of white space made a single space, or a single line break if it holds one: smaller pages.

    Browsers render any such run as one space, so the page looks the same. The
    insides of ``pre``, ``code``, ``script``, ``style`` and ``textarea`` are left exactly as they are.
    """
    parts = _VERBATIM.split(html)
    # split() with two groups yields: text, whole verbatim element, tag name, text, ...
    return "".join(
        _SPACES.sub(" ", _LINE_BREAK_SPACE.sub("\n", part)) if index % 3 == 0 else part
        for index, part in enumerate(parts)
        if index % 3 != 2
    )


class Compactor:
    """:func:`compact_html` that remembers, from one build to the next, what it did (``mkdocs serve``).

    A rebuild renders the same theme around almost every page: such a text is
    looked up instead of compacted again. Only the last build's texts are kept.
    """

    def __init__(self, remember: bool):
        self.remember = remember
        self._before: dict[str, str] = {}
        self._now: dict[str, str] = {}

    def __call__(self, html: str) -> str:
        if not self.remember:
            return compact_html(html)
        done = self._before.get(html)
        if done is None:
            done = compact_html(html)
        self._now[html] = done
        return done

    def next_build(self) -> None:
        """Start a build: what the last one compacted can be reused, what older ones did is forgotten."""
        self._before, self._now = self._now, {}


def toc_of(html: str) -> list[tuple[str, str]]:
    """(id, title) of each ``<h2 id>`` section of rendered page HTML; the title is HTML, as MkDocs' own.

    Plain strings, not Markup: the garbage collector does not track them, and a large catalog keeps tens of thousands.
    """
    return [(anchor, _TAGS.sub("", title).strip()) for anchor, title in _H2.findall(html)]

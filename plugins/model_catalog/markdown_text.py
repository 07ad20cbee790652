"""Markdown fields of a card, rendered to HTML and sanitised with an allow-list."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
    "abbr", "sup", "sub", "del", "ins", "kbd", "span", "div", "img",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_local = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        # Headings in a card's text start at h3: they sit under the page's own h2 sections.
        converter = markdown.Markdown(extensions=["extra", "sane_lists", "toc"],
                                      extension_configs={"toc": {"baselevel": 3}})
        _local.converter = converter
    return converter


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(ALLOWED_SCHEMES), link_rel="noopener noreferrer nofollow")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Card Markdown as safe HTML; raw HTML in the text is sanitised, never trusted."""
    converter = _converter()
    html = converter.reset().convert(text)
    return Markup(sanitize_html(html))

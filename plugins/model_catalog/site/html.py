"""The HTML of catalog pages: card Markdown rendered and sanitised, white space compacted, sections listed.

Markdown fields are rendered to HTML and sanitised with an allow-list. Nothing from a card makes a reader's browser call another host: images load
only from the site itself, from ``data:`` raster images, or from the hosts an
organisation lists (``image_hosts``); any other image is replaced by its
description. Footnotes keep working: their ids are made unique to the text
(so two fields on one page cannot clash) and only those ids survive.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
        "abbr",
        "sup",
        "sub",
        "del",
        "ins",
        "kbd",
        "span",
        "div",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "sup": {"id"},
    "li": {"id"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "data"})
"""``data:`` only for images, and only raster ones (see :meth:`MarkdownRenderer.image_allowed`)."""

_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif)[;,]", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"^https?://([^/?#@]*@)?([^/?#:]+)", re.IGNORECASE)
_FOOTNOTE_ID = re.compile(r'(id="|href="#)(fn|fnref\d*):')
_OUR_FOOTNOTE_ID = re.compile(r"mc-(?:fn|fnref\d*)-[0-9a-f]{8}-[A-Za-z0-9_.-]+")
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)([^>]*)>")
_ALT = re.compile(r'\salt="([^"]*)"')
_C0_AND_SPACE = "".join(map(chr, range(33)))

_local = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        # Headings in a card's text start at h3: they sit under the page's own h2 sections.
        converter = markdown.Markdown(
            extensions=["extra", "sane_lists", "toc"], extension_configs={"toc": {"baselevel": 3}}
        )
        _local.converter = converter
    return converter


def browser_url(value: str) -> str:
    """A URL as a browser reads it (WHATWG): C0 controls and spaces stripped at the ends, tabs and newlines dropped."""
    return re.sub(r"[\t\n\r]", "", value.strip(_C0_AND_SPACE))


class MarkdownRenderer:
    """Renders card Markdown to safe HTML for one site's image policy."""

    def __init__(self, image_hosts: Iterable[str] = ()):
        self.image_hosts = frozenset(host.strip().lower().rstrip(".") for host in image_hosts if host.strip())
        self.render = lru_cache(maxsize=4096)(self._render)
        """Card Markdown as safe HTML (cached: many versions of a model share their texts)."""

    def image_allowed(self, src: str) -> bool:
        """Whether an image may load from ``src``: relative, a ``data:`` raster image, or a listed host."""
        url = browser_url(src)
        if _RASTER_DATA.match(url):
            return True
        if url.startswith(("//", "\\\\", "/\\", "\\/")):  # another host, whatever scheme the page has
            return False
        if _SCHEME.match(url):
            host = _HOST.match(url)
            return host is not None and host[2].lower().rstrip(".") in self.image_hosts
        return True

    def _filter(self, element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return value if self.image_allowed(value) else None
        if attribute == "id":
            return value if _OUR_FOOTNOTE_ID.fullmatch(value) else None
        if attribute in ("href", "src") and browser_url(value).lower().startswith("data:"):
            return None  # data: URLs are for images only
        return value

    def sanitize(self, html: str) -> str:
        """Keep only the allow-listed tags, attributes and URLs; an image not allowed becomes its description."""
        clean = nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(ALLOWED_SCHEMES),
            link_rel="noopener noreferrer nofollow",
            attribute_filter=self._filter,
        )
        return _IMAGE_WITHOUT_SOURCE.sub(_blocked_image, clean)

    def _render(self, text: str) -> Markup:
        converter = _converter()
        html = converter.reset().convert(text)
        # Footnote ids unique to this text: two Markdown fields of one page each have a footnote 1.
        prefix = hashlib.sha256(text.encode()).hexdigest()[:8]
        html = _FOOTNOTE_ID.sub(lambda match: f"{match[1]}mc-{match[2]}-{prefix}-", html)
        return Markup(self.sanitize(html))


def _blocked_image(match: re.Match[str]) -> str:
    alt = _ALT.search(match[1])
    description = html_module.unescape(alt[1]) if alt else ""
    return f'<span class="mc-blocked-image">[image not shown{": " if description else ""}{escape(description)}]</span>'


@lru_cache(maxsize=1)
def _default() -> MarkdownRenderer:
    return MarkdownRenderer()


def render_markdown(text: str) -> Markup:
    """Card Markdown as safe HTML with the default image policy (images from the site itself only)."""
    return _default().render(text)


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


_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def toc_of(html: str) -> list[tuple[str, str]]:
    """(id, title) of each ``<h2 id>`` section of rendered page HTML; the title is HTML, as MkDocs' own.

    Plain strings, not Markup: the garbage collector does not track them, and a large catalog keeps tens of thousands.
    """
    return [(anchor, _TAGS.sub("", title).strip()) for anchor, title in _H2.findall(html)]


def find_whole(text: str, part: str) -> int:
    """``text.find(part)`` for a long ``part``: its start looked for, then the rest compared (a tenth of the time
    of ``str.find`` for a catalog page within its theme)."""
    head = part[:128]
    start = text.find(head)
    while start >= 0 and not text.startswith(part, start):
        start = text.find(head, start + 1)
    return start

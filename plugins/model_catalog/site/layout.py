"""The catalog's part of a site: which pages and files exist, their URLs, and their HTML.

Two phases, as cross-page data needs the whole catalog: :class:`CatalogSite`
first lays out every page from the loaded catalog, then renders everything up
front (:meth:`CatalogSite.render_all`). The exports and ``catalog.json``, most
of the bytes of a large catalog, are files in the text cache that MkDocs
copies into the site, so they are never all in memory.
"""

from __future__ import annotations

import functools
import io
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markupsafe import escape

from model_catalog._infra.parallel import fork_map
from model_catalog._infra.text_cache import TextCache
from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.errors import CardError
from model_catalog.formats import EXPORTERS
from model_catalog.formats.catalog_json import write_catalog_json
from model_catalog.review.gate import ReviewState
from model_catalog.site.changes_view import change_history
from model_catalog.site.charts import history_charts
from model_catalog.site.compare import compare_link, compare_query, model_compare_view
from model_catalog.site.html import compact_html, toc_of
from model_catalog.site.templates import TemplateRenderer
from model_catalog.site.views import card_view, index_view

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

ASSETS = ("assets/catalog.js", "assets/catalog.css", "assets/compare.js")
ASSET_DIR = "assets/model-catalog"
ASSET_URLS = tuple(posixpath.join(ASSET_DIR, posixpath.basename(asset)) for asset in ASSETS)
"""Where the catalog's style sheet and scripts are published, relative to the site root."""
_ASSET_URL = dict(zip(ASSETS, ASSET_URLS, strict=True))
PAGE_SCRIPTS = {
    "index": ("assets/catalog.js",),
    "compare": ("assets/compare.js",),
    "model-compare": ("assets/compare.js",),
}
"""The scripts each kind of page loads after its content (the others load none)."""
COMPARE_DIR = "compare"
"""The folder of the page that compares models (``models/compare/``) and of each model's that compares its versions
(``models/<id>/compare/``): a name no id or version may take (``cards/loader.py``'s reserved names)."""
EXPORT_FILES = {"card.json": "json", "huggingface-README.txt": "huggingface", "cyclonedx.json": "cyclonedx"}
"""The files published next to each card version's page, by name, and the export that writes them.
(The Hugging Face card is not named README.md: MkDocs would take it for a page of the site.)"""


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: a tenth of the time, where it is built

Job = tuple[str, str, str | None, str | None]
"""What to make: ``("page", src_uri, edit_url, cache key)``, ``("redirect", src_uri, None, cache key)``
or ``("export", path, None, cache key)``."""


@dataclass
class SitePage:
    """A page the catalog adds to the site."""

    src_uri: str
    """Path as if it were a Markdown file in docs_dir: ``models/x/index.md``."""
    title: str
    kind: str
    """``index``, ``card``, ``problems``, ``redirect`` (a model's permanent URL, sending readers on to the latest
    version: a page, so that links and other plugins can name it, but a whole HTML document of its own),
    ``model-compare`` (a model's versions side by side) or ``compare`` (the models a reader picked on the index)."""
    card: Card | None = None
    is_latest: bool = False
    """The page of the model's latest version: in the site search, with the card's tags."""
    in_nav: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    versions: list[Card] = field(default_factory=list)
    """A ``model-compare`` page's versions, newest first."""

    @property
    def searchable(self) -> bool:
        """Whether the page belongs in the site's search: not older versions, redirects, the problems page or the
        compare pages."""
        return not self.meta.get("search", {}).get("exclude")

    def markdown(self) -> str:
        """The page's Markdown: front matter only; the body is rendered from templates."""
        # Themes print the title unescaped (MkDocs' Jinja has no autoescape): escape it here.
        return _front_matter(str(escape(self.title)), json.dumps(self.meta, sort_keys=True))


@functools.lru_cache(maxsize=65536)  # a rebuild of `mkdocs serve` finds almost all of them here
def _front_matter(title: str, meta: str) -> str:
    front = yaml.dump({"title": title, **json.loads(meta)}, Dumper=_DUMPER, allow_unicode=True, sort_keys=True)
    return f"---\n{front}---\n"


@dataclass
class RenderedPage:
    """A catalog page's HTML (or a redirect's) and the sections of its table of contents."""

    html: str
    toc: list[tuple[str, str]]


def page_dest(src_uri: str, directory_urls: bool) -> str:
    """The URL (relative to the site root) MkDocs gives ``src_uri``."""
    if directory_urls:
        folder = posixpath.dirname(src_uri)
        return f"{folder}/" if folder else ""
    return src_uri[:-3] + ".html"


def relative_href(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` (both relative to the site root)."""
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath(to_url or ".", from_dir.rstrip("/") or ".")
    if to_url.endswith("/") and target != ".":
        target += "/"
    elif target == ".":
        target = "./"
    return target


class CatalogSite:
    """Lays out and renders the catalog pages of one build."""

    def __init__(
        self,
        catalog: Catalog,
        renderer: TemplateRenderer,
        *,
        prefix: str = "models",
        include_drafts: bool = False,
        directory_urls: bool = True,
        problems: list[CardError] | None = None,
        reviews: dict[tuple[str, str], ReviewState] | None = None,
        json_schema: str | None = None,
        cache: TextCache | None = None,
        reuse: dict[str, RenderedPage] | None = None,
        index_page_size: int = 50,
        schema: CardSchema | None = None,
    ):
        """``reuse`` is what an earlier build in this process (``mkdocs serve``) made (its :attr:`made`):
        it is taken by cache key instead of read from the cache."""
        self.catalog = catalog
        self.renderer = renderer
        self.prefix = prefix.strip("/")
        self.include_drafts = include_drafts
        self.directory_urls = directory_urls
        self.problems = problems or []
        self.reviews = reviews or {}
        self.json_schema = json_schema
        self.index_page_size = index_page_size
        self.schema = schema or CardSchema.load()
        """The card format, with its extension: what a change to each field is (``meta.review``)."""
        self.cache = cache or TextCache(None, "")
        self.pages: dict[str, SitePage] = {}
        self.files: dict[str, str] = {}
        """Small files other than pages, by path, for MkDocs to write: the schema and the assets."""
        self.redirects: dict[str, Card] = {}
        """The page at each model's URL, by path, and the latest version it redirects to (see :meth:`render_all`)."""
        self.exports: dict[str, tuple[str, Card, str]] = {}
        """Export files by path: the export that writes each, its card and its cache key."""
        self.catalog_json_path = self._path("catalog.json")
        self.outputs: dict[str, Path | str] = {}
        """The exports and catalog.json by path, once rendered: the cache file holding each, or its text."""
        self.made: dict[str, RenderedPage] = {}
        """The pages and redirects rendered or reused in this build, by cache key."""
        self._made_before = reuse or {}
        self._urls: dict[tuple[str, str], str] = {}
        self._layout()

    def _path(self, *parts: str) -> str:
        return posixpath.join(self.prefix, *parts) if self.prefix else posixpath.join(*parts)

    def card_src(self, card: Card) -> str:
        return self._path(card.id, card.version, "index.md")

    def card_url(self, card: Card) -> str:
        return page_dest(self.card_src(card), self.directory_urls)

    def model_url(self, card: Card) -> str:
        """The model's permanent URL: a page that sends readers on to the latest version's page."""
        return page_dest(self._path(card.id, "index.md"), self.directory_urls)

    def compare_src(self) -> str:
        """The page that compares the models a reader picked on the index."""
        return self._path(COMPARE_DIR, "index.md")

    def model_compare_src(self, model_id: str) -> str:
        """The page that compares a model's versions."""
        return self._path(model_id, COMPARE_DIR, "index.md")

    def export_urls(self, card: Card) -> dict[str, str]:
        return {export: self._path(card.id, card.version, name) for name, export in EXPORT_FILES.items()}

    def _layout(self) -> None:
        index = SitePage(self._path("index.md"), "Model catalog", "index", in_nav=True, meta={"hide": ["toc"]})
        self.pages[index.src_uri] = index
        if self.problems:
            problems = SitePage(
                self._path("problems", "index.md"), "Catalog problems", "problems", meta={"search": {"exclude": True}}
            )
            self.pages[problems.src_uri] = problems
        models = self.catalog.models(include_drafts=self.include_drafts)
        # Wide, and made of what other pages hold: out of the search, the whole width for their columns.
        compare_meta = {"search": {"exclude": True}, "hide": ["navigation", "toc"]}
        if len(models) >= 2:
            self.pages[self.compare_src()] = SitePage(
                self.compare_src(), "Compare models", "compare", meta=compare_meta
            )
        for versions in models.values():
            latest = versions[0]
            # One page per version, so the latest is built once and its text found once by search.
            redirect = SitePage(
                self._path(latest.id, "index.md"), latest.name, "redirect", meta={"search": {"exclude": True}}
            )
            self.pages[redirect.src_uri] = redirect
            self.redirects[redirect.src_uri] = latest
            for card in versions:
                src = self.card_src(card)
                if card is latest:
                    # Tags reach the theme's templates (no autoescape) through the front matter: escaped here.
                    tags = [str(escape(str(tag))) for tag in card.data.get("tags", [])]
                    meta: dict[str, Any] = {"tags": tags} if tags else {}
                else:
                    meta = {"search": {"exclude": True}}
                self.pages[src] = SitePage(
                    src, f"{card.name} {card.version}", "card", card, is_latest=card is latest, meta=meta
                )
                for name, export in EXPORT_FILES.items():
                    self._queue_export(self._path(card.id, card.version, name), export, card)
                self._urls[card.key] = self.card_url(card)
            if len(versions) >= 2:
                src = self.model_compare_src(latest.id)
                self.pages[src] = SitePage(
                    src, f"Compare versions of {latest.name}", "model-compare", meta=compare_meta, versions=versions
                )
        if self.json_schema:
            self.files[self._path("card.schema.json")] = self.json_schema
        for asset, url in zip(ASSETS, ASSET_URLS, strict=True):
            self.files[url] = self.renderer.asset(asset)

    def _queue_export(self, path: str, export: str, card: Card) -> None:
        key = self.cache.key("export", export, card.fingerprint, os.environ.get("SOURCE_DATE_EPOCH"))
        self.exports[path] = (export, card, key)

    def unsearchable_urls(self) -> list[str]:
        """The URLs of the pages that stay out of the site's search (see :attr:`SitePage.searchable`)."""
        return [page_dest(src, self.directory_urls) for src, page in self.pages.items() if not page.searchable]

    def _with_assets(self, html: str, href: Callable[[str], str], scripts: tuple[str, ...] = ()) -> str:
        """A catalog page's body with the catalog's style sheet before it and ``scripts`` (the index's filter,
        the compare pages' renderer) after it.

        They load with the catalog's pages only, never with the site's other pages. All sit in the page's
        content, which Material's instant navigation swaps in and whose scripts it runs again; each script
        starts itself when it runs, so it works as well from ``file://``, where instant navigation never starts.
        """
        css = escape(href(_ASSET_URL["assets/catalog.css"]))
        tail = "".join(f'<script src="{escape(href(_ASSET_URL[script]))}"></script>' for script in scripts)
        return f'<link rel="stylesheet" href="{css}">{html}{tail}'

    def page_key(self, src_uri: str, edit_url: str | None) -> str | None:
        """What a card page's HTML depends on, hashed; None for pages that are always rendered."""
        page = self.pages[src_uri]
        card = page.card
        if page.kind in ("compare", "model-compare"):
            # A model's versions: their content (the page holds their data), links to their pages and the title.
            versions = [(v.version, v.fingerprint) for v in page.versions]
            return self.cache.key(
                "page", self.renderer.digest, src_uri, self.directory_urls, self.prefix, page.kind, versions
            )
        if card is None:
            return None
        review = self.reviews.get(card.key)
        base = str(card.data.get("model_details", {}).get("base_model", "")).partition("@")[0]
        # Every version's content: a page shows what changed since the version before it and the metrics of all.
        related = [v.fingerprint for v in self.catalog.versions(card.id, include_drafts=self.include_drafts)]
        lineage = [
            (v.id, v.version, v.name, v.status)
            for v in self.catalog.versions(base, include_drafts=self.include_drafts)
            + self.catalog.derived_from(card.id)
        ]
        return self.cache.key(
            "page",
            self.renderer.digest,
            src_uri,
            self.directory_urls,
            self.prefix,
            page.is_latest,
            self.include_drafts,
            card.fingerprint,
            edit_url,
            related,
            lineage,
            review
            and (
                review.label,
                review.missing_roles,
                str(review.review_due),
                [(c.index, c.problem, c.verified) for c in review.checks],
            ),
        )

    def redirect_key(self, latest: Card) -> str:
        """What the redirect at a model's URL depends on, hashed."""
        return self.cache.key(
            "redirect", self.renderer.digest, self.model_url(latest), self.card_url(latest), latest.fingerprint
        )

    def render_all(self, edit_url: Callable[[Card], str | None], workers: int = 1) -> dict[str, RenderedPage]:
        """Every catalog page, export and redirect, made up front so a failure stops the build before it writes.

        What is unchanged comes from the previous build in this process or from
        the cache; the rest is rendered, by ``workers`` forked processes when
        there is much of it. Afterwards :attr:`outputs` says where each export
        and catalog.json is.
        """
        rendered: dict[str, RenderedPage] = {}
        jobs: list[Job] = []
        for path, latest in self.redirects.items():
            redirect_key = self.redirect_key(latest)
            done = self._reuse(redirect_key)
            if done is None:
                jobs.append(("redirect", path, None, redirect_key))
            else:
                rendered[path] = done
        for src, page in self.pages.items():
            if page.kind == "redirect":
                continue
            url = edit_url(page.card) if page.card else None
            page_key = self.page_key(src, url)
            done = self._reuse(page_key) if page_key else None
            if done is None:
                jobs.append(("page", src, url, page_key))
            else:
                rendered[src] = done
        for path, (_, _, export_key) in self.exports.items():
            found = self.cache.file(export_key)
            if found is None:
                jobs.append(("export", path, None, export_key))
            else:
                self.outputs[path] = found
        for (kind, name, _, key), text in zip(jobs, self._run(jobs, workers), strict=True):
            if kind == "export":  # its file in the cache; the text itself when there was no cache folder to hold it
                if isinstance(text, Path) and key:
                    self.cache.adopt(key, text)  # just written by this run: not read back to be verified
                self.outputs[name] = text
                continue
            assert isinstance(text, str)
            done = RenderedPage(text, toc_of(text))  # a redirect has no sections
            if key:
                self.made[key] = done
            rendered[name] = done
        self.outputs[self.catalog_json_path] = self._catalog_json()
        self._made_before = {}
        return {src: rendered[src] for src in self.pages}

    def _reuse(self, key: str) -> RenderedPage | None:
        """The page or redirect made for ``key`` by the previous build in this process, or stored in the cache."""
        done = self._made_before.get(key)
        if done is not None:
            self.cache.keep(key)
        else:
            text = self.cache.get(key)
            if text is None:
                return None
            done = RenderedPage(text, toc_of(text))
        self.made[key] = done
        return done

    def run_job(self, job: Job) -> str | Path:
        """Make one page or export and store it in the cache; returns a page's HTML, an export's file in the
        cache, or the text of an export that could not be stored."""
        kind, name, url, key = job
        if kind in ("page", "redirect"):
            html = self.render(name, edit_url=url).html
            if key:
                self.cache.put(key, html)
            return html
        export, card, export_key = self.exports[name]
        text = EXPORTERS[export](card)
        return self.cache.put_file(export_key, lambda out: out.write(text)) or text

    def _run(self, jobs: list[Job], workers: int) -> list[str | Path]:
        """Run ``jobs`` here, or in ``workers`` forked processes when there are many; results in order.

        The workers inherit the whole site; only jobs, texts and paths are pickled.
        """
        results = fork_map(CatalogSite.run_job, self, jobs, workers)
        if workers > 1:
            self.cache.rescan()  # workers may have added files
        return results

    def _export_text(self, path: str) -> str:
        """An export's text: from its file in the cache, or made again (no cache, or the file changed meanwhile)."""
        export, card, key = self.exports[path]
        stored = self.outputs.get(path)
        if isinstance(stored, str):
            return stored
        text = self.cache.file_text(key)
        return text if text is not None else EXPORTERS[export](card)

    def _catalog_json(self) -> Path | str:
        """catalog.json, from the cache if no card, URL or draft setting changed; made from the card.json texts if not."""
        key = self.cache.key(
            "catalog.json",
            self.include_drafts,
            [(card.source, card.fingerprint, self._urls.get(card.key)) for card in self.catalog],
        )
        found = self.cache.file(key)
        if found is not None:
            return found

        def write(out: SupportsWrite[str]) -> None:
            write_catalog_json(
                out,
                self.catalog,
                include_drafts=self.include_drafts,
                urls=self._urls,
                card_text=lambda card: self._export_text(self._path(card.id, card.version, "card.json")),
            )

        path = self.cache.put_file(key, write)
        if path is not None:
            return path
        text = io.StringIO()
        write(text)
        return text.getvalue()

    def render_redirect(self, latest: Card) -> str:
        """The file at the model's URL: sends readers (and the URL's query and fragment) to the latest version."""
        target = relative_href(self.model_url(latest), self.card_url(latest))
        return self.renderer.render("redirect.html", card=latest.data, target=target)

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        """The HTML body and table of contents of one catalog page."""
        page = self.pages[src_uri]
        here = page_dest(src_uri, self.directory_urls)

        def href(target: str) -> str:
            return relative_href(here, target)

        if page.kind == "redirect":
            return RenderedPage(self.render_redirect(self.redirects[src_uri]), [])
        if page.kind == "index":
            index = index_view(
                self.catalog,
                page_url=self.card_url,
                href=href,
                include_drafts=self.include_drafts,
                reviews=self.reviews,
            )
            problems_href = (
                href(page_dest(self._path("problems", "index.md"), self.directory_urls)) if self.problems else None
            )
            compare = self.compare_src() in self.pages
            html = self.renderer.render(
                "index.html",
                view=index,
                problems=self.problems,
                problems_href=problems_href,
                catalog_json_href=href(self._path("catalog.json")),
                page_size=self.index_page_size,
                compare_href=href(page_dest(self.compare_src(), self.directory_urls)) if compare else None,
                compare_keys={
                    href(self.card_url(versions[0])): f"{model_id}@{versions[0].version}"
                    for model_id, versions in self.catalog.models(include_drafts=self.include_drafts).items()
                }
                if compare
                else {},
            )
        elif page.kind == "problems":
            html = self.renderer.render("problems.html", problems=self.problems)
        elif page.kind == "model-compare":
            card_href: Callable[[Card], str] = lambda card: href(self.card_url(card))  # noqa: E731
            compared = model_compare_view(page.versions, card_href)
            latest = page.versions[0]
            compared["history"] = history_charts(
                [(v.version, v.data.get("metrics", [])) for v in reversed(page.versions)], latest.version
            )
            changes = change_history(
                page.versions,
                self.schema,
                href=card_href,
                compare_href=lambda old, new: compare_query(old.version, new.version),
            )
            html = self.renderer.render("model-compare.html", view=compared, changes=changes)
        elif page.kind == "compare":
            # Placeholders the script fills in with a checked id and version.
            pattern = self._path("{id}", "{version}", "index.md")
            html = self.renderer.render(
                "compare.html",
                index_href=href(page_dest(self._path("index.md"), self.directory_urls)),
                card_json_href=href(self._path("{id}", "{version}", "card.json")),
                card_page_href=href(page_dest(pattern, self.directory_urls)),
            )
        else:
            assert page.card is not None
            view = card_view(
                page.card,
                self.catalog,
                page_url=self.card_url,
                export_urls=self.export_urls,
                href=href,
                include_drafts=self.include_drafts,
                edit_url=edit_url,
                review=self.reviews.get(page.card.key),
                schema=self.schema,
                compare_href=lambda old, new: (
                    href(page_dest(self.model_compare_src(new.id), self.directory_urls))
                    + compare_query(old.version, new.version)
                ),
            )
            versions = self.catalog.versions(page.card.id, include_drafts=self.include_drafts)
            pair = compare_link(page.card, versions)
            compare_href = (
                href(page_dest(self.model_compare_src(page.card.id), self.directory_urls)) + compare_query(*pair)
                if pair
                else None
            )
            html = self.renderer.render("card.html", view=view, card=view.data, compare_href=compare_href)
        html = self._with_assets(compact_html(html), href, PAGE_SCRIPTS.get(page.kind, ()))
        return RenderedPage(html, toc_of(html))

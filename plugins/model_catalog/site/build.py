"""One build of the catalog's part of a site, as a site generator's adapter (``plugin.py``) drives it.

What the catalog needs from a generator is small: a few facts of the site
(:class:`SiteConfig`), one call before the site directory is cleaned, where
everything that can fail happens (:meth:`CatalogBuild.prepare`), a way to add
files (:meth:`CatalogBuild.add_files`), and the rendered pages looked up by path
as the generator reaches them. Under ``mkdocs serve`` a build starts from the
one before it: validation answers, rendered pages, compiled templates and
compacted theme are reused by content key, never the cards themselves.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

from model_catalog._infra.cache_folder import CacheError
from model_catalog._infra.card_cache import CardCache
from model_catalog._infra.gcpause import collector_paused
from model_catalog._infra.git import GitError
from model_catalog._infra.text_cache import TextCache
from model_catalog.cards.schema import CardSchema
from model_catalog.check import check_cards
from model_catalog.config.settings import CatalogSettings, SettingsError
from model_catalog.errors import CardError, SchemaError, format_text
from model_catalog.formats.json_schema import card_json_schema
from model_catalog.revisions import Judgement, judged_by, trust_revision
from model_catalog.site.html import Compactor, compact_html, find_whole
from model_catalog.site.layout import CatalogSite, RenderedPage, page_dest
from model_catalog.site.templates import TemplateProblem, TemplateRenderer


class BuildError(Exception):
    """The catalog cannot be built; the message says why (the adapter raises it as the generator's own error)."""


@dataclass(frozen=True)
class SiteConfig:
    """What the catalog needs to know of the site it is part of, read from the generator's configuration."""

    docs_dir: Path
    """Where the generator reads the site's own pages: a temporary folder under some plugins (monorepo)."""
    edit_root: Path
    """The docs folder as the repository has it, which ``edit_uri`` points at: edit links are made from it,
    never from ``docs_dir``."""
    directory_urls: bool
    repo_url: str | None
    edit_uri: str | None
    edit_uri_template: str | None
    strict: bool
    """Warnings fail the build (checked here, before the site directory is cleaned)."""
    serving: bool
    """Builds follow one another in this process (``mkdocs serve``): drafts are shown by default, state is kept."""
    config_file: Path | None = None
    """The site's configuration file, whose version in a trusted base revision holds the rules (``trust_base``)."""

    @property
    def workers(self) -> int:
        """Processes for cold work; one under ``mkdocs serve``, whose server threads do not mix with fork."""
        return 1 if self.serving else os.cpu_count() or 1


@dataclass(frozen=True)
class GeneratedFile:
    """A file the catalog adds to the site: a page (Markdown, with front matter only) or a file to publish."""

    path: str
    """Its path as if it were in docs_dir: ``models/x/1.0/index.md``, ``models/catalog.json``."""
    content: str | None
    """Its text; None when it is copied from ``source``."""
    source: Path | None = None
    """A file in the cache that the generator copies (an export: never all of them in memory)."""
    in_nav: bool = False
    edit_uri: str | None = None
    """For a card's page: the card's YAML file, as the generator's "edit this page" link takes it."""
    page_source: Path | None = None
    """For a page: the file it is made from, which other plugins take for its source (dates from git history):
    a card's YAML file, the latest version's for a model's URL, the cards folder for the index."""


@functools.lru_cache(maxsize=16384)  # one per model folder
def _relative_folder(folder: str, edit_root: str) -> str:
    relative = Path(os.path.relpath(folder, Path(edit_root).resolve())).as_posix()
    return "" if relative == "." else relative


def docs_relative(card_path: Path, site: SiteConfig) -> str:
    """A card file's path relative to the repository's docs folder (``edit_root``), percent-encoded: MkDocs puts
    a page's ``edit_uri`` into links as it is, so encoded here, no file name can leave the link's quotes (each
    folder's computed once)."""
    folder, name = os.path.split(card_path)
    return quote(posixpath.join(_relative_folder(folder, str(site.edit_root)), name), safe="/")


def edit_url(card_path: Path, site: SiteConfig) -> str | None:
    """The "edit" link of a card's YAML file, made from repo_url and edit_uri as MkDocs makes a page's: the card's
    page shows it in its own body, which is rendered before MkDocs computes the page's link."""
    if not site.repo_url or not (site.edit_uri or site.edit_uri_template):
        return None
    path = docs_relative(card_path, site)
    if site.edit_uri_template:
        uri = site.edit_uri_template.format(path=path, path_noext=path.rsplit(".", 1)[0])
    else:
        uri = (site.edit_uri or "").rstrip("/") + "/" + path
    return urljoin(site.repo_url.rstrip("/") + "/", uri)


@dataclass
class CatalogBuild:
    """Everything one build adds to the site, made before the site directory is cleaned."""

    settings: CatalogSettings
    site_config: SiteConfig
    schema: CardSchema
    problems: list[CardError]
    """Every problem found (errors only under ``mkdocs serve``, which shows them on a page instead of stopping)."""
    rendered: dict[str, RenderedPage]
    """The HTML and sections of each catalog page, by path."""
    unsearchable: list[str]
    """The URLs (relative to the site root) of catalog pages that stay out of the site's search."""
    whole_documents: set[str]
    """The pages whose HTML is a document of its own (a model's URL): the theme's output is replaced by it."""
    site: CatalogSite | None
    """The laid-out catalog until its files are added; then let go (millions of small objects in a large one)."""
    card_cache: CardCache | None
    """Validation answers, decoded, for the next build under ``mkdocs serve``; None otherwise."""
    text_cache: TextCache
    renderer: TemplateRenderer
    compact: Compactor
    made: dict[str, RenderedPage]
    """Pages and redirects by cache key: what the next build under ``mkdocs serve`` reuses."""

    @classmethod
    def prepare(
        cls, settings: CatalogSettings, site_config: SiteConfig, previous: CatalogBuild | None = None
    ) -> CatalogBuild:
        """Load, check and render every card; raises :class:`BuildError` on anything that stops the build.

        ``previous`` is the last build under ``mkdocs serve``, whose work is reused where its inputs are unchanged.
        """
        # Thousands of cards, pages and files that form no cycles: a collection started here would walk them
        # all, and every object the generator keeps from its last build, for nothing.
        revision = trust_revision(settings)
        config = str(site_config.config_file) if site_config.config_file else None
        try:
            with collector_paused(), judged_by(settings, config, revision) as judgement:
                return cls._prepare(judgement, site_config, previous if site_config.serving else None)
        except GitError as exc:
            raise BuildError(f"model-catalog: trusted base {revision}: {exc}") from None

    @classmethod
    def _prepare(cls, judgement: Judgement, site: SiteConfig, last: CatalogBuild | None) -> CatalogBuild:
        settings = judgement.settings
        if settings.templates_path and not settings.templates_path.is_dir():
            raise BuildError(f"templates_dir: {settings.templates_path} is not a folder")
        try:
            schema = CardSchema.load(settings.schema_extension_path)
            checked = check_cards(
                settings,
                schema=schema,
                root=settings.base_dir,
                workers=site.workers,
                reuse=last.card_cache if last else None,
                remember=site.serving,
                authors=judgement.authors,
                exclude=judgement.exclude,
                registry_source=judgement.registry_source,
            )
            text_cache = TextCache(
                checked.cache_folder, schema.digest, previous=last.text_cache if last else None, remember=site.serving
            )
        except (SchemaError, SettingsError, CacheError) as exc:
            raise BuildError(str(exc)) from None
        blocking = checked.blocking
        if blocking and not site.serving:
            raise BuildError(f"model-catalog: {len(blocking)} error(s) in the cards:\n" + format_text(blocking))
        warned = [problem for problem in checked.errors if problem.severity != "notice"]
        if warned and site.strict:  # MkDocs would abort after writing the site; fail while the old one stands
            raise BuildError(
                f"model-catalog: {len(warned)} warning(s), which fail the build in strict mode:\n" + format_text(warned)
            )
        renderer = TemplateRenderer(settings.templates_path, settings.image_hosts or ())
        if last and (last.renderer.folders, last.renderer.digest) == (renderer.folders, renderer.digest):
            renderer = last.renderer  # its templates are compiled already
        show = settings.show_drafts
        catalog_site = CatalogSite(
            checked.catalog,
            renderer,
            prefix=settings.prefix,
            include_drafts=site.serving if show is None else show,
            directory_urls=site.directory_urls,
            problems=blocking,
            reviews=checked.reviews,
            index_page_size=settings.index_page_size,
            json_schema=json.dumps(card_json_schema(schema), indent=2, ensure_ascii=False),
            cache=text_cache,
            reuse=last.made if last else None,
            schema=schema,
        )
        clash_possible = not catalog_site.prefix or (site.docs_dir / catalog_site.prefix).is_dir()
        for src_uri in catalog_site.pages if clash_possible else ():
            if src_uri not in catalog_site.redirects and (site.docs_dir / src_uri).exists():
                raise BuildError(
                    f"{src_uri} in docs_dir has the path of a catalog page; remove it or change the plugin's `prefix`"
                )
        links: Callable[[Path], str | None] = (
            (lambda path: edit_url(path, site)) if settings.edit_cards else (lambda path: None)
        )
        try:
            rendered = catalog_site.render_all(lambda card: links(card.path), workers=site.workers)
        except TemplateProblem as exc:
            raise BuildError(f"model-catalog: cannot render the catalog pages: {exc}") from None
        text_cache.prune()
        compact = last.compact if last else Compactor(remember=site.serving)
        compact.next_build()
        # What only a next build reuses is kept only where one follows: the card cache holds every card's data,
        # which would otherwise stay alive, and be walked by each garbage collection, while MkDocs builds.
        return cls(
            settings, site, schema, checked.errors, rendered, catalog_site.unsearchable_urls(),
            set(catalog_site.redirects), catalog_site,
            checked.cache if site.serving else None, text_cache, renderer, compact,
            catalog_site.made if site.serving else {},
        )  # fmt: skip

    def add_files(self, add: Callable[[GeneratedFile], None], taken: set[str]) -> None:
        """Give the generator every page and file of the catalog through ``add``, but those at a path in ``taken``
        (the site's own files win, such as a page of its own at a model's URL); then let go of the cards."""
        site = self.site
        if site is None:
            return
        with collector_paused():  # thousands of files, as in prepare
            cards_folder = self.settings.cards_path
            for page in site.pages.values():
                card = page.card or site.redirects.get(page.src_uri)
                if page.kind == "redirect" and page.src_uri[:-3] + ".html" in taken:
                    # The site has a page of its own at the model's URL: it is that page, not the redirect.
                    self.rendered.pop(page.src_uri, None)
                    self.whole_documents.discard(page.src_uri)
                    self.unsearchable.remove(page_dest(page.src_uri, self.site_config.directory_urls))
                    continue
                edit = (
                    docs_relative(page.card.path, self.site_config) if page.card and self.settings.edit_cards else None
                )
                add(
                    GeneratedFile(
                        page.src_uri,
                        page.markdown(),
                        in_nav=page.in_nav,
                        edit_uri=edit,
                        page_source=card.path if card else cards_folder,
                    )
                )
            for path, source in [*site.files.items(), *site.outputs.items()]:
                if path in taken:
                    continue
                if isinstance(source, Path):
                    add(GeneratedFile(path, None, source=source))
                else:
                    add(GeneratedFile(path, source))
        self.site = None

    @property
    def unlisted(self) -> list[str]:
        """The URLs of the pages that stay out of the sitemap too: the models' URLs, which redirect."""
        return [page_dest(src_uri, self.site_config.directory_urls) for src_uri in sorted(self.whole_documents)]

    def page(self, src_uri: str) -> RenderedPage | None:
        """The rendered catalog page at ``src_uri``; None for pages that are not the catalog's."""
        return self.rendered.get(src_uri)

    def post_page(self, output: str, src_uri: str) -> str:
        """A catalog page as the theme made it, with the theme's white space squeezed out (catalog pages are many,
        and it is a tenth of their weight); the page's own content was compacted when it was rendered."""
        rendered = self.rendered.get(src_uri)
        if rendered is None:
            return output
        if src_uri in self.whole_documents:  # the theme's page is thrown away (its template is a bare one)
            return rendered.html
        start = find_whole(output, rendered.html)
        if start < 0:  # another plugin changed the content after us
            return compact_html(output)
        end = start + len(rendered.html)
        return self.compact(output[:start]) + rendered.html + self.compact(output[end:])

    def finish(self) -> None:
        """Let go of this build's pages now, not when the next build starts; what it reuses stays."""
        self.rendered = {}
        self.site = None

"""The MkDocs plugin: wires MkDocs events to the core, and nothing more.

Only MkDocs' public plugin API is used, so forks that load MkDocs plugins
(ProperDocs) run it too.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from model_catalog._infra.cache_folder import CacheError
from model_catalog._infra.card_cache import CardCache
from model_catalog._infra.gcpause import collector_paused
from model_catalog._infra.text_cache import TextCache
from model_catalog.cards.schema import CardSchema
from model_catalog.check import check_cards
from model_catalog.config.settings import CatalogSettings, SettingsError
from model_catalog.errors import SchemaError, format_text
from model_catalog.formats.json_schema import card_json_schema
from model_catalog.site.html import Compactor, compact_html
from model_catalog.site.layout import CatalogSite, RenderedPage
from model_catalog.site.reference import expand_markers
from model_catalog.site.templates import TemplateProblem, TemplateRenderer

log = get_plugin_logger(__name__)


@functools.lru_cache(maxsize=16384)  # one per model folder
def _relative_folder(folder: str, docs_dir: str) -> str:
    relative = Path(os.path.relpath(folder, Path(docs_dir).resolve())).as_posix()
    return "" if relative == "." else relative


def _docs_relative(card_path: Path, config: MkDocsConfig) -> str:
    """A card file's path relative to docs_dir, percent-encoded, as MkDocs' ``edit_uri`` of a page (each folder's
    computed once). MkDocs puts it into links as it is: encoded here, no file name can leave the link's quotes."""
    folder, name = os.path.split(card_path)
    return quote(posixpath.join(_relative_folder(folder, config.docs_dir), name), safe="/")


def _edit_url(card_path: Path, config: MkDocsConfig) -> str | None:
    """The "edit" link of a card's YAML file, built from repo_url and edit_uri as MkDocs builds page links."""
    if not config.repo_url or not (config.edit_uri or config.edit_uri_template):
        return None
    path = _docs_relative(card_path, config)
    if config.edit_uri_template:
        uri = config.edit_uri_template.format(path=path, path_noext=path.rsplit(".", 1)[0])
    else:
        uri = config.edit_uri.rstrip("/") + "/" + path
    return urljoin(config.repo_url.rstrip("/") + "/", uri)


def _find_whole(text: str, part: str) -> int:
    """``text.find(part)`` for a long ``part``: its start looked for, then the rest compared (a tenth of the time)."""
    head = part[:128]
    start = text.find(head)
    while start >= 0 and not text.startswith(part, start):
        start = text.find(head, start + 1)
    return start


def _config_scheme() -> tuple[tuple[str, Any], ...]:
    """MkDocs options generated from CatalogSettings, which checks them (one definition of each option)."""
    scheme: list[tuple[str, Any]] = [("enabled", c.Type(bool, default=True))]
    for option in fields(CatalogSettings):
        if option.name != "base_dir":
            scheme.append((option.name, c.Optional(c.Type(object))))
    return tuple(scheme)


@dataclass
class _Reusable:
    """What a `mkdocs serve` rebuild takes from the build before: all of it is checked or keyed by content.

    Not the cards themselves: their parsed YAML is big, and only slows the next build down.
    """

    card_cache: CardCache
    """Validation answers, already decoded."""
    made: dict[str, RenderedPage]
    """Rendered pages and redirects, by cache key."""
    renderer: TemplateRenderer
    """Its compiled templates, while no template file changed."""
    text_cache: TextCache
    """Its listing of the cache folder, and the card.json texts catalog.json is made from."""


class ModelCatalogPlugin(BasePlugin):
    """Publishes the cards under ``cards_dir`` as a catalog; fails the build on invalid cards."""

    config_scheme = _config_scheme()

    def __init__(self) -> None:
        self.command = "build"
        self.settings: CatalogSettings | None = None
        self.schema: CardSchema | None = None
        self.site: CatalogSite | None = None
        self.rendered: dict[str, RenderedPage] = {}
        self.last_build: _Reusable | None = None
        """Under `mkdocs serve`, what the next build can reuse from the last one."""
        self.compact = Compactor(remember=False)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps a plugin with this method from one build to the next of `mkdocs serve`.
        self.command = command
        self.compact = Compactor(remember=self.serving)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.site = None
        self.rendered = {}
        if not self.config["enabled"]:
            return None
        options = {key: value for key, value in self.config.items() if key != "enabled"}
        try:
            self.settings = CatalogSettings.from_options(options, Path(config.config_file_path).parent.resolve())
        except SettingsError as exc:
            raise PluginError(str(exc)) from None
        config.watch.append(str(self.settings.cards_path))
        if self.settings.templates_path:
            config.watch.append(str(self.settings.templates_path))
        if self.settings.schema_extension_path:
            config.watch.append(str(self.settings.schema_extension_path))
        return config

    @property
    def serving(self) -> bool:
        """Under `mkdocs serve`: builds follow one another in this process, and drafts are shown by default."""
        return self.command == "serve"

    @property
    def workers(self) -> int:
        """Processes for cold work; one under `mkdocs serve`, whose server threads do not mix with fork."""
        return 1 if self.serving else os.cpu_count() or 1

    @property
    def include_drafts(self) -> bool:
        show = self.settings.show_drafts if self.settings else None
        return self.serving if show is None else show

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Load, check and render every card before MkDocs cleans the site directory.

        Everything that can fail happens here, so a failed build leaves the
        previously built site as it was.
        """
        if not self.config["enabled"] or self.settings is None:
            return
        # Thousands of cards, pages and files that form no cycles: a collection started here would walk them
        # all, and every object MkDocs keeps from its last build, for nothing.
        with collector_paused():
            self._prepare(self.settings, config)

    def _prepare(self, settings: CatalogSettings, config: MkDocsConfig) -> None:
        last = self.last_build
        self.compact.next_build()
        if settings.templates_path and not settings.templates_path.is_dir():
            raise PluginError(f"templates_dir: {settings.templates_path} is not a folder")
        try:
            self.schema = schema = CardSchema.load(settings.schema_extension_path)
            checked = check_cards(
                settings,
                schema=schema,
                root=settings.base_dir,
                workers=self.workers,
                reuse=last.card_cache if last else None,
                remember=self.serving,
            )
        except (SchemaError, SettingsError, CacheError) as exc:
            raise PluginError(str(exc)) from None
        blocking = checked.blocking
        if blocking and not self.serving:
            raise PluginError(f"model-catalog: {len(blocking)} error(s) in the cards:\n" + format_text(blocking))
        warned = [problem for problem in checked.errors if problem.severity != "notice"]
        if warned and config.strict:  # MkDocs would abort after writing the site; fail while the old one stands
            raise PluginError(
                f"model-catalog: {len(warned)} warning(s), which fail the build in strict mode:\n" + format_text(warned)
            )
        for problem in checked.errors:
            (log.info if problem.severity == "notice" else log.warning)(str(problem))
        renderer = TemplateRenderer(settings.templates_path, settings.image_hosts or ())
        if last and (last.renderer.folders, last.renderer.digest) == (renderer.folders, renderer.digest):
            renderer = last.renderer  # its templates are compiled already
        try:
            text_cache = TextCache(
                checked.cache_folder, schema.digest, previous=last.text_cache if last else None, remember=self.serving
            )
        except CacheError as exc:
            raise PluginError(str(exc)) from None
        site = CatalogSite(
            checked.catalog,
            renderer,
            prefix=settings.prefix,
            include_drafts=self.include_drafts,
            directory_urls=config.use_directory_urls,
            problems=blocking,
            reviews=checked.reviews,
            index_page_size=settings.index_page_size,
            json_schema=json.dumps(card_json_schema(schema), indent=2, ensure_ascii=False),
            cache=text_cache,
            reuse=last.made if last else None,
        )
        docs_dir = Path(config.docs_dir)
        clash_possible = not site.prefix or (docs_dir / site.prefix).is_dir()
        for src_uri in site.pages if clash_possible else ():
            if (docs_dir / src_uri).exists():
                raise PluginError(
                    f"{src_uri} in docs_dir has the path of a catalog page; remove it or change the plugin's `prefix`"
                )
        try:
            self.rendered = site.render_all(
                lambda card: _edit_url(card.path, config) if settings.edit_cards else None, workers=self.workers
            )
        except TemplateProblem as exc:
            raise PluginError(f"model-catalog: cannot render the catalog pages: {exc}") from None
        site.cache.prune()
        self.site = site
        if self.serving:
            self.last_build = _Reusable(checked.cache, site.made, renderer, site.cache) if checked.cache else None
        for url in site.asset_urls():
            target = config.extra_css if url.endswith(".css") else config.extra_javascript
            if url not in [str(item) for item in target]:
                target.append(url)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.site is None:
            return files
        with collector_paused():  # thousands of File objects, as in on_pre_build
            self._add_files(files, self.site, config)
        # From here on only the rendered pages are needed. Letting go of the cards (millions of small
        # objects in a large catalog) makes each of Python's garbage collections during MkDocs' work cheaper.
        self.site = None
        return files

    def _add_files(self, files: Files, site: CatalogSite, config: MkDocsConfig) -> None:
        taken = {file.dest_uri for file in files}
        for page in site.pages.values():
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src_uri, content=page.markdown(), inclusion=inclusion)
            if page.card is not None and self.settings is not None and self.settings.edit_cards:
                file.edit_uri = _docs_relative(page.card.path, config)
            files.append(file)
        for path, source in [*site.files.items(), *site.outputs.items()]:
            if path in taken:  # the site's own files win, e.g. a page of its own at a model's URL
                continue
            if isinstance(source, Path):  # an export in the cache, copied by MkDocs: never all in memory
                files.append(
                    File.generated(config, path, abs_src_path=str(source), inclusion=InclusionLevel.NOT_IN_NAV)
                )
            else:
                files.append(File.generated(config, path, content=source, inclusion=InclusionLevel.NOT_IN_NAV))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """The theme's white space squeezed out of catalog pages: they are many, and it is a tenth of their weight.

        The page's own content was compacted when it was rendered (and cached so): only the theme around it is.
        """
        rendered = self.rendered.get(page.file.src_uri)
        if rendered is None:
            return output
        start = _find_whole(output, rendered.html)
        if start < 0:  # another plugin changed the content after us
            return compact_html(output)
        end = start + len(rendered.html)
        return self.compact(output[:start]) + rendered.html + self.compact(output[end:])

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Let go of this build's pages now, not when `mkdocs serve` starts the next build (the cards went in on_files)."""
        self.rendered = {}

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Expand the reference markers of the site's own docs pages."""
        if self.schema is None or "model-catalog:" not in markdown:
            return markdown
        return expand_markers(markdown, self.schema)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        rendered = self.rendered.get(page.file.src_uri)
        if rendered is None:
            return html
        page.toc = get_toc(
            [{"level": 2, "id": anchor, "name": title, "children": []} for anchor, title in rendered.toc]
        )
        return rendered.html

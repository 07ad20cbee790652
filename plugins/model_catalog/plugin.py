"""The MkDocs plugin: wires MkDocs' events to the catalog's build (``site/build.py``), and nothing more.

Only MkDocs' public plugin API is used, so forks that load MkDocs plugins (ProperDocs) run it too. The options are
defined once, in ``config/settings.py``; the ``Config`` classes MkDocs reads are made from those definitions, and
every option is checked by them, as the command line checks it.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from model_catalog.config.mkdocs_yml import configured_docs_dir
from model_catalog.config.options import OptionsError, check_value, default_of, from_options, option_fields, takes_none
from model_catalog.config.settings import ApprovalPolicy, CatalogSettings, SettingsError
from model_catalog.site.build import BuildError, CatalogBuild, GeneratedFile, SiteConfig
from model_catalog.site.layout import ASSET_URLS
from model_catalog.site.reference import expand_markers
from model_catalog.site.templates import builtin_templates_dir
from model_catalog.site.unlisted import drop_from_search_index, drop_from_sitemap

log = get_plugin_logger(__name__)

DOCUMENT_TEMPLATE = "model-catalog-document.html"
"""The bare template of the pages that are a whole document of their own (a model's URL)."""

C = TypeVar("C", bound=Config)


class _Checked(BaseConfigOption[Any]):
    """One option, checked by its definition in ``config/settings.py`` (the checker the command line uses)."""

    def __init__(self, owner: type, option: dataclasses.Field[Any]):
        super().__init__()
        self.owner, self.name = owner, option.name
        self.default = default_of(option)

    def run_validation(self, value: object) -> Any:
        if value is None and not takes_none(self.owner, self.name):
            return self.default
        try:
            return check_value(self.owner, self.name, value, "")
        except OptionsError as exc:
            raise ValidationError(exc.problem) from None


class _Options(Config):
    """A ``Config`` whose unknown keys are errors naming the option meant, as on the command line."""

    _settings: type
    """The dataclass whose fields are the options."""
    _own: tuple[str, ...] = ()
    """Options MkDocs has that the dataclass has not (``enabled``)."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        failed, warnings = super().validate()
        known = {option.name for option in option_fields(self._settings)} | set(self._own)
        unknown = [key for key in self.keys() if key not in known]
        for key in unknown:
            try:
                from_options(self._settings, {key: self[key]}, "")
            except OptionsError as exc:
                failed.append((key, ValidationError(exc.problem)))
        return failed, [(key, warning) for key, warning in warnings if key not in unknown]


def _options_of(settings: type, sections: dict[str, type[Config]] | None = None) -> Callable[[type[C]], type[C]]:
    """Make the decorated ``Config`` class hold one option per field of ``settings``, checked by it; a field named
    in ``sections`` (a section of options, such as ``approvals``) becomes a ``SubConfig`` of the class given."""

    def make(cls: type[C]) -> type[C]:
        namespace: dict[str, Any] = {"_settings": settings}
        for option in option_fields(settings):
            section = (sections or {}).get(option.name)
            namespace[option.name] = c.SubConfig(section) if section else _Checked(settings, option)
        # A subclass, so that Config's __init_subclass__ sees the options; typed as the class declared.
        return types.new_class(cls.__name__, (cls,), exec_body=lambda ns: ns.update(namespace))

    return make


@_options_of(ApprovalPolicy)
class ApprovalsConfig(_Options):
    """The ``approvals:`` options as MkDocs reads them."""


@_options_of(CatalogSettings, {"approvals": ApprovalsConfig})
class CatalogConfig(_Options):
    """The plugin's options as MkDocs reads them (``enabled`` is MkDocs' own switch)."""

    _own = ("enabled",)
    enabled = c.Type(bool, default=True)


def _language_folder(config: MkDocsConfig) -> str:
    """Under mkdocs-static-i18n, the folder of the language being built: it builds the site once per language,
    each but the default's into a folder named after it. "" for the default language and on other sites."""
    i18n = config.plugins.get("i18n")
    current, default = getattr(i18n, "current_language", None), getattr(i18n, "default_language", None)
    return current if isinstance(current, str) and current != default else ""


def _search_ignores_exclude(config: MkDocsConfig) -> bool:
    """Whether a search plugin of the site other than Material's, which honours ``search: exclude``, writes the
    index (MkDocs' own, as Backstage's techdocs-core installs it): then the index file is mended after it. Reading
    and writing the index of a large catalog takes seconds, which Material's sites are spared."""
    return any(
        name.rpartition("/")[2] == "search" and not type(plugin).__module__.startswith("material.")
        for name, plugin in config.plugins.items()
    )


def _nav_paths(items: Any) -> Iterator[str]:
    """Every page path the ``nav`` option names."""
    if isinstance(items, str):
        yield items
    elif isinstance(items, dict):
        for value in items.values():
            yield from _nav_paths(value)
    elif isinstance(items, list):
        for item in items:
            yield from _nav_paths(item)


class ModelCatalogPlugin(BasePlugin[CatalogConfig]):
    """Publishes the cards under ``cards_dir`` as a catalog; fails the build on invalid cards."""

    def __init__(self) -> None:
        self.command = "build"
        self.settings: CatalogSettings | None = None
        self.build: CatalogBuild | None = None
        """This build; under `mkdocs serve`, the last one until the next starts from it."""
        self.edit_root: Path | None = None
        self.unlisted: list[str] = []
        """The URLs of this build's catalog pages kept out of the sitemap: the models' URLs, which redirect."""
        self.unsearchable: set[str] = set()
        """The URLs of catalog pages kept out of search, of every build since startup: mkdocs-static-i18n merges
        the search index of each language's build into one after the last."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps a plugin with this method from one build to the next of `mkdocs serve`.
        self.command = command
        self.unsearchable = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.settings = None
        if not self.config.enabled:
            return None
        options = {key: dict(value) if key == "approvals" else value for key, value in self.config.items()}
        options.pop("enabled", None)
        config_file = Path(config.config_file_path).resolve()
        try:
            self.settings = CatalogSettings.from_options(options, config_file.parent)
        except SettingsError as exc:
            raise PluginError(str(exc)) from None
        for watched in (self.settings.cards_path, self.settings.templates_path, self.settings.schema_extension_path):
            if watched and str(watched) not in config.watch:
                config.watch.append(str(watched))
        # Edit links are made from the docs folder the repository has, whichever folder a plugin builds from.
        self.edit_root = configured_docs_dir(config_file) or Path(config.docs_dir)
        theme_dir = str(builtin_templates_dir() / "theme")
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.append(theme_dir)
        self._refuse_minify_of_assets(config)
        return config

    def _refuse_minify_of_assets(self, config: MkDocsConfig) -> None:
        """mkdocs-minify-plugin reads the files its ``js_files``/``css_files`` name from docs_dir, where the
        catalog's assets are not, and renames them under the pages that load them: say so, not crash."""
        minify = config.plugins.get("minify")
        if minify is None:
            return
        for option in ("js_files", "css_files"):
            named = minify.config.get(option) or []
            listed = sorted(set(ASSET_URLS).intersection([named] if isinstance(named, str) else named))
            if listed:
                raise PluginError(
                    f"model-catalog: the minify plugin's `{option}` lists {', '.join(listed)}, the catalog's own "
                    "assets. Remove them from it: minify reads those files from docs_dir, where they are not, and "
                    "renames them under the catalog pages that load them. They are small and load with the "
                    "catalog's pages only; minify_html still minifies every page."
                )

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Load, check and render every card before MkDocs cleans the site directory: a failed build leaves the
        site built before as it was."""
        if self.settings is None:
            return
        site = SiteConfig(
            Path(config.docs_dir), self.edit_root or Path(config.docs_dir), config.use_directory_urls,
            config.repo_url, config.edit_uri, config.edit_uri_template, bool(config.strict), self.command == "serve",
            Path(config.config_file_path) if config.config_file_path else None,
        )  # fmt: skip
        try:
            self.build = CatalogBuild.prepare(self.settings, site, previous=self.build)
        except BuildError as exc:
            raise PluginError(str(exc)) from None
        for problem in self.build.problems:
            (log.info if problem.severity == "notice" else log.warning)(str(problem))

    @event_priority(50)
    def _add_files_first(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Before other plugins, which then see the catalog's pages as the site's own (redirects takes them as
        # targets); but after mkdocs-static-i18n, which keeps only files of docs_dir and makes them anew.
        return files if "i18n" in config.plugins else self._add_files(files, config)

    @event_priority(-110)
    def _add_files_after_i18n(self, files: Files, *, config: MkDocsConfig) -> Files:
        return self._add_files(files, config) if "i18n" in config.plugins else files

    on_files = CombinedEvent(_add_files_first, _add_files_after_i18n)

    def _add_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.settings is None or self.build is None:
            return files
        # Each language of a multilingual site has the catalog in its own folder, with its own theme language.
        folder = _language_folder(config)

        def add(generated: GeneratedFile) -> None:
            inclusion = InclusionLevel.UNDEFINED if generated.in_nav else InclusionLevel.NOT_IN_NAV
            if generated.source is not None:
                file = File.generated(config, generated.path, abs_src_path=str(generated.source), inclusion=inclusion)
            else:
                file = File.generated(config, generated.path, content=generated.content or "", inclusion=inclusion)
            if folder:
                file.dest_uri = f"{folder}/{file.dest_uri}"
            if generated.page_source is not None:
                # What plugins that read a page's source see: the card's YAML file (git-revision-date-localized
                # dates the page from its history). The page's Markdown is still the content given above.
                file.abs_src_path = str(generated.page_source)
                file.generated_by = None
            file.edit_uri = generated.edit_uri
            files.append(file)

        own = len(folder) + 1 if folder else 0  # the site's own files of this language, as the catalog names them
        self.build.add_files(add, taken={file.dest_uri[own:] for file in files})
        self.unsearchable.update(f"{folder}/{url}" if folder else url for url in self.build.unsearchable)
        self.unlisted = [f"{folder}/{url}" if folder else url for url in self.build.unlisted]
        self._hint_at_prefix(files, config)
        return files

    def _hint_at_prefix(self, files: Files, config: MkDocsConfig) -> None:
        """A ``nav`` entry that ends with the catalog's index but is not it (a mkdocs-monorepo-plugin sub-site
        names its pages under its alias): say which ``prefix`` would make it the catalog's."""
        assert self.settings is not None
        index = f"{self.settings.prefix.strip('/')}/index.md".lstrip("/")
        for path in _nav_paths(config.nav):
            if path != index and path.endswith("/" + index) and files.get_file_from_path(path) is None:
                log.warning(
                    f"the nav names {path}, which is not a page, while the catalog's index is {index}: to publish "
                    f"the catalog there, set the model-catalog plugin's `prefix: {path[: -len('/index.md')]}`"
                )

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Expand the reference markers of the site's own docs pages; give a whole-document page its bare
        template."""
        if self.build is None:
            return markdown
        if page.file.src_uri in self.build.whole_documents:
            page.meta["template"] = DOCUMENT_TEMPLATE
        if "model-catalog:" not in markdown:
            return markdown
        return expand_markers(markdown, self.build.schema)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        rendered = self.build.page(page.file.src_uri) if self.build else None
        if rendered is None:
            return html
        page.toc = get_toc(
            [{"level": 2, "id": anchor, "name": title, "children": []} for anchor, title in rendered.toc]
        )
        return rendered.html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        return self.build.post_page(output, page.file.src_uri) if self.build else output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        if template_name != "sitemap.xml" or self.settings is None:
            return output_content
        return drop_from_sitemap(output_content, self.unlisted, config.site_url)

    def _finish(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            self.build.finish()

    @event_priority(-200)
    def _keep_out_of_search(self, *, config: MkDocsConfig) -> None:
        # Last, once every search plugin (and i18n's merge, and Material's offline copy) has written the index.
        if self.settings is not None and _search_ignores_exclude(config):
            drop_from_search_index(Path(config.site_dir), self.unsearchable)

    on_post_build = CombinedEvent(_finish, _keep_out_of_search)

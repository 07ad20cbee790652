"""The MkDocs plugin: wires MkDocs' events to the catalog's build (``site/build.py``), and nothing more.

Only MkDocs' public plugin API is used, so forks that load MkDocs plugins (ProperDocs) run it too. The options are
defined once, in ``config/settings.py``; the ``Config`` classes MkDocs reads are made from those definitions, and
every option is checked by them, as the command line checks it.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from model_catalog.config.options import OptionsError, check_value, default_of, from_options, option_fields, takes_none
from model_catalog.config.settings import ApprovalPolicy, CatalogSettings, SettingsError
from model_catalog.site.build import BuildError, CatalogBuild, GeneratedFile, SiteConfig
from model_catalog.site.reference import expand_markers

log = get_plugin_logger(__name__)

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


class ModelCatalogPlugin(BasePlugin[CatalogConfig]):
    """Publishes the cards under ``cards_dir`` as a catalog; fails the build on invalid cards."""

    def __init__(self) -> None:
        self.command = "build"
        self.settings: CatalogSettings | None = None
        self.build: CatalogBuild | None = None
        """This build; under `mkdocs serve`, the last one until the next starts from it."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps a plugin with this method from one build to the next of `mkdocs serve`.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.settings = None
        if not self.config.enabled:
            return None
        options = {key: dict(value) if key == "approvals" else value for key, value in self.config.items()}
        options.pop("enabled", None)
        try:
            self.settings = CatalogSettings.from_options(options, Path(config.config_file_path).parent.resolve())
        except SettingsError as exc:
            raise PluginError(str(exc)) from None
        for watched in (self.settings.cards_path, self.settings.templates_path, self.settings.schema_extension_path):
            if watched:
                config.watch.append(str(watched))
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Load, check and render every card before MkDocs cleans the site directory: a failed build leaves the
        site built before as it was."""
        if self.settings is None:
            return
        site = SiteConfig(
            Path(config.docs_dir), config.use_directory_urls, config.repo_url, config.edit_uri,
            config.edit_uri_template, bool(config.strict), self.command == "serve",
        )  # fmt: skip
        try:
            self.build = CatalogBuild.prepare(self.settings, site, previous=self.build)
        except BuildError as exc:
            raise PluginError(str(exc)) from None
        for problem in self.build.problems:
            (log.info if problem.severity == "notice" else log.warning)(str(problem))
        for url in self.build.assets:
            target = config.extra_css if url.endswith(".css") else config.extra_javascript
            if url not in [str(item) for item in target]:
                target.append(url)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.settings is None or self.build is None:
            return files

        def add(generated: GeneratedFile) -> None:
            inclusion = InclusionLevel.UNDEFINED if generated.in_nav else InclusionLevel.NOT_IN_NAV
            if generated.source is not None:
                file = File.generated(config, generated.path, abs_src_path=str(generated.source), inclusion=inclusion)
            else:
                file = File.generated(config, generated.path, content=generated.content or "", inclusion=inclusion)
            if generated.edit_uri is not None:
                file.edit_uri = generated.edit_uri
            files.append(file)

        self.build.add_files(add, taken={file.dest_uri for file in files})
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Expand the reference markers of the site's own docs pages."""
        if self.build is None or "model-catalog:" not in markdown:
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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            self.build.finish()

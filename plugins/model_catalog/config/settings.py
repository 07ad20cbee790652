"""The catalog's settings: the plugin's options, each defined once, as a typed field with its documentation.

The command line reads them from mkdocs.yml with :func:`~model_catalog.config.options.from_options`; the MkDocs
plugin's ``Config`` is made from these classes (``plugin.py``), and the options reference from their docstrings.
Paths are relative to the folder of mkdocs.yml.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from model_catalog.cards.loader import DEFAULT_MAX_BYTES, REGISTRY_NAME
from model_catalog.config.options import Check, OptionsError, from_options

PLUGIN_NAME = "model-catalog"
TRUST_BASE_VARIABLE = "MODEL_CATALOG_TRUST_BASE"
"""Set to a git revision, it makes ``validate``, ``status`` and ``mkdocs build`` judge by that revision's rules."""

RiskTier = Literal["low", "medium", "high"]
DEFAULT_ROLES: dict[RiskTier, tuple[str, ...]] = {
    "low": ("ml-lead",),
    "medium": ("ml-lead", "responsible-ai"),
    "high": ("ml-lead", "responsible-ai", "legal"),
}

Days = Annotated[int | None, Check(wanted="a whole number of days, at least 1, or null", at_least=1)]
Folder = Annotated[str, Check(wanted="a path")]
Role = Annotated[str, Check(pattern=r"\S.*")]
RolesByTier = Annotated[
    dict[RiskTier, tuple[Role, ...]],
    Check(wanted="a mapping of each risk tier to a list of roles, e.g. {low: [ml-lead]}", key="risk tier"),
]
HostNames = Annotated[
    list[Annotated[str, Check(pattern=r"[A-Za-z0-9.-]+")]] | None,
    Check(wanted="a list of host names such as images.acme.example"),
]


class SettingsError(Exception):
    """mkdocs.yml or the plugin's options cannot be used; the message names the file and the option."""


@dataclass(frozen=True)
class ApprovalPolicy:
    """The review policy, under `approvals:`: which roles approve which risk tier, and which approvals count."""

    required_roles: RolesByTier = field(default_factory=lambda: dict(DEFAULT_ROLES))
    """Roles that must approve a card, by risk tier."""
    registry: Folder | None = None
    """The approvers registry file; default `APPROVERS.yaml` in `cards_dir`."""
    allow_self_approval: bool = False
    """Whether an owner of a card may approve it."""
    max_age_days: Days = None
    """Approvals older than this many days no longer count; `null`: no limit."""
    review_interval_days: Days = 365
    """Days after its review that a card is due for re-review; `null`: never."""
    require_signatures: bool = False
    """Whether every approval must carry a valid SSH signature."""
    fail_on_overdue: bool = False
    """Fail the build when a card is past its review interval."""
    incomplete: Literal["error", "warn"] = "error"
    """`error` fails the build when a card lacks approvals; `warn` only warns (a card with `status: approved`
    always fails)."""

    def roles_for(self, risk_tier: object) -> tuple[str, ...]:
        """The roles a card of ``risk_tier`` needs; none for a tier the policy leaves out."""
        return next((roles for tier, roles in self.required_roles.items() if tier == risk_tier), ())


@dataclass(frozen=True)
class CatalogSettings:
    """Options of the `model-catalog` plugin."""

    cards_dir: Folder = "cards"
    """Folder holding the card YAML files (searched recursively)."""
    prefix: str = "models"
    """Folder of the site the catalog pages are published under."""
    templates_dir: Folder | None = None
    """Folder of templates that override or extend the built-in ones."""
    schema_extension: Folder | None = None
    """YAML file whose `fields` are merged over the built-in card schema."""
    max_card_bytes: Annotated[int, Check(at_least=1)] = DEFAULT_MAX_BYTES
    """Largest card file accepted, in bytes."""
    edit_cards: bool = True
    """Link each card page to its YAML file through `repo_url` and `edit_uri`."""
    show_drafts: bool | None = None
    """Publish draft cards; `null` shows them under `mkdocs serve` only."""
    index_page_size: Annotated[int, Check(at_least=0)] = 50
    """Rows the catalog index shows at first, and adds with each "Show more" (the page stays quick with thousands
    of models); `0` shows every row."""
    image_hosts: HostNames = None
    """Hosts that images in a card's Markdown may load from (`[images.acme.example]`); by default only images in
    the site itself and `data:` images are shown, so a page makes no outside request."""
    trust_base: str | None = None
    """A git revision (such as `origin/main`) whose review policy, approvers registry, schema extension and
    templates the build judges the cards by, so that a pull request cannot approve itself by editing them; its
    commit authors cannot approve their own changes. For the CI build of a pull request; the environment variable
    `MODEL_CATALOG_TRUST_BASE` does the same and wins, and cannot be removed by the pull request's mkdocs.yml."""
    approvals: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    """The review policy: see the `approvals.*` options below."""
    cache_dir: Folder | None = ".model-catalog-cache"
    """Folder for validation results, rendered pages and exports cached by content hash (keep it out of git;
    restore it in CI to speed up, see the Review page). A large catalog also needs less memory with it. `null`:
    no cache."""

    base_dir: Path = field(default=Path("."), metadata={"option": False})
    """Folder that relative paths are resolved against (the folder of mkdocs.yml); not an option."""

    @classmethod
    def from_options(cls, options: Any, base_dir: Path, source: str = "mkdocs.yml") -> CatalogSettings:
        """Check and convert the plugin's options, naming the bad one when one is bad."""
        try:
            return from_options(cls, options, f"plugins.{PLUGIN_NAME}", base_dir=base_dir)
        except OptionsError as exc:
            raise SettingsError(f"{source}: {exc}") from None

    def resolve(self, path: str) -> Path:
        return (self.base_dir / path).resolve()

    @property
    def cards_path(self) -> Path:
        return self.resolve(self.cards_dir)

    @property
    def templates_path(self) -> Path | None:
        return self.resolve(self.templates_dir) if self.templates_dir else None

    @property
    def schema_extension_path(self) -> Path | None:
        return self.resolve(self.schema_extension) if self.schema_extension else None

    @property
    def cache_path(self) -> Path | None:
        """The cache folder as configured, links not resolved: the cache refuses them (``_infra/cache_folder``)."""
        return Path(os.path.abspath(self.base_dir / self.cache_dir)) if self.cache_dir else None

    @property
    def registry_path(self) -> Path:
        registry = self.approvals.registry
        return self.resolve(registry) if registry else self.cards_path / REGISTRY_NAME

"""The whole check of a catalog: card validation, then the review gate. Shared by the CLI and the plugin.

The one place that puts the layers together: the pure loader of ``cards/`` read through the cache and the forked
workers of ``_infra/``, the registry and the gate of ``review/``, with the collector paused around all of it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from model_catalog._infra.cache_folder import CacheFolder, open_cache_folder
from model_catalog._infra.card_cache import CardCache, CardReader
from model_catalog._infra.gcpause import collector_paused
from model_catalog.cards.loader import assemble_catalog, display_path
from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import validation_for
from model_catalog.cards.values import build_date
from model_catalog.changes.metrics import describe_key, regressions
from model_catalog.config.mkdocs_yml import find_settings
from model_catalog.config.settings import CatalogSettings
from model_catalog.errors import CardError
from model_catalog.review.gate import ContentAuthor, ReviewState, review_card, review_errors
from model_catalog.review.registry import Registry, load_registry


@dataclass
class CheckedCatalog:
    """A loaded catalog with the review state of every card and every problem found."""

    catalog: Catalog
    registry: Registry
    reviews: dict[tuple[str, str], ReviewState] = field(default_factory=dict)
    errors: list[CardError] = field(default_factory=list)
    """Errors and warnings, sorted by file and line."""
    cache: CardCache | None = None
    """The validation answers this check used: a later check in the same process can start from them."""
    cache_folder: CacheFolder | None = None
    """The cache folder, checked to be safe (None: no cache)."""

    @property
    def blocking(self) -> list[CardError]:
        return [error for error in self.errors if error.severity == "error"]


def check_cards(
    settings: CatalogSettings,
    paths: list[Path] | None = None,
    *,
    schema: CardSchema | None = None,
    today: dt.date | None = None,
    root: Path | None = None,
    workers: int = 1,
    reuse: CardCache | None = None,
    remember: bool = False,
    authors: Callable[[Card], tuple[ContentAuthor, ...]] | None = None,
    exclude: tuple[Path, ...] = (),
    registry_source: str | None = None,
) -> CheckedCatalog:
    """Load, validate and review the cards of ``settings`` (or only those under ``paths``).

    ``authors`` says who changed a card's content since a trusted base (``validate --trust-base``): they cannot
    approve it. ``exclude`` are files among the cards that are not cards (the head's registry, when the one
    checked by is the base's).

    ``reuse`` is the cache of an earlier check in this process (``mkdocs serve``):
    its validation answers are taken from memory instead of the cache file.
    ``remember`` makes this check's cache keep what such a later check reuses.
    """
    with collector_paused():  # thousands of cards and reviews, no cycles among them
        return _check_cards(
            settings, paths, schema, today, root, workers, reuse, remember, authors, exclude, registry_source
        )


def _check_cards(
    settings: CatalogSettings,
    paths: list[Path] | None,
    schema: CardSchema | None,
    today: dt.date | None,
    root: Path | None,
    workers: int,
    reuse: CardCache | None,
    remember: bool,
    authors: Callable[[Card], tuple[ContentAuthor, ...]] | None,
    exclude: tuple[Path, ...],
    registry_source: str | None,
) -> CheckedCatalog:
    schema = schema or CardSchema.load(settings.schema_extension_path)
    policy = settings.approvals
    registry_path = settings.registry_path
    inside = bool(paths) and all(p.resolve().is_relative_to(settings.cards_path) for p in paths or [])
    folder = reuse.folder if reuse is not None else open_cache_folder(settings.cache_path, settings.base_dir)
    cache = CardCache(folder, f"{schema.digest}|{settings.max_card_bytes}", previous=reuse, remember=remember)
    read = CardReader(validation_for(schema), settings.max_card_bytes, cache, workers)
    catalog = assemble_catalog(
        paths or [settings.cards_path],
        read,
        root=root,
        exclude=[registry_path, *exclude],
        context=settings.cards_path if inside else None,
    )
    registry = load_registry(
        registry_path, registry_source or display_path(registry_path, root), settings.max_card_bytes
    )
    checked = CheckedCatalog(catalog, registry, errors=list(catalog.errors), cache=cache, cache_folder=folder)
    today = today or build_date()
    if any(not card.is_draft for card in catalog.cards):
        checked.errors.extend(registry.errors)
    for card in catalog.cards:
        state = review_card(card, policy, registry, today, authors(card) if authors else ())
        checked.reviews[card.key] = state
        if not registry.errors:  # with a broken registry every approval fails: its own errors say enough
            checked.errors.extend(review_errors(card, state, policy))
    checked.errors.extend(regression_notices(catalog))
    cache.save()
    checked.errors.sort()
    return checked


def regression_notices(catalog: Catalog) -> list[CardError]:
    """A notice on each metric of a version that is worse than in the version before it beyond the confidence
    intervals: not an error (a new version may trade one slice for another), but never unnoticed."""
    found = []
    for versions in catalog.models().values():
        for newer, older in itertools.pairwise(versions):
            for index, comparison in regressions(older.data.get("metrics", []), newer.data.get("metrics", [])):
                found.append(
                    CardError(
                        newer.source,
                        *newer.where(("metrics", index)),
                        f"metrics[{index}]",
                        f"{describe_key(comparison.key)}: {comparison.new['value']:g} is worse than "
                        f"{comparison.old['value']:g} in version {older.version}, beyond the confidence intervals",
                        "notice",
                    )
                )
    return found


def validate(
    paths: str | Path | list[str | Path] | None = None,
    *,
    config: str | Path | None = None,
    today: dt.date | None = None,
) -> list[CardError]:
    """Every problem in the cards, as `model-catalog validate` finds them: errors, warnings and notices.

    ``config`` is an mkdocs.yml to read the plugin's options from (default:
    ./mkdocs.yml or ./properdocs.yml when one exists); ``paths`` default to its ``cards_dir``.
    """
    settings = find_settings(config)
    if paths is not None and not isinstance(paths, list):
        paths = [paths]
    return check_cards(settings, [Path(p) for p in paths] if paths else None, today=today).errors

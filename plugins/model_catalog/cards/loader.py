"""Finding, reading and validating card files, one by one and as a catalog.

Pure: a file's answer depends on its bytes and the schema only. The cache and the forked workers of a large
catalog are a layer around :func:`parse_card` (``_infra.card_cache.CardReader``), which ``check.py`` puts in.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation, validation_for
from model_catalog.cards.yamlsource import YamlError, decode_card_bytes, parse_yaml
from model_catalog.errors import CardError, CatalogError

CARD_SUFFIXES = (".yaml", ".yml")
DEFAULT_MAX_BYTES = 1_000_000
REGISTRY_NAME = "APPROVERS.yaml"
RESERVED_IDS = ("compare", "problems")
"""Ids the site takes for pages of its own (``models/compare/``, ``models/problems/``): no model may have them."""
RESERVED_VERSIONS = ("compare",)
"""Versions the site takes for a page of each model (``models/<id>/compare/``), compared without case."""


@functools.lru_cache(maxsize=64)
def _resolved(folder: str) -> str:
    return str(Path(folder).resolve())


def display_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (default: the working directory) when inside it."""
    folder = _resolved(str(root) if root else os.getcwd())
    text = str(path)
    if text.startswith(folder) and text[len(folder) : len(folder) + 1] == os.sep:  # as Path.relative_to, faster
        return text[len(folder) + 1 :].replace(os.sep, "/")
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _card_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    """The card files under ``folder`` as directory entries, each folder's own files (by name) before its
    subfolders'; hidden names and links to folders are skipped, and unreadable folders too, as ``os.walk`` does."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if not entry.is_symlink():
                subfolders.append(entry.path)
        elif entry.name.endswith(CARD_SUFFIXES):
            yield entry
    for subfolder in subfolders:
        yield from _card_entries(subfolder)


_UNSAFE_IN_NAMES = {
    '"': 'a double quote (")',
    "'": "a single quote (')",
    "`": "a backtick (`)",
    "<": "an angle bracket (<)",
    ">": "an angle bracket (>)",
    "\\": "a backslash (\\)",
}
_UNSAFE_NAME = re.compile(r"[\"'`<>\\\x00-\x1f\x7f-\x9f]")
"""Those characters and the control characters (Unicode's Cc: C0, DEL and C1)."""


def unsafe_name_problem(relative: str) -> str | None:
    """Why a card file's path (relative to its folder) cannot be published, or None.

    The path reaches the "edit" links of pages and every message about the card: quotes and angle brackets could
    break out of an HTML attribute, control characters out of a terminal line. They are refused, not escaped, so
    the file gets a name every tool shows the same way.
    """
    bad = _UNSAFE_NAME.search(relative)
    if bad is None:
        return None
    what = _UNSAFE_IN_NAMES.get(bad[0]) or f"a control character (U+{ord(bad[0]):04X})"
    renamed = re.sub(r"-{2,}", "-", re.sub(r"[\s-]+(?=\.ya?ml$)", "", _UNSAFE_NAME.sub("-", relative)))
    return (
        f"the file name contains {what}, which links and messages cannot carry safely; rename the file, "
        f"for example to {renamed!r} (git mv keeps its history)"
    )


def find_card_files(
    paths: Iterable[Path], exclude: Iterable[Path] = (), root: Path | None = None
) -> tuple[list[Path], list[CardError]]:
    """Every card file under ``paths`` (files or folders), sorted; symlinks leaving a folder and file names that
    are unsafe to publish (:func:`unsafe_name_problem`) are refused."""
    excluded = {p.resolve() for p in exclude}
    excluded_names = {p.name for p in excluded}
    found: list[Path] = []
    problems: list[CardError] = []
    for given in paths:
        start = given.absolute()
        if start.is_file():
            problem = unsafe_name_problem(start.name)
            if problem:
                problems.append(CardError(display_path(start, root), 0, 0, "", problem))
            else:
                found.append(start)
            continue
        if not start.is_dir():
            problems.append(CardError(display_path(start, root), 0, 0, "", "no such file or folder"))
            continue
        top = start.resolve()
        prefix = len(str(start)) + 1  # the entries' paths start with the folder's (os.scandir joins them)
        for entry in _card_entries(str(start)):
            path = Path(entry.path)
            if entry.name in excluded_names and path.resolve() in excluded:
                continue
            problem = unsafe_name_problem(entry.path[prefix:])
            if problem:
                problems.append(CardError(display_path(path, root), 0, 0, "", problem))
                continue
            if entry.is_symlink() and not path.resolve().is_relative_to(top):
                problems.append(
                    CardError(
                        display_path(path, root),
                        0,
                        0,
                        "",
                        f"is a link to {path.resolve()}, outside {display_path(top, root)}; "
                        "copy the card into the folder instead",
                    )
                )
                continue
            found.append(path)
    return sorted(dict.fromkeys(found)), problems


@dataclass(frozen=True)
class CardRead:
    """What reading one card file gave: the card when valid, and its errors."""

    source: str
    card: Card | None
    errors: list[CardError]


Reader = Callable[[list[tuple[Path, str]]], list[CardRead]]
"""Reads card files, given as (path, display path), in order: :func:`read_cards`, or a cached one (``_infra``)."""


def content_key(source: str, raw: bytes) -> str:
    """What a card file's answer depends on: its display path and its bytes (the card's fingerprint)."""
    return hashlib.sha256(source.encode() + b"\0" + raw).hexdigest()


def read_card(
    path: Path, validation: Validation, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Card | None, list[CardError]]:
    """Read and validate one card file: the card when valid, and its errors."""
    source = source or display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [CardError(source, 0, 0, "", f"cannot read the file: {exc.strerror}")]
    return parse_card(raw, validation, path=path, source=source, max_bytes=max_bytes)


def parse_card(
    raw: bytes,
    validation: Validation,
    *,
    path: Path,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    key: str | None = None,
) -> tuple[Card | None, list[CardError]]:
    """A card from the bytes of a card file: the card when valid (with its digest), and its errors.

    ``key`` is the file's :func:`content_key`, when the caller has it already.
    """
    try:
        located = parse_yaml(decode_card_bytes(raw, max_bytes), recover=True)
    except YamlError as exc:
        return None, [exc.to_card_error(source)]
    data, errors = validation.check(located, source)
    if errors:
        return None, errors
    return Card(path.absolute(), source, data, key or content_key(source, raw), located=located), []


def read_cards(
    files: list[tuple[Path, str]], validation: Validation, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[CardRead]:
    """Read card files one after the other, as they are: the plain :data:`Reader`."""
    return [
        CardRead(source, *read_card(path, validation, source=source, max_bytes=max_bytes)) for path, source in files
    ]


def check_catalog(cards: list[Card]) -> list[CardError]:
    """Checks between cards: unique (id, version), lineage that resolves; no id or version the site reserves."""
    errors: list[CardError] = []
    for card in cards:
        if card.id in RESERVED_IDS:
            line, column = card.where(("id",))
            problem = (
                f"the id {card.id!r} is reserved for a page of the catalog itself (models/{card.id}/ with the default "
                "prefix); choose another id"
            )
            errors.append(CardError(card.source, line, column, "id", problem))
        if card.version.lower() in RESERVED_VERSIONS:
            line, column = card.where(("version",))
            problem = (
                f"the version {card.version!r} is reserved for the page that compares the versions of {card.id} "
                f"(models/{card.id}/compare/ with the default prefix); choose another version"
            )
            errors.append(CardError(card.source, line, column, "version", problem))
    groups: dict[tuple[str, str], list[Card]] = {}
    for card in cards:
        # Versions are compared without case: they are URL paths, and some file systems ignore case.
        groups.setdefault((card.id, card.version.lower()), []).append(card)
    for group in groups.values():
        for card in group if len(group) > 1 else ():
            others = ", ".join(f"{other.source} (version {other.version})" for other in group if other is not card)
            line, column = card.where(("version",))
            errors.append(
                CardError(
                    card.source,
                    line,
                    column,
                    "version",
                    f"{card.id} version {card.version} is also defined in {others}; "
                    "give one of them another version, or remove one of the files",
                )
            )
    versions: dict[str, set[str]] = {}
    for card in cards:
        versions.setdefault(card.id, set()).add(card.version)
    for card in cards:
        base = card.data.get("model_details", {}).get("base_model")
        if not base:
            continue
        base_id, _, base_version = str(base).partition("@")
        if base_id == card.id:
            problem = "a model cannot be its own base model"
        elif base_id not in versions:
            problem = f"no model with id {base_id!r} in the catalog; use the id of another card"
        elif base_version and base_version not in versions[base_id]:
            problem = f"{base_id} has no version {base_version!r} (known: {', '.join(sorted(versions[base_id]))})"
        else:
            continue
        line, column = card.where(("model_details", "base_model"))
        errors.append(CardError(card.source, line, column, "model_details.base_model", problem))
    return errors


def assemble_catalog(
    paths: list[Path],
    read: Reader,
    *,
    root: Path | None = None,
    exclude: Iterable[Path] = (),
    context: Path | None = None,
) -> Catalog:
    """Every card under ``paths`` as ``read`` reads them, with the checks between cards; all errors collected.

    With ``context`` (the whole cards folder), checks between cards (lineage,
    duplicate versions) also see the cards there, but only errors of the cards
    under ``paths`` are reported: validating one file gives no false lineage errors.
    """
    exclude = list(exclude) + [p / REGISTRY_NAME for p in [*paths, *([context] if context else [])]]
    files, problems = find_card_files(paths, exclude, root)
    wanted = {display_path(path, root) for path in files}
    if context is not None and context.is_dir():
        files = sorted(set(files) | set(find_card_files([context], exclude)[0]))
    catalog = Catalog(errors=problems)
    everything: list[Card] = []
    for result in read([(path, display_path(path, root)) for path in files]):
        if result.source in wanted:
            catalog.errors.extend(result.errors)
        if result.card is not None:
            everything.append(result.card)
    catalog.cards = [card for card in everything if card.source in wanted]
    catalog.errors.extend(error for error in check_catalog(everything) if error.file in wanted)
    catalog.errors.sort()
    return catalog


def load_catalog(
    paths: Path | str | Iterable[Path | str] = "cards", *, schema: CardSchema | None = None, root: Path | None = None
) -> Catalog:
    """Load and validate every card under ``paths`` (files or folders); all errors of all cards are collected.

    Paths in errors are shown relative to ``root`` (default: the working directory). For the whole check of a
    site, with the review gate, use :func:`model_catalog.validate`.
    """
    folders = [paths] if isinstance(paths, (str, Path)) else list(paths)
    validation = validation_for(schema or CardSchema.load())
    return assemble_catalog([Path(p) for p in folders], lambda files: read_cards(files, validation), root=root)


def load_card(path: Path | str, *, schema: CardSchema | None = None) -> Card:
    """Load and validate one card file; raises :class:`CatalogError` when it is invalid."""
    card, errors = read_card(Path(path), validation_for(schema or CardSchema.load()))
    if card is None:
        raise CatalogError(errors)
    return card

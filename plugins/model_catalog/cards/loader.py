"""Finding, reading and validating card files, one by one and as a catalog."""

from __future__ import annotations

import functools
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from model_catalog._infra.card_cache import CardCache, content_key, date_paths, file_stamp
from model_catalog.cards.model import Card, Catalog
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation, validation_for
from model_catalog.cards.yamlsource import YamlError, decode_card_bytes, parse_yaml
from model_catalog.errors import CardError, CatalogError

CARD_SUFFIXES = (".yaml", ".yml")
DEFAULT_MAX_BYTES = 1_000_000
REGISTRY_NAME = "APPROVERS.yaml"


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


def unsafe_name_problem(relative: str) -> str | None:
    """Why a card file's path (relative to its folder) cannot be published, or None.

    The path reaches the "edit" links of pages and every message about the card: quotes and angle brackets could
    break out of an HTML attribute, control characters out of a terminal line. They are refused, not escaped, so
    the file gets a name every tool shows the same way.
    """
    bad = next((ch for ch in relative if ch in _UNSAFE_IN_NAMES or unicodedata.category(ch) == "Cc"), None)
    if bad is None:
        return None
    what = _UNSAFE_IN_NAMES.get(bad) or f"a control character (U+{ord(bad):04X})"
    renamed = "".join("-" if ch in _UNSAFE_IN_NAMES or unicodedata.category(ch) == "Cc" else ch for ch in relative)
    renamed = re.sub(r"-{2,}", "-", re.sub(r"[\s-]+(?=\.ya?ml$)", "", renamed))
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
    for start in paths:
        start = start.absolute()
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
        for entry in _card_entries(str(start)):
            path = Path(entry.path)
            if entry.name in excluded_names and path.resolve() in excluded:
                continue
            problem = unsafe_name_problem(os.path.relpath(entry.path, start))
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
    raw: bytes, validation: Validation, *, path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Card | None, list[CardError]]:
    """A card from the bytes of a card file: the card when valid, and its errors."""
    try:
        located = parse_yaml(decode_card_bytes(raw, max_bytes), recover=True)
    except YamlError as exc:
        return None, [exc.to_card_error(source)]
    data, errors = validation.check(located, source)
    if errors:
        return None, errors
    return Card(
        path=path.absolute(),
        source=source,
        data=data,
        fingerprint=content_key(source.encode() + b"\0" + raw),
        located=located,
    ), []


_FORKED: tuple[Validation, int] | None = None


_Parsed = tuple[dict[str, Any] | None, list[CardError], str | None, list[list[str | int]] | None]
"""What a worker sends back for a card file: its fields, errors, digest and date paths (for the cache)."""


def _parse_chunk(items: list[tuple[str, str, bytes]]) -> list[_Parsed]:
    """Check card files in a forked worker: fields, errors, and what is costly to compute from them.

    Locations stay behind: a card from a worker parses its file again only if a later check points into it.
    """
    assert _FORKED is not None
    validation, max_bytes = _FORKED
    results: list[_Parsed] = []
    for path, source, raw in items:
        card, errors = parse_card(raw, validation, path=Path(path), source=source, max_bytes=max_bytes)
        if card is None:
            results.append((None, errors, None, None))
        else:
            results.append((card.data, errors, None if card.is_draft else card.digest, date_paths(card.data)))
    return results


_Miss = tuple[Path, str, bytes, str]
"""A card file to check: its path, display path, bytes and content key."""


def _parse_here(
    items: list[_Miss], validation: Validation, max_bytes: int
) -> list[tuple[Card | None, list[CardError], list[list[str | int]] | None]]:
    """:func:`_parse_many` in this process."""
    return [
        (*parse_card(raw, validation, path=path, source=source, max_bytes=max_bytes), None)
        for path, source, raw, _ in items
    ]


def _parse_many(
    items: list[_Miss], validation: Validation, max_bytes: int, workers: int
) -> list[tuple[Card | None, list[CardError], list[list[str | int]] | None]]:
    """Check the bytes of many card files, in ``workers`` forked processes when there are enough to pay off.

    Each result is the card (when valid), its errors and, from a worker, its date paths.
    """
    if workers < 2 or len(items) < 200:
        return _parse_here(items, validation, max_bytes)
    import multiprocessing  # here: a run that checks few cards (a warm one: none) starts faster without it
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return _parse_here(items, validation, max_bytes)
    global _FORKED
    _FORKED = (validation, max_bytes)
    chunks = [[(str(path), source, raw) for path, source, raw, _ in items[index::workers]] for index in range(workers)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_parse_chunk, chunks))
    finally:
        _FORKED = None
    results: list[tuple[Card | None, list[CardError], list[list[str | int]] | None]] = [(None, [], None)] * len(items)
    for index, part in enumerate(parts):
        for offset, (data, errors, digest, dates) in enumerate(part):
            path, source, _, key = items[index + offset * workers]
            card = Card(path=path.absolute(), source=source, data=data, fingerprint=key) if data is not None else None
            if card is not None and digest is not None:
                card.__dict__["digest"] = digest  # fills the cached_property: computed in parallel
            results[index + offset * workers] = (card, errors, dates)
    return results


def _read_all(
    files: list[Path], root: Path | None, validation: Validation, max_bytes: int, cache: CardCache | None, workers: int
) -> list[tuple[str, Card | None, list[CardError]]]:
    """Every file's card and errors, in order: from the cache where its content was seen, else checked now.

    A file this process read before and that has not been written since is not read again (``mkdocs serve``).
    """
    results: list[tuple[str, Card | None, list[CardError]] | None] = []
    misses: list[tuple[int, _Miss]] = []
    read_at = time.time_ns()
    stamped = cache if cache is not None and cache.remember else None  # files' stamps serve only a later check
    for path in files:
        source = display_path(path, root)
        stamp = file_stamp(path) if stamped is not None else None
        key = stamped.known_key(path, source, stamp) if stamped is not None else None
        cached = stamped.get(key) if stamped is not None and key is not None else None
        raw = b""
        if cached is None or not _plausible(cached, validation):
            try:
                raw = path.read_bytes()
            except OSError as exc:
                results.append((source, None, [CardError(source, 0, 0, "", f"cannot read the file: {exc.strerror}")]))
                continue
            key = content_key(source.encode() + b"\0" + raw)
            cached = cache.get(key) if cache is not None else None
            if stamped is not None:
                stamped.stamp(path, source, stamp, key, read_at)
            if cached is not None and not _plausible(cached, validation):
                cached = None
        assert key is not None
        if cache is not None:
            cache.seen.add(key)
        if cached is not None:
            data, errors = cached
            card = Card(path=path.absolute(), source=source, data=data, fingerprint=key) if data is not None else None
            if card is not None and key in cache.digests:  # type: ignore[union-attr]
                card.__dict__["digest"] = cache.digests[key]  # type: ignore[union-attr]  # fills the cached_property
            results.append((source, card, errors))
        else:
            misses.append((len(results), (path, source, raw, key)))
            results.append(None)
    checked = _parse_many([miss for _, miss in misses], validation, max_bytes, workers)
    for (position, (_, source, _, key)), (card, errors, dates) in zip(misses, checked):
        results[position] = (source, card, errors)
        if cache is not None:
            cache.put(key, card.data if card else None, errors, dates)
    return [result for result in results if result is not None]


def _plausible(cached: tuple[dict[str, Any] | None, list[CardError]], validation: Validation) -> bool:
    """Whether a cached answer has the shape of a real one (a damaged cache must not break or fool the checks)."""
    data, errors = cached
    if data is None:
        return bool(errors) and all(isinstance(error.line, int) and isinstance(error.message, str) for error in errors)
    required = [name for name, rules in validation.schema.fields.items() if rules.get("required")]
    return not errors and all(isinstance(data.get(name), (str, list)) and data.get(name) for name in required)


def check_catalog(cards: list[Card]) -> list[CardError]:
    """Checks between cards: unique (id, version), lineage that resolves."""
    errors: list[CardError] = []
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


def load_catalog(
    paths: Path | str | Iterable[Path | str] = "cards",
    *,
    schema: CardSchema | None = None,
    root: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    exclude: Iterable[Path] = (),
    context: Path | None = None,
    cache: CardCache | None = None,
    workers: int = 1,
) -> Catalog:
    """Load and validate every card under ``paths``; all errors of all cards are collected.

    With a ``cache``, answers come from it where the content was seen before;
    saving the cache afterwards is the caller's choice (:meth:`CardCache.save`).
    ``workers`` > 1 checks many new files in that many forked processes.

    With ``context`` (the whole cards folder), checks between cards (lineage,
    duplicate versions) also see the cards there, but only errors of the cards
    under ``paths`` are reported: validating one file gives no false lineage errors.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    exclude = list(exclude) + [p / REGISTRY_NAME for p in [*paths, *([context] if context else [])]]
    validation = validation_for(schema or CardSchema.load())
    files, problems = find_card_files(paths, exclude, root)
    wanted = {display_path(path, root) for path in files}
    if context is not None and context.is_dir():
        files = sorted(set(files) | set(find_card_files([context], exclude)[0]))
    catalog = Catalog(errors=problems)
    everything: list[Card] = []
    for source, card, errors in _read_all(files, root, validation, max_bytes, cache, workers):
        if source in wanted:
            catalog.errors.extend(errors)
        if card is not None:
            everything.append(card)
    catalog.cards = [card for card in everything if card.source in wanted]
    catalog.errors.extend(error for error in check_catalog(everything) if error.file in wanted)
    catalog.errors.sort()
    return catalog


def load_card(path: Path | str, *, schema: CardSchema | None = None) -> Card:
    """Load and validate one card file; raises :class:`CatalogError` when it is invalid."""
    card, errors = read_card(Path(path), validation_for(schema or CardSchema.load()))
    if card is None:
        raise CatalogError(errors)
    return card

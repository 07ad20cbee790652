"""Changes between git revisions, put together: the diff of two revisions' catalogs, and the trusted base.

A git revision's catalog as the catalog saw it then: its configuration, registry, schema extension, templates
and cards, read from git into a folder of our own (:mod:`model_catalog._infra.git`), then checked as ``validate``
checks.

Paths of a revision are those its own ``mkdocs.yml`` names; the working tree is a revision too, read in place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from model_catalog._infra.git import Repository
from model_catalog.cards.loader import DEFAULT_MAX_BYTES, parse_card
from model_catalog.cards.model import Card
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import Validation, validation_for
from model_catalog.cards.values import build_date
from model_catalog.changes.catalog_diff import CatalogDiff, Side, diff_catalogs
from model_catalog.changes.governance import file_changes, registry_changes, settings_changes
from model_catalog.changes.semantic import Change
from model_catalog.check import CheckedCatalog, check_cards
from model_catalog.config.mkdocs_yml import CONFIG_NAMES, inherited_file, read_mkdocs_settings
from model_catalog.config.settings import TRUST_BASE_VARIABLE, CatalogSettings
from model_catalog.review.gate import ContentAuthor

CONFIG_LIMIT = 10_000_000
"""Largest configuration, schema extension or template file read from a revision, in bytes."""


@dataclass
class Revision:
    """One end of a change: a commit's files, or the working tree."""

    label: str
    """How reports name it: ``origin/main (merge-base 1a2b3c4)``, ``HEAD``, ``working tree``."""
    commit: str | None
    """None for the working tree."""
    root: Path
    """The folder its files are in, at their paths in the repository."""
    settings: CatalogSettings
    config_file: str | None
    """The configuration file, as a path in the repository (None: there is none, the defaults apply)."""

    def relative(self, path: Path | None) -> str | None:
        """``path`` (one of the settings' paths) as a path in the repository; None when outside it."""
        if path is None:
            return None
        try:
            return Path(os.path.abspath(path)).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def schema(self) -> CardSchema:
        return CardSchema.load(self.settings.schema_extension_path)

    def check(self, head: CatalogSettings | None = None, workers: int = 1) -> CheckedCatalog:
        """Its cards read, validated and reviewed (with the head's cache, whose entries are keyed by content)."""
        settings = self.settings
        if head is not None and self.commit is not None:
            cache = head.cache_path
            settings = dataclasses.replace(settings, cache_dir=str(cache) if cache else None)
        return check_cards(settings, schema=self.schema(), root=self.root, workers=workers)


def config_in_repository(repo: Repository, config: str | None) -> str | None:
    """The configuration file ``validate`` would read (``--config``, else the first of ``mkdocs.yml``... in the
    current folder), as a path in the repository; None when there is none."""
    names = [config] if config else list(CONFIG_NAMES)
    for name in names:
        if Path(name).is_file():
            return repo.relative(Path(name))
    return None


def worktree(repo: Repository, settings: CatalogSettings, config_file: str | None) -> Revision:
    return Revision("working tree", None, repo.top, settings, config_file)


def at_commit(
    repo: Repository, commit: str, label: str, config_file: str | None, into: Path, *, cards: bool = True
) -> Revision:
    """The revision ``commit``, its files written under ``into``: the configuration (and what it ``INHERIT``s),
    then what it names: the registry, the schema extension, the templates and (with ``cards``) the cards."""
    settings = CatalogSettings(base_dir=into)
    if config_file is not None:
        wanted, seen = config_file, set[str]()
        while wanted and wanted not in seen and len(seen) < 20:
            seen.add(wanted)
            if not repo.export(commit, [wanted], into, CONFIG_LIMIT):
                break
            parent = inherited_file(into / wanted)
            wanted = os.path.normpath(posix_parent(wanted) + parent) if parent else ""
        if (into / config_file).is_file():
            settings = read_mkdocs_settings(into / config_file)
    revision = Revision(label, commit, into, settings, config_file)
    files = [
        revision.relative(settings.registry_path),
        revision.relative(settings.schema_extension_path),
        revision.relative(settings.templates_path),
    ]
    repo.export(commit, [path for path in files if path], into, CONFIG_LIMIT)
    if cards:
        folder = revision.relative(settings.cards_path)
        if folder:
            repo.export(commit, [folder], into, settings.max_card_bytes or DEFAULT_MAX_BYTES)
        else:
            settings.cards_path.mkdir(parents=True, exist_ok=True)
    return revision


def posix_parent(path: str) -> str:
    """The folder of a path in the repository, with its slash (``docs/`` of ``docs/mkdocs.yml``; "" at the top)."""
    head, _, _ = path.rpartition("/")
    return f"{head}/" if head else ""


def _files_under(revision: Revision, path: Path | None) -> dict[str, bytes]:
    """The files at ``path`` (a file or a folder) of a revision, by path in the repository, with their bytes."""
    if path is None or not path.exists():
        return {}
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    found = {}
    for file in files:
        name = revision.relative(file)
        if name is not None and file.stat().st_size <= CONFIG_LIMIT:
            found[name] = file.read_bytes()
    return found


def governance_changes(
    base: Revision, head: Revision, base_check: CheckedCatalog, head_check: CheckedCatalog
) -> list[Change]:
    """What the change does to the rules the cards are judged by."""
    found = settings_changes(base.settings, head.settings, head.config_file or base.config_file or "mkdocs.yml")
    source = head.relative(head.settings.registry_path) or "the approvers registry"
    found += registry_changes(base_check.registry, head_check.registry, source)
    found += file_changes(
        _files_under(base, base.settings.schema_extension_path),
        _files_under(head, head.settings.schema_extension_path),
        "schema extension",
    )
    found += file_changes(
        _files_under(base, base.settings.templates_path), _files_under(head, head.settings.templates_path), "template"
    )
    return found


def base_commit(repo: Repository, base: str | None) -> tuple[str, str]:
    """The commit to compare with and how to name it: ``base``, or the merge-base with the remote's default branch."""
    if base:
        commit = repo.commit(base)
        return commit, f"{base} ({commit[:12]})"
    commit, branch = repo.default_base()
    return commit, f"{branch} (merge-base {commit[:12]})"


def _digest(raw: bytes | None, path: str, validation: Validation, max_bytes: int) -> str | None:
    if raw is None:
        return None
    card, _ = parse_card(raw, validation, path=Path(path), source=path, max_bytes=max_bytes)
    return card.digest if card is not None else "invalid:" + str(hash(raw))


def content_authors(
    repo: Repository, base: str, settings: CatalogSettings, schema: CardSchema, *, worktree_too: bool = True
) -> dict[str, tuple[ContentAuthor, ...]]:
    """Who changed each card's content since ``base``, by the card's path in the repository: the authors of the
    commits up to HEAD after which its digest differs (approving or setting a status changes no digest, so an
    approver's own commit does not make them an author), and git's user for the working tree's changes."""
    folder = repo.relative(settings.cards_path)
    if folder is None:
        return {}
    validation = validation_for(schema)
    limit = settings.max_card_bytes
    authors: dict[str, list[ContentAuthor]] = {}
    digests: dict[tuple[str, str], str | None] = {}

    def digest_at(commit: str | None, path: str) -> str | None:
        """The card's digest at ``commit`` (None: not there); each read once, though a commit's new file is the
        next commit's old one."""
        if not commit or not path:
            return None
        if (commit, path) not in digests:
            digests[commit, path] = _digest(repo.blob_at(commit, path, limit), path, validation, limit)
        return digests[commit, path]

    for commit, files in repo.history(base, "HEAD", [folder]):
        parent = commit.parents[0] if commit.parents else None
        for before, after in files:
            if before and before != after and before in authors:
                authors.setdefault(after, []).extend(authors.pop(before))  # renamed: its authors follow it
            if not after:
                continue
            if digest_at(parent, before) != digest_at(commit.sha, after):
                authors.setdefault(after, []).append(ContentAuthor(commit.author_name, commit.author_email, commit.sha))
    if worktree_too:
        name, email = repo.user()
        for path in repo.changed_in_worktree([folder]):
            file = repo.top / path
            current = file.read_bytes() if file.is_file() and not file.is_symlink() else None
            committed = repo.blob_at("HEAD", path, limit)
            if current is not None and _digest(current, path, validation, limit) != _digest(
                committed, path, validation, limit
            ):
                authors.setdefault(path, []).append(ContentAuthor(name, email, "working tree"))
    return {path: tuple(found) for path, found in authors.items()}


@dataclass
class TrustedBase:
    """The rules of the base revision, put over the head's settings: what ``validate --trust-base`` checks by."""

    settings: CatalogSettings
    revision: Revision
    authors: dict[str, tuple[ContentAuthor, ...]]
    repo: Repository

    def authors_of(self, card: Card) -> tuple[ContentAuthor, ...]:
        return self.authors.get(self.repo.relative(card.path) or "", ())


def trusted_base(
    head: CatalogSettings, revision: str, config: str | None, into: Path, *, folder: Path | None = None
) -> TrustedBase:
    """The head's settings with the review policy, the approvers registry, the schema extension, the templates and
    the card size limit of ``revision``, read from git; and who changed each card since (for self-approval).

    The cards themselves, and how the site looks (prefix, drafts, paging), stay the head's: they are what is
    reviewed. Raises :class:`GitError` when ``revision`` cannot be read.
    """
    repo = Repository(folder or Path.cwd())
    commit, label = base_commit(repo, revision)
    base = at_commit(repo, commit, label, config_in_repository(repo, config), into, cards=False)
    rules = base.settings
    extension, templates = rules.schema_extension_path, rules.templates_path
    settings = dataclasses.replace(
        head,
        approvals=dataclasses.replace(rules.approvals, registry=str(rules.registry_path)),
        schema_extension=str(extension) if extension else None,
        templates_dir=str(templates) if templates else None,
        max_card_bytes=rules.max_card_bytes,
    )
    authors = content_authors(repo, commit, head, CardSchema.load(settings.schema_extension_path))
    return TrustedBase(settings, base, authors, repo)


def _side(revision: Revision, checked: CheckedCatalog) -> Side:
    invalid = {error.file for error in checked.catalog.errors if error.severity == "error"}
    return Side(revision.label, checked.catalog.cards, checked.reviews, invalid)


def diff_revisions(
    head_settings: CatalogSettings,
    *,
    config: str | None,
    base: str | None,
    head: str | None,
    into: Path,
    workers: int = 1,
    folder: Path | None = None,
) -> CatalogDiff:
    """The change from ``base`` (default: the merge-base with the remote's default branch) to ``head`` (default:
    the working tree), judged by the base's policy and registry."""
    repo = Repository(folder or Path.cwd())
    config_file = config_in_repository(repo, config)
    commit, label = base_commit(repo, base)
    old = at_commit(repo, commit, label, config_file, into / "base")
    if head:
        head_commit = repo.commit(head)
        new = at_commit(repo, head_commit, f"{head} ({head_commit[:12]})", config_file, into / "head")
    else:
        new = worktree(repo, head_settings, config_file)
    old_check, new_check = old.check(head_settings, workers), new.check(head_settings, workers)
    diff = diff_catalogs(
        _side(old, old_check),
        _side(new, new_check),
        policy=old.settings.approvals,
        registry=old_check.registry if not old_check.registry.errors else new_check.registry,
        schema=new.schema(),
        today=build_date(),
    )
    diff.governance = governance_changes(old, new, old_check, new_check)
    return diff


@dataclass(frozen=True)
class Judgement:
    """What a check judges the cards by: the settings, who may not approve what, and files that are not cards."""

    settings: CatalogSettings
    authors: Callable[[Card], tuple[ContentAuthor, ...]] | None = None
    exclude: tuple[Path, ...] = ()
    registry_source: str | None = None
    """How messages name the registry: the base's, as ``cards/APPROVERS.yaml at origin/main (1a2b3c4d5e6f)``."""
    base: str | None = None
    """The trusted base's name, when there is one."""


def trust_revision(settings: CatalogSettings, given: str | None = None) -> str | None:
    """The trusted base asked for: ``given`` (``--trust-base``), else the environment's, else the option's."""
    return given or os.environ.get(TRUST_BASE_VARIABLE) or settings.trust_base or None


@contextlib.contextmanager
def judged_by(settings: CatalogSettings, config: str | None, revision: str | None) -> Iterator[Judgement]:
    """The judgement of a check: by ``settings`` themselves, or by the rules of ``revision`` (read into a temporary
    folder that lasts as long as the context: the templates are read from it while pages are rendered)."""
    if not revision:
        yield Judgement(settings)
        return
    with tempfile.TemporaryDirectory(prefix="model-catalog-base-") as folder:
        base = trusted_base(settings, revision, config, Path(folder), folder=settings.base_dir)
        registry = base.revision.relative(base.settings.registry_path) or "the approvers registry"
        yield Judgement(
            base.settings,
            base.authors_of,
            (settings.registry_path,),
            f"{registry} at {base.revision.label}",
            base.revision.label,
        )

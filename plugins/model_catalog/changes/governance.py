"""Changes to what judges the cards, rather than to the cards: the approvers registry, the review policy and the
catalog's other options, the schema extension and the templates. Each is a governance change: a pull request
that makes them must be reviewed by whoever owns the rules, and ``validate --trust-base`` ignores them."""

from __future__ import annotations

import dataclasses
from typing import Any

from model_catalog.changes.semantic import Change, short
from model_catalog.config.settings import ApprovalPolicy, CatalogSettings
from model_catalog.review.registry import Registry

PATH_OPTIONS = frozenset({"cards_dir", "templates_dir", "schema_extension", "cache_dir", "registry"})
"""Options that are paths: compared as written, since each revision's files are in a folder of their own."""
PRESENTATION = frozenset({"prefix", "edit_cards", "show_drafts", "index_page_size", "image_hosts", "cache_dir"})
"""Options that change how the catalog looks, not what it accepts: reported, as editorial."""


def _options(settings: CatalogSettings) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in dataclasses.fields(settings):
        if item.metadata.get("option", True) is False:
            continue
        value = getattr(settings, item.name)
        if isinstance(value, ApprovalPolicy):
            for inner in dataclasses.fields(value):
                found[f"approvals.{inner.name}"] = getattr(value, inner.name)
        else:
            found[item.name] = value
    return found


def settings_changes(old: CatalogSettings, new: CatalogSettings, config_file: str) -> list[Change]:
    """The plugin's options that differ (the review policy first among them)."""
    before, after = _options(old), _options(new)
    found = []
    for name, value in after.items():
        if before.get(name) == value:
            continue
        level = "editorial" if name in PRESENTATION else "governance"
        found.append(
            Change(
                level,
                "changed",
                f"{config_file}: {name}",
                f"{config_file}: plugins.model-catalog.{name}: {short(_plain(before.get(name)))} → {short(_plain(value))}",
                (),
                _plain(before.get(name)),
                _plain(value),
            )
        )
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(item) for item in value]
    return value


def registry_changes(old: Registry, new: Registry, source: str) -> list[Change]:
    """Approvers added or removed, and changes of their roles, e-mail address or keys."""
    found = []

    def change(kind: str, summary: str, before: Any, after: Any) -> None:
        found.append(Change("governance", kind, source, f"{source}: {summary}", (), before, after))

    for name, approver in new.approvers.items():
        previous = old.approvers.get(name)
        if previous is None:
            change("added", f"added approver {name} ({', '.join(sorted(approver.roles))})", None, name)
            continue
        if previous.roles != approver.roles:
            gained, lost = sorted(approver.roles - previous.roles), sorted(previous.roles - approver.roles)
            parts = [f"gains {', '.join(gained)}"] if gained else []
            parts += [f"loses {', '.join(lost)}"] if lost else []
            change("changed", f"{name} {' and '.join(parts)}", sorted(previous.roles), sorted(approver.roles))
        if previous.email != approver.email:
            change("changed", f"{name}'s e-mail address changed", previous.email, approver.email)
        if set(previous.key_ids) != set(approver.key_ids):
            added = len(set(approver.key_ids) - set(previous.key_ids))
            removed = len(set(previous.key_ids) - set(approver.key_ids))
            change("changed", f"{name}'s SSH keys changed ({added} added, {removed} removed)", None, None)
    for name, approver in old.approvers.items():
        if name not in new.approvers:
            change("removed", f"removed approver {name} ({', '.join(sorted(approver.roles))})", name, None)
    if not found and new.errors and not old.errors:
        change("changed", "the registry does not validate any more", None, None)
    return found


def file_changes(old: dict[str, bytes], new: dict[str, bytes], what: str) -> list[Change]:
    """Files added, removed or changed (by content) among a schema extension's or a templates folder's files."""
    found = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        kind = "added" if path not in old else "removed" if path not in new else "changed"
        found.append(Change("governance", kind, path, f"{path}: {what} {kind}", (), None, None))
    return found

"""A catalog diff for people and tools: text for a terminal, JSON, Markdown for a pull request comment or the job
summary, and GitHub workflow notices on the changed lines.

Card text is the pull request's: in Markdown every value is escaped so that it can neither format the comment,
link, load an image, nor mention a person or an issue.
"""

from __future__ import annotations

import json
import re

from model_catalog.changes.catalog_diff import CardDiff, CatalogDiff
from model_catalog.changes.semantic import LEVELS, Change
from model_catalog.errors import CardError, format_github, printable

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#!|~&@])")
"""What Markdown could read as formatting, a link, an image, HTML or an entity, escaped with a backslash."""


def _by_importance(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda change: -LEVELS.index(change.level))


def _needs_text(entry: CardDiff) -> str:
    return ", ".join(f"{need.role} ({', '.join(need.approvers) or 'nobody in the registry'})" for need in entry.needs)


def _where(entry: CardDiff) -> str:
    if entry.state == "renamed" and entry.old_source != entry.new_source:
        return f"{entry.old_source} → {entry.new_source}"
    return str(entry.new_source or entry.old_source)


def _heading(entry: CardDiff) -> str:
    compared = f", compared with {entry.compared_with}" if entry.compared_with else ""
    return f"{entry.title}: {entry.state}{compared} ({_where(entry)})"


def _counts(diff: CatalogDiff) -> str:
    return f"{len(diff.cards)} card version(s) changed: " + ", ".join(
        f"{count} {level}" for level, count in diff.counts().items()
    )


def format_text(diff: CatalogDiff) -> str:
    lines = [f"{diff.base} → {diff.head}"]
    if not diff.changed:
        return "\n".join([*lines, "no card changed"]) + "\n"
    lines.append(_counts(diff))
    if diff.governance:
        lines += ["", "the rules cards are judged by changed (governance review needed):"]
        lines += [f"  {change.level:<10}  {change.summary}" for change in diff.governance]
    for entry in diff.cards:
        lines += ["", f"{entry.level:<10}  {_heading(entry)}"]
        lines += [f"  {change.level:<10}  {change.summary}" for change in _by_importance(entry.changes)]
        if entry.stale:
            lines.append("  stale approvals: " + ", ".join(f"{approver} ({role})" for approver, role in entry.stale))
        if entry.needs:
            lines.append(f"  needs approval: {_needs_text(entry)}")
    return "\n".join(printable(line) for line in lines) + "\n"


def format_json(diff: CatalogDiff) -> str:
    return json.dumps(diff.as_json(), indent=2, ensure_ascii=False) + "\n"


def md(text: object) -> str:
    """``text`` as literal Markdown text: punctuation escaped, mentions and issue references broken with a zero-width
    space, on one line."""
    escaped = _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
    return escaped.replace("\\@", "\\@\u200b").replace("\\#", "\\#\u200b")


def format_markdown(diff: CatalogDiff) -> str:
    lines = ["## Model catalog: what this change does", ""]
    lines.append(f"Compared **{md(diff.base)}** with **{md(diff.head)}**.")
    lines.append("")
    if not diff.changed:
        return "\n".join([*lines, "No card changed."]) + "\n"
    lines.append(_counts(diff) + ".")
    lines.append("")
    if diff.governance:
        lines += ["### The rules cards are judged by changed", ""]
        lines += ["These need a review by whoever owns the catalog's rules:", ""]
        lines += [f"- **{change.level}**: {md(change.summary)}" for change in diff.governance]
        lines.append("")
    if diff.cards:
        lines += ["| Class | Card | Change | Needs approval from |", "|---|---|---|---|"]
        for entry in diff.cards:
            needs = md(_needs_text(entry)) if entry.needs else "nobody"
            lines.append(f"| **{entry.level}** | {md(entry.title)} | {md(entry.state)} | {needs} |")
        lines.append("")
    for entry in diff.cards:
        lines += [
            "<details" + (" open" if entry.level == "governance" else "") + ">",
            f"<summary><b>{_html(entry.title)}</b>: {_html(entry.state)}, {_html(entry.level)} "
            f"({_html(_where(entry))})</summary>",
            "",
        ]
        if entry.compared_with:
            lines += [f"Compared with version {md(entry.compared_with)}.", ""]
        lines += [f"- **{change.level}**: {md(change.summary)}" for change in _by_importance(entry.changes)]
        if entry.stale:
            lines.append(
                "- **stale approvals**: " + md(", ".join(f"{approver} ({role})" for approver, role in entry.stale))
            )
        if entry.needs:
            lines.append(f"- **needs approval**: {md(_needs_text(entry))}")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _html(text: object) -> str:
    """Text inside the HTML of a ``<summary>``: escaped as HTML, mentions broken as in :func:`md`."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return " ".join(escaped.split()).replace("@", "@\u200b").replace("#", "#\u200b")


def notices(diff: CatalogDiff) -> list[CardError]:
    """One notice per change, on its line of the head's card (a removed card's on its file)."""
    found = []
    for entry in diff.cards:
        file = entry.new_source or entry.old_source or ""
        for change in entry.changes:
            line, column = (0, 0)
            if entry.new is not None and change.path:
                line, column = entry.new.where(change.path)
            found.append(CardError(file, line, column, change.field, f"{change.level}: {change.summary}", "notice"))
        if entry.needs:
            found.append(CardError(file, 0, 0, "approvals", f"needs approval: {_needs_text(entry)}", "notice"))
    for change in diff.governance:
        found.append(CardError(change.field.split(": ")[0], 0, 0, "", f"governance: {change.summary}", "notice"))
    return found


def format_github_notices(diff: CatalogDiff) -> str:
    text = format_github(notices(diff))
    return text + "\n" if text else ""


FORMATS = {"text": format_text, "json": format_json, "markdown": format_markdown, "github": format_github_notices}

"""What every importer returns: draft cards, each with a report of where each source field went.

An importer reads another tool's model card (a Hugging Face README, a Model Card
Toolkit file, a CycloneDX BOM, an MLflow run) into one or more :class:`ImportedDraft`.
Nothing is lost silently: every field of the source is in the draft or in its
:attr:`ImportedDraft.report`, which says where it went or why it was left out.
The command line (``model-catalog import``) gives the drafts their ids, refuses
colliding ones before it writes anything, and prints the reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["mapped", "kept", "dropped"]
"""``mapped``: into a field of the card; ``kept``: as text (in the description or another free-text field);
``dropped``: left out, with the reason."""


@dataclass(frozen=True)
class Placement:
    """Where one field of the source went."""

    source: str
    """The field in the source, as its format names it: ``front matter: language``, ``## Limitations``,
    ``modelCard.quantitativeAnalysis.performanceMetrics[2]``, ``metrics: loss``."""
    outcome: Outcome
    target: str = ""
    """The card field it went to (``limitations``, ``metrics[0].value``); empty when dropped."""
    reason: str = ""
    """Why it went there or was dropped, for a reader deciding whether to fix it by hand."""

    def as_json(self) -> dict[str, str]:
        return {"source": self.source, "outcome": self.outcome, "target": self.target, "reason": self.reason}


@dataclass
class ImportedDraft:
    """One draft card read from a source, before it has an id of its own and owners."""

    data: dict[str, Any]
    """The card's fields (``status: draft``; no ``owners``: the command adds them)."""
    source: str
    """The file (or run) it came from, as given, for messages."""
    id_hints: list[str] = field(default_factory=list)
    """Where an id can come from, best first: the repository id, the model's own name, the file's name."""
    report: list[Placement] = field(default_factory=list)

    def place(self, source: str, outcome: Outcome, target: str = "", reason: str = "") -> None:
        self.report.append(Placement(source, outcome, target, reason))


class ImportRefused(Exception):
    """The source cannot be imported by this importer; the message says why and, for a file of another
    format, which importer reads it (the command exits 2)."""


_SLUG_SPLIT = re.compile(r"[^a-z0-9]+")


def id_slug(text: str, limit: int = 63) -> str:
    """``text`` as a card id: lowercase letters, digits and single hyphens; "" when nothing is left."""
    slug = _SLUG_SPLIT.sub("-", text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def assign_ids(drafts: Iterable[ImportedDraft], taken: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Give each draft that has no ``id`` the first of its hints that makes an id no other draft of the same version
    (nor a card in ``taken``, as (id, version)) has; returns the collisions left, as messages, and then changes no
    draft's id."""
    drafts = list(drafts)
    used = {(str(draft.data["id"]), str(draft.data.get("version"))) for draft in drafts if draft.data.get("id")}
    used |= set(taken)
    chosen: dict[int, str] = {}
    problems: list[str] = []
    for index, draft in enumerate(drafts):
        if draft.data.get("id"):
            continue
        version = str(draft.data.get("version"))
        candidates = [slug for slug in (id_slug(hint) for hint in draft.id_hints) if slug]
        twin = next((other for other in drafts[:index] if other.data == draft.data), None)
        if twin is not None:  # the same card twice: another id would make two models of one
            problems.append(f"{draft.source}: the same card as {twin.source}; import it once")
            continue
        for candidate in candidates:
            if (candidate, version) not in used:
                chosen[index] = candidate
                used.add((candidate, version))
                break
        else:
            tried = ", ".join(candidates) or "nothing usable"
            problems.append(
                f"{draft.source}: no id of its own (tried {tried}): each is taken by another card of version "
                f"{version}; give one with --id when importing it alone"
            )
    seen: dict[tuple[str, str], str] = {}
    for index, draft in enumerate(drafts):
        given = chosen.get(index) or draft.data.get("id")
        if not given:
            continue  # reported above
        key = (str(given), str(draft.data.get("version")))
        if key in seen:
            problems.append(f"{draft.source}: id {key[0]} version {key[1]} is also that of {seen[key]}")
        seen[key] = draft.source
    if not problems:
        for index, slug in chosen.items():
            drafts[index].data = {"id": slug, **{k: v for k, v in drafts[index].data.items() if k != "id"}}
    return problems


def in_schema_order(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its keys in the order of the schema's ``fields`` (as cards are written), nested mappings and
    lists of mappings too: what every importer gives ``create_model_card``."""
    ordered: dict[str, Any] = {}
    for name, rules in fields.items():
        if name not in data:
            continue
        value, inner = data[name], rules.get("schema")
        if rules.get("type") == "dict" and isinstance(inner, dict) and isinstance(value, dict):
            value = in_schema_order(value, inner)
        elif rules.get("type") == "list" and isinstance(inner, dict) and isinstance(inner.get("schema"), dict):
            value = [in_schema_order(item, inner["schema"]) if isinstance(item, dict) else item for item in value]
        ordered[name] = value
    return ordered


def sniff_format(text: str) -> str | None:
    """The importer a file's text is for, judged from its first bytes and shape: ``huggingface`` (Markdown,
    usually with YAML front matter), ``cyclonedx`` (a BOM), ``mct`` (Model Card Toolkit JSON or proto text);
    None when it is none of them."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            value = json.loads(stripped)
        except ValueError:
            return None
        if isinstance(value, dict):
            if value.get("bomFormat") == "CycloneDX" or ("specVersion" in value and "components" in value):
                return "cyclonedx"
            if {"model_details", "quantitative_analysis", "considerations"} & set(value):
                return "mct"
        return None
    # Protobuf text format of MCT's ModelCard message, after any comment lines: `model_details {` or `... : {`.
    body = re.sub(r"\A(?:[ \t]*#[^\n]*\n|\s+)*", "", stripped)
    if re.match(
        r"(model_details|model_parameters|quantitative_analysis|considerations|schema_version)\s*:?\s*[{<]", body
    ):
        return "mct"
    return "huggingface"


Importer = Callable[[str, str], list[ImportedDraft]]
"""An importer of files: (the file's text, its name for messages) -> the drafts in it."""


def refuse_other_format(text: str, name: str, expected: str) -> None:
    """Raise :class:`ImportRefused` naming the right importer when ``text`` is a file of another format."""
    found = sniff_format(text)
    if found is not None and found != expected:
        raise ImportRefused(
            f"{name}: this is a {FORMAT_NAMES[found]} file, not a {FORMAT_NAMES[expected]} one; "
            f"import it with `model-catalog import {found} {name}`"
        )
    if found is None:
        raise ImportRefused(f"{name}: not a {FORMAT_NAMES[expected]} file")


FORMAT_NAMES = {
    "huggingface": "Hugging Face model card",
    "cyclonedx": "CycloneDX BOM",
    "mct": "Model Card Toolkit",
    "mlflow": "MLflow run",
}

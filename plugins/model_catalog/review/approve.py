"""Approving a card: an approval judged as the gate will judge it, appended without touching other bytes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from model_catalog._infra.atomicfile import replace_file
from model_catalog.cards.loader import display_path, read_card
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import validation_for
from model_catalog.cards.values import build_date, parse_isodate
from model_catalog.cards.yamlsource import YamlError, parse_yaml
from model_catalog.config.settings import CatalogSettings
from model_catalog.errors import format_text
from model_catalog.review.gate import review_card
from model_catalog.review.registry import load_registry
from model_catalog.review.signatures import SigningError, approval_message, sign

BOM = "\ufeff"


def _scalar(value: str) -> str:
    return (
        yaml.safe_dump(value, default_style=None, width=10_000, allow_unicode=True).strip().removesuffix("...").strip()
    )


def approval_yaml(approval: dict[str, Any], indent: int) -> str:
    """One block-style list item, ``indent`` spaces in, ending with a newline."""
    pad = " " * indent
    lines = []
    for position, (key, value) in enumerate(approval.items()):
        lead = f"{pad}- " if position == 0 else f"{pad}  "
        if key == "signature":
            lines.append(f"{lead}{key}: |")
            lines.extend(f"{pad}    {line}" for line in str(value).splitlines())
        elif key == "date":
            lines.append(f"{lead}{key}: {value}")
        else:
            lines.append(f"{lead}{key}: {_scalar(str(value))}")
    return "\n".join(lines) + "\n"


def _content_end(text: str, node: yaml.Node) -> int:
    """Where the text of ``node``'s last value ends (block marks run on past blank lines and comments)."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _content_end(text, node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _content_end(text, node.value[-1])
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        while end > node.start_mark.index and text[end - 1] in " \n":
            end -= 1
    return end


def insert_approval(text: str, approval: dict[str, Any]) -> str:
    """``text`` (a card, ``\\n`` line endings) with ``approval`` appended to its ``approvals`` list."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise YamlError(1, 1, "the card is not a block mapping; cannot add an approval to it")
    node = next((value for key, value in root.value if key.value == "approvals"), None)
    if node is None:
        body = text if text.endswith("\n") or not text else text + "\n"
        return body + "approvals:\n" + approval_yaml(approval, 2)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        # Insert on the line after the last item's last value (not after comments and blank lines below it).
        line_end = text.find("\n", _content_end(text, node.value[-1]))
        cut = len(text) if line_end == -1 else line_end + 1
        prefix = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
        return prefix + approval_yaml(approval, node.start_mark.column) + text[cut:]
    if (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")) or (
        isinstance(node, yaml.SequenceNode) and not node.value
    ):
        # `approvals:` left empty, or `approvals: []`: drop the empty value, add the item below the key.
        key = next(key for key, value in root.value if value is node)
        before, after = text[: node.start_mark.index], text[node.end_mark.index :]
        text = (before.rstrip(" ") if after[:1] in ("\n", "") else before) + after
        line_end = text.find("\n", key.end_mark.index)
        cut = len(text) if line_end == -1 else line_end + 1
        head = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
        return head + approval_yaml(approval, 2) + text[cut:]
    raise YamlError(
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        "`approvals` is not a list; fix it before adding an approval",
    )


def write_approval(path: Path, approval: dict[str, Any]) -> None:
    """Append ``approval`` to the card at ``path`` atomically, keeping its encoding and line endings."""
    raw = path.read_bytes().decode("utf-8")
    bom = raw.startswith(BOM)
    text = raw.removeprefix(BOM)
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    before = parse_yaml(text).data
    updated = insert_approval(text, approval)
    after = parse_yaml(updated).data
    expected = dict(before)
    expected["approvals"] = list(before.get("approvals") or []) + [after["approvals"][-1]]
    if after != expected or {k: str(v).strip() for k, v in after["approvals"][-1].items()} != {
        k: str(v).strip() for k, v in approval.items()
    }:
        raise YamlError(1, 1, "could not add the approval without changing other content; add it by hand")
    if crlf:
        updated = updated.replace("\n", "\r\n")
    data = ((BOM if bom else "") + updated).encode("utf-8")
    replace_file(path, data, mode=path.stat().st_mode & 0o777)


class ApprovalRefused(Exception):
    """The approval would not count (or cannot be written); the message says why."""


def add_approval(
    card_path: Path,
    *,
    approver: str,
    role: str,
    settings: CatalogSettings,
    date: str | None = None,
    key: Path | None = None,
) -> dict[str, Any]:
    """Append an approval of the card's current content to its file, signed with ``key`` when given.

    Refuses (:class:`ApprovalRefused`) anything the gate would not count: an
    invalid card or registry, a draft, an unknown approver or role, a role
    the card's risk tier does not need, a bad date or signature.
    """
    card, errors = read_card(
        card_path, validation_for(CardSchema.load(settings.schema_extension_path)), max_bytes=settings.max_card_bytes
    )
    if card is None:
        raise ApprovalRefused("the card is invalid; fix it before approving it:\n" + format_text(errors))
    if card.is_draft:
        raise ApprovalRefused(f"{card.source} is a draft; drafts are not reviewed: set `status: in_review` first")
    registry = load_registry(settings.registry_path, display_path(settings.registry_path), settings.max_card_bytes)
    if registry.errors:
        raise ApprovalRefused("the approvers registry is invalid:\n" + format_text(registry.errors))
    date = date or build_date().isoformat()
    parsed_date = parse_isodate(date)
    if parsed_date is None:
        raise ApprovalRefused(f"date {date!r}: write it as YYYY-MM-DD")
    approval: dict[str, Any] = {"approver": approver, "role": role, "date": date, "digest": card.digest}
    if key is not None:
        message = approval_message(card.id, card.version, card.digest, approver, role, date)
        try:
            approval["signature"] = sign(message, key)
        except SigningError as exc:
            raise ApprovalRefused(str(exc)) from None
    trial = replace(
        card, data={**card.data, "approvals": [*card.data.get("approvals", []), {**approval, "date": parsed_date}]}
    )
    state = review_card(trial, settings.approvals, registry, build_date())
    check = state.checks[-1]
    if not check.counts:
        raise ApprovalRefused(f"not approved: {check.problem}")
    if role not in state.required_roles:
        needed = ", ".join(state.required_roles) or "none"
        raise ApprovalRefused(
            f"not approved: {card.data.get('risk_tier')} risk does not need the role {role!r} (needs: {needed})"
        )
    try:
        write_approval(card_path, approval)
    except YamlError as exc:
        raise ApprovalRefused(str(exc.to_card_error(display_path(card_path)))) from None
    except OSError as exc:
        raise ApprovalRefused(
            f"{display_path(card_path)}: cannot write the approval into the card: "
            f"{exc.strerror or exc}; check that you may write to its folder"
        ) from None
    return approval

"""Adding an approval to a card file, leaving every other byte of the file as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .yamlsource import YamlError, parse_yaml

BOM = "\ufeff"


def _scalar(value: str) -> str:
    return yaml.safe_dump(value, default_style=None, width=10_000, allow_unicode=True).strip().removesuffix("...").strip()


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
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") or (
            isinstance(node, yaml.SequenceNode) and not node.value):
        # `approvals:` left empty, or `approvals: []`: drop the empty value, add the item below the key.
        key = next(key for key, value in root.value if value is node)
        before, after = text[:node.start_mark.index], text[node.end_mark.index:]
        text = (before.rstrip(" ") if after[:1] in ("\n", "") else before) + after
        line_end = text.find("\n", key.end_mark.index)
        cut = len(text) if line_end == -1 else line_end + 1
        head = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
        return head + approval_yaml(approval, 2) + text[cut:]
    raise YamlError(node.start_mark.line + 1, node.start_mark.column + 1,
                    "`approvals` is not a list; fix it before adding an approval")


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
            k: str(v).strip() for k, v in approval.items()}:
        raise YamlError(1, 1, "could not add the approval without changing other content; add it by hand")
    if crlf:
        updated = updated.replace("\n", "\r\n")
    data = ((BOM if bom else "") + updated).encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

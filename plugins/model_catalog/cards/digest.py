"""The content digest that approvals are bound to.

The digest is ``sha256:`` followed by the lowercase hex SHA-256 of the card's
content serialised with the JSON Canonicalization Scheme (RFC 8785), where the
content is the card's mapping
- without the keys ``approvals`` and ``status`` (approving or deprecating a card
  does not change what was approved),
- without keys whose value is null (a key left empty is not filled in),
- with dates written as ``YYYY-MM-DD`` strings.
Comments, key order, quoting and other YAML formatting do not change it; any
change of content does.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

from model_catalog.cards.values import plain

UNAPPROVED_KEYS = frozenset({"approvals", "status"})


def approved_content(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in UNAPPROVED_KEYS}


def canonical_bytes(data: dict[str, Any]) -> bytes:
    return rfc8785.dumps(plain(approved_content(data)))


def content_digest(data: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_bytes(data)).hexdigest()

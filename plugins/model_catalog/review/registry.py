"""The approvers registry: who may approve, in which roles, with which SSH keys."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import validation_for
from model_catalog.cards.yamlsource import YamlError, decode_card_bytes, parse_yaml
from model_catalog.errors import CardError, format_path
from model_catalog.review.signatures import parse_public_key


@functools.lru_cache(maxsize=65536)  # the same few hundred people own and approve thousands of cards
def name_key(name: object) -> str:
    """A person's name as compared for identity: Unicode compatibility forms folded (NFKD), accents, invisible
    characters and case dropped, white space collapsed. ``Pri\u200bya  RAMAN`` is ``priya raman``; ``Priya R.``
    is still another name (initials and nicknames are not guessed)."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Cf", "Cc"))
    return " ".join(kept.casefold().split())


@functools.lru_cache(maxsize=65536)
def email_key(email: object) -> str:
    """An e-mail address as compared for identity: :func:`name_key`'s folding, no white space, and the local
    part's ``+tag`` dropped (``Priya.Raman+cards@ACME.example`` is ``priya.raman@acme.example``). Dots and
    provider-specific aliases are kept: ``priya.raman`` and ``priyaraman`` are two addresses."""
    text = name_key(email).replace(" ", "").strip("<>")
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local.split('+', 1)[0]}@{domain}"


@dataclass(frozen=True)
class Approver:
    name: str
    email: str
    roles: frozenset[str]
    keys: tuple[Any, ...] = ()
    """Parsed public keys (``sshsig.PublicKey``)."""
    key_ids: tuple[str, ...] = ()
    """The keys as ``type base64``, comment dropped: what tells two keys apart."""


@dataclass
class Registry:
    """The registry's approvers by name, and its errors."""

    source: str
    approvers: dict[str, Approver] = field(default_factory=dict)
    errors: list[CardError] = field(default_factory=list)

    def get(self, name: str) -> Approver | None:
        return self.approvers.get(name)


def load_registry(path: Path, source: str, max_bytes: int = 1_000_000) -> Registry:
    """Read and check the registry; errors are located like card errors.

    One person is one entry: a name (as :func:`name_key` compares it), an e-mail address (as :func:`email_key`
    does) or an SSH key listed for two entries is an error, so one person can never fill two roles of one card.
    """
    registry = Registry(source)
    try:
        located = parse_yaml(decode_card_bytes(path.read_bytes(), max_bytes), recover=True)
    except FileNotFoundError:
        registry.errors.append(
            CardError(
                source,
                0,
                0,
                "",
                "the approvers registry does not exist; create it "
                "(see the docs' Review and approval page) or set approvals.registry",
            )
        )
        return registry
    except OSError as exc:
        registry.errors.append(CardError(source, 0, 0, "", f"cannot read the approvers registry: {exc.strerror}"))
        return registry
    except YamlError as exc:
        registry.errors.append(exc.to_card_error(source))
        return registry
    data, errors = validation_for(CardSchema.builtin("approvers.schema.yaml")).check(located, source)
    registry.errors.extend(errors)
    if errors:
        return registry
    first: dict[tuple[str, str], int] = {}
    """(kind, identity) -> index of the entry that lists it first."""

    def claim(kind: str, identity: str, index: int, path: tuple[str | int, ...], what: str) -> None:
        owner = first.setdefault((kind, identity), index)
        if owner != index:
            where = located.locate(("approvers", index, *path))
            registry.errors.append(
                CardError(
                    source,
                    *where,
                    format_path(("approvers", index, *path)),
                    f"{what} is also listed for approvers[{owner}] ({data['approvers'][owner]['name']}); one person is "
                    "one entry (else one person could fill two roles): merge the entries or correct one",
                )
            )

    for index, entry in enumerate(data["approvers"]):
        keys, key_ids = [], []
        for key_index, line in enumerate(entry.get("keys", [])):
            try:
                keys.append(parse_public_key(line))
            except Exception as exc:  # noqa: BLE001 - any unusable key is reported, never trusted
                where = located.locate(("approvers", index, "keys", key_index))
                why = f" ({exc})" if str(exc) else ""
                registry.errors.append(
                    CardError(
                        source,
                        *where,
                        f"approvers[{index}].keys[{key_index}]",
                        f"not a usable SSH public key{why}; paste the line of the .pub file",
                    )
                )
                continue
            key_ids.append(" ".join(line.split()[:2]))
            claim("key", key_ids[-1], index, ("keys", key_index), "this SSH key")
        name = entry["name"]
        claim("name", name_key(name), index, ("name",), f"the name {name!r}")
        if entry.get("email"):
            claim("email", email_key(entry["email"]), index, ("email",), f"the e-mail address {entry['email']!r}")
        registry.approvers.setdefault(
            name,
            Approver(name, email_key(entry.get("email", "")), frozenset(entry["roles"]), tuple(keys), tuple(key_ids)),
        )
    return registry

"""The approvers registry: who may approve, in which roles, with which SSH keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import CardError
from .schema import CardSchema, validation_for
from .signatures import parse_public_key
from .yamlsource import YamlError, decode_card_bytes, parse_yaml


@dataclass(frozen=True)
class Approver:
    name: str
    email: str
    roles: frozenset[str]
    keys: tuple[Any, ...] = ()
    """Parsed public keys (``sshsig.PublicKey``)."""


@dataclass
class Registry:
    """The registry's approvers by name, and its errors."""

    source: str
    approvers: dict[str, Approver] = field(default_factory=dict)
    errors: list[CardError] = field(default_factory=list)
    text: str = ""

    def get(self, name: str) -> Approver | None:
        return self.approvers.get(name)

    @cached_property
    def fingerprint(self) -> str:
        return self.text


def load_registry(path: Path, source: str, max_bytes: int = 1_000_000) -> Registry:
    """Read and check the registry; errors are located like card errors."""
    registry = Registry(source)
    try:
        registry.text = decode_card_bytes(path.read_bytes(), max_bytes)
        located = parse_yaml(registry.text)
    except FileNotFoundError:
        registry.errors.append(CardError(source, 0, 0, "", "the approvers registry does not exist; create it "
                                         "(see the docs' Review and approval page) or set approvals.registry"))
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
    for index, entry in enumerate(data["approvers"]):
        keys = []
        for key_index, line in enumerate(entry.get("keys", [])):
            try:
                keys.append(parse_public_key(line))
            except Exception as exc:  # noqa: BLE001 - any unusable key is reported, never trusted
                where = located.locate(("approvers", index, "keys", key_index))
                why = f" ({exc})" if str(exc) else ""
                registry.errors.append(CardError(source, *where, f"approvers[{index}].keys[{key_index}]",
                                                 f"not a usable SSH public key{why}; paste the line of the .pub file"))
        name = entry["name"]
        if name in registry.approvers:
            where = located.locate(("approvers", index, "name"))
            registry.errors.append(CardError(source, *where, f"approvers[{index}].name",
                                             f"{name!r} is listed twice; merge the entries"))
        registry.approvers[name] = Approver(name, str(entry.get("email", "")).lower(), frozenset(entry["roles"]),
                                            tuple(keys))
    return registry

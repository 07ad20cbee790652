"""The review policy: which roles approve which risk tier, and the rules approvals must meet."""

from __future__ import annotations

import difflib
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

DEFAULT_ROLES = {
    "low": ("ml-lead",),
    "medium": ("ml-lead", "responsible-ai"),
    "high": ("ml-lead", "responsible-ai", "legal"),
}


class PolicyError(ValueError):
    """The policy in mkdocs.yml cannot be used."""


def _doc(default: Any, doc: str) -> Any:
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class ApprovalPolicy:
    """Options under `approvals:` of the `model-catalog` plugin."""

    required_roles: dict[str, tuple[str, ...]] = _doc(DEFAULT_ROLES, "Roles that must approve a card, by risk tier.")
    registry: str | None = _doc(None, "The approvers registry file; default `APPROVERS.yaml` in `cards_dir`.")
    allow_self_approval: bool = _doc(False, "Whether an owner of a card may approve it.")
    max_age_days: int | None = _doc(None, "Approvals older than this many days no longer count; `null`: no limit.")
    review_interval_days: int | None = _doc(
        365, "Days after its review that a card is due for re-review; `null`: never."
    )
    require_signatures: bool = _doc(False, "Whether every approval must carry a valid SSH signature.")
    fail_on_overdue: bool = _doc(False, "Fail the build when a card is past its review interval.")
    incomplete: str = _doc(
        "error",
        "`error` fails the build when a card lacks approvals; `warn` only warns "
        "(a card with `status: approved` always fails).",
    )

    @classmethod
    def from_options(cls, options: Any, source: str = "approvals") -> ApprovalPolicy:
        if options is None:
            return cls()
        if not isinstance(options, dict):
            raise PolicyError(f"{source}: must be a mapping of policy options")
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in options.items():
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known options: {', '.join(known)}"
                raise PolicyError(f"{source}.{name}: unknown option{hint}")
            values[name] = _check(f"{source}.{name}", name, value)
        return cls(**values)

    @classmethod
    def option_docs(cls) -> list[tuple[str, Any, str]]:
        defaults = cls()
        return [
            (f"approvals.{f.name}", getattr(defaults, f.name), f.metadata["doc"])
            for f in fields(cls)
            if f.default is not MISSING or f.default_factory is not MISSING
        ]

    def roles_for(self, risk_tier: str | None) -> tuple[str, ...]:
        return self.required_roles.get(str(risk_tier), ())

    def fingerprint(self) -> str:
        return repr(sorted((f.name, repr(getattr(self, f.name))) for f in fields(self)))


def _check(where: str, name: str, value: Any) -> Any:
    if name == "required_roles":
        if not isinstance(value, dict) or not all(
            isinstance(roles, list) and all(isinstance(role, str) and role for role in roles)
            for roles in value.values()
        ):
            raise PolicyError(f"{where}: must map each risk tier to a list of roles, e.g. {{low: [ml-lead]}}")
        unknown = set(value) - set(DEFAULT_ROLES)
        if unknown:
            raise PolicyError(f"{where}: unknown risk tier {sorted(unknown)[0]!r}; tiers are low, medium, high")
        return {tier: tuple(roles) for tier, roles in value.items()}
    if name in ("allow_self_approval", "require_signatures", "fail_on_overdue"):
        if not isinstance(value, bool):
            raise PolicyError(f"{where}: must be true or false (got {value!r})")
    elif name in ("max_age_days", "review_interval_days"):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise PolicyError(f"{where}: must be a whole number of days, at least 1, or null (got {value!r})")
    elif name == "registry":
        if value is not None and not isinstance(value, str):
            raise PolicyError(f"{where}: must be a path (got {value!r})")
    elif name == "incomplete" and value not in ("error", "warn"):
        raise PolicyError(f"{where}: must be error or warn (got {value!r})")
    return value

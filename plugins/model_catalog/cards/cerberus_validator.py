"""The Cerberus validator of cards: Cerberus plus the rules the card format adds (see card.schema.yaml).

Imported only when a card needs Cerberus (importing it costs a fifth of a warm `validate`): most cards are
answered by the fast check or the cache.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, ClassVar

import cerberus

from model_catalog.cards.values import line_break_problem, link_problem, unknown_licenses
from model_catalog.errors import SchemaError


class CardValidator(cerberus.Validator):
    """Cerberus with the rules the card format adds (see card.schema.yaml)."""

    licenses: frozenset[str] = frozenset()
    types_mapping: ClassVar[dict[str, cerberus.TypeDefinition]] = {
        **cerberus.Validator.types_mapping,
        "isodate": cerberus.TypeDefinition("isodate", (dt.date,), (dt.datetime,)),
    }

    def _validate_regex(self, pattern: str, field: str, value: object) -> None:
        """{'type': 'string'}"""
        # Cerberus matches ``pattern + "$"``, which also accepts a trailing newline: "object-detector\n" would pass
        # as an id and publish a second model that looks identical. The whole value must match.
        if isinstance(value, str) and re.fullmatch(pattern, value) is None:
            self._error(field, cerberus.errors.REGEX_MISMATCH)

    def _validate_spdx_license(self, constraint: bool, field: str, value: object) -> None:
        """{'type': 'boolean'}"""
        if not constraint or not isinstance(value, str):
            return
        for part in unknown_licenses(value, self.licenses):
            close = difflib.get_close_matches(part, self.licenses, n=1, cutoff=0.75)
            lower = {name.lower(): name for name in self.licenses}.get(part.lower())
            guess = lower or (close[0] if close else None)
            hint = (
                f"did you mean {guess!r}?"
                if guess
                else "use an SPDX identifier (https://spdx.org/licenses/) or `proprietary`"
            )
            self._error(field, f"unknown license {part!r}; {hint}")

    def _validate_single_line(self, constraint: bool, field: str, value: object) -> None:
        """{'type': 'boolean'}"""
        problem = line_break_problem(value) if constraint and isinstance(value, str) else None
        if problem:
            self._error(field, problem)

    def _validate_link(self, constraint: bool, field: str, value: object) -> None:
        """{'type': 'boolean'}"""
        problem = link_problem(value) if constraint and isinstance(value, str) else None
        if problem:
            self._error(field, problem)


def build_validator(rules: dict[str, Any], licenses: frozenset[str], sources: tuple[str, ...]) -> CardValidator:
    """A validator of ``rules``; raises :class:`SchemaError` naming ``sources`` when they are not valid Cerberus."""
    try:
        validator = CardValidator(rules)
    except Exception as exc:  # noqa: BLE001 - Cerberus raises its own SchemaError with a dict of problems
        raise SchemaError(f"invalid card schema ({' + '.join(sources)}): {exc}") from None
    validator.licenses = licenses
    return validator

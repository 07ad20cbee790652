"""Validation of one card document against the schema, with located, actionable errors."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from model_catalog.cards.fastcheck import compile_check
from model_catalog.cards.schema import CardSchema, Rules
from model_catalog.cards.values import describe_value, parse_isodate, without_empty
from model_catalog.cards.yamlsource import Located
from model_catalog.errors import CardError, FieldPath, format_path

if TYPE_CHECKING:  # Cerberus is imported when a card needs it: most come through the fast check or the cache
    from cerberus import errors as cerberus_errors

    from model_catalog.cards.cerberus_validator import CardValidator

MAX_EXACT_INTEGER = 2**53 - 1
"""Largest integer JSON tools (and the RFC 8785 digest) represent exactly."""

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "float": "a number",
    "boolean": "true or false",
    "list": "a list",
    "dict": "a mapping of fields",
    "isodate": "a date (YYYY-MM-DD)",
}


class Validation:
    """Validates card documents against one :class:`CardSchema`.

    Per lifecycle mode (draft or documented), a compiled check answers for the
    documents that surely pass (:mod:`model_catalog.fastcheck`); Cerberus, whose
    validators are costly to build, is built on first need and explains the rest.
    """

    def __init__(self, schema: CardSchema):
        self.schema = schema
        self._fast_checks = {
            mode: compile_check(schema.rules_for(documented=mode), schema.licenses) for mode in (False, True)
        }
        self._validators: dict[bool, CardValidator] = {}

    def validator(self, documented: bool) -> CardValidator:
        """The Cerberus validator of one mode; raises :class:`SchemaError` when the schema is not valid Cerberus."""
        validator = self._validators.get(documented)
        if validator is None:
            from model_catalog.cards.cerberus_validator import build_validator

            schema = self.schema
            validator = build_validator(schema.rules_for(documented=documented), schema.licenses, schema.sources)
            self._validators[documented] = validator
        return validator

    def prepare(self) -> None:
        """Build both Cerberus validators now, so that an invalid schema fails here and not at the first card."""
        for mode in (False, True):
            self.validator(mode)

    def check(self, located: Located, file: str, *, semantics: bool = True) -> tuple[dict[str, Any], list[CardError]]:
        """The card's fields (keys left empty dropped) and all their errors, sorted by position: what the YAML
        reader refused and read past (:attr:`Located.problems`), and what the schema says of the rest.

        ``semantics=False`` leaves out the checks across fields that JSON Schema cannot express.
        """
        data, found = self._check(located, file, semantics)
        if not located.problems:
            return data, found
        reported = {format_path(path) for path in located.reported}
        found = [error for error in found if not _about(error.path, reported)]
        return data, sorted(set(found) | {problem.to_card_error(file) for problem in located.problems})

    def _check(self, located: Located, file: str, semantics: bool) -> tuple[dict[str, Any], list[CardError]]:
        data = located.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value" if data is not None else "empty (null)"
            required = [name for name, rules in self.schema.fields.items() if rules.get("required")]
            fields = " and ".join(f"`{name}:`" for name in required[:2])
            return {}, [
                CardError(
                    file, 1, 1, "", f"the document must be a mapping of fields such as {fields}, but it is {kind}"
                )
            ]
        data = without_empty(data)
        status = data.get("status")
        documented = self.schema.is_documented(status)
        fast_check = self._fast_checks[documented]
        found: list[CardError] = []
        if fast_check is None or not fast_check(data):
            validator = self.validator(documented)
            if not validator.validate(data, normalize=False):  # nothing to normalise; 3-4x faster
                for error in _leaves(validator._errors):
                    found.append(self._explain(error, located, file, status if documented else None))
        if semantics:
            found.extend(self._check_semantics(data, located, file))
        return data, sorted(set(found))

    def _at(self, located: Located, file: str, path: FieldPath, message: str, *, key: bool = False) -> CardError:
        line, column = located.locate(path, key=key)
        return CardError(file, line, column, format_path(path), message)

    def _explain(
        self, error: cerberus_errors.ValidationError, located: Located, file: str, status: str | None
    ) -> CardError:
        from cerberus import errors as cerberus_errors

        path: FieldPath = tuple(error.document_path)
        rules = self.schema.rules_at(path)
        meta = rules.get("meta", {})
        value = error.value
        code = error.code
        if code == cerberus_errors.UNKNOWN_FIELD.code:
            return self._at(located, file, path, self._unknown_field(path), key=True)
        if code == cerberus_errors.REQUIRED_FIELD.code:
            parent = path[:-1]
            what = meta.get("description", "").rstrip(".")
            by_status = bool(status) and not rules.get("required")
            why = f"a card with status {status!r} must have it" if by_status else "every card must have it"
            message = f"missing; {why}" + (f" ({what})" if what else "")
            if path in located.key_marks:
                line, column = located.key_marks[path]
            elif by_status and not parent:
                line, column = located.locate(("status",), key=True)
            else:
                line, column = located.locate(parent)
            return CardError(file, line, column, format_path(path), message)
        if code == cerberus_errors.BAD_TYPE.code:
            return self._at(located, file, path, self._bad_type(path, rules, value, located))
        if code == cerberus_errors.UNALLOWED_VALUE.code:
            allowed = [str(option) for option in error.constraint]
            close = difflib.get_close_matches(str(value), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return self._at(
                located, file, path, f"must be one of {', '.join(allowed)} (got {describe_value(value)}){hint}"
            )
        if code == cerberus_errors.REGEX_MISMATCH.code:
            wanted = meta.get("pattern") or f"text matching {error.constraint}"
            return self._at(located, file, path, f"must be {wanted} (got {describe_value(value)})")
        if code == cerberus_errors.MIN_VALUE.code:
            return self._at(located, file, path, f"must be at least {error.constraint} (got {describe_value(value)})")
        if code == cerberus_errors.MAX_VALUE.code:
            return self._at(located, file, path, f"must be at most {error.constraint} (got {describe_value(value)})")
        if code == cerberus_errors.MIN_LENGTH.code:
            if isinstance(value, list):
                why = f"; a card with status {status!r} must fill it in" if status else ""
                noun = "entry" if error.constraint == 1 else "entries"
                return self._at(
                    located, file, path, f"needs at least {error.constraint} {noun} (got {len(value)}){why}"
                )
            return self._at(located, file, path, f"must be at least {error.constraint} characters long")
        if code == cerberus_errors.MAX_LENGTH.code:
            unit = "entries" if isinstance(value, list) else "characters"
            return self._at(
                located, file, path, f"is too long: at most {error.constraint} {unit} (got {len(value)}); shorten it"
            )
        if code == cerberus_errors.EMPTY_NOT_ALLOWED.code:
            return self._at(located, file, path, "must not be empty; fill it in or remove the key")
        if code == cerberus_errors.NOT_NULLABLE.code:
            return self._at(located, file, path, "has no value; fill it in or remove the key")
        if code == cerberus_errors.CUSTOM.code and error.info:
            return self._at(located, file, path, str(error.info[0]))
        return self._at(located, file, path, f"is invalid ({error.rule}: {error.constraint})")

    def _unknown_field(self, path: FieldPath) -> str:
        allowed = self.schema.field_names(path[:-1])
        name = str(path[-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        if allowed:
            return f"unknown field; allowed here: {', '.join(allowed)}"
        return "unknown field; this value takes no fields"

    def _bad_type(self, path: FieldPath, rules: Rules, value: Any, located: Located) -> str:
        wanted = rules.get("type", "")
        wanted_list = wanted if isinstance(wanted, list) else [wanted]
        names = " or ".join(_TYPE_NAMES.get(name, str(name)) for name in wanted_list)
        got = describe_value(value)
        source = located.source_text.get(path)
        if "string" in wanted_list and source is not None and not isinstance(value, (list, dict)):
            return f'must be {names}, but YAML reads {source} as {_kind(value)} {got}; quote it: {path[-1]}: "{source}"'
        if wanted_list == ["isodate"]:
            if parse_isodate(value) is not None:
                return f"must be a date, but the quotes make {value} a string; remove them"
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
                return f"{value} is not a date in the calendar; write a real date as YYYY-MM-DD"
            return f"must be a date written YYYY-MM-DD (got {got})"
        if wanted_list == ["list"] and not isinstance(value, (list, dict)):
            return f"must be a list (got {got}); write each entry on its own line starting with '- '"
        return f"must be {names} (got {got})"

    def _check_semantics(self, data: dict[str, Any], located: Located, file: str) -> Iterator[CardError]:
        """Checks across fields that a per-field schema cannot express."""
        for path, value in _numbers(data, ()):
            if isinstance(value, float) and not math.isfinite(value):
                yield self._at(
                    located, file, path, f"must be a finite number (got {located.source_text.get(path, value)})"
                )
            elif isinstance(value, int) and abs(value) > MAX_EXACT_INTEGER:
                yield self._at(
                    located, file, path, f"is too large to be exchanged exactly as JSON (at most {MAX_EXACT_INTEGER:,})"
                )
        created, updated = parse_isodate(data.get("created")), parse_isodate(data.get("updated"))
        if created and updated and updated < created:
            yield self._at(located, file, ("updated",), f"is before `created` ({created}); fix one of the dates")
        metrics = data.get("metrics")
        if isinstance(metrics, list):
            for index, metric in enumerate(metrics):
                if isinstance(metric, dict):
                    yield from self._check_metric(metric, ("metrics", index), located, file)

    def _check_metric(
        self, metric: dict[str, Any], path: FieldPath, located: Located, file: str
    ) -> Iterator[CardError]:
        value = metric.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return
        name = metric.get("name")
        unit = metric.get("unit")
        key = str(name).strip().lower().replace(" ", "_").replace("-", "_") if isinstance(name, str) else ""
        if key in self.schema.fraction_metrics and unit in (None, "fraction", "%"):
            top = 100 if unit == "%" else 1
            if value > top:
                hint = f"write {name} as a percentage with unit: '%'" if unit == "%" else f"write {name} as a fraction"
                yield self._at(
                    located, file, path + ("value",), f"must be at most {top} (got {describe_value(value)}); {hint}"
                )
            elif value < 0:
                yield self._at(located, file, path + ("value",), f"must be at least 0 (got {describe_value(value)})")
        interval = metric.get("confidence_interval")
        if (
            isinstance(interval, list)
            and len(interval) == 2
            and all(_is_number(bound) and math.isfinite(bound) for bound in interval)
        ):
            low, high = interval
            ci_path = path + ("confidence_interval",)
            if low > high:
                yield self._at(
                    located, file, ci_path, f"low bound {low:g} is above high bound {high:g}; write [low, high]"
                )
            elif not low <= value <= high:
                yield self._at(
                    located, file, ci_path, f"[{low:g}, {high:g}] does not contain the value {value:g}; check both"
                )


def _about(path: str, reported: set[str]) -> bool:
    """Whether an error at ``path`` concerns a value the YAML reader already reported (or a part of one)."""
    return any(path == done or path.startswith((done + ".", done + "[")) for done in reported)


def _numbers(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, float]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, path + (index,))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "the boolean"
    if _is_number(value):
        return "the number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "the date"
    if value is None:
        return "null,"
    return "the value"


def _leaves(errors: list[cerberus_errors.ValidationError]) -> Iterator[cerberus_errors.ValidationError]:
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


_VALIDATIONS: dict[str, Validation] = {}


def validation_for(schema: CardSchema) -> Validation:
    """The (cached) :class:`Validation` of ``schema``: building Cerberus validators is costly."""
    cached = _VALIDATIONS.get(schema.digest)
    if cached is None:
        cached = _VALIDATIONS[schema.digest] = Validation(schema)
    return cached

"""One checker for options declared as dataclass fields: types from the annotations, docs from the docstrings.

An option is a field of a frozen dataclass: its annotation says what it takes
(``bool``, ``int``, ``str``, ``X | None``, a ``Literal``, a list or tuple, a
mapping, another such dataclass), :class:`Check` in ``Annotated[...]`` adds
bounds and wording, its default is the field's, and the string just below it
is its documentation (read from the source, as mkdocstrings does). The command
line checks ``mkdocs.yml`` with it, and the MkDocs plugin's ``Config`` is made
from it (``plugin.py``): one definition of each option, one checker.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

T = TypeVar("T")


class OptionsError(ValueError):
    """An option cannot be used; ``where`` is its dotted path, ``problem`` what is wrong with it."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Check:
    """What an option takes beyond its type, given with ``Annotated[type, Check(...)]``."""

    wanted: str | None = None
    """How messages say what is wanted ("a whole number of days"); by default, from the type."""
    at_least: int | None = None
    """The smallest number allowed."""
    pattern: str | None = None
    """A regular expression every text (or every text of a list) must match whole."""
    key: str | None = None
    """What the keys of a mapping are called in messages ("risk tier")."""


def option_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields of ``cls`` that are options (a field with ``metadata={"option": False}`` is not)."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("option", True)]


def default_of(option: dataclasses.Field[Any]) -> Any:
    if option.default is not dataclasses.MISSING:
        return option.default
    if option.default_factory is not dataclasses.MISSING:
        return option.default_factory()
    return None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def from_options(cls: type[T], options: Any, where: str, **fixed: Any) -> T:
    """An instance of ``cls`` from ``options`` (a mapping, as read from YAML), every option checked and
    converted; ``fixed`` fills the fields that are not options. Raises :class:`OptionsError` naming the first
    bad option by its dotted path under ``where``."""
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise OptionsError(where, "must be a mapping of options")
    known = {f.name: f for f in option_fields(cls)}
    values: dict[str, Any] = {}
    for name, value in options.items():
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known options: {', '.join(known)}"
            raise OptionsError(f"{where}.{name}", f"unknown option{hint}")
        if value is None and not takes_none(cls, name):
            continue  # an option left empty that cannot be null: its default
        values[name] = check_value(cls, name, value, where)
    return cls(**values, **fixed)


def takes_none(cls: type, name: str) -> bool:
    """Whether the option ``name`` of ``cls`` can be null (``cache_dir: null``: no cache), so that null is its value,
    not a request for its default."""
    hint = _hints(cls)[name]
    if get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)


def check_value(cls: type, name: str, value: Any, where: str) -> Any:
    """``value`` checked and converted for the option ``name`` of ``cls``."""
    return _convert(_hints(cls)[name], value, f"{where}.{name}", Check())


def _convert(hint: Any, value: Any, where: str, check: Check) -> Any:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *extras = get_args(hint)
        found = next((extra for extra in extras if isinstance(extra, Check)), check)
        return _convert(base, value, where, found)
    if isinstance(value, os.PathLike) and _takes(hint, str):  # MkDocs' `!relative $config_dir/...`
        try:
            value = os.fspath(value)
        except Exception as exc:  # noqa: BLE001 - MkDocs raises its own error for a bare !relative
            raise OptionsError(where, str(exc)) from None
    if origin in (Union, types.UnionType):
        choices = [choice for choice in get_args(hint) if choice is not type(None)]
        if value is None and len(choices) < len(get_args(hint)):
            return None
        if len(choices) == 1 and not check.wanted:  # X | None: X's own message
            return _convert(choices[0], value, where, check)
        for choice in choices:
            try:
                return _convert(choice, value, where, check)
            except OptionsError:
                continue
        raise OptionsError(where, _wrong(hint, value, check))
    if hint is bool:
        if not isinstance(value, bool):
            raise OptionsError(where, _wrong(hint, value, check))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionsError(where, _wrong(hint, value, check))
        if check.at_least is not None and value < check.at_least:
            raise OptionsError(where, _too_small(value, check))
        return value
    if hint is str:
        if not isinstance(value, str):
            raise OptionsError(where, _wrong(hint, value, check))
        if check.pattern is not None and not re.fullmatch(check.pattern, value):
            raise OptionsError(where, _wrong(hint, value, check))
        return value
    if origin is Literal:
        if value not in get_args(hint) or isinstance(value, bool):
            raise OptionsError(where, _wrong(hint, value, check))
        return value
    if origin in (list, tuple):
        item = get_args(hint)[0]
        if not isinstance(value, (list, tuple)):
            raise OptionsError(where, _wrong(hint, value, check))
        try:
            items = [_convert(item, entry, where, check) for entry in value]
        except OptionsError:
            raise OptionsError(where, _wrong(hint, value, check)) from None
        return tuple(items) if origin is tuple else items
    if origin is dict:
        key_hint, value_hint = get_args(hint)
        if not isinstance(value, Mapping):
            raise OptionsError(where, _wrong(hint, value, check))
        result = {}
        for key, entry in value.items():
            if get_origin(key_hint) is Literal and key not in get_args(key_hint):
                what = check.key or "key"
                raise OptionsError(where, f"unknown {what} {key!r}; {what}s are {', '.join(get_args(key_hint))}")
            try:
                result[_convert(key_hint, key, where, Check())] = _convert(value_hint, entry, where, Check())
            except OptionsError:
                raise OptionsError(where, _wrong(hint, value, check)) from None
        return result
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_options(hint, value, where)
    raise TypeError(f"{where}: no conversion for {hint!r}")  # a declaration this module does not know


def _takes(hint: Any, kind: type) -> bool:
    if get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return hint is kind or kind in get_args(hint)


def _wrong(hint: Any, value: Any, check: Check) -> str:
    return f"must be {check.wanted or _type_text(hint)} (got {value!r})"


def _too_small(value: int, check: Check) -> str:
    if check.wanted:
        return f"must be {check.wanted} (got {value!r})"
    return f"must be {check.at_least} or more (got {value!r})"


def _type_text(hint: Any) -> str:
    """How messages and the reference name a type: ``int``, ``true or false``, ``error or warn``."""
    origin = get_origin(hint)
    if origin is Annotated:
        base, *extras = get_args(hint)
        found = next((extra for extra in extras if isinstance(extra, Check)), None)
        return found.wanted if found and found.wanted else _type_text(base)
    if origin in (Union, types.UnionType):
        return " or ".join(_type_text(choice) for choice in get_args(hint) if choice is not type(None))
    if hint is bool:
        return "true or false"
    if origin is Literal:
        return " or ".join(str(choice) for choice in get_args(hint))
    if origin in (list, tuple):
        return f"a list of {_type_text(get_args(hint)[0])}"
    if origin is dict:
        return "a mapping"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return "a mapping of options"
    return getattr(hint, "__name__", str(hint))


@dataclass(frozen=True)
class OptionDoc:
    """One option, for the reference docs."""

    name: str
    """Dotted under its section: ``approvals.required_roles``."""
    default: Any
    description: str


def option_docs(cls: type, prefix: str = "") -> list[OptionDoc]:
    """Every option of ``cls`` with its default and the docstring written below it; a section of options (a
    nested dataclass) is followed by its own options, ``section.option``."""
    docs = _attribute_docstrings(cls)
    found = []
    hints = _hints(cls)
    for option in option_fields(cls):
        hint = hints[option.name]
        nested = next((t for t in (hint, *get_args(hint)) if isinstance(t, type) and dataclasses.is_dataclass(t)), None)
        default = None if nested else default_of(option)
        found.append(OptionDoc(prefix + option.name, default, docs.get(option.name, "")))
        if nested is not None:
            found.extend(option_docs(nested, prefix=f"{prefix}{option.name}."))
    return found


@cache
def _attribute_docstrings(cls: type) -> dict[str, str]:
    """The string just below each field in the source of ``cls``."""
    import ast  # here: only the docs need the source, never a command
    import inspect
    import itertools
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):  # no source to read (a frozen application): no descriptions
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs

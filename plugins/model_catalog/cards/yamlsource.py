"""Safe YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` forgets positions, silently keeps the last of two
duplicate keys and expands aliases without bound. Here the document is
composed into nodes (which carry ``start_mark``) and turned into plain Python
values by a walk of our own that records the line and column of each key and
value, refuses duplicate keys and unknown tags, and bounds alias expansion
and nesting depth. Refusals that leave the rest readable (a duplicate key, a
tag, a merge key, a value too long) can be collected instead of raised, so one
run reports every problem of a file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from model_catalog.errors import CardError, FieldPath, format_path

SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it, else the pure-Python one."""

MAX_VALUES = 100_000
"""Values one document may expand to (bounds "billion laughs" aliases)."""
MAX_DEPTH = 64
"""Nesting levels one document may have."""
MAX_TEXT = 100_000
"""Characters one value may have (a description of a few pages is a few thousand)."""

_MAP_TAG = "tag:yaml.org,2002:map"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SAFE_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "binary")
)


@dataclass
class Located:
    """A parsed YAML document with the position of each of its values."""

    data: Any
    value_marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    source_text: dict[FieldPath, str] = field(default_factory=dict)
    """The text of scalars that YAML read as something other than a string."""
    problems: list[YamlError] = field(default_factory=list)
    """What was refused but read past (with ``recover``): a duplicate key (the first is kept), a tag (the plain
    value is kept), a merge key (skipped), a value over the length limit."""
    reported: set[FieldPath] = field(default_factory=set)
    """Values a problem is about: other complaints about them would only repeat it."""

    def locate(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of ``path``, or of its nearest located ancestor."""
        marks = (self.key_marks, self.value_marks) if key else (self.value_marks, self.key_marks)
        while True:
            for table in marks:
                if path in table:
                    return table[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class YamlError(Exception):
    """The text is not a YAML document we accept."""

    def __init__(self, line: int, column: int, message: str, path: FieldPath = ()):
        self.line, self.column, self.message, self.path = line, column, message, path
        super().__init__(message)

    def to_card_error(self, file: str) -> CardError:
        return CardError(file, self.line, self.column, format_path(self.path), self.message)


def _mark(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_error(text: str) -> YamlError:
    """Describe a syntax error with the pure-Python parser's clearer wording (libyaml's own refusal of more
    than 1,000 levels, since PyYAML 6.0.4, as nesting too deep)."""
    nested = _nesting_error(text)
    if nested is not None:
        return nested
    try:
        yaml.SafeLoader(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem += f" (the construct started on line {exc.context_mark.line + 1})"
        if "\\t" in problem or "'\\t'" in problem:
            problem += "; YAML does not allow tabs for indentation, use spaces"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return YamlError(line, column, f"YAML syntax error: {problem}")
    except yaml.YAMLError as exc:
        return YamlError(1, 1, f"YAML syntax error: {exc}")
    except RecursionError:
        return _too_deep(text)
    return YamlError(1, 1, "YAML syntax error")


TOO_DEEP = f"the document is nested too deeply (more than {MAX_DEPTH} levels)"
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _nesting_error(text: str) -> YamlError | None:
    """The first collection nested too deeply, found with the pure-Python parser's events.

    That parser never recurses and has no depth limit of its own, whereas composing a deep document can run out of
    Python stack (how much is left depends on the caller) and libyaml stops at 1,000 levels.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, _OPENS):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the root collection sits at depth 1 with an empty field path
                    return YamlError(*_mark(event), TOO_DEEP)
            elif isinstance(event, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def _too_deep(text: str) -> YamlError:
    """The error for a document the stack ran out on, located where it gets too deep."""
    return _nesting_error(text) or YamlError(1, 1, TOO_DEEP)


class _Builder:
    """Turns a node tree into Python values, recording marks as it goes."""

    def __init__(self, loader: Any, recover: bool):
        self.loader = loader
        self.recover = recover
        self.located = Located(None)
        self.count = 0
        self.active: set[int] = set()

    def refuse(self, error: YamlError, about: FieldPath | None = None) -> None:
        """Raise ``error``, or (recovering) note it and read on; ``about`` is the value it concerns."""
        if not self.recover:
            raise error
        self.located.problems.append(error)
        if about is not None:
            self.located.reported.add(about)

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise YamlError(
                *_mark(node),
                f"the document expands to more than {MAX_VALUES:,} values; "
                "remove the aliases (*name) that repeat large parts of it",
            )
        if len(path) > MAX_DEPTH:
            raise YamlError(*_mark(node), TOO_DEEP)
        if id(node) in self.active:
            raise YamlError(*_mark(node), "an alias refers to a value that contains it; remove the alias", path)
        self.located.value_marks.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, path)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            self.refuse(YamlError(*_mark(node), f"the tag {node.tag} is not allowed; remove it", path), path)
        self.active.add(id(node))
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.refuse(YamlError(*_mark(key_node), "keys must be plain names, not lists or mappings", path))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.refuse(
                    YamlError(*_mark(key_node), "merge keys (<<) are not supported; write the fields out", path)
                )
                continue
            key = self._scalar(key_node, path)
            # Interned: thousands of cards share a few hundred field names (memory, and pickling between processes).
            key = sys.intern(key if isinstance(key, str) else key_node.value)
            child = path + (key,)
            if key in result:
                first_line = self.located.key_marks[child][0]
                self.refuse(
                    YamlError(
                        *_mark(key_node),
                        f"duplicate key {key!r} (first defined on line {first_line}); "
                        "YAML would silently keep only the last one, remove one of them",
                        child,
                    )
                )
                continue  # the first is kept, and checked with the rest
            self.located.key_marks[child] = _mark(key_node)
            result[key] = self.build(value_node, child)
        self.active.discard(id(node))
        return result

    def _sequence(self, node: yaml.SequenceNode, path: FieldPath) -> list[Any]:
        if node.tag != _SEQ_TAG:
            self.refuse(YamlError(*_mark(node), f"the tag {node.tag} is not allowed; remove it", path), path)
        self.active.add(id(node))
        result = [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        self.active.discard(id(node))
        return result

    def _scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        if node.tag == _STR_TAG:
            value = node.value  # most values: no constructor needed
        elif node.tag not in _SAFE_SCALAR_TAGS:
            self.refuse(YamlError(*_mark(node), f"the tag {node.tag} is not allowed; remove it", path), path)
            value = str(node.value)
        else:
            try:
                value = self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError):
                # A look-alike such as 2024-13-01: keep the text, the schema says what is wrong.
                value = str(node.value)
            if not isinstance(value, str):
                self.located.source_text[path] = node.value
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.refuse(
                YamlError(
                    *_mark(node),
                    f"this value is {len(value):,} characters long, over the limit of "
                    f"{MAX_TEXT:,}; link to a longer document instead",
                    path,
                ),
                path,
            )
        return value


def parse_yaml(text: str, *, recover: bool = False) -> Located:
    """Parse one YAML document, raising :class:`YamlError` on anything we refuse.

    With ``recover``, what leaves the rest of the document readable is collected in
    :attr:`Located.problems` instead, and the document read on; a syntax error, a document nested too deeply or
    expanding to too many values (or an alias containing itself) is still raised.
    """
    loader = SAFE_LOADER(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError:
            raise _syntax_error(text) from None
        except RecursionError:
            raise _too_deep(text) from None
        if node is None:
            raise YamlError(1, 1, "the file is empty; a card is a YAML mapping of fields such as `id:` and `name:`")
        builder = _Builder(loader, recover)
        try:
            builder.located.data = builder.build(node, ())
        except RecursionError:
            raise _too_deep(text) from None
        return builder.located
    finally:
        loader.dispose()


def decode_card_bytes(raw: bytes, max_bytes: int) -> str:
    """Decode a card file's bytes, refusing what is not a reasonable text file."""
    if len(raw) > max_bytes:
        raise YamlError(
            0, 0, f"the file is {len(raw):,} bytes, over the limit of {max_bytes:,}; split it or raise `max_card_bytes`"
        )
    if b"\x00" in raw:
        raise YamlError(0, 0, "the file is binary, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            line, column, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n")

"""A strict reader of protobuf's text format for one message, the Model Card Toolkit's ``ModelCard``: the
fields of MCT's ``model_card.proto`` read into the data its JSON holds, and whatever protobuf would refuse
reported at its line and column, without protobuf installed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from model_catalog.formats.drafting import Data

STRING = "string"

S = (STRING, False)

PROTO_MESSAGES: dict[str, dict[str, tuple[str, bool]]] = {
    "ModelCard": {"model_details": ("ModelDetails", False), "model_parameters": ("ModelParameters", False),
                  "quantitative_analysis": ("QuantitativeAnalysis", False), "considerations": ("Considerations", False)},
    "ModelDetails": {"name": S, "overview": S, "documentation": S, "owners": ("Owner", True), "version": ("Version", False),
                     "licenses": ("License", True), "references": ("Reference", True), "citations": ("Citation", True),
                     "path": S},
    "Owner": {"name": S, "contact": S},
    "Version": {"name": S, "date": S, "diff": S},
    "License": {"identifier": S, "custom_text": S},
    "Reference": {"reference": S},
    "Citation": {"style": S, "citation": S},
    "ModelParameters": {"model_architecture": S, "data": ("Dataset", True), "input_format": S,
                        "input_format_map": ("KeyVal", True), "output_format": S, "output_format_map": ("KeyVal", True)},
    "Dataset": {"name": S, "link": S, "sensitive": ("SensitiveData", False), "graphics": ("GraphicsCollection", False),
                "description": S},
    "SensitiveData": {"sensitive_data": (STRING, True)},
    "GraphicsCollection": {"description": S, "collection": ("Graphic", True)},
    "Graphic": {"name": S, "image": S},
    "KeyVal": {"key": S, "value": S},
    "QuantitativeAnalysis": {"performance_metrics": ("PerformanceMetric", True), "graphics": ("GraphicsCollection", False)},
    "PerformanceMetric": {"type": S, "value": S, "slice": S, "confidence_interval": ("ConfidenceInterval", False)},
    "ConfidenceInterval": {"lower_bound": S, "upper_bound": S},
    "Considerations": {"users": ("User", True), "use_cases": ("UseCase", True), "limitations": ("Limitation", True),
                       "tradeoffs": ("Tradeoff", True), "ethical_considerations": ("Risk", True)},
    "User": {"description": S}, "UseCase": {"description": S}, "Limitation": {"description": S},
    "Tradeoff": {"description": S},
    "Risk": {"name": S, "mitigation_strategy": S},
}  # fmt: skip
"""The messages of MCT's ``model_card.proto`` (the same in 2.0.0 and on main): field -> (type, repeated)."""

ONEOFS = {"License": ("identifier", "custom_text")}

_PROTO_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\f\v]+)|(?P<newline>\n)|(?P<comment>\#[^\n]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fFuUlL]*)
    |(?P<string>"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*')
    |(?P<open_string>["'])
    |(?P<punct>[:{}<>\[\],;/.])""",
    re.VERBOSE,
)

_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34, "?": 63}


class ProtoTextError(ValueError):
    """Text that is not the ModelCard message in protobuf text format, at a line and column (from 1)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line, self.column, self.message = line, column, message


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int
    column: int

    def shown(self) -> str:
        return "the end of the file" if self.kind == "end" else repr(self.text[:40])


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        match = _PROTO_TOKEN.match(text, pos)
        column = pos - line_start + 1
        if match is None:
            raise ProtoTextError(line, column, f"unexpected character {text[pos]!r}")
        kind = match.lastgroup or ""
        if kind == "newline":
            line, line_start = line + 1, match.end()
        elif kind == "open_string":
            raise ProtoTextError(line, column, "a string that is not closed on its line (strings cannot span lines)")
        elif kind not in ("space", "comment"):
            tokens.append(_Token(kind, match.group(), line, column))
        pos = match.end()
    tokens.append(_Token("end", "", line, pos - line_start + 1))
    return tokens


def _unescape(token: _Token) -> str:
    """A string token's value: C escapes, octal and hex bytes, ``\\u``/``\\U`` code points; UTF-8 in the end."""
    body, out, index = token.text[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out += char.encode("utf-8", "surrogatepass")
            index += 1
            continue
        column = token.column + 1 + index
        code = body[index + 1]
        if code in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[code])
            index += 2
        elif code in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[index + 1 :])
            assert digits is not None
            number = int(digits.group(), 8)
            if number > 255:
                raise ProtoTextError(token.line, column, f"octal escape \\{digits.group()} is more than a byte")
            out.append(number)
            index += 1 + len(digits.group())
        elif code in "xX":
            digits = re.match(r"[0-9A-Fa-f]{1,2}", body[index + 2 :])
            if digits is None:
                raise ProtoTextError(token.line, column, "\\x must be followed by hex digits")
            out.append(int(digits.group(), 16))
            index += 2 + len(digits.group())
        elif code in "uU":
            size = 4 if code == "u" else 8
            digits = re.fullmatch(f"[0-9A-Fa-f]{{{size}}}", body[index + 2 : index + 2 + size])
            point = int(digits.group(), 16) if digits else -1
            index += 2 + size
            if 0xD800 <= point <= 0xDBFF and re.match(r"\\u[dD][c-fC-F][0-9A-Fa-f]{2}", body[index : index + 6]):
                point = 0x10000 + ((point - 0xD800) << 10) + (int(body[index + 2 : index + 6], 16) - 0xDC00)
                index += 6
            if point < 0 or point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
                raise ProtoTextError(
                    token.line, column, f"\\{code} must be followed by {size} hex digits of a code point"
                )
            out += chr(point).encode("utf-8")
        else:
            raise ProtoTextError(token.line, column, f"unknown escape \\{code}")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtoTextError(
            token.line, token.column, "the string is not valid UTF-8 (its octal or hex escapes must spell UTF-8 bytes)"
        ) from None


class _ProtoReader:
    """A strict reader of the ModelCard message: the fields of ``model_card.proto`` only, each of its kind, singular
    fields once, as protobuf's ``text_format.Parse`` reads them; escapes as the text format's specification has them
    (Python protobuf also lets unknown ones such as ``\\,`` through as they are; this reader says where they are)."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *texts: str) -> _Token | None:
        token = self.peek()
        if token.kind == "punct" and token.text in texts:
            return self.take()
        return None

    def fail(self, token: _Token, message: str) -> ProtoTextError:
        return ProtoTextError(token.line, token.column, message)

    def message(self, type_name: str, opened: _Token | None) -> Data:
        fields = PROTO_MESSAGES[type_name]
        closer = {"{": "}", "<": ">"}.get(opened.text) if opened else None
        result: Data = {}
        first_at: dict[str, _Token] = {}
        while True:
            token = self.peek()
            if token.kind == "end":
                if opened is not None:
                    raise self.fail(opened, f"{opened.text!r} of this {type_name} is not closed before the end")
                return result
            if closer and self.accept(closer):
                return result
            if token.kind != "ident":
                if token.text == "[":
                    raise self.fail(token, "extensions and Any fields ([...]) are not part of the ModelCard message")
                raise self.fail(token, f"expected a field of {type_name}, got {token.shown()}")
            self.take()
            spec = fields.get(token.text)
            if spec is None:
                known = ", ".join(fields)
                raise self.fail(token, f"{type_name} has no field {token.text!r} (its fields: {known})")
            self.field(type_name, token, spec, result, first_at)
            self.accept(",", ";")

    def field(
        self, type_name: str, name: _Token, spec: tuple[str, bool], result: Data, first: dict[str, _Token]
    ) -> None:
        kind, repeated = spec
        colon = self.accept(":")
        if kind == STRING and colon is None:
            raise self.fail(self.peek(), f"expected ':' after {name.text}, got {self.peek().shown()}")
        if self.peek().text == "[" and self.peek().kind == "punct":
            if not repeated:
                raise self.fail(self.peek(), f"{type_name}.{name.text} is not a repeated field; give one value")
            values = self.list_of(type_name, name.text, kind)
        else:
            values = [self.value(type_name, name.text, kind)]
        if repeated:
            result.setdefault(name.text, []).extend(values)
            return
        if name.text in first:
            earlier = first[name.text]
            raise self.fail(
                name, f"{type_name}.{name.text} is given twice (first at {earlier.line}:{earlier.column}); it holds one"
            )
        for group in (ONEOFS.get(type_name, ()),):
            other = next((member for member in group if member != name.text and member in result), None)
            if name.text in group and other:
                raise self.fail(name, f"{type_name} has {other} or {name.text}, not both")
        first[name.text] = name
        result[name.text] = values[0]

    def list_of(self, type_name: str, name: str, kind: str) -> list[Any]:
        self.take()  # [
        values: list[Any] = []
        if self.accept("]"):
            return values
        while True:
            values.append(self.value(type_name, name, kind))
            if self.accept("]"):
                return values
            if not self.accept(","):
                raise self.fail(self.peek(), f"expected ',' or ']' in the list of {name}, got {self.peek().shown()}")

    def value(self, type_name: str, name: str, kind: str) -> Any:
        token = self.peek()
        if kind != STRING:
            opened = self.accept("{", "<")
            if opened is None:
                raise self.fail(token, f"{type_name}.{name} is a message: expected '{{', got {token.shown()}")
            return self.message(kind, opened)
        if token.kind != "string":
            hint = f' (write "{token.text}")' if token.kind in ("number", "ident") else ""
            raise self.fail(token, f"{type_name}.{name} is a string in double quotes, got {token.shown()}{hint}")
        parts = []
        while self.peek().kind == "string":  # "a" "b" is "ab", as in C
            parts.append(_unescape(self.take()))
        return "".join(parts)


def read_proto_text(text: str) -> Data:
    """The ModelCard message in protobuf text format, as the data MCT's JSON (v0.0.2) holds; raises
    :class:`ProtoTextError` at the first thing protobuf would refuse."""
    return _ProtoReader(text).message("ModelCard", None)

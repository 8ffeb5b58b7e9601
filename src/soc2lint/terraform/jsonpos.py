"""A small JSON parser that keeps the position of every value.

``.tf.json`` files need a line for every attribute, which the ``json``
module does not give.  Plan files are read with ``json`` (they are large and
their positions matter less); this parser is for configuration files.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from ..record import record
from .syntax import Pos, pickled_by_fields
from .values import int_literal

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
MAX_DEPTH = 400


@record(frozen=True, slots=True)
class JNode:
    """A JSON value: ``kind`` is obj, arr, str, num, bool or null.

    ``value`` is a list of ``(key, key_pos, JNode)`` for objects, a list of
    JNode for arrays, the Python value otherwise.
    """

    kind: str
    value: Any
    pos: Pos


pickled_by_fields(JNode)


class JsonSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def lc(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def pos(self, start: int, end: int) -> Pos:
        a, b = self.lc(start)
        c, d = self.lc(end)
        return (a, b, c, d)

    def error(self, message: str, offset: int) -> JsonSyntaxError:
        line, col = self.lc(min(offset, len(self.text)))
        return JsonSyntaxError(message, line, col)

    def ws(self, i: int) -> int:
        m = _WS.match(self.text, i)
        return m.end() if m else i

    def found(self, i: int) -> str:
        if i >= len(self.text):
            return "end of file"
        return f'"{self.text[i]}"'

    def value(self, i: int, depth: int) -> tuple[JNode, int]:
        if depth > MAX_DEPTH:
            raise self.error("JSON nested too deeply", i)
        text = self.text
        i = self.ws(i)
        if i >= len(text):
            raise self.error("expected a JSON value, found end of file", i)
        c = text[i]
        if c == "{":
            return self.obj(i, depth)
        if c == "[":
            return self.arr(i, depth)
        if c == '"':
            s, end = self.string(i)
            return JNode("str", s, self.pos(i, end)), end
        if text.startswith("true", i):
            return JNode("bool", True, self.pos(i, i + 4)), i + 4
        if text.startswith("false", i):
            return JNode("bool", False, self.pos(i, i + 5)), i + 5
        if text.startswith("null", i):
            return JNode("null", None, self.pos(i, i + 4)), i + 4
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            raw = m.group(0)
            num: int | float = float(raw) if any(ch in raw for ch in ".eE") else int_literal(raw)
            if isinstance(num, float) and num.is_integer() and abs(num) < 2**53:
                num = int(num)
            return JNode("num", num, self.pos(i, m.end())), m.end()
        raise self.error(f"expected a JSON value, found {self.found(i)}", i)

    def string(self, i: int) -> tuple[str, int]:
        try:
            s, end = json.decoder.scanstring(self.text, i + 1)  # type: ignore[attr-defined]
        except json.JSONDecodeError as exc:
            raise self.error(f"invalid string: {exc.msg}", exc.pos) from None
        return str(s), int(end)

    def obj(self, start: int, depth: int) -> tuple[JNode, int]:
        text = self.text
        items: list[tuple[str, Pos, JNode]] = []
        i = self.ws(start + 1)
        if i < len(text) and text[i] == "}":
            return JNode("obj", items, self.pos(start, i + 1)), i + 1
        while True:
            i = self.ws(i)
            if i >= len(text) or text[i] != '"':
                raise self.error(f"expected a property name in quotes, found {self.found(i)}", i)
            key, kend = self.string(i)
            kpos = self.pos(i, kend)
            i = self.ws(kend)
            if i >= len(text) or text[i] != ":":
                raise self.error(f'expected ":", found {self.found(i)}', i)
            node, i = self.value(i + 1, depth + 1)
            items.append((key, kpos, node))
            i = self.ws(i)
            if i < len(text) and text[i] == ",":
                i += 1
                continue
            if i < len(text) and text[i] == "}":
                return JNode("obj", items, self.pos(start, i + 1)), i + 1
            raise self.error(f'expected "," or "}}", found {self.found(i)}', i)

    def arr(self, start: int, depth: int) -> tuple[JNode, int]:
        text = self.text
        items: list[JNode] = []
        i = self.ws(start + 1)
        if i < len(text) and text[i] == "]":
            return JNode("arr", items, self.pos(start, i + 1)), i + 1
        while True:
            node, i = self.value(i, depth + 1)
            items.append(node)
            i = self.ws(i)
            if i < len(text) and text[i] == ",":
                i += 1
                continue
            if i < len(text) and text[i] == "]":
                return JNode("arr", items, self.pos(start, i + 1)), i + 1
            raise self.error(f'expected "," or "]", found {self.found(i)}', i)


def parse_json(text: str) -> JNode:
    """Parse JSON text keeping positions; raises :class:`JsonSyntaxError`."""
    p = _Parser(text)
    node, end = p.value(0, 0)
    end = p.ws(end)
    if end < len(text):
        raise p.error(f"unexpected {p.found(end)} after the JSON value", end)
    return node


def to_python(node: JNode) -> Any:
    """The plain Python value of a JNode."""
    if node.kind == "obj":
        return {k: to_python(v) for k, _, v in node.value}
    if node.kind == "arr":
        return [to_python(v) for v in node.value]
    return node.value

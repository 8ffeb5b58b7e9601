"""Documents (JSON or YAML text) that are only partly known.

A Terraform heredoc or ``templatefile`` with interpolations, a CloudFormation
``Fn::Sub`` or ``Fn::Join`` building a JSON string: the evaluator renders the
text with a private-use marker (:func:`hole_marker`) where a value is unknown,
and :func:`document_with_holes` decodes it into a
:class:`~soc2lint.model.PartialValue` whose known structure keeps every known
value and has an :class:`~soc2lint.model.Unknown` at each unknown one, so rules
read a container definition or a state machine definition with a secret's ARN
in it as they read one without.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .lazyre import compile_lazily
from .model import PartialValue, Unknown, string_template
from .yamldepth import too_deep

_HOLE_OPEN = "\ue000"
_HOLE_CLOSE = "\ue001"
_HOLE = compile_lazily(_HOLE_OPEN + r"(\d+)" + _HOLE_CLOSE)
#: a JSON string, or a hole outside any string
_STRING_OR_HOLE = compile_lazily(r'"(?:[^"\\]|\\.)*"|' + _HOLE_OPEN + r"\d+" + _HOLE_CLOSE)
_MAX_TEMPLATE_DOCUMENT = 256 * 1024
#: a YAML document's first line: a mapping key or a sequence item
_YAML_START = compile_lazily(r"(?:---\s*\n)?\s*(?:[\w\"'./-][^:\n]*:(?:[ \t]|\n|$)|- )")
#: values a YAML template may decode to (aliases expand)
_MAX_YAML_VALUES = 100_000


def hole_marker(index: int) -> str:
    """The text an unknown interpolation leaves in a rendered template (private-use code points)."""
    return f"{_HOLE_OPEN}{index}{_HOLE_CLOSE}"


def template_pieces(text: str, holes: list[Any]) -> list[Any]:
    """A rendered template as its known text and the holes' values, in order."""
    parts: list[Any] = []
    pos = 0
    for m in _HOLE.finditer(text):
        parts.extend((text[pos : m.start()], holes[int(m.group(1))]))
        pos = m.end()
    parts.append(text[pos:])
    return parts


def document_with_holes(text: str, holes: list[Any], expr: str) -> Any:
    """A partly known JSON or YAML document rendered with :func:`hole_marker` where
    interpolations were unknown: a :class:`~soc2lint.model.PartialValue` of its known
    structure (``expr`` and the holes' refs), or None when the text is not such a
    document (see :func:`json_with_holes` and :func:`yaml_with_holes`)."""
    if not holes or len(text) > _MAX_TEMPLATE_DOCUMENT:
        return None
    start = text.lstrip()[:1]
    if start in ("{", "["):
        known = json_with_holes(text, holes)
        encoding = "json"
    elif "\n" in text.strip() and _YAML_START.match(text):
        known = yaml_with_holes(text, holes)
        encoding = "yaml"
    else:
        return None
    if known is None:
        return None
    whole = unknown_from(expr, *holes)
    return PartialValue(whole.expr, whole.refs, whole.secret, known, encoding)


def json_with_holes(text: str, holes: list[Any]) -> Any:
    """Decode JSON text rendered with :func:`hole_marker` where interpolations were unknown.

    A hole inside a string makes that string an Unknown (the hole's own Unknown when
    the string is nothing else); a hole that is a whole value (``"port": ${var.port}``)
    is the hole's value (the known structure of a partly known ``jsonencode``); a
    hole in an object key leaves the object open (a
    :class:`~soc2lint.model.PartialValue` of its other members).  None when the text
    is not such JSON: it does not parse (a hole that is part of a number, or that
    adds members).
    """
    if not holes or len(text) > _MAX_TEMPLATE_DOCUMENT or text.lstrip()[:1] not in ("{", "["):
        return None
    bare: set[str] = set()

    def quote(m: re.Match[str]) -> str:
        found = m.group(0)
        if found[0] == '"':
            return found
        bare.add(found)
        return f'"{found}"'

    try:
        data = json.loads(_STRING_OR_HOLE.sub(quote, text))
    except (ValueError, RecursionError):
        return None
    return _fill_holes(data, holes, bare)


def yaml_with_holes(text: str, holes: list[Any]) -> Any:
    """Decode YAML text rendered with :func:`hole_marker` (see :func:`json_with_holes`);
    a hole in a scalar makes it an Unknown.  None when it is not a YAML mapping or
    sequence, or expands (aliases) to too many values."""
    import yaml

    if too_deep(text):
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        data = loader.get_single_data()
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict | list) or _count_values(data, {}) > _MAX_YAML_VALUES:
        return None
    return _fill_holes(data, holes, None)


def _count_values(v: Any, memo: dict[int, int], depth: int = 0) -> int:
    if id(v) in memo:
        return memo[id(v)]
    n = 1
    if depth <= 64:
        if isinstance(v, dict):
            for x in v.values():
                n += _count_values(x, memo, depth + 1)
                if n > _MAX_YAML_VALUES:
                    break
        elif isinstance(v, list):
            for x in v:
                n += _count_values(x, memo, depth + 1)
                if n > _MAX_YAML_VALUES:
                    break
    memo[id(v)] = n
    return n


def _fill_holes(data: Any, holes: list[Any], bare: set[str] | None) -> Any:
    """``data`` with its hole markers replaced (see :func:`json_with_holes`); ``bare`` are
    the markers written as whole values, outside strings (None: any, in YAML)."""

    def fill(v: Any, depth: int) -> Any:
        if depth > 64:
            raise ValueError("too deep")
        if isinstance(v, str):
            ids = [int(m) for m in _HOLE.findall(v)]
            if not ids:
                if _HOLE_OPEN in v or _HOLE_CLOSE in v:
                    raise ValueError("stray marker")
                return v
            if len(ids) == 1 and v == hole_marker(ids[0]):
                hole = holes[ids[0]]
                if (
                    (bare is None or v in bare)
                    and isinstance(hole, PartialValue)
                    and hole.encoding != ""
                ):
                    # a whole value written as ${jsonencode(...)}: its structure is the value
                    return hole.value
                return hole
            expr = _HOLE.sub(lambda m: "${" + (holes[int(m.group(1))].expr or "...") + "}", v)
            found = unknown_from(expr, *(holes[i] for i in ids))
            found.template = string_template(template_pieces(v, holes))
            return found
        if isinstance(v, list):
            return [fill(x, depth + 1) for x in v]
        if isinstance(v, dict):
            out: dict[Any, Any] = {}
            unknown_keys: list[Any] = []
            for k, x in v.items():
                key = k if isinstance(k, str) else str(k)
                if _HOLE_OPEN in key or _HOLE_CLOSE in key:
                    unknown_keys.extend(holes[int(i)] for i in _HOLE.findall(key))
                    continue
                out[key] = fill(x, depth + 1)
            if unknown_keys:
                # members named by unknown keys: the object holds these and others
                whole = unknown_from("", *unknown_keys)
                return PartialValue(whole.expr, whole.refs, whole.secret, out, "")
            return out
        if isinstance(v, bool | int | float) or v is None:
            return v
        return str(v)  # YAML dates and the like

    try:
        return fill(data, 0)
    except (ValueError, IndexError):
        return None


def unknown_from(expr: str, *values: Any) -> Unknown:
    """An Unknown for ``expr`` with the refs (and secrecy) of the unknowns in ``values``."""
    refs: set[str] = set()
    secret = False
    for u in _unknowns(values, 0):
        refs.update(u.refs)
        secret = secret or u.secret
    return Unknown(expr, tuple(sorted(refs)), secret)


def _unknowns(values: Iterable[Any], depth: int) -> Iterable[Unknown]:
    for v in values:
        if isinstance(v, Unknown):
            yield v
        elif depth < 32 and isinstance(v, dict):
            yield from _unknowns(v.values(), depth + 1)
        elif depth < 32 and isinstance(v, list):
            yield from _unknowns(v, depth + 1)


# --------------------------------------------------------------------------
# Where a document's elements are written
# --------------------------------------------------------------------------

#: stands for each character of an unknown part (``${...}``) in a document's source
#: text, so that the positions of the other characters stay those of the source
STAND_IN = "\ue002"
_STRING_OR_STAND_IN = compile_lazily(r'"(?:[^"\\]|\\.)*"|' + STAND_IN + "+")

#: a position in a document's text: 1-based (start line, start column, end line, end
#: column), end exclusive
TextPos = tuple[int, int, int, int]


def document_positions(text: str, path: tuple[Any, ...]) -> dict[tuple[Any, ...], TextPos]:
    """The position of every element of the JSON or YAML document ``text`` (its unknown
    parts written as runs of :data:`STAND_IN` as wide as in the source), by attribute
    path below ``path``; empty when the text is neither."""
    if len(text) > MAX_DOCUMENT_TEXT:
        return {}
    out: dict[tuple[Any, ...], TextPos] = {}
    start = text.lstrip()[:1]
    if start in ("{", "["):
        _json_positions(text, path, out)
    elif "\n" in text.strip() and _YAML_START.match(text.replace(STAND_IN, "x")):
        _yaml_positions(text, path, out)
    return out


MAX_DOCUMENT_TEXT = _MAX_TEMPLATE_DOCUMENT


def _json_positions(text: str, path: tuple[Any, ...], out: dict[tuple[Any, ...], TextPos]) -> None:
    from .terraform.jsonpos import JsonSyntaxError, parse_json

    def quote(m: re.Match[str]) -> str:
        found = m.group(0)
        if found[0] == '"' or len(found) < 2:
            return found
        return '"' + "x" * (len(found) - 2) + '"'

    try:
        node = parse_json(_STRING_OR_STAND_IN.sub(quote, text))
    except (JsonSyntaxError, RecursionError):
        return

    def walk(n: Any, p: tuple[Any, ...], depth: int) -> None:
        if depth > 24:
            return
        if n.kind == "obj":
            for k, kpos, v in n.value:
                sub = (*p, k)
                out[sub] = (kpos[0], kpos[1], v.pos[2], v.pos[3])
                walk(v, sub, depth + 1)
        elif n.kind == "arr":
            for i, v in enumerate(n.value):
                sub = (*p, i)
                out[sub] = v.pos
                walk(v, sub, depth + 1)

    walk(node, path, 0)


def _yaml_positions(text: str, path: tuple[Any, ...], out: dict[tuple[Any, ...], TextPos]) -> None:
    import yaml

    if too_deep(text):
        return
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text.replace(STAND_IN, "x"))
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):
        return
    finally:
        loader.dispose()

    def pos(n: Any, start: Any = None) -> TextPos:
        s = start or n.start_mark
        return (s.line + 1, s.column + 1, n.end_mark.line + 1, n.end_mark.column + 1)

    seen = 0

    def walk(n: Any, p: tuple[Any, ...], depth: int) -> None:
        nonlocal seen
        seen += 1
        if depth > 24 or seen > _MAX_YAML_VALUES:
            return
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    sub = (*p, str(k.value))
                    out[sub] = pos(v, k.start_mark)
                    walk(v, sub, depth + 1)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                sub = (*p, i)
                out[sub] = pos(v)
                walk(v, sub, depth + 1)

    if node is not None:
        walk(node, path, 0)

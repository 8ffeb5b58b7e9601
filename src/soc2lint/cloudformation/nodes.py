"""Positioned template values: the decoded template as plain, picklable data.

cfn-lint's decoder returns ``dict_node``/``list_node``/``str_node`` objects
whose classes are created inside factory functions (they cannot be pickled)
and whose marks are 0-based.  :func:`soc2lint.cloudformation.decode.decode_text`
converts them into the three classes below, each carrying a ``span``: the
1-based, end-exclusive position ``(start_line, start_col, end_line, end_col)``
of the value in its file, or ``None`` when the decoder gave none (numbers,
booleans, dates, and the keys cfn-lint invents for short-form tags such as
``Fn::Sub`` from ``!Sub``).

They are subclasses of ``str``, ``dict`` and ``list``, so the evaluator reads
them as plain values; nothing in them imports cfn-lint.
"""

from __future__ import annotations

from typing import Any, TypeAlias

_str_new = str.__new__
_dict_new = dict.__new__

#: 1-based (start_line, start_col, end_line, end_col), end exclusive
Span: TypeAlias = tuple[int, int, int, int]


class YStr(str):
    """A string with the span it was written at."""

    __slots__ = ("span",)
    span: Span | None

    def __new__(cls, value: str, span: Span | None = None) -> YStr:
        obj = _str_new(cls, value)
        obj.span = span
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (YStr, (str(self), self.span))


class YDict(dict[Any, Any]):
    """A mapping with the span it was written at.  Keys are usually :class:`YStr`.

    ``value_spans`` holds, by key, the span of values that cannot carry one
    themselves (numbers, booleans, null, dates), found by the decoder from
    the source line.
    """

    __slots__ = ("span", "value_spans")
    span: Span | None
    value_spans: dict[Any, Span] | None

    def __init__(self, span: Span | None = None) -> None:
        super().__init__()
        self.span = span
        self.value_spans = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_dict, (self.span, list(self.items()), self.value_spans))


class YList(list[Any]):
    """A sequence with the span it was written at."""

    __slots__ = ("span",)
    span: Span | None

    def __init__(self, span: Span | None = None, items: list[Any] | None = None) -> None:
        super().__init__(items or ())
        self.span = span

    def __reduce__(self) -> tuple[Any, ...]:
        return (YList, (self.span, list(self)))


def _rebuild_dict(
    span: Span | None, items: list[tuple[Any, Any]], value_spans: dict[Any, Span] | None
) -> YDict:
    d = YDict(span)
    for k, v in items:
        d[k] = v
    d.value_spans = value_spans
    return d


def span_of(value: Any) -> Span | None:
    """The span of a positioned value, or None."""
    span: Span | None = getattr(value, "span", None)
    return span


def plain(value: Any) -> Any:
    """A positioned value as builtin types (deep copy; spans dropped)."""
    if isinstance(value, dict):
        return {plain_key(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def plain_key(key: Any) -> Any:
    return str(key) if isinstance(key, str) else key


def long_form(suffix: str, value: Any, where: Span | None) -> YDict:
    """A short-form tag's value in the long form, as cfn-lint writes it (``!Ref x`` ->
    ``{"Ref": x}``, ``!Sub x`` -> ``{"Fn::Sub": x}``)."""
    key = _LONG_FORM_KEYS.get(suffix)
    if key is None:
        key = YStr(suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}")
        if len(_LONG_FORM_KEYS) < 256 and len(suffix) <= 64:  # the tags templates use
            _LONG_FORM_KEYS[suffix] = key
    out: YDict = _dict_new(YDict)
    out.span = where
    out.value_spans = None
    out[key] = value
    return out


def tagged_scalar(suffix: str, text: str, where: Span | None) -> YDict:
    """A short-form tag on a scalar in the long form; ``!GetAtt a.b`` holds a list of two
    strings (as cfn-lint writes it)."""
    value: Any
    if suffix == "GetAtt":
        value = YList(where, [YStr(part, where) for part in text.split(".", 1)])
    else:
        value = _str_new(YStr, text)
        value.span = where
    return long_form(suffix, value, where)


#: the long-form key of a short-form tag, by its suffix: one YStr (without a span) each,
#: shared by every template of the process (nothing sets a decoded value's span later)
_LONG_FORM_KEYS: dict[str, YStr] = {}

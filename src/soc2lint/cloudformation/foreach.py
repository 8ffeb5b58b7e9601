"""``Fn::ForEach`` of the ``AWS::LanguageExtensions`` transform, expanded before evaluation.

A loop ``"Fn::ForEach::Name": [Identifier, Collection, {OutputKey: OutputValue}]``
in the Resources, Conditions or Outputs section, or inside a resource's
properties, stands for one copy of its fragment per collection value.  This
module makes those copies on the positioned template, so that every resource a
loop creates becomes an ordinary resource whose findings point at the lines of
the loop's fragment.

What is replaced in a copy, as the transform does:

* ``${Identifier}`` and ``&{Identifier}`` (the value with everything but
  letters and digits removed) in the keys of the fragment, at any depth;
* ``{"Ref": Identifier}`` by the value;
* ``${Identifier}`` and ``&{Identifier}`` in the template string of
  ``Fn::Sub``; a ``Fn::Sub`` left with no variable becomes the plain string.

Plain strings elsewhere are left as written (the transform leaves them too).

A collection is a list of strings written in the loop, or ``!Ref`` to a
list parameter whose value is known (a default, ``--cfn-parameters``, a
parent stack).  A loop whose collection is not known before deploy is not
expanded: at section level it is removed and reported (SYS006), so its
resources are neither checked nor mistaken for a resource; inside
properties it is left as written.  Copies are bounded by
``limits.max_expansion`` per loop and, for all loops of a template together,
by the smaller of ``limits.max_expansion`` and ``limits.max_total_instances``
(a stack holds at most 500 resources; nested loops multiply): the first time
the budget runs out is one SYS008, and nothing more is expanded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any

from ..record import record
from .nodes import Span, YDict, YList, YStr, span_of

PREFIX = "Fn::ForEach::"
TRANSFORM = "AWS::LanguageExtensions"
#: sections where a loop may stand for entries of the section itself
SECTIONS = ("Conditions", "Resources", "Outputs")
_MAX_NESTING = 5  # the transform's own limit on nested loops


@record(frozen=True)
class LoopProblem:
    """A loop that was not (fully) expanded."""

    rule: str  # SYS006 (not knowable before deploy), SYS001 (malformed), SYS008 (a limit)
    message: str
    span: Span | None
    loop: str


@record
class _State:
    resolve_list: Callable[[str], list[str] | None]
    max_copies: int
    budget: int
    total: int
    problems: list[LoopProblem] = field(default_factory=list)
    #: the budget ran out: every loop still to expand is skipped without another report
    #: (five nested loops of ten would otherwise report, and keep, thousands)
    exhausted: bool = False


def has_loops(template: Mapping[Any, Any]) -> bool:
    """True when the template declares the transform (loops are expanded only then)."""
    raw = template.get("Transform")
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return any(str(n) == TRANSFORM for n in names if isinstance(n, str))


def expand_template(
    template: YDict,
    resolve_list: Callable[[str], list[str] | None],
    *,
    max_copies: int = 1000,
    budget: int = 100_000,
) -> tuple[YDict, list[LoopProblem]]:
    """The template with its loops expanded, and what could not be expanded.

    ``resolve_list(name)`` is the value of the list parameter ``name`` when it
    is known, else None.  The input is not modified; sections without a loop
    are shared with it.
    """
    state = _State(resolve_list, max_copies, budget, total=budget)
    out = _copy_dict_shallow(template)
    for section in SECTIONS:
        body = template.get(section)
        if isinstance(body, dict) and _contains_loop(body):
            out[section] = _walk(body, {}, state, depth=0, section_level=True)
    return out, state.problems


def _contains_loop(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            (isinstance(k, str) and k.startswith(PREFIX)) or _contains_loop(v)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_contains_loop(v) for v in value)
    return False


def _copy_dict_shallow(d: YDict) -> YDict:
    out = YDict(span_of(d))
    out.update(d)
    out.value_spans = dict(d.value_spans) if d.value_spans else d.value_spans
    return out


_VAR = re.compile(r"\$\{[^!][^}]*\}|&\{[^}]*\}")


def _alnum(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", value)


def _substitute(text: str, params: Mapping[str, str]) -> str:
    for name, value in params.items():
        text = text.replace("${" + name + "}", value).replace("&{" + name + "}", _alnum(value))
    return text


def _with_text(original: Any, text: str) -> Any:
    if text == original:
        return original
    return YStr(text, span_of(original))


def _walk(
    value: Any, params: dict[str, str], state: _State, depth: int, section_level: bool = False
) -> Any:
    if isinstance(value, list):
        out_list = YList(span_of(value))
        out_list.extend(_walk(v, params, state, depth) for v in value)
        return out_list
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((fn, arg),) = value.items()
        replaced = _intrinsic(fn, arg, span_of(value), params, state, depth)
        if replaced is not _NOT_INTRINSIC:
            return replaced
    out = YDict(span_of(value))
    spans = getattr(value, "value_spans", None) or {}
    new_spans: dict[Any, Span] = {}
    for key, item in value.items():
        if isinstance(key, str) and key.startswith(PREFIX):
            copies = _expand_loop(key, item, params, state, depth, section_level)
            if copies is None:
                if not section_level:
                    out[key] = item  # unknown collection inside properties: as written
                continue
            for new_key, new_item, item_spans in copies:
                if new_key in out or new_key in value:
                    state.problems.append(
                        LoopProblem(
                            "SYS001",
                            f"{key} creates {new_key!s}, which is already defined; "
                            "the copy is ignored",
                            span_of(key),
                            str(key),
                        )
                    )
                    continue
                out[new_key] = new_item
                if new_key in item_spans:
                    new_spans[new_key] = item_spans[new_key]
            continue
        new_key = (
            _with_text(key, _substitute(key, params)) if params and isinstance(key, str) else key
        )
        out[new_key] = _walk(item, params, state, depth)
        if key in spans:
            new_spans[new_key] = spans[key]
    out.value_spans = new_spans or None
    return out


_NOT_INTRINSIC = object()


def _intrinsic(
    key: Any, arg: Any, span: Span | None, params: dict[str, str], state: _State, depth: int
) -> Any:
    fn = str(key)
    if fn == "Ref":
        if isinstance(arg, str) and str(arg) in params:
            return YStr(params[str(arg)], span_of(arg))
        if isinstance(arg, dict):
            inner = _walk(arg, params, state, depth)
            if isinstance(inner, str) and str(inner) in params:
                return YStr(params[str(inner)], span_of(arg))
        return _NOT_INTRINSIC
    if fn == "Fn::Sub" and params:
        if isinstance(arg, str):
            text = _substitute(arg, params)
            if not _VAR.search(text):
                return YStr(text, span_of(arg))
            out = YDict(span)
            out[key] = _with_text(arg, text)
            return out
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            text = _substitute(arg[0], params)
            if not _VAR.search(text):
                return YStr(text, span_of(arg[0]))
            items = YList(span_of(arg))
            items.append(_with_text(arg[0], text))
            items.extend(_walk(v, params, state, depth) for v in arg[1:])
            out = YDict(span)
            out[key] = items
            return out
    return _NOT_INTRINSIC


def _expand_loop(
    key: str, loop: Any, params: dict[str, str], state: _State, depth: int, section_level: bool
) -> list[tuple[Any, Any, dict[Any, Span]]] | None:
    """The (key, value, value spans) entries a loop creates, or None when it cannot be expanded."""

    def problem(rule: str, message: str) -> None:
        state.problems.append(LoopProblem(rule, message, span_of(key), str(key)))

    if state.exhausted:
        return None
    if depth >= _MAX_NESTING:
        problem("SYS001", f"{key} is nested more than {_MAX_NESTING} loops deep")
        return None
    if not (isinstance(loop, list) and len(loop) == 3 and isinstance(loop[0], str)):
        problem("SYS001", f"{key} is not [Identifier, Collection, {{OutputKey: OutputValue}}]")
        return None
    identifier, collection, fragment = str(loop[0]), loop[1], loop[2]
    if not isinstance(fragment, dict):
        problem("SYS001", f"{key}: its fragment is not a mapping of OutputKey to OutputValue")
        return None
    values = _collection(collection, params, state)
    if values is None:
        problem(
            "SYS006",
            f"{key}: the collection ({_describe(collection)}) is not known before deploy; "
            "what the loop creates is not checked",
        )
        return None
    if len(values) > state.max_copies:
        problem(
            "SYS008",
            f"{key} iterates over {len(values)} values, more than limits.max_expansion "
            f"({state.max_copies}); what the loop creates is not checked",
        )
        return None
    out: list[tuple[Any, Any, dict[Any, Span]]] = []
    for item in values:
        state.budget -= max(len(fragment), 1)
        if state.budget < 0 or state.exhausted:
            if not state.exhausted:
                state.exhausted = True
                problem(
                    "SYS008",
                    f"{key}: the loops of the template create more than {state.total} "
                    "entries (limits.max_expansion, for all loops of a template together: "
                    "CloudFormation allows 500 resources a stack); the rest is not checked",
                )
            break
        inner = {**params, identifier: item}
        copy = _walk(fragment, inner, state, depth + 1, section_level)
        spans = copy.value_spans or {}
        for k, v in copy.items():
            out.append((k, v, spans))
    return out


def _collection(collection: Any, params: dict[str, str], state: _State) -> list[str] | None:
    if isinstance(collection, list):
        values: list[str] = []
        for item in collection:
            if isinstance(item, dict) and len(item) == 1 and "Ref" in item:
                ref = item["Ref"]
                if isinstance(ref, str) and str(ref) in params:
                    values.append(params[str(ref)])
                    continue
                return None
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                return None
            values.append(str(item))
        return values
    if isinstance(collection, dict) and len(collection) == 1 and "Ref" in collection:
        name = collection["Ref"]
        if not isinstance(name, str):
            return None
        if str(name) in params:
            return params[str(name)].split(",")
        return state.resolve_list(str(name))
    return None


def _describe(collection: Any) -> str:
    if isinstance(collection, dict) and len(collection) == 1:
        ((fn, arg),) = collection.items()
        short = "!Ref" if fn == "Ref" else f"!{str(fn).removeprefix('Fn::')}"
        return f"{short} {arg}" if isinstance(arg, str) else short
    return "a value"

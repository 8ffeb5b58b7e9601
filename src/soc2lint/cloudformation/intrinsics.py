"""Evaluating CloudFormation intrinsic functions statically.

What can be known before deploy is computed (parameter values, mappings,
conditions, ``Fn::Sub``/``Fn::Join``/``Fn::Select``/``Fn::Split``/``Fn::Cidr``
over known values); everything else is an :class:`~soc2lint.model.Unknown`
carrying the expression (``!GetAtt Key.Arn``), the node addresses it derives
from and whether it comes from a secret store.  Unknown is never failure:
rules skip it.

Every reference to a resource or parameter met while evaluating is appended
to the caller's *sink* as ``(address, attribute)`` so the caller can draw a
``ref`` edge from the attribute it is building.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from ..documents import document_with_holes, hole_marker
from ..model import (
    Origin,
    PartialValue,
    Unknown,
    contains_unknown,
    leaf_template,
    string_template,
    to_int,
)
from ..record import record
from .conditions import Conditions

Sink = list[tuple[str, str | None]]


class _NoValue:
    """``AWS::NoValue``: the property or list element is removed."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOVALUE"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_NoValue, ())


NOVALUE: Any = _NoValue()

#: pseudo parameters; the unknown ones must never make a rule fail
PSEUDO_PARAMETERS: dict[str, Any] = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    # the same in every template of a scan's scope (one account, one region per stack set)
    "AWS::Region": Unknown("AWS::Region", template=leaf_template("AWS::Region")),
    "AWS::AccountId": Unknown("AWS::AccountId", template=leaf_template("AWS::AccountId")),
    "AWS::StackName": Unknown("AWS::StackName"),
    "AWS::StackId": Unknown("AWS::StackId"),
    "AWS::NotificationARNs": Unknown("AWS::NotificationARNs"),
    "AWS::NoValue": NOVALUE,
}

#: pseudo parameters whose value differs between a stack and its nested stacks
_STACK_PSEUDO_PARAMETERS = frozenset({"AWS::StackName", "AWS::StackId"})

#: resources whose Ref/GetAtt is treated as coming from a secret store
SECRET_TYPES = frozenset({"AWS::SecretsManager::Secret"})
#: resources whose ``Outputs.X`` attributes are a child template's outputs
STACK_TYPES = frozenset({"AWS::CloudFormation::Stack", "AWS::Serverless::Application"})

_DYNAMIC_REF = re.compile(r"\{\{resolve:([A-Za-z-]+):")
_SECRET_SERVICES = frozenset({"ssm-secure", "secretsmanager"})
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


@record(frozen=True)
class ParamInfo:
    address: str
    value: Any
    origin: Origin | None = None
    #: references the value was computed from (a nested stack's parent passing ``!Ref X``)
    targets: tuple[tuple[str, str | None], ...] = ()


@record(frozen=True)
class ResourceInfo:
    address: str
    type: str
    #: False when the resource's Condition is false: it is not created
    exists: bool = True


@record(frozen=True)
class StackOutput:
    value: Any
    #: the references the output's value was computed from (for edges)
    targets: tuple[tuple[str, str | None], ...] = ()


class Environment(Protocol):
    """What the evaluator needs to know about the template it evaluates in."""

    @property
    def mappings(self) -> Mapping[Any, Any]: ...

    def parameter(self, name: str) -> ParamInfo | None: ...

    def resource(self, name: str) -> ResourceInfo | None: ...

    def stack_output(self, logical_id: str, output: str) -> StackOutput | None: ...


class EvaluationLimit(Exception):
    pass


def intrinsic_name(value: Any) -> str | None:
    """``Ref``/``Fn::*`` when ``value`` is a one-key mapping calling an intrinsic function."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return str(key)
    return None


def dynamic_reference(text: str) -> Any:
    """A string holding ``{{resolve:...}}`` is unknown (secret for ssm-secure/secretsmanager)."""
    if "{{resolve:" not in text:
        return text
    services = {m.group(1) for m in _DYNAMIC_REF.finditer(text)}
    return Unknown(str(text), secret=bool(services & _SECRET_SERVICES))


def unknowns_in(value: Any, _depth: int = 0) -> Iterator[Unknown]:
    if isinstance(value, Unknown):
        yield value
    elif _depth < 64 and isinstance(value, dict):
        for v in value.values():
            yield from unknowns_in(v, _depth + 1)
    elif _depth < 64 and isinstance(value, list):
        for v in value:
            yield from unknowns_in(v, _depth + 1)


def unknown_from(expr: str, *parts: Any, secret: bool = False) -> Unknown:
    """An Unknown for ``expr`` whose refs and secrecy are those of the unknowns in ``parts``."""
    refs: dict[str, None] = {}
    for part in parts:
        for u in unknowns_in(part):
            refs.update(dict.fromkeys(u.refs))
            secret = secret or u.secret
    return Unknown(expr, tuple(refs), secret)


def render(value: Any, limit: int = 160) -> str:
    """Short-form text of a written expression, for Unknown.expr and messages."""
    text = _render(value, 0)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: Any, depth: int) -> str:
    if depth > 8:
        return "..."
    fn = intrinsic_name(value)
    if fn is not None:
        arg = value[fn]
        if fn == "Ref":
            return f"!Ref {arg}" if isinstance(arg, str) else f"!Ref {_render(arg, depth + 1)}"
        if fn == "Fn::GetAtt" and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            return "!GetAtt " + ".".join(str(a) for a in arg)
        return f"!{fn[4:]} {_render(arg, depth + 1)}"
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {_render(v, depth + 1)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, depth + 1) for v in value) + "]"
    if isinstance(value, str):
        if value == "" or re.search(r"[\s,\[\]{}:#\"']", value):
            return json.dumps(str(value))
        return str(value)
    if isinstance(value, Unknown):
        return value.expr
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_text(value: Any) -> str | None:
    """A scalar as the string CloudFormation would use; None for containers and unknowns."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float):
        return str(value)
    return None


def merge_branches(a: Any, b: Any, expr: str) -> Any:
    """The value of ``c ? a : b`` when ``c`` is unknown: what both agree on, Unknown elsewhere."""
    if a is NOVALUE and b is NOVALUE:
        return NOVALUE
    if a is not NOVALUE and b is not NOVALUE and a == b and type(a) is type(b):
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        out: dict[Any, Any] = {}
        for key in itertools.chain(a, (k for k in b if k not in a)):
            if key in a and key in b:
                out[key] = merge_branches(a[key], b[key], expr)
            else:
                out[key] = unknown_from(expr, a.get(key), b.get(key))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [merge_branches(x, y, expr) for x, y in zip(a, b, strict=True)]
    return unknown_from(expr, a, b)


class Evaluator:
    """Evaluates expressions of one template in its :class:`Environment`."""

    def __init__(self, env: Environment, conditions: Conditions, max_steps: int = 200_000) -> None:
        self.env = env
        self.conditions = conditions
        self.max_steps = max_steps
        self._steps = 0

    # ---- public -------------------------------------------------------------

    def value(self, expr: Any, sink: Sink) -> Any:
        """The value of ``expr`` (NOVALUE when it evaluates to ``AWS::NoValue``)."""
        outer = self._steps == 0
        try:
            return self._ev(expr, sink, 0)
        except EvaluationLimit:
            if not outer:
                raise
            return Unknown(f"{render(expr)} (evaluation limit reached)")
        finally:
            if outer:
                self._steps = 0

    def value_with_origin(self, expr: Any, sink: Sink) -> tuple[Any, Origin | None]:
        """The value and, when it is exactly a parameter's value, where that was written."""
        fn = intrinsic_name(expr)
        if fn is not None:
            arg = expr[fn]
            param = self._origin_param(fn, arg)
            if param is not None:
                return self.value(expr, sink), param.origin
            if fn == "Fn::If":
                parts = self.if_parts(arg)
                if parts is not None and parts[0] is not None:
                    branch = parts[1] if parts[0] else parts[2]
                    return self.value_with_origin(branch, sink)
        return self.value(expr, sink), None

    def condition(self, name: str) -> bool | None:
        return self.conditions.get(name, self)

    def if_parts(self, arg: Any) -> tuple[bool | None, Any, Any, str] | None:
        """``Fn::If [cond, a, b]`` as (condition value, a, b, condition name)."""
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return None
        name = str(arg[0])
        return self.condition(name), arg[1], arg[2], name

    # ---- dispatch -----------------------------------------------------------

    def _ev(self, x: Any, sink: Sink, depth: int) -> Any:
        self._steps += 1
        if self._steps > self.max_steps:
            raise EvaluationLimit
        if depth > 100:
            return Unknown("expression nested too deeply")
        if isinstance(x, dict):
            fn = intrinsic_name(x)
            if fn is not None:
                result = self._call(fn, x[fn], x, sink, depth + 1)
                return dynamic_reference(result) if isinstance(result, str) else result
            out: dict[Any, Any] = {}
            for k, v in x.items():
                value = self._ev(v, sink, depth + 1)
                if value is not NOVALUE:
                    out[str(k) if isinstance(k, str) else k] = value
            return out
        if isinstance(x, list):
            items = (self._ev(v, sink, depth + 1) for v in x)
            return [v for v in items if v is not NOVALUE]
        if isinstance(x, str):
            return dynamic_reference(str(x))
        return x

    def _call(self, fn: str, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
        handler = _HANDLERS.get(fn)
        if handler is None:
            # Fn::Transform (macros), a Fn::ForEach left unexpanded, unknown functions
            scratch: Sink = []
            return unknown_from(render(whole), self._ev(arg, scratch, depth))
        return handler(self, arg, whole, sink, depth)

    def _origin_param(self, fn: str, arg: Any) -> ParamInfo | None:
        """The parameter whose value ``fn(arg)`` is, unchanged, if any."""
        if fn == "Ref" and isinstance(arg, str):
            return self.env.parameter(str(arg))
        if fn == "Fn::Sub" and isinstance(arg, str):
            m = _SUB_VAR.fullmatch(str(arg))
            if m and not m.group(1).startswith("!"):
                return self.env.parameter(m.group(1).strip())
        if fn == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            inner = arg[1]
            if intrinsic_name(inner) == "Ref" and isinstance(inner["Ref"], str):
                return self.env.parameter(str(inner["Ref"]))
        return None

    # ---- functions ----------------------------------------------------------

    def ref(self, name: str, sink: Sink) -> Any:
        if name in _STACK_PSEUDO_PARAMETERS:
            # each nested stack has its own name and ID
            stack = getattr(self.env, "prefix", "")
            return Unknown(name, template=leaf_template(f"{stack}{name}"))
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        param = self.env.parameter(name)
        if param is not None:
            sink.append((param.address, None))
            sink.extend(param.targets)
            return param.value
        res = self.env.resource(name)
        if res is not None:
            if not res.exists:
                return Unknown(f"!Ref {name}")
            sink.append((res.address, None))
            return Unknown(
                f"!Ref {name}",
                (res.address,),
                res.type in SECRET_TYPES,
                leaf_template(f"{res.address}.Ref"),
            )
        return Unknown(f"!Ref {name}")

    def get_att(self, name: str, attr: str, sink: Sink) -> Any:
        res = self.env.resource(name)
        expr = f"!GetAtt {name}.{attr}"
        if res is None or not res.exists:
            return Unknown(expr)
        if res.type in STACK_TYPES and attr.startswith("Outputs."):
            out = self.env.stack_output(name, attr[len("Outputs.") :])
            if out is not None:
                sink.append((res.address, attr))
                sink.extend(out.targets)
                return out.value
        sink.append((res.address, attr))
        return Unknown(
            expr, (res.address,), res.type in SECRET_TYPES, leaf_template(f"{res.address}.{attr}")
        )


Handler = Callable[[Evaluator, Any, Any, Sink, int], Any]


def _fn_ref(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if isinstance(arg, str):
        return ev.ref(str(arg), sink)
    return unknown_from(render(whole), ev._ev(arg, sink, depth))


def _fn_get_att(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if isinstance(arg, str):
        name, _, attr = str(arg).partition(".")
        return ev.get_att(name, attr, sink)
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        name = str(arg[0])
        attr = arg[1]
        if not isinstance(attr, str):
            attr = ev._ev(attr, sink, depth)
        if isinstance(attr, str):
            return ev.get_att(name, str(attr), sink)
        res = ev.env.resource(name)
        if res is not None and res.exists:
            sink.append((res.address, None))
            return unknown_from(render(whole), attr, Unknown("", (res.address,)))
        return unknown_from(render(whole), attr)
    return Unknown(render(whole))


def _fn_sub(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    variables: Mapping[Any, Any] = {}
    if isinstance(arg, list) and 1 <= len(arg) <= 2:
        template = arg[0]
        if len(arg) == 2:
            if not isinstance(arg[1], dict) or intrinsic_name(arg[1]) is not None:
                return unknown_from(render(whole), ev._ev(arg[1], sink, depth))
            variables = arg[1]
    else:
        template = arg
    if not isinstance(template, str):
        template = ev._ev(template, sink, depth)
        if not isinstance(template, str):
            return unknown_from(render(whole), template)
    cache: dict[str, Any] = {}
    pieces: list[Any] = []
    pos = 0
    text = str(template)
    for m in _SUB_VAR.finditer(text):
        pieces.append(text[pos : m.start()])
        pos = m.end()
        name = m.group(1)
        if name.startswith("!"):
            pieces.append("${" + name[1:] + "}")
            continue
        name = name.strip()
        if name not in cache:
            if name in variables:
                cache[name] = ev._ev(variables[name], sink, depth)
            elif "." in name and name not in PSEUDO_PARAMETERS:
                res_name, _, attr = name.partition(".")
                cache[name] = ev.get_att(res_name, attr, sink)
            else:
                cache[name] = ev.ref(name, sink)
        value = cache[name]
        piece = to_text(value)
        pieces.append(value if piece is None else piece)
    pieces.append(text[pos:])
    if all(isinstance(p, str) for p in pieces):
        return "".join(pieces)
    literal = "".join(p for p in pieces if isinstance(p, str))
    secret = any(m.group(1) in _SECRET_SERVICES for m in _DYNAMIC_REF.finditer(literal))
    return _partly_known_text(render(whole), pieces, secret)


def _partly_known_text(expr: str, pieces: list[Any], secret: bool) -> Any:
    """Text built from known strings and unknown values (``Fn::Sub``, ``Fn::Join``): a
    JSON or YAML document keeps its known structure (a state machine definition with a
    function's ARN in it); a name keeps its template (``${AWS::AccountId}-trail``)."""
    holes: list[Any] = []
    texts: list[str] = []
    for p in pieces:
        if isinstance(p, str):
            texts.append(p)
        elif isinstance(p, Unknown):
            texts.append(hole_marker(len(holes)))
            holes.append(p)
        else:
            holes = []
            break
    whole = unknown_from(expr, [p for p in pieces if p is not NOVALUE], secret=secret)
    if holes and not secret:
        doc = document_with_holes("".join(texts), holes, expr)
        if doc is not None:
            return PartialValue(doc.expr, whole.refs, whole.secret, doc.value, doc.encoding)
    whole.template = string_template(pieces)
    return whole


def _fn_join(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return Unknown(render(whole))
    delim = ev._ev(arg[0], sink, depth)
    items = ev._ev(arg[1], sink, depth)
    if not isinstance(delim, str) or not isinstance(items, list):
        return unknown_from(render(whole), delim, items)
    texts = [to_text(i) for i in items]
    if all(t is not None for t in texts):
        return str(delim).join(t for t in texts if t is not None)
    pieces: list[Any] = []
    for i, (item, text) in enumerate(zip(items, texts, strict=True)):
        if i:
            pieces.append(str(delim))
        pieces.append(item if text is None else text)
    return _partly_known_text(render(whole), pieces, False)


def _fn_select(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return Unknown(render(whole))
    index_value = ev._ev(arg[0], sink, depth)
    items = ev._ev(arg[1], sink, depth)
    index = None if isinstance(index_value, Unknown) else to_int(index_value)
    if isinstance(items, Unknown):
        suffix = f"[{index}]" if index is not None else "[?]"
        return Unknown(items.expr + suffix, items.refs, items.secret)
    if index is None or not isinstance(items, list):
        return unknown_from(render(whole), index_value, items)
    if 0 <= index < len(items):
        return items[index]
    return unknown_from(f"{render(whole)} (index out of range)", items)


def _fn_split(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return Unknown(render(whole))
    delim = ev._ev(arg[0], sink, depth)
    source = ev._ev(arg[1], sink, depth)
    if isinstance(delim, str) and delim and isinstance(source, str):
        return str(source).split(str(delim))
    if isinstance(source, Unknown):
        return Unknown(f"!Split [{render(delim)}, {source.expr}]", source.refs, source.secret)
    return unknown_from(render(whole), delim, source)


def _fn_find_in_map(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return Unknown(render(whole))
    has_default = False
    default: Any = None
    if len(arg) == 4:
        opts = arg[3]
        if isinstance(opts, dict) and "DefaultValue" in opts:
            has_default = True
            default = ev._ev(opts["DefaultValue"], sink, depth)
    keys = [ev._ev(a, sink, depth) for a in arg[:3]]
    map_name = to_text(keys[0])
    mapping = ev.env.mappings.get(map_name) if map_name is not None else None
    if map_name is None or not isinstance(mapping, dict):
        if has_default and map_name is not None:
            return default
        return unknown_from(render(whole), keys)
    candidates: list[Any] = []
    missing = False
    for top in _candidates(mapping, keys[1]):
        level = mapping.get(top)
        if not isinstance(level, dict):
            missing = True
            continue
        for second in _candidates(level, keys[2]):
            if second in level:
                candidates.append(level[second])
            else:
                missing = True
    if missing or not candidates:
        if has_default:
            candidates.append(default)
        elif not candidates:
            return unknown_from(f"{render(whole)} (no such key)", keys)
    first = candidates[0]
    if all(c == first for c in candidates[1:]):
        return ev._ev(first, sink, depth)
    return unknown_from(render(whole), keys)


def _candidates(level: Mapping[Any, Any], key: Any) -> list[Any]:
    """The keys of ``level`` that ``key`` may be: itself, or all of them when it is unknown."""
    if isinstance(key, Unknown):
        return list(level)
    text = to_text(key)
    if text is None:
        return []
    for k in level:
        if to_text(k) == text:
            return [k]
    return [text]


def _fn_if(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    parts = ev.if_parts(arg)
    if parts is None:
        return Unknown(render(whole))
    cond, when_true, when_false, _name = parts
    if cond is True:
        return ev._ev(when_true, sink, depth)
    if cond is False:
        return ev._ev(when_false, sink, depth)
    a = ev._ev(when_true, sink, depth)
    b = ev._ev(when_false, sink, depth)
    return merge_branches(a, b, render(whole))


def _fn_condition_function(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    value = ev.conditions.evaluate(whole, ev)
    return Unknown(render(whole)) if value is None else value


def _fn_base64(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    value = ev._ev(arg, sink, depth)
    if isinstance(value, str):
        return base64.b64encode(str(value).encode("utf-8")).decode("ascii")
    if isinstance(value, Unknown):
        return Unknown(f"!Base64 {value.expr}", value.refs, value.secret)
    return unknown_from(render(whole), value)


def _fn_get_azs(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    region = ev._ev(arg, sink, depth)
    if region == "" or region is NOVALUE or region == PSEUDO_PARAMETERS["AWS::Region"]:
        return Unknown("Fn::GetAZs")
    if isinstance(region, str):
        return Unknown(f"Fn::GetAZs({region})")
    return unknown_from(f"Fn::GetAZs({render(region)})", region)


def _fn_cidr(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    if not isinstance(arg, list) or len(arg) != 3:
        return Unknown(render(whole))
    block, count_v, bits_v = (ev._ev(a, sink, depth) for a in arg)
    count, bits = to_int(count_v), to_int(bits_v)
    if isinstance(block, str) and count is not None and bits is not None:
        try:
            subnets = _subnets(str(block), count, bits)
        except ValueError:
            return Unknown(f"{render(whole)} (invalid CIDR)")
        if subnets is not None:
            return list(subnets)
        return Unknown(f"{render(whole)} (invalid Fn::Cidr arguments)")
    expr = f"Fn::Cidr({render(block)}, {render(count_v)}, {render(bits_v)})"
    return unknown_from(expr, block, count_v, bits_v)


@functools.lru_cache(maxsize=1024)
def _subnets(block: str, count: int, bits: int) -> tuple[str, ...] | None:
    """The ``count`` first subnets of ``block`` with ``bits`` host bits (None: arguments
    Fn::Cidr refuses; ValueError: not a CIDR block); remembered, as a template carves
    the same block for each of its subnets."""
    net = ipaddress.ip_network(block, strict=False)
    new_prefix = net.max_prefixlen - bits
    if 0 < count <= 256 and net.prefixlen <= new_prefix <= net.max_prefixlen:
        subnets = tuple(str(s) for s in itertools.islice(net.subnets(new_prefix=new_prefix), count))
        if len(subnets) == count:
            return subnets
    return None


def _fn_length(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    value = ev._ev(arg, sink, depth)
    if isinstance(value, list):
        return len(value)
    return unknown_from(render(whole), value)


def _fn_to_json_string(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    value = ev._ev(arg, sink, depth)
    if isinstance(value, dict | list) and contains_unknown(value):
        whole_value = unknown_from(render(whole), value)
        return PartialValue(whole_value.expr, whole_value.refs, whole_value.secret, value, "json")
    if contains_unknown(value) or value is NOVALUE:
        return unknown_from(render(whole), value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _fn_import_value(ev: Evaluator, arg: Any, whole: Any, sink: Sink, depth: int) -> Any:
    name = ev._ev(arg, sink, depth)
    if isinstance(name, str):
        # one export has one value in the account and region
        return Unknown(
            f"!ImportValue {render(name)}", template=leaf_template(f"Fn::ImportValue {name}")
        )
    return unknown_from(render(whole), name)


_HANDLERS: dict[str, Handler] = {
    "Ref": _fn_ref,
    "Fn::GetAtt": _fn_get_att,
    "Fn::Sub": _fn_sub,
    "Fn::Join": _fn_join,
    "Fn::Select": _fn_select,
    "Fn::Split": _fn_split,
    "Fn::FindInMap": _fn_find_in_map,
    "Fn::If": _fn_if,
    "Fn::Equals": _fn_condition_function,
    "Fn::And": _fn_condition_function,
    "Fn::Or": _fn_condition_function,
    "Fn::Not": _fn_condition_function,
    "Fn::Base64": _fn_base64,
    "Fn::GetAZs": _fn_get_azs,
    "Fn::Cidr": _fn_cidr,
    "Fn::Length": _fn_length,
    "Fn::ToJsonString": _fn_to_json_string,
    "Fn::ImportValue": _fn_import_value,
}

"""Variable type constraints: parsing ``type = ...`` and converting values to them.

Conversion matters where the value would otherwise be misread: a ``number``
given as ``"5"`` on the command line, a ``bool`` from ``TF_VAR_x=true``, and
``optional(type, default)`` attributes of objects, whose defaults are filled
in when the caller leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

from ..model import Unknown
from ..record import record
from .syntax import Call, Expr, Lit, ObjectExpr, Ref, TupleExpr
from .values import EvalError, Lazy, make_set, to_bool, to_num, to_str


@record(frozen=True)
class TypeSpec:
    """``kind`` is string, number, bool, any, list, set, map, object or tuple."""

    kind: str
    elem: TypeSpec | None = None
    #: object attributes: name -> (type, optional, default expression)
    attrs: dict[str, tuple[TypeSpec, bool, Expr | None]] = field(default_factory=dict)
    items: tuple[TypeSpec, ...] = ()

    @property
    def primitive(self) -> bool:
        return self.kind in ("string", "number", "bool")


ANY = TypeSpec("any")


def parse_type(expr: Expr | None) -> TypeSpec:
    """A type constraint expression as a :class:`TypeSpec` (``any`` when unreadable)."""
    if expr is None:
        return ANY
    if isinstance(expr, Ref) and expr.name in ("string", "number", "bool", "any"):
        return TypeSpec(expr.name)
    if isinstance(expr, Lit) and expr.value in ("string", "number", "bool", "any"):
        return TypeSpec(str(expr.value))
    if isinstance(expr, Call):
        name = expr.name
        if name in ("list", "set", "map") and len(expr.args) == 1:
            return TypeSpec(name, parse_type(expr.args[0]))
        if name == "object" and len(expr.args) == 1 and isinstance(expr.args[0], ObjectExpr):
            attrs: dict[str, tuple[TypeSpec, bool, Expr | None]] = {}
            for k, v in expr.args[0].items:
                if not (isinstance(k, Lit) and isinstance(k.value, str)):
                    continue
                if isinstance(v, Call) and v.name == "optional" and v.args:
                    default = v.args[1] if len(v.args) > 1 else None
                    attrs[k.value] = (parse_type(v.args[0]), True, default)
                else:
                    attrs[k.value] = (parse_type(v), False, None)
            return TypeSpec("object", attrs=attrs)
        if name == "tuple" and len(expr.args) == 1 and isinstance(expr.args[0], TupleExpr):
            return TypeSpec("tuple", items=tuple(parse_type(i) for i in expr.args[0].items))
    return ANY


def convert(value: Any, spec: TypeSpec, eval_default: Callable[[Expr], Any], depth: int = 0) -> Any:
    """``value`` converted to ``spec`` as Terraform would; EvalError when impossible."""
    if value is None or isinstance(value, Unknown | Lazy) or spec.kind == "any" or depth > 32:
        return value
    d = depth + 1
    kind = spec.kind
    if kind == "string":
        if isinstance(value, list | dict):
            raise EvalError("a string is required")
        return to_str(value)
    if kind == "number":
        return to_num(value)
    if kind == "bool":
        return to_bool(value)
    if kind in ("list", "set"):
        if not isinstance(value, list):
            raise EvalError(f"a {kind} is required")
        elem = spec.elem or ANY
        out = [convert(v, elem, eval_default, d) for v in value]
        if kind == "set" and not any(isinstance(v, Unknown | Lazy) for v in out):
            return make_set(out)
        return out
    if kind == "map":
        if not isinstance(value, dict):
            raise EvalError("a map is required")
        elem = spec.elem or ANY
        return {k: convert(v, elem, eval_default, d) for k, v in value.items()}
    if kind == "object":
        if not isinstance(value, dict):
            raise EvalError("an object is required")
        result: dict[str, Any] = {}
        for name, (aspec, optional, default) in spec.attrs.items():
            if name in value and value[name] is not None:
                result[name] = convert(value[name], aspec, eval_default, d)
            elif optional or name in value:
                dv = eval_default(default) if default is not None else None
                result[name] = convert(dv, aspec, eval_default, d)
            else:
                raise EvalError(f'attribute "{name}" is required')
        return result
    if kind == "tuple":
        if not isinstance(value, list) or len(value) != len(spec.items):
            raise EvalError("a tuple of the right length is required")
        return [convert(v, s, eval_default, d) for v, s in zip(value, spec.items, strict=True)]
    return value

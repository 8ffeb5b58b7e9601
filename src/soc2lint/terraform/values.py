"""Runtime values of the Terraform evaluator.

Values are plain Python (``str``, ``int``, ``float``, ``bool``, ``None``,
``list``, ``dict``) plus :class:`~soc2lint.model.Unknown` and :class:`Lazy`
objects: resource and module instances and namespaces (``var``, ``local``)
that are resolved only when an attribute of theirs is asked for.  Terraform
sets are lists here (strings sorted, duplicates removed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..documents import document_with_holes, hole_marker, json_with_holes, template_pieces
from ..model import Unknown

if TYPE_CHECKING:
    from .expressions import Evaluator

__all__ = [
    "EvalError",
    "Lazy",
    "StepLimit",
    "document_with_holes",
    "hole_marker",
    "json_with_holes",
    "template_pieces",
]


class EvalError(Exception):
    """Terraform would reject this expression; the value becomes Unknown."""


class StepLimit(Exception):
    """An expression took more evaluation steps than ``limits.max_eval_steps``."""


class Lazy:
    """A value resolved on demand: a resource or module instance, a namespace."""

    __slots__ = ()

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        raise EvalError(f'this object has no attribute "{name}"')

    def get_index(self, ev: Evaluator, key: Any) -> Any:
        raise EvalError("this object cannot be indexed")

    def splat_items(self, ev: Evaluator) -> list[Any] | Unknown:
        """The elements a splat (``x[*]``) iterates: a single object is one element."""
        return [self]

    def note(self, ev: Evaluator) -> None:
        """Record a reference to the object as a whole (no attribute)."""

    def as_unknown(self) -> Unknown:
        """What the object is when a plain value is needed."""
        return Unknown("object")


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def int_literal(text: str) -> int | float:
    """An integer literal's value.  Python refuses to parse integers of more than
    4300 digits (a ValueError); such a literal becomes a float (infinity)."""
    try:
        return int(text)
    except ValueError:
        return float(text)


#: integers wider than this become floats (infinite past 1.8e308): Terraform's numbers
#: have 512-bit precision, and squaring an integer through locals doubles its size each time
MAX_INT_BITS = 1024


def norm_number(v: float | int) -> int | float:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
        return int(v)
    if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
        return math.inf if v > 0 else -math.inf
    return v


def type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if is_number(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, Unknown):
        return "unknown"
    return "object"


def collect_unknowns(values: Iterable[Any], out: list[Unknown], depth: int = 0) -> None:
    for v in values:
        if isinstance(v, Unknown):
            out.append(v)
        elif depth < 32:
            if isinstance(v, list):
                collect_unknowns(v, out, depth + 1)
            elif isinstance(v, dict):
                collect_unknowns(v.values(), out, depth + 1)
            elif isinstance(v, Lazy):
                out.append(v.as_unknown())


def has_unknown(v: Any, depth: int = 0) -> bool:
    """True when ``v`` is or holds an Unknown (or a lazy object) anywhere."""
    if isinstance(v, Unknown | Lazy):
        return True
    if depth > 32:
        return False
    if isinstance(v, list):
        return any(has_unknown(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return any(has_unknown(x, depth + 1) for x in v.values())
    return False


def unknown_from(expr: str, *values: Any, extra_refs: Iterable[str] = ()) -> Unknown:
    """An Unknown for ``expr`` that keeps the refs (and secrecy) of the unknowns in ``values``."""
    found: list[Unknown] = []
    collect_unknowns(values, found)
    refs: set[str] = set(extra_refs)
    secret = False
    cause = ""
    for u in found:
        refs.update(u.refs)
        secret = secret or u.secret
        cause = cause or u.cause
    return Unknown(expr, tuple(sorted(refs)), secret, cause=cause)


def finalize(v: Any, depth: int = 0) -> Any:
    """Replace lazy objects by Unknowns, recursively: what a node attribute may hold."""
    if isinstance(v, Lazy):
        return v.as_unknown()
    if depth > 64:
        return v
    if isinstance(v, list):
        if any(isinstance(x, Lazy | list | dict) for x in v):
            return [finalize(x, depth + 1) for x in v]
        return v
    if isinstance(v, dict):
        if any(isinstance(x, Lazy | list | dict) for x in v.values()):
            return {k: finalize(x, depth + 1) for k, x in v.items()}
        return v
    return v


def format_number(v: int | float) -> str:
    if isinstance(v, int):
        return str(v)
    if math.isinf(v) or math.isnan(v):
        raise EvalError("number is not finite")
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    text = repr(v)
    return text


def to_str(v: Any) -> str:
    """A primitive as Terraform converts it to string; EvalError for anything else."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return format_number(v)
    if v is None:
        raise EvalError("cannot use null in a string")
    raise EvalError(f"cannot convert {type_name(v)} to string")


def to_num(v: Any) -> int | float:
    if isinstance(v, bool):
        raise EvalError("a bool is not a number")
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        s = v.strip()
        try:
            return int(s)
        except ValueError:
            pass
        try:
            f = float(s)
        except ValueError:
            raise EvalError(f'"{v}" is not a number') from None
        if math.isinf(f) or math.isnan(f):
            raise EvalError(f'"{v}" is not a number')
        return norm_number(f)
    raise EvalError(f"a {type_name(v)} is not a number")


def to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v == "true":
        return True
    if v == "false":
        return False
    raise EvalError(f"a {type_name(v)} is not a bool")


def to_int(v: Any) -> int:
    n = to_num(v)
    if isinstance(n, float):
        if not n.is_integer():
            raise EvalError(f"{n} is not a whole number")
        return int(n)
    return n


def key_str(v: Any) -> str:
    """A map key: strings, and numbers/bools converted as Terraform does."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or is_number(v):
        return to_str(v)
    raise EvalError(f"a {type_name(v)} cannot be a map key")


def equal(a: Any, b: Any) -> bool:
    """Terraform equality of two known values (types must match; numbers by value)."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        if isinstance(a, int | float) and isinstance(b, int | float):
            return False  # bool vs number
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return bool(a == b)


def value_key(v: Any) -> Any:
    """A hashable key for a known value: ``value_key(a) == value_key(b)`` exactly when
    ``equal(a, b)``.  Lets set functions run in linear time (comparing every pair is
    quadratic: ``distinct(range(100000))`` would take minutes).  Raises TypeError for
    values without one (unknowns); callers then compare pairwise."""
    if v is None:
        return ("null",)
    if isinstance(v, bool):
        return ("bool", v)
    if is_number(v):
        return ("number", v)  # 1 == 1.0 and hash(1) == hash(1.0)
    if isinstance(v, str):
        return ("string", v)
    if isinstance(v, list):
        return ("list", tuple(value_key(x) for x in v))
    if isinstance(v, dict):
        return ("map", tuple(sorted((k, value_key(x)) for k, x in v.items())))
    raise TypeError(f"no key for {type(v).__name__}")


def unique_values(items: Iterable[Any], exact_type: bool = False) -> list[Any]:
    """``items`` without duplicates (by :func:`equal`), first occurrence kept, in order.
    ``exact_type`` also keeps values of different Python types apart (1 and 1.0)."""
    out: list[Any] = []
    seen: set[Any] = set()
    pairwise: list[Any] = []
    for it in items:
        try:
            key = value_key(it)
        except TypeError:
            if not any(type(it) is type(o) and equal(it, o) for o in pairwise):
                pairwise.append(it)
                out.append(it)
            continue
        if exact_type:
            key = (type(it).__name__, key)
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def make_set(items: list[Any]) -> list[Any]:
    """A Terraform set as a list: duplicates removed; strings in lexical order."""
    if all(isinstance(x, str) for x in items):
        return sorted(set(items))
    return unique_values(items, exact_type=True)

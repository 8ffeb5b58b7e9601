"""CloudFormation conditions, evaluated three-valued (True, False, None = unknown).

A condition is unknown when any value it compares is unknown (a parameter
without a default, ``AWS::Region``, a resource attribute).  ``Fn::And`` is
False as soon as one operand is False and ``Fn::Or`` True as soon as one is
True, whatever the others are.  A condition that refers to itself (directly
or through others), or that is not defined, is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..model import contains_unknown


class ValueEvaluator(Protocol):
    def value(self, expr: Any, sink: list[tuple[str, str | None]]) -> Any: ...


class Conditions:
    """The ``Conditions`` section of one template, evaluated on demand and memoised."""

    def __init__(self, written: Any) -> None:
        self.written: Mapping[Any, Any] = written if isinstance(written, Mapping) else {}
        self._memo: dict[str, bool | None] = {}
        self._active: set[str] = set()

    def names(self) -> list[str]:
        return [str(k) for k in self.written]

    def get(self, name: str, ev: ValueEvaluator) -> bool | None:
        """The value of the condition ``name``; None when unknown, undefined or cyclic."""
        if name in self._memo:
            return self._memo[name]
        if name not in self.written or name in self._active:
            return None
        self._active.add(name)
        try:
            value = self.evaluate(self.written[name], ev)
        finally:
            self._active.discard(name)
        self._memo[name] = value
        return value

    def evaluate(self, expr: Any, ev: ValueEvaluator, depth: int = 0) -> bool | None:
        """A condition expression (``Fn::Equals``, ``Fn::And``...) as True/False/None."""
        if depth > 64:
            return None
        if isinstance(expr, bool):
            return expr
        if not isinstance(expr, Mapping) or len(expr) != 1:
            return None
        ((key, arg),) = expr.items()
        fn = str(key)
        if fn == "Condition":
            return self.get(str(arg), ev) if isinstance(arg, str) else None
        if fn == "Fn::Equals":
            if not isinstance(arg, list) or len(arg) != 2:
                return None
            scratch: list[tuple[str, str | None]] = []
            left = ev.value(arg[0], scratch)
            right = ev.value(arg[1], scratch)
            if contains_unknown(left) or contains_unknown(right):
                return None
            return bool(normalize(left) == normalize(right))
        if fn == "Fn::Not":
            operand = arg[0] if isinstance(arg, list) and len(arg) == 1 else arg
            inner = self.evaluate(operand, ev, depth + 1)
            return None if inner is None else not inner
        if fn in ("Fn::And", "Fn::Or"):
            if not isinstance(arg, list) or not arg:
                return None
            decisive = fn == "Fn::Or"  # the operand value that decides the result
            undecided = False
            for operand in arg:
                value = self.evaluate(operand, ev, depth + 1)
                if value is decisive:
                    return decisive
                if value is None:
                    undecided = True
            return None if undecided else not decisive
        return None


def normalize(value: Any) -> Any:
    """Values as CloudFormation compares them: everything is a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): normalize(v) for k, v in value.items()}
    return value


def and3(*values: bool | None) -> bool | None:
    """Three-valued conjunction."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True

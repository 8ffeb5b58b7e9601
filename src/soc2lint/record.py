"""``record``: soc2lint's dataclass, with ``__repr__``, ``__eq__`` and ``__hash__`` made
without compiling them.

Python 3.11's ``dataclass`` writes each generated method as source text and compiles
it with its own ``exec``; with ~130 classes imported, that was a fifth of a small
scan's CPU.  ``record`` lets ``dataclass`` make ``__init__`` (and a frozen class's
``__setattr__``/``__delattr__``) as usual and builds the other three from the class's
``fields()`` and ``operator.attrgetter``: same fields, same rules for which of them
compare, hash and show, same results as ``dataclass``'s own (``tests/test_record.py``
compares the two).  A ``record`` is a dataclass: ``fields``, ``replace``, ``asdict``
and pickling work on it; only ``__dataclass_params__`` tells the difference.
"""

from __future__ import annotations

import abc
import dataclasses
import reprlib
import sys
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # what it tells type checkers, Python 3.10's typing cannot say at run time

    def dataclass_transform(**_: Any) -> Any:
        return lambda decorated: decorated


_T = TypeVar("_T")


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` of an object as a tuple, whatever their number (what the
    generated methods compare and hash: ``(a,) == (b,)`` is not ``a == b`` for NaN)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _eq(names: tuple[str, ...]) -> Callable[[Any, object], Any]:
    """The ``__eq__`` dataclass makes for the compared fields ``names``: up to Python
    3.12 the fields compare as tuples (an identical NaN field is equal); from 3.13
    the instance is equal to itself, then the fields compare one by one, ``and``-ed
    (whatever a field's ``==`` returns)."""
    if sys.version_info < (3, 13):
        compared = _getter(names)

        def by_tuples(self: Any, other: object) -> Any:
            if other.__class__ is self.__class__:
                return compared(self) == compared(other)
            return NotImplemented

        return by_tuples

    def one_by_one(self: Any, other: object) -> Any:
        if self is other:
            return True
        if other.__class__ is self.__class__:
            result: Any = True
            for name in names:
                result = getattr(self, name) == getattr(other, name)
                if not result:
                    break
            return result
        return NotImplemented

    return one_by_one


def _add_methods(cls: type, *, eq: bool, frozen: bool) -> None:
    """``cls``'s ``__repr__``, ``__eq__`` and ``__hash__`` as ``dataclass(cls, eq=eq,
    frozen=frozen)`` would make them; ``cls`` went through ``dataclass`` with
    ``repr=False, eq=False``, which left its own methods and hash as written."""
    flds = dataclasses.fields(cls)
    body = cls.__dict__
    if "__repr__" not in body:
        shown = tuple(f.name for f in flds if f.repr)

        @reprlib.recursive_repr()
        def __repr__(self: Any) -> str:
            inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            return f"{self.__class__.__qualname__}({inner})"

        __repr__.__qualname__ = f"{cls.__qualname__}.__repr__"
        cls.__repr__ = __repr__  # type: ignore[method-assign,assignment]
    if not eq:
        return
    # dataclass's rule: a __hash__ written in the class is kept; a __hash__ of None that
    # Python set because the class writes __eq__ is not one
    written_hash = body.get("__hash__", dataclasses.MISSING)
    explicit_hash = not (
        written_hash is dataclasses.MISSING or (written_hash is None and "__eq__" in body)
    )
    if "__eq__" not in body:
        __eq__ = _eq(tuple(f.name for f in flds if f.compare))
        __eq__.__name__ = "__eq__"
        __eq__.__qualname__ = f"{cls.__qualname__}.__eq__"
        cls.__eq__ = __eq__  # type: ignore[method-assign,assignment]
    if explicit_hash:
        return
    if not frozen:
        cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared by value
        return
    hashed = _getter(tuple(f.name for f in flds if (f.compare if f.hash is None else f.hash)))

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
    cls.__hash__ = __hash__  # type: ignore[method-assign,assignment]


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(
    *, eq: bool = True, frozen: bool = False, kw_only: bool = False, slots: bool = False
) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(
    cls: type[Any] | None = None,
    /,
    *,
    eq: bool = True,
    frozen: bool = False,
    kw_only: bool = False,
    slots: bool = False,
) -> Any:
    """``@dataclass`` with the same arguments, for the classes of this package."""

    def make(c: type[Any]) -> type[Any]:
        made = dataclasses.dataclass(
            c, repr=False, eq=False, frozen=frozen, kw_only=kw_only, slots=slots
        )
        _add_methods(made, eq=eq, frozen=frozen)
        abc.update_abstractmethods(made)  # as dataclass does: an ABC's methods may be ours now
        return made

    return make if cls is None else make(cls)

"""``record``: soc2lint's dataclass, with ``__repr__``, ``__eq__`` and ``__hash__`` made
without compiling them.

Python's ``dataclass`` writes each generated method as source text and compiles it
with its own ``exec``; with ~130 classes imported, that was a fifth of a small scan's
CPU.  ``record`` builds ``__repr__``, ``__eq__`` and ``__hash__`` from the class's
``fields()`` and ``operator.attrgetter``, a frozen class's ``__setattr__`` and
``__delattr__`` as closures, and ``__init__`` from one compiled code object per *shape*
(which fields have defaults, factories, ``kw_only``, ``init=False``; frozen or not;
``__post_init__`` or not) with its names replaced by the class's (:func:`_init`): the
same bytecode ``dataclass`` compiles, without compiling it again for each class (the
``exec`` of ~330 methods was ~45 ms of every scan's start).  Same fields, same rules,
same results as ``dataclass``'s own (``tests/test_record.py`` compares the two).  A
``record`` is a dataclass: ``fields``, ``replace``, ``asdict`` and pickling work on it;
only ``__dataclass_params__`` tells the difference (``init``, ``repr``, ``eq`` and
``frozen`` read False there).
"""

from __future__ import annotations

import abc
import dataclasses
import inspect
import operator
import reprlib
import sys
import types
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


#: the class attribute telling that a record is frozen (``dataclass`` made it unfrozen)
_FROZEN = "__record_frozen__"


def _params_frozen(cls: type) -> bool:
    params = cls.__dict__.get("__dataclass_params__")
    return bool(params is not None and params.frozen)


def _check_frozen_bases(cls: type, frozen: bool) -> None:
    """dataclass's rule: a frozen dataclass has only frozen dataclass bases, and the other
    way round (its own check sees every record as unfrozen)."""
    bases = [b for b in cls.__mro__[1:] if "__dataclass_fields__" in b.__dict__]
    if not bases:
        return
    any_frozen = any(b.__dict__.get(_FROZEN) or _params_frozen(b) for b in bases)
    if any_frozen and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    if frozen and not any_frozen:
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")


class _Marker:
    """A placeholder default (or default factory) of a shape's template class: where it
    is in the template's ``__init__`` (its defaults, its closure), the class's own value
    goes."""

    def __call__(self) -> None:  # a default factory's place
        raise AssertionError("a record's template default was called")


#: what each kind of field is in a shape (see _init)
_POSITIONAL, _KEYWORD, _SET = "p", "k", "x"


class _Template:
    """The ``__init__`` ``dataclass`` made for a class of one shape, fields named
    ``_rec_aN``, and the markers standing for its defaults and factories (field index
    -> marker).  (Not a dataclass itself: that would compile three methods more.)"""

    __slots__ = ("init", "markers")

    def __init__(self, init: types.FunctionType, markers: dict[int, _Marker]) -> None:
        self.init = init
        self.markers = markers


#: the template of each shape
_TEMPLATES: dict[tuple[Any, ...], _Template] = {}


def _shape(flds: tuple[dataclasses.Field[Any], ...]) -> tuple[str, ...]:
    """Each field's kind: positional, keyword-only or set without a parameter
    (``init=False``), with a default factory (``f``), or, set without a parameter, with
    a default (``d``).  A parameter's plain default is not part of it: the body is the
    same with or without one."""
    out = []
    for f in flds:
        kind = _SET if not f.init else _KEYWORD if f.kw_only else _POSITIONAL
        if f.default_factory is not dataclasses.MISSING:
            kind += "f"
        elif f.default is not dataclasses.MISSING and not f.init:
            kind += "d"
        out.append(kind)
    return tuple(out)


def _template(shape: tuple[str, ...], frozen: bool, post_init: bool) -> _Template:
    """``dataclass`` run once on a class of this shape (every parameter given a default,
    so that any order of them is valid: a default does not change the body)."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": __name__}
    markers: dict[int, _Marker] = {}
    for i, kind in enumerate(shape):
        name = f"_rec_a{i}"
        annotations[name] = "object"
        marker = markers[i] = _Marker()
        takes, keyword = kind[0] != _SET, kind[0] == _KEYWORD
        if kind.endswith("f"):
            spec = dataclasses.field(default_factory=marker, init=takes, kw_only=keyword)
        elif kind != _SET:
            spec = dataclasses.field(default=marker, init=takes, kw_only=keyword)
        else:
            spec = dataclasses.field(init=takes, kw_only=keyword)
        namespace[name] = spec
    if post_init:
        namespace["__post_init__"] = lambda self: None
    shape_class: type[Any] = type("_Shape", (), namespace)
    made = dataclasses.dataclass(shape_class, frozen=frozen, repr=False, eq=False)
    return _Template(made.__init__, markers)


def _add_order(cls: type, flds: tuple[dataclasses.Field[Any], ...]) -> None:
    """``order=True``'s ``__lt__``, ``__le__``, ``__gt__`` and ``__ge__``, as dataclass
    makes them: the compared fields as tuples, instances of the same class only."""
    compared = _getter(tuple(f.name for f in flds if f.compare))
    for name, op in (
        ("__lt__", operator.lt),
        ("__le__", operator.le),
        ("__gt__", operator.gt),
        ("__ge__", operator.ge),
    ):
        if name in cls.__dict__:
            raise TypeError(
                f"Cannot overwrite attribute {name} in class {cls.__name__}. "
                "Consider using functools.total_ordering"
            )

        def method(self: Any, other: object, op: Callable[[Any, Any], Any] = op) -> Any:
            if other.__class__ is self.__class__:
                return op(compared(self), compared(other))
            return NotImplemented

        method.__name__ = name
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)


def _check_defaults(flds: tuple[dataclasses.Field[Any], ...]) -> None:
    """dataclass's check that no parameter without a default follows one with a default
    (its own is skipped with ``init=False``)."""
    seen_default = False
    for f in flds:
        if not f.init or f.kw_only:
            continue
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


def _init(cls: type, flds: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Any:
    """The ``__init__`` ``dataclass`` writes for ``cls``, made from its shape's template
    (:func:`_template`: compiled once for all classes of that shape) with the class's
    field names put in place of the template's (``CodeType.replace``: the same bytecode)
    and its defaults and factories in place of the template's markers."""
    names = {f"_rec_a{i}": f.name for i, f in enumerate(flds)}
    if "self" in names.values() or any(n.startswith("_rec_") for n in names.values()):
        raise TypeError(f"{cls.__qualname__}: a record field cannot be named self or _rec_...")
    key = (_shape(flds), frozen, hasattr(cls, "__post_init__"))
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES[key] = _template(*key)
    values: dict[int, Any] = {}  # marker id -> the class's value in its place
    for i, f in enumerate(flds):
        given = f.default_factory if f.default_factory is not dataclasses.MISSING else f.default
        values[id(template.markers[i])] = given

    def own(value: Any) -> Any:
        return values.get(id(value), value) if isinstance(value, _Marker) else value

    code = template.init.__code__
    code = code.replace(
        co_varnames=tuple(names.get(n, n) for n in code.co_varnames),
        co_names=tuple(names.get(n, n) for n in code.co_names),
        co_consts=tuple(names.get(c, c) if isinstance(c, str) else c for c in code.co_consts),
    )
    base = template.init
    # the defaults of the parameters that have one, in order (the template gave every
    # parameter one: the class's own positional parameters without one come first)
    positional = [f for f in flds if f.init and not f.kw_only]
    has_default = [
        f.default_factory is not dataclasses.MISSING or f.default is not dataclasses.MISSING
        for f in positional
    ]
    defaults = tuple(
        own(d) for d, has in zip(base.__defaults__ or (), has_default, strict=True) if has
    )
    closure = tuple(types.CellType(own(c.cell_contents)) for c in base.__closure__ or ())
    init = types.FunctionType(code, base.__globals__, "__init__", defaults or None, closure)
    # the template gave every keyword-only parameter a default too
    init.__kwdefaults__ = {
        names[k]: own(v)
        for k, v in (base.__kwdefaults__ or {}).items()
        if not isinstance(v, _Marker) or values.get(id(v)) is not dataclasses.MISSING
    } or None
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {f.name: f.type for f in flds if f.init} | {"return": None}
    return init


def _add_frozen_methods(
    cls: type[Any], flds: tuple[dataclasses.Field[Any], ...], slots: bool
) -> None:
    """A frozen dataclass's ``__setattr__`` and ``__delattr__`` (and, slotted, the
    ``__getstate__``/``__setstate__`` that let pickle set its fields), as dataclass writes
    them, as closures."""
    for name in ("__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    names = frozenset(f.name for f in flds)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    for method in (__setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    if slots:
        ordered = tuple(f.name for f in flds)

        def __getstate__(self: Any) -> list[Any]:
            return [getattr(self, name) for name in ordered]

        def __setstate__(self: Any, state: list[Any]) -> None:
            for name, value in zip(ordered, state, strict=False):
                object.__setattr__(self, name, value)

        for state_method in (__getstate__, __setstate__):
            if state_method.__name__ not in cls.__dict__:
                state_method.__qualname__ = f"{cls.__qualname__}.{state_method.__name__}"
                setattr(cls, state_method.__name__, state_method)


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(
    *,
    eq: bool = True,
    order: bool = False,
    frozen: bool = False,
    kw_only: bool = False,
    slots: bool = False,
) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(
    cls: type[Any] | None = None,
    /,
    *,
    eq: bool = True,
    order: bool = False,
    frozen: bool = False,
    kw_only: bool = False,
    slots: bool = False,
) -> Any:
    """``@dataclass`` with the same arguments, for the classes of this package."""
    if order and not eq:
        raise ValueError("eq must be true if order is true")

    def make(c: type[Any]) -> type[Any]:
        documented = bool(c.__dict__.get("__doc__"))
        if not documented:  # written below, from the signature: not by dataclass, before it
            c.__doc__ = "-"
        _check_frozen_bases(c, frozen)
        # a frozen base that ``dataclass`` itself made frozen: it must see this one as frozen
        plain_frozen_base = frozen and any(
            _params_frozen(b) and not b.__dict__.get(_FROZEN) for b in c.__mro__[1:]
        )
        made = dataclasses.dataclass(
            c,
            init=False,
            repr=False,
            eq=False,
            frozen=plain_frozen_base,
            kw_only=kw_only,
            slots=slots,
        )
        setattr(made, _FROZEN, frozen)
        flds = dataclasses.fields(made)
        _check_defaults(flds)
        if "__init__" not in c.__dict__:
            made.__init__ = _init(made, flds, frozen)
        if frozen and not plain_frozen_base:
            _add_frozen_methods(made, flds, slots)
        if not documented:  # dataclass's text, made from the signature (now the class's)
            try:
                signature = str(inspect.signature(made)).replace(" -> None", "")
            except (TypeError, ValueError):
                signature = ""
            made.__doc__ = made.__name__ + signature
        _add_methods(made, eq=eq, frozen=frozen)
        if order:
            _add_order(made, flds)
        abc.update_abstractmethods(made)  # as dataclass does: an ABC's methods may be ours now
        return made

    return make if cls is None else make(cls)

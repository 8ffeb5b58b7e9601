"""``record`` makes the same ``__repr__``, ``__eq__`` and ``__hash__`` as ``dataclass``.

Each shape is declared twice, once with each decorator, and their instances are
compared by what they show, how they compare and how they hash.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from soc2lint.record import record


def _shapes(make: Callable[..., Any]) -> dict[str, type]:
    """One class of each shape, made by ``make`` (``dataclass`` or ``record``)."""

    @make(frozen=True)
    class Frozen:
        a: int
        b: str = "x"
        hidden: int = dataclasses.field(default=0, repr=False)
        ignored: int = dataclasses.field(default=0, compare=False)
        unhashed: int = dataclasses.field(default=0, hash=False)
        counter: ClassVar[int] = 0

    @make
    class Mutable:
        a: int
        items: list[int] = dataclasses.field(default_factory=list)

    @make(frozen=True, slots=True)
    class Slotted:
        pos: tuple[int, int]

    @make(frozen=True)
    class Empty:
        pass

    @make(frozen=True)
    class One:
        value: float

    @make(frozen=True)
    class Child(Frozen):
        c: int = 0

    @make(eq=False)
    class Identity:
        a: int

    @make(frozen=True)
    class OwnRepr:
        a: int

        def __repr__(self) -> str:
            return "own"

    @make(frozen=True)
    class OwnEq:  # noqa: PLW1641  (Python sets __hash__ to None; dataclass adds its own)
        a: int
        b: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, OwnEq) and self.a == other.a

    @make(frozen=True)
    class OwnHash:
        a: int

        def __hash__(self) -> int:
            return 7

    @make(kw_only=True)
    class KwOnly:
        a: int
        b: int = 2

    @make
    class Box:
        inner: object = None

    return {
        name: cls
        for name, cls in locals().items()
        if isinstance(cls, type) and name[0].isupper() and name != "ClassVar"
    }


DATA = _shapes(dataclasses.dataclass)
REC = _shapes(record)


def _instances(shapes: dict[str, type]) -> list[tuple[str, Any]]:
    nan = math.nan
    return [
        ("Frozen", shapes["Frozen"](1)),
        ("Frozen", shapes["Frozen"](1, "y", 5, 6, 7)),
        ("Frozen", shapes["Frozen"](1, "x", 0, 99, 0)),
        ("Mutable", shapes["Mutable"](1, [2])),
        ("Mutable", shapes["Mutable"](1, [2])),
        ("Slotted", shapes["Slotted"]((1, 2))),
        ("Empty", shapes["Empty"]()),
        ("One", shapes["One"](1.5)),
        ("One", shapes["One"](nan)),
        ("Child", shapes["Child"](1)),
        ("Child", shapes["Child"](1, c=3)),
        ("Identity", shapes["Identity"](1)),
        ("OwnRepr", shapes["OwnRepr"](1)),
        ("OwnEq", shapes["OwnEq"](1, 2)),
        ("OwnEq", shapes["OwnEq"](1, 3)),
        ("OwnHash", shapes["OwnHash"](1)),
        ("KwOnly", shapes["KwOnly"](a=1)),
        ("Box", shapes["Box"](shapes["Box"](3))),
    ]


def _qualname_free(text: str) -> str:
    return text.replace("_shapes.<locals>.", "")


def test_the_shapes_are_declared_alike() -> None:
    assert DATA.keys() == REC.keys()
    assert len(DATA) == 12


def test_repr_is_dataclasss() -> None:
    for (name, d), (_, r) in zip(_instances(DATA), _instances(REC), strict=True):
        assert repr(r) == repr(d), name
    assert _qualname_free(repr(REC["Frozen"](1))) == "Frozen(a=1, b='x', ignored=0, unhashed=0)"


def test_a_record_that_contains_itself_is_shown_as_dataclass_shows_it() -> None:
    d, r = DATA["Box"](), REC["Box"]()
    d.inner, r.inner = d, r
    assert repr(r) == repr(d)
    assert repr(r).endswith("(inner=...)")


def test_equality_is_dataclasss() -> None:
    data, rec = _instances(DATA), _instances(REC)
    for i, (name_i, d_i) in enumerate(data):
        for j, (name_j, d_j) in enumerate(data):
            r_i, r_j = rec[i][1], rec[j][1]
            assert (r_i == r_j) == (d_i == d_j), (name_i, name_j)
            assert (r_i != r_j) == (d_i != d_j), (name_i, name_j)
    # one NaN object in two instances: equal up to Python 3.12 (the fields compare as
    # tuples), not from 3.13 (one by one); record follows the running Python's dataclass
    assert (REC["One"](math.nan) == REC["One"](math.nan)) == (
        DATA["One"](math.nan) == DATA["One"](math.nan)
    )
    assert REC["One"](float("nan")) != REC["One"](float("nan"))
    assert DATA["One"](float("nan")) != DATA["One"](float("nan"))
    assert REC["Frozen"](1).__eq__(DATA["Frozen"](1)) is NotImplemented


def test_hash_is_dataclasss() -> None:
    for (name, d), (_, r) in zip(_instances(DATA), _instances(REC), strict=True):
        cls_d, cls_r = type(d), type(r)
        assert (cls_r.__hash__ is None) == (cls_d.__hash__ is None), name
        if cls_d.__hash__ is None:
            with pytest.raises(TypeError):
                hash(r)
            continue
        if name == "Identity":  # object's identity hash on both sides
            assert cls_r.__hash__ is object.__hash__
            continue
        assert hash(r) == hash(d), name


def test_a_record_is_a_dataclass() -> None:
    frozen = REC["Frozen"](1, "y")
    assert dataclasses.is_dataclass(frozen)
    assert [f.name for f in dataclasses.fields(frozen)] == [
        "a",
        "b",
        "hidden",
        "ignored",
        "unhashed",
    ]
    assert dataclasses.replace(frozen, a=2) == REC["Frozen"](2, "y")
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.a = 3  # type: ignore[misc]
    slotted = REC["Slotted"]((1, 2))
    assert not hasattr(slotted, "__dict__")
    assert slotted.__getstate__() == [(1, 2)]  # what pickling a frozen slotted class uses
    with pytest.raises(TypeError):
        REC["KwOnly"](1)


class _Loose:
    """A value whose ``==`` answers something other than a bool."""

    def __eq__(self, other: object) -> Any:
        return "loose"

    __hash__ = object.__hash__


def test_what_a_fields_equality_answers_is_passed_on_as_dataclass_passes_it() -> None:
    d_box, r_box = DATA["Box"], REC["Box"]
    same = _Loose()
    assert (r_box(_Loose()) == r_box(_Loose())) == (d_box(_Loose()) == d_box(_Loose()))
    assert (r_box(same) == r_box(same)) == (d_box(same) == d_box(same))
    r = r_box(_Loose())
    d = d_box(_Loose())
    assert r.__eq__(r) == d.__eq__(d)  # the same instance: True from Python 3.13 on


def test_a_record_can_implement_an_abstract_method_it_is_given() -> None:
    import abc
    from collections.abc import Hashable

    @record(frozen=True)
    class Key(Hashable):
        a: int

    assert hash(Key(1)) == hash(Key(1))

    class Shown(abc.ABC):
        @abc.abstractmethod
        def __repr__(self) -> str: ...

    @record
    class Named(Shown):
        name: str

    assert _qualname_free(repr(Named("x"))).endswith("Named(name='x')")

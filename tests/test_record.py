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

from soc2lint import record as record_module
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


# ---- __init__, frozen assignment, pickling: record builds them without dataclass's exec


def _init_shapes(make: Callable[..., Any]) -> dict[str, type]:
    """Classes whose ``__init__`` takes every kind of field, made by ``make``."""

    @make
    class Fields:
        a: int
        b: list[int] = dataclasses.field(default_factory=list)
        c: int = dataclasses.field(default=5, init=False)
        d: list[int] = dataclasses.field(default_factory=lambda: [1], init=False)
        e: int = dataclasses.field(init=False)
        f: int = dataclasses.field(default=1, kw_only=True)
        g: list[int] = dataclasses.field(default_factory=list, kw_only=True)
        h: int = dataclasses.field(kw_only=True)

        def __post_init__(self) -> None:
            self.e = self.a * 2

    @make(frozen=True)
    class FrozenFields:
        a: int
        b: tuple[int, ...] = dataclasses.field(default_factory=tuple)
        c: str = dataclasses.field(default="c", init=False)
        seen: list[int] = dataclasses.field(default_factory=list, compare=False)

        def __post_init__(self) -> None:
            self.seen.append(self.a)

    @make(frozen=True, slots=True)
    class FrozenSlots:
        a: int
        b: str = "b"

    @make(slots=True)
    class Slots:
        a: int

    @make(kw_only=True, frozen=True)
    class AllKeywords:
        a: int
        b: int = 2

    @make(frozen=True)
    class FrozenChild(FrozenFields):
        z: int = 0

    class NoDoc:
        a: int
        b: str = "x"

    no_doc = make(NoDoc)

    @make
    class OwnInit:
        a: int

        def __init__(self, value: int) -> None:
            self.a = value + 1

    return {
        "Fields": Fields,
        "FrozenFields": FrozenFields,
        "FrozenSlots": FrozenSlots,
        "Slots": Slots,
        "AllKeywords": AllKeywords,
        "FrozenChild": FrozenChild,
        "NoDoc": no_doc,
        "OwnInit": OwnInit,
    }


class _Written:
    """record_inits.py as if it held every shape: each function written and compiled
    when asked for (``written_source``), so that the written path makes every class."""

    def __getattr__(self, name: str) -> Any:
        flags, _, kinds = name.partition("__")
        key = (
            tuple(kinds.split("_")) if kinds else (),
            flags.startswith("frozen"),
            "_post" in flags,
        )
        assert record_module.written_name(*key) == name
        scope: dict[str, Any] = {}
        exec(compile(record_module.written_source(*key), name, "exec"), {}, scope)
        return scope[name]


def _made_with(inits: Any) -> dict[str, type]:
    """:func:`_init_shapes` by record, its ``__init__`` taken from ``inits`` (the written
    functions), or, where ``inits`` has none, made by ``dataclass`` (templates)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(record_module, "record_inits", inits)
        return _init_shapes(record)


INIT_DATA = _init_shapes(dataclasses.dataclass)
#: every class's __init__ from its shape's template (dataclass run on a class of that shape)
INIT_REC = _made_with(object())
#: every class's __init__ from its shape's written function (as record_inits.py holds them)
INIT_WRITTEN = _made_with(_Written())
BOTH_WAYS = pytest.mark.parametrize("made", [INIT_REC, INIT_WRITTEN], ids=["template", "written"])


def test_the_written_inits_are_the_package_shapes() -> None:
    """record_inits.py holds the shape of every record of the package (else the start
    compiles one with dataclass for each missing shape), and nothing else."""
    from pathlib import Path

    written = Path(record_module.__file__).with_name("record_inits.py").read_text("utf-8")
    assert written == record_module.package_inits(), (
        "src/soc2lint/record_inits.py is not current: "
        'python -c "import soc2lint.record as r; r.write_inits()"'
    )


@BOTH_WAYS
def test_init_takes_the_parameters_dataclass_gives_it(made: dict[str, type]) -> None:
    import inspect

    for name, d in INIT_DATA.items():
        r = made[name]
        assert str(inspect.signature(r)) == str(inspect.signature(d)), name
        assert r.__init__.__annotations__ == d.__init__.__annotations__, name
        assert _qualname_free(r.__init__.__qualname__) == _qualname_free(d.__init__.__qualname__)
    assert str(inspect.signature(made["Fields"])) == (
        "(a: 'int', b: 'list[int]' = <factory>, *, f: 'int' = 1, "
        "g: 'list[int]' = <factory>, h: 'int') -> None"
    )


@BOTH_WAYS
def test_init_sets_the_fields_as_dataclasss_does(made: dict[str, type]) -> None:
    rec = made
    made_both: list[list[Any]] = []
    for shapes in (INIT_DATA, rec):
        fields = shapes["Fields"](3, h=9)
        again = shapes["Fields"](3, h=9)
        made_both.append(
            [
                fields,
                shapes["Fields"](4, [7], f=2, g=[8], h=1),
                shapes["FrozenFields"](1),
                shapes["FrozenFields"](1, (2,)),
                shapes["FrozenSlots"](1),
                shapes["Slots"](2),
                shapes["AllKeywords"](a=1),
                shapes["FrozenChild"](1, z=3),
                shapes["NoDoc"](1),
                shapes["OwnInit"](1),
            ]
        )
        # a factory is called for each instance: no list shared between them
        assert fields.b is not again.b and fields.d is not again.d and fields.g is not again.g
        assert (fields.c, fields.d, fields.e) == (5, [1], 6)  # init=False, __post_init__
    for d, r in zip(*made_both, strict=True):
        assert _qualname_free(repr(r)) == _qualname_free(repr(d))
    assert rec["FrozenFields"](4).seen == [4]


@BOTH_WAYS
def test_init_refuses_what_dataclass_refuses(made: dict[str, type]) -> None:
    for shapes in (INIT_DATA, made):
        with pytest.raises(TypeError):
            shapes["Fields"](1)  # h is required
        with pytest.raises(TypeError):
            shapes["Fields"](1, [], 2, h=1)  # f is keyword-only
        with pytest.raises(TypeError):
            shapes["AllKeywords"](1)
    for make, shapes in ((dataclasses.dataclass, INIT_DATA), (record, made)):
        with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

            @make
            class Misordered:
                a: int = 0
                b: int

        frozen_base, mutable_base = shapes["FrozenFields"], shapes["Slots"]
        with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen"):

            @make
            class Thawed(frozen_base):  # type: ignore[misc,valid-type]
                x: int = 0

        with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen"):

            @make(frozen=True)
            class Frozen(mutable_base):  # type: ignore[misc,valid-type]
                x: int = 0


@BOTH_WAYS
def test_a_frozen_record_refuses_assignment_as_dataclass_does(made: dict[str, type]) -> None:
    for shapes in (INIT_DATA, made):
        for obj in (shapes["FrozenFields"](1), shapes["FrozenSlots"](1), shapes["FrozenChild"](1)):
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'a'"):
                obj.a = 2
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'a'"):
                del obj.a
        with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):

            @(record(frozen=True) if shapes is made else dataclasses.dataclass(frozen=True))
            class Own:
                a: int

                def __setattr__(self, name: str, value: Any) -> None:
                    pass


@BOTH_WAYS
def test_a_record_pickles_as_a_dataclass_does(made: dict[str, type]) -> None:
    import copy
    import pickle

    from soc2lint.model import Edge, Range
    from soc2lint.terraform.syntax import Lit

    # deepcopy goes through __reduce_ex__ and __setstate__ as pickle does (these classes
    # are local to a function: pickle cannot name them)
    for name, cls in made.items():
        if name == "OwnInit":
            continue
        obj = cls(1, h=2) if name == "Fields" else cls(a=1) if name == "AllKeywords" else cls(1)
        back = copy.deepcopy(obj)
        assert back == obj and back is not obj and type(back) is cls, name
    slotted = made["FrozenSlots"](1, "q")
    assert slotted.__getstate__() == INIT_DATA["FrozenSlots"](1, "q").__getstate__() == [1, "q"]
    for obj in (
        Range("a.tf", 1, 2, 3, 4),
        Edge("s::a", "s::b", "ref", ("x",)),
        Lit((1, 1, 1, 2), 3),
    ):
        back = pickle.loads(pickle.dumps(obj))
        assert back == obj and type(back) is type(obj)


@BOTH_WAYS
def test_a_class_without_a_docstring_is_described_as_dataclass_describes_it(
    made: dict[str, type],
) -> None:
    assert made["NoDoc"].__doc__ == INIT_DATA["NoDoc"].__doc__
    assert made["NoDoc"].__doc__ == "NoDoc(a: 'int', b: 'str' = 'x')"


def test_a_field_cannot_take_the_name_init_gives_the_instance() -> None:
    with pytest.raises(TypeError, match="cannot be named self"):

        @record
        class Odd:
            self: int


def test_a_frozen_record_may_extend_a_frozen_dataclass() -> None:
    @dataclasses.dataclass(frozen=True)
    class Base:
        a: int

    @record(frozen=True)
    class Extended(Base):
        b: int = 2

    made = Extended(1)
    assert (made.a, made.b) == (1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.b = 3  # type: ignore[misc]
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen"):

        @record
        class Thawed(Base):
            c: int = 0


def test_order_compares_as_dataclasss() -> None:
    made = {}
    for make in (dataclasses.dataclass, record):

        @make(frozen=True, order=True)
        class Place:
            file: str
            line: int
            note: str = dataclasses.field(default="", compare=False)

        made[make] = Place
    values = [("b", 2, "x"), ("a", 9, ""), ("b", 1, "z"), ("a", 9, "y")]
    for make, cls in made.items():
        items = [cls(*v) for v in values]
        assert [(p.file, p.line) for p in sorted(items)] == [
            ("a", 9),
            ("a", 9),
            ("b", 1),
            ("b", 2),
        ], make
        a, b = items[1], items[3]
        assert (a < b, a <= b, a > b, a >= b, a == b) == (False, True, False, True, True)
    rec, data = made[record], made[dataclasses.dataclass]
    assert rec("a", 1).__lt__(data("a", 1)) is NotImplemented
    with pytest.raises(TypeError):
        rec("a", 1) < data("a", 2)  # noqa: B015
    with pytest.raises(ValueError, match="eq must be true if order is true"):
        record(order=True, eq=False)


@pytest.mark.parametrize("inits", [object(), _Written()], ids=["template", "written"])
def test_a_slotted_records_unset_field_takes_its_default_as_dataclasss_does(inits: Any) -> None:
    """Slotted, an ``init=False`` field's default has no class attribute to live in:
    ``__init__`` sets it.  Without slots it does not (the class attribute serves)."""
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(record_module, "record_inits", inits)
        for make in (dataclasses.dataclass, record):
            for slots in (False, True):

                @make(frozen=True, slots=slots)
                class Unset:
                    a: int
                    b: int = dataclasses.field(default=3, init=False)

                made[make, slots] = Unset(1)
    for slots in (False, True):
        d, r = made[dataclasses.dataclass, slots], made[record, slots]
        assert (r.a, r.b) == (d.a, d.b) == (1, 3)
        assert getattr(r, "__dict__", None) == getattr(d, "__dict__", None)


@pytest.mark.parametrize("inits", [object(), _Written()], ids=["template", "written"])
def test_init_annotations_resolve_in_the_class_module(inits: Any) -> None:
    import typing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(record_module, "record_inits", inits)

        @record
        class Typed:
            value: Any
            factor: float = 1.0

    assert typing.get_type_hints(Typed.__init__) == {
        "value": Any,
        "factor": float,
        "return": type(None),
    }


def test_a_record_takes_no_initvar() -> None:
    with pytest.raises(TypeError, match="takes no InitVar"):

        @record
        class WithInitVar:
            a: int
            b: dataclasses.InitVar[int] = 0

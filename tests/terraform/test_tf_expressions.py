"""Operators, templates, for expressions, splats and how Unknown flows through them."""

from __future__ import annotations

from typing import Any

import pytest
from tfload import ev

from soc2lint.model import Unknown

U = Unknown("var.x", ("var.x",))
V = Unknown("var.y", ("var.y",))

CASES: list[tuple[str, Any]] = [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("7 / 2", 3.5),
    ("8 / 2", 4),
    ("7 % 3", 1),
    ("-7 % 3", -1),
    ('"5" + 1', 6),
    ("-(2 - 5)", 3),
    ("1.5e3", 1500),
    ("3 > 2 && 2 >= 2", True),
    ("1 < 0 || 4 <= 3", False),
    ("!true", False),
    ('"a" == "a"', True),
    ('1 == "1"', False),
    ("1 == 1.0", True),
    ("[1, [2]] == [1, [2]]", True),
    ("{a = 1} != {a = 2}", True),
    ("null == null", True),
    ('true ? "yes" : "no"', "yes"),
    ('"true" ? 1 : 2', 1),
    ("[for v in [1, 2, 3] : v * 2]", [2, 4, 6]),
    ('[for i, v in ["a", "b"] : "${i}${v}"]', ["0a", "1b"]),
    ("[for v in [1, 2, 3, 4] : v if v % 2 == 0]", [2, 4]),
    ("{for k, v in {b = 1, a = 2} : upper(k) => v}", {"A": 2, "B": 1}),
    ('{for s in ["ab", "ac", "b"] : substr(s, 0, 1) => s...}', {"a": ["ab", "ac"], "b": ["b"]}),
    ("[for k, v in {z = 1, a = 2} : k]", ["a", "z"]),
    ("[{a = 1}, {a = 2}][*].a", [1, 2]),
    ("[{a = {b = 1}}][*].a.b", [1]),
    ("{a = 1}[*].a", [1]),
    ("null[*].a", []),
    ("[{a = [1, 2]}, {a = [3]}].*.a[0]", [1, 2]),
    ('{a = [{b = "x"}]}.a[0].b', "x"),
    ('{a = 1}["a"]', 1),
    ('["x", "y"][1]', "y"),
    ('["x", "y"]["1"]', "y"),
    ('"plain"', "plain"),
    ('"a-${1 + 1}-${true}"', "a-2-true"),
    ('"${[1, 2]}"', [1, 2]),
    ('"%{ if true }yes%{ else }no%{ endif }"', "yes"),
    ('"%{ for x in ["a", "b"] }${x},%{ endfor }"', "a,b,"),
    ('"%{ for k, v in {a = 1} }${k}=${v}%{ endfor }"', "a=1"),
    ('"x  %{~ if true ~}  y  %{~ endif ~}  z"', "xyz"),
    ('"escaped $${x} and %%{y}"', "escaped ${x} and %{y}"),
    ('"tab\\tquote\\"\\u00e9"', 'tab\tquote"é'),
    ('{ a = 1, "b c" = 2 }', {"a": 1, "b c": 2}),
    ('{ ("dyn") = 3 }', {"dyn": 3}),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_expression(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


DECIDED: list[tuple[str, Any]] = [
    ("false && x", False),
    ("x && false", False),
    ("true || x", True),
    ('x ? "same" : "same"', "same"),
    ("[x, 1][1]", 1),
    ("{a = x, b = 2}.b", 2),
    ("length([for v in [1, 2] : x])", 2),
]


@pytest.mark.parametrize(("expr", "expected"), DECIDED, ids=[c[0] for c in DECIDED])
def test_result_decided_despite_unknown(expr: str, expected: Any) -> None:
    assert ev(expr, x=U) == expected


UNDECIDED = [
    "x + 1",
    "-x",
    "!x",
    "x == 1",
    "true && x",
    'x ? "a" : "b"',
    '"prefix-${x}"',
    "x.attr",
    "x[0]",
    "{a = 1}[x]",
    "[for v in x : v]",
    "[for v in [1, 2] : v if x]",
    "{for v in [1] : x => v}",
    '"%{ if x }a%{ endif }"',
    "x[*].id",
]


@pytest.mark.parametrize("expr", UNDECIDED)
def test_operation_on_unknown_is_unknown_with_refs(expr: str) -> None:
    value = ev(expr, x=U)
    assert isinstance(value, Unknown), value
    assert value.refs == ("var.x",)
    assert value.expr == expr


def test_unknown_refs_are_merged() -> None:
    value = ev('"${x}-${y}"', x=U, y=V)
    assert value == Unknown('"${x}-${y}"', ("var.x", "var.y"))


def test_unknown_inside_containers_stays_in_place() -> None:
    assert ev("[1, x]", x=U) == [1, U]
    assert ev("{a = x}", x=U) == {"a": U}
    assert ev("[for v in [1, 2] : x]", x=U) == [U, U]


@pytest.mark.parametrize(
    "expr",
    [
        "{a = 1}.b",
        "[1][5]",
        "null.a",
        '"a" + 1',
        "1 / 0",
        '{for v in ["a", "a"] : v => v}',
        "undefined_name",
    ],
)
def test_invalid_expressions_are_unknown(expr: str) -> None:
    value = ev(expr)
    assert isinstance(value, Unknown)
    assert value.expr == expr

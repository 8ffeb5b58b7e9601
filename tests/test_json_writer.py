"""The hand-written JSON writer of the reports equals json.dumps, byte for byte."""

from __future__ import annotations

import enum
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from soc2lint.report.common import dumps_indented

#: every code point, lone surrogates and control characters included
TEXT = st.text(st.characters(codec=None, categories=None), max_size=20)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
#: keys json.dumps turns into strings (the writer hands those documents to it)
KEYS = TEXT | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()

VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(TEXT, inner, max_size=5)
        | st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=40,
)


@given(VALUES)
def test_the_writer_is_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Level(enum.IntEnum):
    LOW = 1


class Name(str):
    pass


def test_subclasses_and_edge_values() -> None:
    value = {
        "severity": Level.LOW,
        Name("key"): Name("v\u2028\x00\ud800"),
        "floats": [0.1, -0.0, 1e300, float("inf"), float("-inf"), 1e-320],
        "empty": [[], {}, ()],
        "big": 10**100,
    }
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    nan = dumps_indented([float("nan")])
    assert nan == json.dumps([float("nan")], indent=2, ensure_ascii=False)

"""``compile_lazily``: a pattern compiled on first use answers as ``re.compile``'s does."""

from __future__ import annotations

import re

from soc2lint.lazyre import compile_lazily

PATTERN = r"(?P<key>[a-z]+)=(?P<value>\d+)"
TEXT = "a=1, bb=22; ccc=x"


def test_it_compiles_on_first_use_only() -> None:
    lazy = compile_lazily(PATTERN)
    assert "search" not in vars(lazy)
    assert lazy.search(TEXT) is not None
    bound = vars(lazy)["search"]
    assert bound.__self__ is re.compile(PATTERN)
    lazy.match(TEXT)
    assert vars(lazy)["search"] is bound


def test_its_methods_and_attributes_are_the_compiled_patterns() -> None:
    eager = re.compile(PATTERN, re.IGNORECASE)
    lazy = compile_lazily(PATTERN, re.IGNORECASE)
    assert lazy.pattern == eager.pattern and lazy.flags == eager.flags
    assert lazy.groupindex == eager.groupindex
    assert [m.span() for m in lazy.finditer(TEXT.upper())] == [
        m.span() for m in eager.finditer(TEXT.upper())
    ]
    assert lazy.findall(TEXT) == eager.findall(TEXT)
    assert lazy.sub(r"\g<value>", TEXT) == eager.sub(r"\g<value>", TEXT)
    assert lazy.subn("-", TEXT) == eager.subn("-", TEXT)
    assert lazy.split(TEXT) == eager.split(TEXT)
    assert lazy.fullmatch("a=1") is not None and lazy.fullmatch(TEXT) is None
    match = lazy.match(TEXT)
    assert match is not None and match.group("value") == "1"
    # after the first use a method is the compiled pattern's own, not a lookup each time
    assert lazy.search == eager.search


def test_a_copy_or_a_pickle_is_a_stand_in_that_still_matches() -> None:
    import copy
    import pickle

    for used in (False, True):
        lazy = compile_lazily(PATTERN)
        if used:
            lazy.search(TEXT)
        for again in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy), copy.copy(lazy)):
            assert not isinstance(again, re.Pattern)
            assert [m.group("key") for m in again.finditer(TEXT)] == ["a", "bb"]

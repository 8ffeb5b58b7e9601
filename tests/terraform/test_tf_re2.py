"""Terraform's regular expressions are Go's RE2: what RE2 rejects is an error (so ``can()``
is false, as in Terraform), and what it accepts means what it means in Go."""

from __future__ import annotations

import pytest
import regex

from soc2lint.terraform.functions import _NotEmulated, translate_re2
from soc2lint.terraform.values import EvalError

REJECTED = [
    "(?=x)x",  # lookahead
    "a(?!b)",
    "(?<=a)b",  # lookbehind
    "(?<!a)b",
    "(a)\\1",  # backreference
    "(?P<n>a)(?P=n)",
    "\\k<n>",
    "a*+",  # possessive
    "a++",
    "a?+",
    "a{2}+",
    "a**",  # nested repetition
    "(?>a)",  # atomic group
    "(?#comment)",
    "(?(1)a|b)",  # conditional
    "a{1001}",  # repeat count over 1000
    "a{3,2}",
    "\\Z",  # Python's, not RE2's
    "\\G",
    "\\K",
    "\\e",
    "*a",  # nothing to repeat
    "a|*b",
    "(a",
    "a)",
    "[a",
    "a\\",
    "[[:nope:]]",
    "(?x)a b",  # flags RE2 does not have
]


@pytest.mark.parametrize("pattern", REJECTED)
def test_what_re2_rejects_is_an_error(pattern: str) -> None:
    with pytest.raises(EvalError):
        translate_re2(pattern)


MEANING = [
    ("^a$", "a\n", False),  # $ is the end of the text without (?m)
    ("(?m)^a$", "a\nb", True),
    ("^\\d+$", "\u0663", False),  # \d is ASCII in Go
    ("^\\d{3}$", "123", True),
    ("\\w+", "_", True),
    ("\\W", "é", True),
    ("\\s", "\u00a0", False),
    ("[[:alpha:]]+[[:digit:]]", "ab1", True),
    ("\\Qa.b\\E", "axb", False),
    ("a(?i)b|c", "C", True),  # (?i) holds to the end of the group, through |
    ("a(?i)b", "AB", False),
    ("x{,3}", "x{,3}", True),  # not a repeat count in RE2: literal
    ("\\x{41}", "A", True),
    ("\\101", "A", True),  # octal
    ("(?s:.)", "\n", True),
    (".", "\n", False),
    ("(?P<name>a)|(?<other>b)", "b", True),
    ("a\\z", "a", True),
]


@pytest.mark.parametrize(("pattern", "text", "matches"), MEANING)
def test_valid_patterns_mean_what_they_mean_in_go(pattern: str, text: str, matches: bool) -> None:
    assert (regex.search(translate_re2(pattern), text) is not None) is matches


def test_valid_re2_that_cannot_be_reproduced_is_unknown() -> None:
    with pytest.raises(_NotEmulated):
        translate_re2("(?U)a+")

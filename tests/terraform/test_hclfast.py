"""The fast HCL parser builds exactly the lark path's tree, or declines.

Every HCL text the suite has (fixture files, the rules' Terraform examples, HCL
written inline in the tests), mutated real files and hostile shapes: the fast
parser either declines (returns None) or gives the tree python-hcl2's grammar
gives, positions and value types included.  It must never accept a text lark
rejects.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from soc2lint.terraform import hcl, hclfast
from soc2lint.terraform.syntax import ParsedFile

from helpers import registry

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = (".tf", ".tfvars", ".hcl")


def same_tree(fast: ParsedFile, text: str) -> None:
    reference = hcl.parse_hcl_lark(text)
    # repr as well as ==: 1 == 1.0 == True, and the tree must keep the literal's type
    assert fast == reference and repr(fast) == repr(reference), text[:300]


def check(text: str) -> bool:
    """The fast parser declines or agrees with lark; True when it did not decline."""
    fast = hclfast.parse_file(text)
    if fast is None:
        return False
    same_tree(fast, text)
    return True


@lru_cache(maxsize=1)
def fixture_texts() -> tuple[str, ...]:
    files = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in SUFFIXES)
    return tuple(p.read_text(encoding="utf-8") for p in files)


def example_texts() -> list[str]:
    out = []
    for rule in registry():
        example = rule.examples.get("terraform")
        if example is None:
            continue
        for case in (*example.bad, *example.good):
            files = case.files("terraform")
            out += [text for name, text in files.items() if name.endswith(SUFFIXES)]
    return out


def inline_texts() -> list[str]:
    """String constants in the tests that read like HCL (an attribute or a block)."""
    out = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if ("=" in text or "{" in text) and "\n" in text and len(text) < 200_000:
                    out.add(text)
    return sorted(out)


def test_fixture_files() -> None:
    texts = fixture_texts()
    parsed = [check(t) for t in texts]
    # the fixtures are ordinary Terraform: the fast parser takes (nearly) all of them
    assert len(texts) > 50 and sum(parsed) >= 0.95 * len(texts)


def test_rule_examples() -> None:
    texts = example_texts()
    parsed = [check(t) for t in texts]
    assert len(texts) > 200 and sum(parsed) >= 0.95 * len(texts)


def test_inline_hcl_in_the_tests() -> None:
    texts = inline_texts()
    parsed = sum(check(t) for t in texts)
    # many are not HCL at all (Python, JSON, YAML): compare with what lark takes
    valid = sum(hcl.parse_hcl_lark(t).body is not None for t in texts)
    assert valid > 200 and parsed >= 0.95 * valid


@pytest.mark.parametrize(
    "text",
    [
        # python-hcl2 lexes "-12" as one token and "-1" as two: the same literal
        "a = -1\nb = -12\nc = - 3\nd = -1.5\ne = !true\nf = 1 - -1\ng = f(x)-1\nh = x - 12\n",
        # a conditional's span runs over the comments after a binary else branch
        "a = c ? x : y + z # note\n\n// more\nb = 1\n",
        "a = { k = c ? 1 : 2 * 3\n}\n",
        "a = (c ? x : y + z)\n",
        # parentheses only group, but traversals of them start at "("
        "a = (x).y\nb = (x)[0]\nc = (x).*.id\nd = (a) ? b : c\ne = -(1)\nf = (a) + (b)\n",
        "a = x[*].y.z[0]\nb = x.*.y[0].z\nc = x.0.1\nd = f(x...)\ne = p::n::f(1, 2,)\n",
        'a = [for k, v in m : v if k != ""]\nb = {for k, v in m : k => v... if v}\n',
        'a = "x${y}%{if c}t%{else}e%{endif}$${z}%%{w}\\n\\u00e9"\nb = "%{~ for x in y ~}${x}%{ endfor }"\n',
        "a = <<EOT\n  ${x}\n  %{ if y }z%{ endif }\nEOT\nb = <<-EOT\n    one\n      two\n    EOT\n",
        'a = {\n  for = 1\n  in = 2\n  "q" = 3,\n  true = 5\n}\nb = { (k) = 4, c : 5 }\n',
        'resource "a" "b" {\n  x = 1 # c\n  /* c */\n  dynamic "d" {\n    for_each = []\n  }\n}\n',
        "a = [\n  1, # one\n  2 /* two */,\n]\nb = f(\n  1,\n  2\n)\n",
        'a = 1\r\nb = "x"\r\nc = <<EOT\r\nbody\r\nEOT\r\n',
        "a = 1.0\nb = 1e3\nc = 9007199254740993.0\nd = 0.1\ne = 007\n",
    ],
)
def test_constructs_agree_with_lark(text: str) -> None:
    assert check(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = 1 b = 2\n",  # python-hcl2 takes it; Terraform does not
        "a = x\n  + y\n",  # python-hcl2 joins the new line to the operator
        'a = "${~ x ~}"\n',  # the lark path retries without strip markers
        "a = \n 1\n",
        'a = "unterminated\n',
        "a = -1.x\n",
        # "-12" after a term: one INT_LITERAL token or an operator, depending on lark's state
        "a = f(x)-12\n",
        'a = { b = "c"-12\n}\n',
        "x = " + "[" * 3000 + "]" * 3000 + "\n",
    ],
)
def test_declines(text: str) -> None:
    assert hclfast.parse_file(text) is None
    # and parse_hcl still gives the lark path's answer (its error, or its tree)
    assert repr(hcl.parse_hcl(text)) == repr(hcl.parse_hcl_lark(text))


def test_expression_agrees_with_lark() -> None:
    for text, line, col in [("a.b[0] + 1", 3, 7), ("[for x in y :\n x]", 1, 1), ("f(x)", 10, 2)]:
        fast = hclfast.parse_expression(text, line, col)
        assert fast is not None
        hcl_expr = hcl.parse_expression
        assert repr(fast) == repr(hcl_expr(text, line, col))
    # what reads as more than one expression is the lark path's error
    for text in ("1)\ny = (2", "1)\nb {"):
        assert hclfast.parse_expression(text) is None
        with pytest.raises(hcl.HclSyntaxError):
            hcl.parse_expression(text)
    assert hclfast.parse_expression("1)\nx = (2") is None  # the lark path keeps the first
    heredoc = "a = <<EOT\n${1)\ny = (2}\nEOT\n"
    assert hclfast.parse_file(heredoc) is None
    assert hcl.parse_hcl(heredoc).body is None


TOKENS = [
    "{", "}", "[", "]", "(", ")", '"', "${", "%{", "}", "~", "<<EOT\n", "\nEOT\n", "<<-X\n",
    "\n", ",", ".", "*", "[*]", ".*", "...", "=", "==", "=>", ":", "::", "?", "-", "!", "+",
    "&&", "||", "<", "#", "//", "/*", "*/", "\\", "\r", " ", "1", "-1", "-12", "1.5", "e", "for ",
    " in ", " if ", "x", "true", "$${", "%%{", "\t",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    texts = fixture_texts()
    text = draw(st.sampled_from([t for t in texts if len(t) < 6000]))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["drop", "dup", "insert"]))
        if kind == "drop":
            n = draw(st.integers(1, 4))
            text = text[:i] + text[i + n :]
        elif kind == "dup":
            text = text[:i] + text[i : i + 1] + text[i:]
        else:
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
    return text


@settings(max_examples=examples(300))
@given(mutated())
def test_mutated_files_decline_or_agree(text: str) -> None:
    check(text)


@settings(max_examples=examples(300))
@given(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map(
        lambda ts: "a = " + " ".join(ts) + "\n"
    )
)
def test_token_soup_declines_or_agrees(text: str) -> None:
    check(text)


def test_deep_nesting_outcome_is_unchanged() -> None:
    for text in (
        "x = " + "(" * 4000 + "1" + ")" * 4000 + "\n",
        "x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n",
        'x = "' + "${" * 1500 + "1" + "}" * 1500 + '"\n',
        "x = " + " + ".join(["a"] * 20000) + "\n",
        "x = a" + ".b" * 20000 + "\n",
        "x = a[*]" + ".b" * 20000 + "\n",
        "x = " + "a ? b : " * 3000 + "c\n",
    ):
        fast, lark = hcl.parse_hcl(text), hcl.parse_hcl_lark(text)
        # the trees are too deep to compare (or to print) in this process
        assert fast.problems == lark.problems and (fast.body is None) == (lark.body is None)
    for chain in (
        "x = " + " + ".join(["a"] * 102) + "\n",
        "x = a[*]" + ".b" * 102 + "\n",
        "x = " + "a ? b : " * 101 + "c\n",
    ):
        assert hclfast.parse_file(chain) is None
    assert hclfast.parse_file("x = " + "a ? b : " * 90 + "c\n") is not None


#: python-hcl2's heredoc terminal (hcl2.lark HEREDOC_TEMPLATE and _TRIM), as lark matches it
_LARK_HEREDOC = re.compile(
    r"<<-?(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
)


@settings(max_examples=examples(2000))
@given(
    st.lists(
        st.sampled_from(
            ["\n", "\r\n", " ", "\t", "\x0b", "\x85", "EOT", "EO", "EOTX", "x", "<<EOT\n", "-"]
        ),
        max_size=14,
    ),
    st.sampled_from(["<<EOT\n", "<<-EOT\n", "<<EOT\r\n", "<<EOT", "<<"]),
)
def test_heredoc_end_is_where_python_hcl2s_pattern_ends(body: list[str], opener: str) -> None:
    """The linear scan (hcl.heredoc_end) ends every heredoc where the pattern, which
    backtracks quadratically over blank lines, ends it, or finds none where it finds none."""
    text = opener + "".join(body)
    m = _LARK_HEREDOC.match(text)
    assert hcl.heredoc_end(text, 0) == (m.end() if m else None)

"""Regression tests for hostile expressions found while hardening (issue 13).

Each case once took gigabytes, minutes, or escaped the evaluator as an
exception (losing every block of the directory).  Now each one costs
evaluation steps *before* allocating, so ``limits.max_eval_steps`` stops it
with a SYS008 finding and the value is Unknown.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from tfload import by_address, diags, ev, load, node

from soc2lint.frontend import Limits
from soc2lint.model import Unknown
from soc2lint.terraform import functions, values
from soc2lint.terraform.expressions import SPENT_ALLOWANCE, Evaluator

from helpers import Calls, count_calls


def _steps(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """The evaluation steps granted (the evaluator's unit of work), summed over a load.

    A charge the budget refuses is not counted: it stops the work before it is done.
    """
    return count_calls(
        monkeypatch, Evaluator, "charge", weight=lambda ev, n: n if n <= ev.steps_left else 0
    )


#: more than any of these may allocate while being refused
MAX_PEAK_BYTES = 64 * 1024 * 1024


@pytest.mark.parametrize(
    "expr",
    [
        'format("%0999999999d", 1)',  # once: a 1 GB string, then refused
        'format("%999999999s", "a")',
        'format("%.999999999f", 1)',
        'format("%10000000000000000000000d", 1)',  # once: OverflowError escaped
        'formatlist("%0999999d", range(1000))',
        'indent(999999999, "a\\nb")',  # once: 2 GB
        'indent(1e300, "a\\nb")',  # once: OverflowError escaped
        # once: MemoryError (100 kB x 100 kB)
        'replace(join("", [for i in range(20000): "aaaaa"]), "a", join("", [for i in range(20000): "bbbbb"]))',
        'replace(join("", [for i in range(20000): "aaaaa"]), "/a/", join("", [for i in range(20000): "bbbbb"]))',
        "setproduct(range(200), range(200), range(200))",  # once: 8 million lists, 11 s
    ],
)
def test_large_results_are_refused_before_they_are_built(
    expr: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = _steps(monkeypatch)
    tracemalloc.start()
    try:
        value = ev(expr)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(value, Unknown)
    assert peak < MAX_PEAK_BYTES, f"{expr} allocated {peak} bytes"
    assert steps.count < 100_000, f"{expr}: {steps.count} steps of work before the refusal"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('format("%05d|%-4s|%.2f", 42, "ab", 3.14159)', "00042|ab  |3.14"),
        ('indent(2, "a\\nb")', "a\n  b"),
        ('replace("a-b-c", "-", "--")', "a--b--c"),
        ('replace("a1b22", "/[0-9]+/", "<$0>")', "a<1>b<22>"),
        ('setproduct([1, 2], ["a"])', [[1, "a"], [2, "a"]]),
        ("setproduct([1, 2], [])", []),
    ],
)
def test_the_same_functions_still_work_on_ordinary_input(expr: str, expected: object) -> None:
    assert ev(expr) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("length(distinct(range(30000)))", 30000),
        ("length(setintersection(range(30000), range(15000)))", 15000),
        ("length(setsubtract(range(30000), range(15000)))", 15000),
        ("length(toset([for i in range(30000) : [i]]))", 30000),
        ("length(matchkeys(range(30000), range(30000), range(30000)))", 30000),
    ],
)
def test_set_functions_are_linear(
    expr: str, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compared every pair before: distinct(range(30000)) ran for minutes
    keys = count_calls(monkeypatch, values, "value_key")
    pairs = count_calls(monkeypatch, values, "equal")
    monkeypatch.setattr(functions, "equal", values.equal)
    assert ev(expr) == expected
    n = 30000
    assert keys.count <= 10 * n, f"{keys.count} keys for {n} values"
    assert pairs.count <= 10 * n, f"{pairs.count} comparisons for {n} values (pairwise: {n * n})"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (
            'distinct([1, 1.0, "1", true, [1], [1.0], {a = 1}, {a = 1}, null, null])',
            [1, "1", True, [1], {"a": 1}, None],
        ),
        ("setintersection([1, 2, [3]], [[3], 2])", [2, [3]]),
        ("setsubtract([1, 2, [3]], [[3]])", [1, 2]),
        ('matchkeys(["a", "b"], [1, [2]], [[2]])', ["b"]),
        ("toset([1, 1.0, 2])", ["1", "2"]),
    ],
)
def test_set_functions_keep_terraform_equality(expr: str, expected: object) -> None:
    assert ev(expr) == expected


@pytest.mark.parametrize("expr", ["floor(1e999)", "ceil(-1e999)", "floor(0 * 1e999)"])
def test_arithmetic_errors_in_functions_give_unknown(expr: str) -> None:
    # OverflowError/ValueError escaped the evaluator: the block became an internal error
    assert isinstance(ev(expr), Unknown)


def test_a_huge_integer_literal_does_not_lose_the_directory(tmp_path: Path) -> None:
    # Python refuses int() of 4300+ digits; the whole directory was "internal error"
    big = "9" * 6000
    result = load(
        tmp_path,
        {
            "main.tf": f'resource "aws_s3_bucket" "big" {{\n  bucket = {big}\n}}\n'
            f"locals {{\n  l = [1][{big}]\n}}\n",
            "other.tf.json": '{"resource": {"aws_sqs_queue": {"q": {"delay_seconds": BIG}}}}'.replace(
                "BIG", big
            ),
            "good.tf": 'resource "aws_s3_bucket" "good" {\n  bucket = "g"\n}\n',
        },
    )
    assert not [d for d in result.diagnostics if "internal error" in d.message]
    assert node(result, "aws_s3_bucket.good").attrs["bucket"] == "g"
    assert {"aws_s3_bucket.big", "aws_sqs_queue.q"} <= set(by_address(result))


def test_a_huge_integer_in_a_plan_is_read(tmp_path: Path) -> None:
    big = "9" * 6000
    resource = {
        "address": "aws_s3_bucket.x",
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": "x",
        "values": {"bucket": "b", "n": 0},
    }
    text = json.dumps(
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": [resource]}}}
    )
    plan = text.replace('"n": 0', f'"n": {big}')
    result = load(tmp_path, {"plan.json": plan}, dirs=[], plans=["plan.json"])
    assert not diags(result, "SYS001")
    assert "aws_s3_bucket.x" in by_address(result)


def test_jsondecode_of_a_huge_integer(tmp_path: Path) -> None:
    assert ev('jsondecode("[' + "9" * 6000 + ']")') == [float("inf")]


@pytest.mark.parametrize("expr", ["1e999 % 1", "-(1e999) % 3", "BIG / 3", "BIG % 7"])
def test_arithmetic_errors_in_operators_give_unknown(expr: str) -> None:
    # found by test_fuzz_properties: math.fmod(inf, 1) raised ValueError out of the evaluator
    assert isinstance(ev(expr.replace("BIG", "9" * 1000)), Unknown)


def test_integers_squared_through_locals_stay_bounded(tmp_path: Path) -> None:
    # each local squares the one before: 2**40 digits without a bound on integer width
    squares = "\n".join(f"  s{i} = local.s{i - 1} * local.s{i - 1}" for i in range(1, 41))
    result = load(
        tmp_path,
        {"main.tf": f"locals {{\n  s0 = 12345678901234567\n{squares}\n}}\n"},
    )
    assert node(result, "local.s40").attrs["value"] == float("inf")
    # no local ever held a huge integer: each is at most a few hundred digits, or infinite
    for i in range(41):
        v = node(result, f"local.s{i}").attrs["value"]
        assert v == float("inf") or (isinstance(v, int) and len(str(v)) < 1000), i


def test_deeply_nested_template_directives(tmp_path: Path) -> None:
    # the RecursionError handler rendered the expression for its message, which
    # recursed again without a bound: "internal error" for the block
    depth = 20000
    text = '"' + "%{if true}" * depth + "x" + "%{endif}" * depth + '"'
    result = load(
        tmp_path,
        {
            "main.tf": f'resource "aws_s3_bucket" "deep" {{\n  bucket = {text}\n}}\n',
            "good.tf": 'resource "aws_s3_bucket" "good" {\n  bucket = "g"\n}\n',
        },
    )
    assert not [d for d in result.diagnostics if "internal error" in d.message]
    assert [d.rule_id for d in result.diagnostics if d.address == "aws_s3_bucket.deep"] in (
        ["SYS008"],
        ["SYS001"],
    )
    assert node(result, "aws_s3_bucket.good").attrs["bucket"] == "g"


def test_an_expression_over_budget_is_not_retried_for_every_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each of 1000 instances spent the whole step budget again: minutes for one block
    steps = _steps(monkeypatch)
    result = load(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "q" {\n  count = 1000\n'
            "  name  = length([for a in range(1000) : [for b in range(1000) : a * b]])\n}\n"
        },
    )
    # one budget spent (and a little), not one per instance
    assert steps.total < 3 * Limits().max_eval_steps, steps.total
    assert len([n for n in result.nodes if n.address.startswith("aws_sqs_queue.q[")]) == 1000
    assert isinstance(node(result, "aws_sqs_queue.q[999]").attrs["name"], Unknown)
    assert diags(result, "SYS008")


def test_a_plan_with_a_value_of_the_wrong_type_is_sys001_not_an_internal_error(
    tmp_path: Path,
) -> None:
    # found by test_structurally_mutated_plans_load: "expressions": true raised AttributeError
    fixture = (
        Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "plan" / "tfplan.json"
    )
    plan = json.loads(fixture.read_text(encoding="utf-8"))
    plan["configuration"]["root_module"]["resources"][0]["expressions"] = True
    result = load(tmp_path, {"plan.json": json.dumps(plan)}, dirs=[], plans=["plan.json"])
    [problem] = result.diagnostics
    assert problem.rule_id == "SYS001"
    assert "internal error" not in problem.message
    assert "unexpected type" in problem.message


def test_many_expressions_each_under_budget_are_bounded_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2000 locals of about 150 000 steps each: under max_eval_steps one by one,
    # minutes together; the scan-wide budget stops them (deterministically)
    many = "\n".join(f"  l{i} = length([for x in range(30000) : x + {i}])" for i in range(2000))
    steps = _steps(monkeypatch)
    result = load(
        tmp_path,
        {
            "main.tf": f"locals {{\n{many}\n}}\n",
            "good.tf": 'resource "aws_s3_bucket" "good" {\n  bucket = "g"\n}\n',
        },
        limits=Limits(max_total_eval_steps=5_000_000),
    )
    # the scan-wide budget, one expression over it, then a small allowance each
    bound = 5_000_000 + Limits().max_eval_steps + 2000 * SPENT_ALLOWANCE
    assert steps.total <= bound, steps.total
    limited = diags(result, "SYS008")
    assert limited and all("limits.max_total_eval_steps" in d.message for d in limited)
    values = [node(result, f"local.l{i}").attrs["value"] for i in range(2000)]
    assert 10 < values.count(30000) < 100  # 5 000 000 / 150 000 steps
    assert sum(isinstance(v, Unknown) for v in values) == 2000 - values.count(30000)
    assert node(result, "aws_s3_bucket.good").attrs["bucket"] == "g"


def test_a_long_chain_of_nested_locals_is_linear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each local's value was walked afresh to check its expanded size, for
    # l{i} = [local.l{i-1}]: 10 000 locals took 25 s, 19 000 minutes
    chain = "\n".join(f"  l{i} = [local.l{i - 1}]" for i in range(1, 10000))
    walks = _size_walks(monkeypatch)
    result = load(tmp_path, {"main.tf": f"locals {{\n  l0 = [1]\n{chain}\n}}\n"})
    assert walks.count <= 20 * 10000, f"{walks.count} values walked for 10 000 locals"
    assert not result.diagnostics
    assert node(result, "local.l2").attrs["value"] == [[[1]]]


class _CountingMemo(dict):  # type: ignore[type-arg]
    """The evaluator's memo of value sizes, counting the values looked up (one per walk)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        self.count += 1
        return super().get(key, default)


def _size_walks(monkeypatch: pytest.MonkeyPatch) -> _CountingMemo:
    memo = _CountingMemo()
    original = Evaluator.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        assert isinstance(self._sizes, dict)
        self._sizes = memo

    monkeypatch.setattr(Evaluator, "__init__", init)
    return memo

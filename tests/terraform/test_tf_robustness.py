"""Hostile and broken input: exponential values, slow regexes, random bytes, internal errors."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tfload import by_address, diags, load, node

from soc2lint.frontend import Limits, LoadOptions
from soc2lint.model import Unknown
from soc2lint.terraform import load_terraform

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"


def test_values_that_double_through_locals_are_stopped(tmp_path: Path) -> None:
    lists = "\n".join(f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 48))
    strings = "\n".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 48))
    result = load(
        tmp_path,
        {
            "main.tf": f'locals {{\n  l0 = ["x", "y"]\n{lists}\n  s0 = "ab"\n{strings}\n}}\n'
            'resource "aws_sqs_queue" "q" {\n  name = jsonencode(local.l47)\n}\n',
        },
        limits=Limits(max_eval_steps=50_000),
    )
    limited = {d.address for d in diags(result, "SYS008")}
    # 2 * 2**14 leaves is the first level over 50 000 elements; later levels
    # double the unknown again and are cut again
    assert {"local.l14", "local.l29", "local.l44"} <= limited
    assert "local.l13" not in limited
    assert isinstance(node(result, "local.l14").attrs["value"], Unknown)
    assert node(result, "local.l15").attrs["value"] == [
        Unknown("[local.l13, local.l13]", ()),
        Unknown("[local.l13, local.l13]", ()),
    ]
    assert isinstance(node(result, "aws_sqs_queue.q").attrs["name"], Unknown)
    assert any(a.startswith("local.s") for a in limited)
    assert node(result, "local.l3").attrs["value"][0][0][0] == ["x", "y"]


def test_pathological_regex_does_not_hang(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": 'locals {\n  m = can(regex("^(a|aa)+$", "' + "a" * 64 + 'b"))\n}\n',
        },
    )
    # out of time is unknown (never False: can() must not turn a timeout into a decision)
    assert isinstance(node(result, "local.m").attrs["value"], Unknown)
    assert any("limits.max_regex_seconds" in d.message for d in diags(result, "SYS008"))


def test_an_internal_error_in_one_block_spares_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soc2lint.terraform import adapt

    original = adapt.GraphBuilder.resource

    def boom(self: adapt.GraphBuilder, ri: object, calls: list[str]) -> None:
        if getattr(ri, "address", "") == "aws_sqs_queue.bad":
            raise RuntimeError("simulated bug")
        original(self, ri, calls)  # type: ignore[arg-type]

    monkeypatch.setattr(adapt.GraphBuilder, "resource", boom)
    result = load(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "bad" {}\nresource "aws_sqs_queue" "good" {}\n',
        },
    )
    assert "aws_sqs_queue.good" in by_address(result)
    (d,) = diags(result)
    assert (d.rule_id, d.range.file, d.range.start_line) == ("SYS001", "main.tf", 1)
    assert "simulated bug" in d.message


HCL_ALPHABET = string.ascii_letters + string.digits + ' _-.=:,?!"#/*%$~{}[]()<>\n\t\\'


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(alphabet=HCL_ALPHABET, max_size=300))
def test_random_text_never_raises(tmp_path: Path, text: str) -> None:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    (tmp_path / "main.tf.json").write_text(text, encoding="utf-8")
    result = load_terraform([tmp_path], [], LoadOptions(root=tmp_path, base=tmp_path))
    for d in result.diagnostics:
        assert d.range.start_line >= 1 and d.range.start_col >= 1


MUTATION_SOURCE = (FIXTURES / "project" / "modules" / "network" / "main.tf").read_text()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cut=st.integers(min_value=0, max_value=len(MUTATION_SOURCE) - 1),
    length=st.integers(min_value=1, max_value=12),
    insert=st.sampled_from(["", "{", "}", '"', "${", "%{", "[", "(", "<<EOT\n", "\n", "x."]),
)
def test_mutated_real_file_never_raises(tmp_path: Path, cut: int, length: int, insert: str) -> None:
    text = MUTATION_SOURCE[:cut] + insert + MUTATION_SOURCE[cut + length :]
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    result = load_terraform([tmp_path], [], LoadOptions(root=tmp_path, base=tmp_path))
    assert all(d.rule_id in {"SYS001", "SYS007", "SYS008"} for d in result.diagnostics)

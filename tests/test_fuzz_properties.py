"""Property-based fuzzing of the front ends and the whole scan (issue 13).

* random well-formed Terraform expressions, over known and unknown values,
  never raise, and an unknown operand makes a strict operation unknown;
* random Terraform configurations and CloudFormation templates load without
  an exception and without an internal error;
* mutated fixture files (byte flips, cuts, duplicated slices, truncation)
  scan to findings or positioned SYS001/SYS008, never a crash, and the good
  file next to them still yields its finding.

Example counts are small in CI (the ``ci`` profile); ``HYPOTHESIS_PROFILE=fuzz``
runs fifty times as many.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fuzzing import (
    EXPRESSIONS,
    KNOWN_LOCALS,
    cfn_template,
    dump_template,
    examples,
    mutation,
    terraform_document,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from soc2lint.cloudformation import load_cloudformation
from soc2lint.config import Config
from soc2lint.engine import ScanRequest, run_scan
from soc2lint.frontend import Limits, LoadOptions, LoadResult
from soc2lint.model import Unknown
from soc2lint.registry import load_registry
from soc2lint.terraform import load_terraform
from soc2lint.terraform.evaluate import Loader
from soc2lint.terraform.expressions import NULL_RESOLVER, Scope
from soc2lint.terraform.hcl import HclSyntaxError, parse_expression
from soc2lint.terraform.values import has_unknown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# the nested strategies have long reprs; hypothesis warns each time it builds one
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
#: small limits keep each example fast; hitting them must still be a finding
LIMITS = Limits(max_expansion=50, max_eval_steps=20_000, file_time_budget=20.0)
INTERNAL = ("internal error", "front end failed", "raised")

_NAMES: dict[str, Any] = {
    "local": KNOWN_LOCALS,
    "var": {"unknown": Unknown("var.unknown")},
    "data": {"aws_caller_identity": {"c": {"account_id": Unknown("data.c.account_id")}}},
    "aws_s3_bucket": {"b": {"arn": Unknown("aws_s3_bucket.b.arn")}},
    "module": {"m": {"out": Unknown("module.m.out")}},
}


def _evaluate(text: str) -> Any:
    root = Path("/nonexistent-root")
    loader = Loader(LoadOptions(root=root, base=root, limits=LIMITS))
    loader.ev.cwd = root
    try:
        expr = parse_expression(text)
    except HclSyntaxError:
        return None  # a generated expression the grammar rejects: not the evaluator's
    value, _ = loader.ev.evaluate(expr, Scope(NULL_RESOLVER, _NAMES), None)
    return value


@settings(max_examples=examples(1000))
@given(EXPRESSIONS)
def test_random_expressions_never_raise(text: str) -> None:
    _evaluate(text)


@settings(max_examples=examples(500))
@given(
    EXPRESSIONS,
    st.sampled_from(["var.unknown", "data.aws_caller_identity.c.account_id", "module.m.out"]),
    st.sampled_from(
        [
            "({e}) + {u}",
            "{u} * ({e})",
            '"${{{u}}}-${{{e}}}"',
            "max({u}, {e})",
            "upper({u})",
            "({e}) == {u} ? 1 : 2",
            "concat([{e}], {u})",
            "[{e}, {u}][1]",
            "{u}[{e}]",
        ]
    ),
)
def test_unknown_operands_make_strict_operations_unknown(
    text: str, unknown: str, form: str
) -> None:
    value = _evaluate(form.format(e=text, u=unknown))
    assert value is None or has_unknown(value), (form, text, value)


def _problems(result: LoadResult) -> list[str]:
    """Diagnostics that mean a bug rather than bad input, and unpositioned ones."""
    bad = []
    for d in result.diagnostics:
        if any(word in d.message for word in INTERNAL):
            bad.append(d.message)
        if d.range.start_line < 1 or d.range.start_col < 1:
            bad.append(f"unpositioned: {d}")
    return bad


@settings(max_examples=examples(100))
@given(terraform_document(), terraform_document())
def test_random_terraform_configurations_load(tmp_path_factory: Any, doc: str, module: str) -> None:
    check_terraform_configuration(tmp_path_factory.mktemp("tf"), doc, module)


def check_terraform_configuration(root: Path, doc: str, module: str) -> None:
    (root / "main.tf").write_text(doc, encoding="utf-8")
    (root / "mod").mkdir()
    (root / "mod" / "main.tf").write_text('variable "input" {}\n' + module, encoding="utf-8")
    result = load_terraform([root], [], LoadOptions(root=root, base=root, limits=LIMITS))
    assert not _problems(result)


@settings(max_examples=examples(150))
@given(cfn_template(), st.booleans())
def test_random_cloudformation_templates_load(
    tmp_path_factory: Any, template: dict[str, Any], as_json: bool
) -> None:
    check_cloudformation_template(tmp_path_factory.mktemp("cfn"), template, as_json)


def check_cloudformation_template(root: Path, template: dict[str, Any], as_json: bool) -> None:
    path = root / ("template.json" if as_json else "template.yaml")
    path.write_text(dump_template(template, as_json), encoding="utf-8")
    result = load_cloudformation([path], LoadOptions(root=root, base=root, limits=LIMITS))
    assert not _problems(result)


# ---- the whole scan, every rule, over generated and mutated input ---------------

REGISTRY = load_registry([])


def _scan(root: Path) -> list[Any]:
    config = Config(limits=LIMITS)
    result = run_scan(ScanRequest(paths=[root], config=config, registry=REGISTRY, base=root))
    return result.findings


def _assert_sound(findings: list[Any], good_address: str) -> None:
    crashed = [f.message for f in findings if f.rule_id == "SYS002"]
    assert not crashed, crashed  # a rule raised on this input
    assert not [f.message for f in findings if any(w in f.message for w in INTERNAL)]
    for f in findings:
        assert f.range.start_line >= 1 and f.range.start_col >= 1, f
    assert any(f.address == good_address for f in findings), "the good file was not scanned"


GOOD_TF = 'resource "aws_s3_bucket" "good_one" {\n  bucket = "g"\n}\n'
GOOD_CFN = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  GoodOne:\n    Type: AWS::S3::Bucket\n"
)


@settings(max_examples=examples(40))
@given(terraform_document(), cfn_template(), st.booleans())
def test_generated_input_scans_with_every_rule(
    tmp_path_factory: Any, doc: str, template: dict[str, Any], as_json: bool
) -> None:
    check_generated_scan(tmp_path_factory.mktemp("scan"), doc, template, as_json)


def check_generated_scan(root: Path, doc: str, template: dict[str, Any], as_json: bool) -> None:
    (root / "tf").mkdir()
    (root / "tf" / "main.tf").write_text(doc, encoding="utf-8")
    (root / "good").mkdir()
    (root / "good" / "main.tf").write_text(GOOD_TF, encoding="utf-8")
    (root / "cfn.json" if as_json else root / "cfn.yaml").write_text(
        dump_template(template, as_json), encoding="utf-8"
    )
    _assert_sound(_scan(root), "aws_s3_bucket.good_one")


def _fixture_files() -> list[Path]:
    out = []
    for p in sorted(FIXTURES.rglob("*")):
        if not p.is_file() or p.stat().st_size > 64 * 1024 or ".terraform" in p.parts:
            continue
        if p.name.endswith((".tf", ".tf.json", ".yaml", ".yml", ".template")) or (
            p.suffix == ".json" and b"Resources" in p.read_bytes()
        ):
            out.append(p)
    return out


FIXTURE_FILES = _fixture_files()


def test_there_are_fixture_files_to_mutate() -> None:
    assert len(FIXTURE_FILES) > 20


@settings(max_examples=examples(150))
@given(st.data())
def test_mutated_fixture_files_scan_soundly(tmp_path_factory: Any, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(FIXTURE_FILES), label="fixture")
    mutated = data.draw(mutation(source.read_bytes()), label="mutated")
    check_mutated_scan(tmp_path_factory.mktemp("mut"), source, mutated)


def check_mutated_scan(root: Path, source: Path, mutated: bytes) -> None:
    (root / "bad").mkdir()
    (root / "bad" / source.name).write_bytes(mutated)
    if source.name.endswith((".tf", ".tf.json")):
        (root / "good").mkdir()
        (root / "good" / "main.tf").write_text(GOOD_TF, encoding="utf-8")
        good = "aws_s3_bucket.good_one"
    else:
        (root / "good.yaml").write_text(GOOD_CFN, encoding="utf-8")
        good = "GoodOne"
    _assert_sound(_scan(root), good)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, *sys.argv[1:]]))


# ---- plans: structurally mutated `terraform show -json` output --------------

PLAN = json.loads((FIXTURES / "terraform" / "plan" / "tfplan.json").read_text(encoding="utf-8"))
_JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.sampled_from(["aws_s3_bucket.x", "module.m", "managed", "data", "", "after_unknown"]),
    ),
    lambda c: st.one_of(
        st.lists(c, max_size=3), st.dictionaries(st.text(max_size=6), c, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


PLAN_PATHS = _paths(PLAN)


@settings(max_examples=examples(100))
@given(st.data())
def test_structurally_mutated_plans_load(tmp_path_factory: Any, data: st.DataObject) -> None:
    plan = json.loads(json.dumps(PLAN))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(PLAN_PATHS))
        parent: Any = plan
        try:
            for key in path[:-1]:
                parent = parent[key]
            if path:
                parent[path[-1]] = data.draw(_JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    check_plan(tmp_path_factory.mktemp("plan"), plan)


def check_plan(root: Path, plan: Any) -> None:
    (root / "tfplan.json").write_text(json.dumps(plan), encoding="utf-8")
    result = load_terraform(
        [], [root / "tfplan.json"], LoadOptions(root=root, base=root, limits=LIMITS)
    )
    assert not _problems(result)

"""The examples file format: markers, default addresses, errors, lazy reading."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2lint.cli import main
from soc2lint.rule import LANGUAGES
from soc2lint.rule_examples import (
    ExamplesError,
    ExamplesFile,
    default_address,
    load_examples,
    parse_examples,
    strip_markers,
)

from helpers import registry


def _one(data: object, rule_id: str = "ENC004") -> dict[str, object]:
    return parse_examples(data, rule_id, "x.examples.yaml")


def test_markers_are_stripped_and_give_line_address_and_file() -> None:
    data = {
        "terraform": {
            "bad": [
                {
                    "code": 'resource "aws_efs_file_system" "a" {\n  encrypted = false  # <- ENC004\n}\n'
                },
                {
                    "note": "through a module",
                    "files": {
                        "main.tf": 'module "m" {\n  source = "./m"\n}\n',
                        "m/main.tf": 'resource "aws_efs_file_system" "this" {  # <- ENC004 module.m.aws_efs_file_system.this\n}\n',
                    },
                },
            ],
            "good": [{"code": 'resource "aws_efs_file_system" "a" {\n  encrypted = true\n}\n'}],
        }
    }
    ex = _one(data)["terraform"]
    first, second = ex.bad  # type: ignore[attr-defined]
    assert first.code == 'resource "aws_efs_file_system" "a" {\n  encrypted = false\n}\n'
    assert (first.address, first.line, first.file) == ("aws_efs_file_system.a", 2, None)
    assert second.note == "through a module"
    assert (second.address, second.line, second.file) == (
        "module.m.aws_efs_file_system.this",
        1,
        "m/main.tf",
    )
    assert "# <-" not in second.code["m/main.tf"]
    assert ex.good[0].address is None  # type: ignore[attr-defined]


def test_a_json_template_takes_the_same_marker() -> None:
    code = '{\n  "Resources": {\n    "Fs": {  # <- ENC004 Fs\n      "Type": "AWS::EFS::FileSystem"\n    }\n  }\n}\n'
    data = {"cloudformation": {"bad": [{"code": code}], "good": [{"code": "Resources: {}\n"}]}}
    (bad,) = _one(data)["cloudformation"].bad  # type: ignore[attr-defined]
    assert bad.files("cloudformation") == {"template.json": strip_markers(code)}
    assert bad.code.splitlines()[2] == '    "Fs": {'
    assert (bad.address, bad.line) == ("Fs", 3)


def test_default_addresses() -> None:
    tf = [
        'resource "aws_sqs_queue" "q" {',
        "  name = 1",
        "}",
        'data "aws_iam_policy_document" "d" {',
        "  x = 1",
        "}",
    ]
    assert default_address("terraform", "main.tf", tf, 1) == "aws_sqs_queue.q"
    assert default_address("terraform", "main.tf", tf, 4) == "data.aws_iam_policy_document.d"
    assert default_address("terraform", "modules/a/main.tf", tf, 1) is None
    assert default_address("terraform", "main.tf.json", tf, 1) is None
    assert (
        default_address("terraform", "main.tf", ['variable "v" {', "  default = 1", "}"], 1) is None
    )
    cfn = [
        "Parameters:",
        "  P:",
        "    Type: String",
        "Resources:",
        "  Queue:",
        "    Type: AWS::SQS::Queue",
    ]
    assert default_address("cloudformation", "template.yaml", cfn, 5) == "Queue"
    assert default_address("cloudformation", "template.yaml", cfn, 4) == "Queue"
    assert default_address("cloudformation", "template.yaml", cfn, 2) is None
    assert default_address("cloudformation", "template.json", cfn, 5) is None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"code": "x = 1\n"}, "exactly one line"),
        ({"code": 'resource "a" "b" {  # <- ENC004\n}  # <- ENC004\n'}, "found 2"),
        ({"code": 'resource "a" "b" {  # <- ENC001\n}\n'}, "marks ENC001, not ENC004"),
        ({"code": 'variable "v" {  # <- ENC004\n}\n'}, "must name the address"),
        ({"code": "x\n", "files": {"main.tf": "x\n"}}, "either `code` or `files`"),
        ({"code": "x\n", "line": 3}, "unknown keys"),
        ({"files": {}}, "map paths to texts"),
        ({"code": 'resource "a" "b" {  # <- ENC004\n}\n', "options": [1]}, "`options` must be"),
    ],
)
def test_bad_cases_are_refused_with_their_place(case: dict[str, object], message: str) -> None:
    with pytest.raises(ExamplesError, match=message) as err:
        _one({"terraform": {"bad": [case], "good": []}})
    assert "terraform bad #1" in str(err.value)


def test_a_good_case_carries_no_marker() -> None:
    with pytest.raises(ExamplesError, match="good case has no"):
        _one({"terraform": {"good": [{"code": 'resource "a" "b" {  # <- ENC004\n}\n'}]}})


def test_unknown_language_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ExamplesError, match="unknown language"):
        _one({"pulumi": {"bad": [], "good": []}})
    broken = tmp_path / "x.examples.yaml"
    broken.write_text("terraform: [\n", encoding="utf-8")
    with pytest.raises(ExamplesError, match=r"x\.examples\.yaml"):
        load_examples(broken, "ENC004")
    with pytest.raises(ExamplesError, match="missing"):
        load_examples(tmp_path / "missing.examples.yaml", "ENC004")


def test_building_the_registry_reads_no_examples_file() -> None:
    """A scan builds the registry; reading 100 YAML files would slow every start."""
    code = (
        "from soc2lint.registry import load_registry\n"
        "from soc2lint.rule_examples import ExamplesFile\n"
        "files = [r.examples for r in load_registry(use_entry_points=False)]\n"
        "files = [e for e in files if isinstance(e, ExamplesFile)]\n"
        "print(len(files), sum(e.loaded for e in files))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) >= 100
    assert out[1] == "0"


def test_every_builtin_rule_keeps_its_examples_in_a_file() -> None:
    for r in registry():
        if r.reserved:
            continue
        assert isinstance(r.examples, ExamplesFile), r.id
        assert r.examples.path.name.startswith(r.id.lower() + "_"), r.id


def test_languages_from_the_keys_are_the_parsed_files_languages() -> None:
    """A rule's languages (SARIF tags, evidence populations) come from the file's
    top-level keys, without parsing it."""
    for r in registry():
        if not isinstance(r.examples, ExamplesFile):
            continue
        fresh = replace(r, examples=ExamplesFile(r.examples.path, r.id))
        parsed = load_examples(r.examples.path, r.id)
        assert fresh.languages == tuple(x for x in LANGUAGES if x in parsed), r.id
        assert not fresh.examples.loaded, r.id


PACK_RULE = '''
from soc2lint.model import Severity
from soc2lint.rule import rule


@rule(id="TST701", slug="pack-rule", severity=Severity.LOW, tsc=("CC6.1",),
      checklist="B. Data at Rest", fix="Fix it.")
def pack_rule(ctx):
    """A rule pack's rule.

    What it checks:
        Nothing.
    Why it matters for SOC 2:
        It does not.
    References:
        - https://example.com
    """
    return iter(())


RULES = [pack_rule]
'''


def test_a_rule_packs_broken_examples_file_is_a_usage_error(tmp_path: Path) -> None:
    """A pack's examples file is read when the pack loads: a clear error, not a crash later."""
    (tmp_path / "pack_rule.py").write_text(PACK_RULE, encoding="utf-8")
    (tmp_path / "pack_rule.examples.yaml").write_text("terraform: [\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["scan", str(tmp_path), "--rules-dir", str(tmp_path)])
    assert r.exit_code == 2, r.output
    assert "pack_rule.examples.yaml" in r.stderr and "Traceback" not in r.output
    (tmp_path / "pack_rule.examples.yaml").write_text(
        'terraform:\n  bad:\n    - code: |\n        resource "aws_sqs_queue" "q" {}  # <- TST701\n'
        '  good:\n    - code: |\n        resource "aws_sqs_queue" "q" {}\n',
        encoding="utf-8",
    )
    # TST701 has no result: SARIF describes it because it is asked for by name
    args = ["--rules-dir", str(tmp_path), "--format", "sarif", "--select", "TST701"]
    r = CliRunner().invoke(main, ["scan", str(tmp_path), *args])
    assert r.exit_code == 0, r.output
    assert "TST701" in r.stdout

"""Units of the pull-request workflow that need no parser: diff matching, baselines, expansion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soc2lint.diff import compare, load_baseline, suppression_changes
from soc2lint.engine import UsageError
from soc2lint.model import Finding, Range, Severity, Suppression
from soc2lint.precommit import expand_changed
from soc2lint.suppressions import SuppressionEntry

from helpers import write_files


def _f(address: str, line: int, rule: str = "ENC001", **kw: object) -> Finding:
    return Finding(
        rule,
        "x",
        Severity.HIGH,
        f"{address} bad",
        address,
        Range("main.tf", line),
        scope=".",
        attr_path="storage_encrypted",
        **kw,
    )  # type: ignore[arg-type]


def test_compare_matches_by_fingerprint_not_line() -> None:
    base = [_f("aws_db_instance.moved", 3), _f("aws_db_instance.fixed", 10)]
    head = [_f("aws_db_instance.moved", 30), _f("aws_db_instance.added", 40)]
    info = compare(head, base, "origin/main", "abc123")
    assert [f.address for f in info.new] == ["aws_db_instance.added"]
    assert [f.address for f in info.resolved] == ["aws_db_instance.fixed"]
    assert [f.address for f in info.unchanged] == ["aws_db_instance.moved"]
    assert info.unchanged[0].baselined and not info.new[0].baselined


def test_compare_counts_unsuppressed_finding_as_new() -> None:
    sup = Suppression("inline", "accepted", None, Range("main.tf", 1))
    base = [_f("aws_db_instance.a", 3, suppression=sup)]
    head = [_f("aws_db_instance.a", 3)]
    info = compare(head, base, "main", "abc")
    assert [f.address for f in info.new] == ["aws_db_instance.a"]


def test_suppression_changes() -> None:
    def e(reason: str, expires: str | None, line: int) -> SuppressionEntry:
        x = SuppressionEntry("inline", ("ENC001",), reason, expires, Range("main.tf", line))
        x.target = (".", "aws_db_instance.a")
        return x

    base = [e("legacy", "2026-12-31", 3)]
    head = [e("legacy, extended", "2027-12-31", 5), e("new one", None, 9)]
    head[1].target = (".", "aws_db_instance.b")
    changes = suppression_changes(head, base)
    assert [(c.change, c.entry.target) for c in changes] == [
        ("changed", (".", "aws_db_instance.a")),
        ("added", (".", "aws_db_instance.b")),
    ]
    assert changes[0].before is not None and changes[0].before.reason == "legacy"


def test_baseline_file_validation(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text(
        json.dumps({"schema_version": 1, "findings": [{"fingerprint": "ab"}]}), encoding="utf-8"
    )
    assert load_baseline(p) == {"ab"}
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match="not a soc2lint baseline"):
        load_baseline(p)
    p.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid JSON"):
        load_baseline(p)


def test_expand_changed_files_to_modules_callers_and_stack_parents(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "envs/prod/main.tf": 'module "db" {\n  source = "../../modules/db"\n}\n',
            "envs/dev/main.tf": 'module "app" {\n  source = "../../modules/app"\n}\n',
            "modules/app/main.tf": 'module "db" {\n  source = "../db"\n}\n',
            "modules/db/main.tf": 'resource "aws_db_instance" "x" {}\n',
            "modules/db/variables.tf": 'variable "enc" {}\n',
            "unrelated/main.tf": 'resource "aws_sqs_queue" "q" {}\n',
            "stacks/parent.yaml": "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
            "    Properties:\n      TemplateURL: ./child.yaml\n",
            "stacks/child.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
        },
    )
    got = expand_changed(
        [tmp_path / "modules/db/variables.tf", tmp_path / "stacks/child.yaml"], tmp_path
    )
    rel = sorted(p.relative_to(tmp_path.resolve()).as_posix() for p in got)
    assert rel == [
        "envs/dev",
        "envs/prod",
        "modules/app",
        "modules/db",
        "stacks/child.yaml",
        "stacks/parent.yaml",
    ]

"""One problem, one finding (RULES.md "Clarifications"): IAM statements and security-group rules.

Each IAM ``Allow`` statement gets at most one finding from IAM001-IAM004 and
IAM012-IAM014 (order IAM001, IAM002, IAM004, IAM003, IAM012, IAM013, IAM014);
each ingress rule at most one from NET001-NET003 (NET003, NET002, NET001).
With a selection, the first applicable rule *among the selected ones* reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from soc2lint.config import Config
from soc2lint.model import Finding

from helpers import scan, write_files

IAM = ("IAM001", "IAM002", "IAM003", "IAM004", "IAM012", "IAM013", "IAM014")
NET = ("NET001", "NET002", "NET003")


def _policy(statements: str, name: str = "p") -> str:
    return (
        f'resource "aws_iam_policy" "{name}" {{\n  name = "{name}"\n  policy = jsonencode({{\n'
        '    Version = "2012-10-17"\n    Statement = [\n'
        f"{statements}"
        "    ]\n  })\n}\n"
    )


def _run(tmp_path: Path, files: dict[str, str], select: tuple[str, ...]) -> list[Finding]:
    write_files(tmp_path, files)
    result = scan([tmp_path], base=tmp_path, config=Config(select=select))
    return [f for f in result.findings if f.rule_id in select]


def _by_line(findings: list[Finding]) -> dict[int, list[str]]:
    """Rules by line; lines of passrole.tf count from 100."""
    out: dict[int, list[str]] = {}
    for f in findings:
        line = f.range.start_line + (100 if f.range.file == "passrole.tf" else 0)
        out.setdefault(line, []).append(f.rule_id)
    return {k: sorted(v) for k, v in out.items()}


STATEMENTS = (
    # line 6: iam:* -> IAM002 (also IAM003, IAM004, IAM014)
    '      { Effect = "Allow", Action = "iam:*", Resource = "*" },\n'
    # line 7: NotAction on * -> IAM001
    '      { Effect = "Allow", NotAction = "iam:*", Resource = "*" },\n'
    # line 8: PassRole + RunInstances -> IAM004 (also IAM003)
    # passrole.tf line 6 (106): PassRole alone, in a policy of its own -> IAM003
    '      { Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "*" },\n'
    # line 9: reads and writes -> IAM012 (also IAM014)
    '      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*" },\n'
    # line 10: bucket policies and writes -> IAM013 (also IAM014)
    '      { Effect = "Allow", Action = ["s3:PutBucketPolicy", "s3:DeleteObject"], Resource = "*" },\n'
    # line 11: writes -> IAM014
    '      { Effect = "Allow", Action = "sqs:DeleteQueue", Resource = "*" },\n'
)


FILES = {
    "main.tf": _policy(STATEMENTS),
    "passrole.tf": _policy(
        '      { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },\n', "passrole"
    ),
}


def test_each_iam_statement_gets_the_first_rule_that_applies(tmp_path: Path) -> None:
    findings = _run(tmp_path, FILES, IAM)
    assert _by_line(findings) == {
        6: ["IAM002"],
        7: ["IAM001"],
        8: ["IAM004"],
        9: ["IAM012"],
        10: ["IAM013"],
        11: ["IAM014"],
        106: ["IAM003"],
    }
    messages = {
        f.range.start_line + (100 if f.range.file == "passrole.tf" else 0): f.message
        for f in findings
    }
    assert "also allows" in messages[6] and "iam:PassRole on *" in messages[6]
    assert "privilege escalation" in messages[6]
    assert "also allows iam:PassRole on *" in messages[8]
    assert "also allows writes (s3:PutObject) on *" in messages[9]
    assert "writes (s3:DeleteObject)" in messages[10]
    assert "also allows" not in messages[11]
    assert "also allows" not in messages[106]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        # the first applicable rule among those selected reports the statement
        (("IAM003",), {6: ["IAM003"], 8: ["IAM003"], 106: ["IAM003"]}),
        (("IAM002", "IAM003"), {6: ["IAM002"], 8: ["IAM003"], 106: ["IAM003"]}),
        (("IAM001", "IAM004"), {6: ["IAM004"], 7: ["IAM001"], 8: ["IAM004"]}),
        (
            ("IAM014",),
            {
                6: ["IAM014"],
                7: ["IAM014"],
                8: ["IAM014"],
                9: ["IAM014"],
                10: ["IAM014"],
                11: ["IAM014"],
            },
        ),
        (
            ("IAM012", "IAM014"),
            {
                6: ["IAM014"],
                7: ["IAM012"],
                8: ["IAM014"],
                9: ["IAM012"],
                10: ["IAM014"],
                11: ["IAM014"],
            },
        ),
    ],
)
def test_a_selection_reports_the_first_selected_rule_that_applies(
    tmp_path: Path, select: tuple[str, ...], expected: dict[int, list[str]]
) -> None:
    findings = _run(tmp_path, FILES, select)
    assert _by_line(findings) == expected


def test_iam012_to_iam014_stay_silent_on_scoped_or_narrowed_statements(tmp_path: Path) -> None:
    statements = (
        '      { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" },\n'
        '      { Effect = "Allow", Action = "kms:Decrypt", Resource = "*",\n'
        '        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } } },\n'
        '      { Effect = "Allow", Action = "dynamodb:PutItem", Resource = "*",\n'
        '        Condition = { StringEquals = { "dynamodb:ResourceTag/team" = "a" } } },\n'
        '      { Effect = "Allow", Action = ["ec2:Describe*", "xray:PutTraceSegments"], Resource = "*" },\n'
        '      { Effect = "Allow", Action = "s3:PutObject", Resource = "*",\n'
        '        Condition = { StringEquals = { "aws:ResourceTag/team" = "*" } } },\n'
    )
    findings = _run(tmp_path, {"main.tf": _policy(statements)}, IAM)
    # only the last: a wildcard tag value narrows nothing
    assert _by_line(findings) == {12: ["IAM014"]}


SG = """
resource "aws_security_group" "web" {
  name = "web"
  ingress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol    = "tcp"
    from_port   = 0
    to_port     = 10000
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


def test_each_ingress_rule_gets_one_network_finding(tmp_path: Path) -> None:
    findings = _run(tmp_path, {"main.tf": SG}, NET)
    assert _by_line(findings) == {4: ["NET003"], 10: ["NET002"], 16: ["NET001"], 22: ["NET002"]}
    messages = {f.range.start_line: f.message for f in findings}
    # the message names every port the rule covers
    assert "22 (SSH)" in messages[4] and "12 database and cache ports" in messages[4]
    assert "5432" in messages[10] and "22 (SSH)" in messages[10] and "3389 (RDP)" in messages[10]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (("NET001",), {4: ["NET001"], 10: ["NET001"], 16: ["NET001"]}),
        (("NET001", "NET002"), {4: ["NET002"], 10: ["NET002"], 16: ["NET001"], 22: ["NET002"]}),
        (("NET003",), {4: ["NET003"]}),
    ],
)
def test_a_selection_of_network_rules_reports_the_first_selected(
    tmp_path: Path, select: tuple[str, ...], expected: dict[int, list[str]]
) -> None:
    findings = _run(tmp_path, {"main.tf": SG}, select)
    assert _by_line(findings) == expected

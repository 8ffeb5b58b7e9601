"""Review of the IAM and LOG families: cases the rule examples do not pin down."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

_FOREACH_ONLY = """
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Groups:
    - Name
    - [Audit, App]
    - ${Name}Logs:
        Type: AWS::Logs::LogGroup
        Properties:
          RetentionInDays: 7
"""


def test_template_whose_resources_are_all_foreach_loops_is_scanned(tmp_path: Path) -> None:
    """No AWSTemplateFormatVersion and only Fn::ForEach entries: still a template."""
    write_files(tmp_path, {"template.yaml": _FOREACH_ONLY})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("LOG009",), inline_suppressions=False),
    )
    got = sorted((f.address, f.range.file, f.range.start_line) for f in result.findings)
    assert got == [("AppLogs", "template.yaml", 10), ("AuditLogs", "template.yaml", 10)]


def _iam(tmp_path: Path, main_tf: str) -> list[tuple[str, str, int]]:
    write_files(tmp_path, {"main.tf": main_tf})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("IAM001", "IAM002"), inline_suppressions=False),
    )
    return sorted((f.rule_id, f.address, f.range.start_line) for f in result.findings)


_HEREDOC = """
variable "key" {}
variable "action" {}
variable "on" {}

resource "aws_iam_policy" "p" {
  policy = <<EOF
{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${var.key}/*"},
    %s,
    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
  ]
}
EOF
}
"""


def test_heredoc_policy_with_unknown_interpolation_in_a_string_is_read(tmp_path: Path) -> None:
    tf = _HEREDOC % '{"Effect": "Allow", "Action": "${var.action}", "Resource": "*"}'
    assert _iam(tmp_path, tf) == [("IAM002", "aws_iam_policy.p", 12)]


def test_heredoc_policy_with_interpolation_as_a_whole_value_is_read(tmp_path: Path) -> None:
    # ${jsonencode(var.action)} is one JSON value: that statement's Action is unknown,
    # the other statements are read (ec2:* on *)
    tf = _HEREDOC % '{"Effect": "Allow", "Action": ${jsonencode(var.action)}, "Resource": "*"}'
    assert _iam(tmp_path, tf) == [("IAM002", "aws_iam_policy.p", 12)]


def test_heredoc_policy_with_interpolated_key_leaves_that_statement_unknown(
    tmp_path: Path,
) -> None:
    key = _HEREDOC % '{"Effect": "Allow", "${var.key}": "*", "Resource": "*"}'
    assert _iam(tmp_path / "k", key) == [("IAM002", "aws_iam_policy.p", 12)]


def test_heredoc_policy_with_directive_stays_unknown(tmp_path: Path) -> None:
    # a directive may add or drop statements: nothing in the document is certain
    directive = _HEREDOC % (
        '%{ if var.on }{"Effect": "Deny", "Action": "*", "Resource": "*"}%{ endif }'
    )
    assert _iam(tmp_path / "d", directive) == []
    # an interpolation that is part of a value (not a whole one) makes the text no JSON
    partial_number = _HEREDOC % '{"Effect": "Allow", "Action": "*", "Resource": 1${var.on}}'
    assert _iam(tmp_path / "n", partial_number) == []


def test_templatefile_policy_with_unknown_variables_is_read(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "b" {
  bucket = "acme-data"
}

resource "aws_iam_policy" "p" {
  policy = templatefile("${path.module}/policy.json.tpl", { bucket_arn = aws_s3_bucket.b.arn })
}
""",
            "policy.json.tpl": """{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${bucket_arn}/*"},
    {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}
  ]
}
""",
        },
    )
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("IAM002",), inline_suppressions=False),
    )
    got = sorted((f.rule_id, f.address, f.range.file, f.range.start_line) for f in result.findings)
    # the statement's line in the template, where it is written
    assert got == [("IAM002", "aws_iam_policy.p", "policy.json.tpl", 4)]


def test_boundary_only_policy_is_not_an_iam_finding(tmp_path: Path) -> None:
    """A permissions boundary attached to no one grants nothing: no IAM001-IAM004."""
    write_files(
        tmp_path,
        {
            "main.tf": """
resource "aws_iam_policy" "boundary" {
  policy = jsonencode({Statement = [{
    Effect   = "Allow"
    Action   = ["s3:*", "iam:PassRole", "ec2:RunInstances", "iam:CreatePolicyVersion"]
    Resource = "*"
  }]})
}

resource "aws_iam_user" "u" {
  name                 = "u"
  permissions_boundary = aws_iam_policy.boundary.arn
}
""",
        },
    )
    rules = ("IAM001", "IAM002", "IAM003", "IAM004")
    result = scan([tmp_path], base=tmp_path, config=Config(select=rules, inline_suppressions=False))
    assert [f.rule_id for f in result.findings] == []

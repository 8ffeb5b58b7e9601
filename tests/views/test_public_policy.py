"""S3's definition of a public policy statement (RULES.md "Public policies"), one function
shared by NET011, KEY002 and IAM008."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from soc2lint.config import Config
from soc2lint.model import Unknown
from soc2lint.views.policy import parse_document, public_unknown, public_verdict

from helpers import make_node, scan, write_files


def _verdict(condition: Any, principal: Any = "*") -> tuple[bool | None, list[str]]:
    node = make_node("aws_s3_bucket_policy.p", "AWS::S3::BucketPolicy")
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject"}
    if condition is not None:
        stmt["Condition"] = condition
    doc = parse_document({"Statement": [stmt]}, node, ("policy",), "resource")
    return public_verdict(doc.statements[0])


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"}},
        {"StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d"]}},
        {"StringEquals": {"AWS:SourceVpc": "vpc-1a2b3c4d"}},  # keys are case-insensitive
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/reader"}},
        {"StringEquals": {"kms:CallerAccount": "111122223333"}},
        {"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}},
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}},
        # a non-restricting key next to a restricting one: still restricted
        {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": "1111"}},
        # an account ID from a data source is one fixed value after deploy
        {
            "StringEquals": {
                "aws:SourceAccount": Unknown(
                    "data.aws_caller_identity.current.account_id",
                    refs=["data.aws_caller_identity.current"],
                )
            }
        },
    ],
)
def test_fixed_values_of_the_listed_keys_make_a_statement_non_public(condition: Any) -> None:
    assert _verdict(condition) == (False, [])


@pytest.mark.parametrize(
    ("condition", "keys"),
    [
        (None, []),
        ({"Bool": {"aws:SecureTransport": "true"}}, ["aws:SecureTransport"]),
        ({"StringLike": {"aws:Referer": "https://example.com/*"}}, ["aws:Referer"]),
        ({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}, ["aws:CurrentTime"]),
        ({"StringLike": {"s3:prefix": "public/"}}, ["s3:prefix"]),
        # wildcards and policy variables are not fixed values
        ({"StringLike": {"aws:SourceAccount": "*"}}, ["aws:SourceAccount"]),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}, ["aws:SourceArn"]),
        ({"StringEquals": {"aws:userid": "${aws:userid}"}}, ["aws:userid"]),
        # a public-wide range, a negated operator, IfExists
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, ["aws:SourceIp"]),
        ({"IpAddress": {"aws:SourceIp": "::/0"}}, ["aws:SourceIp"]),
        ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, ["aws:SourceIp"]),
        ({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}, ["aws:SourceAccount"]),
        ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, ["aws:SourceAccount"]),
    ],
)
def test_other_conditions_leave_a_statement_public(condition: Any, keys: list[str]) -> None:
    assert _verdict(condition) == (True, keys)


def test_named_principals_are_not_public_and_unknowns_are_undecided() -> None:
    assert _verdict(None, {"AWS": "arn:aws:iam::111122223333:root"}) == (False, [])
    assert _verdict(None, {"Service": "cloudtrail.amazonaws.com"}) == (False, [])
    # an ARN template is never *, whatever the account turns out to be
    root = Unknown(
        '"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"',
        refs=["data.aws_caller_identity.current"],
    )
    assert _verdict(None, {"AWS": root}) == (False, [])
    # a variable could be "*": undecided, and --strict names that expression
    anyone = Unknown("var.reader_principal", refs=["var.reader_principal"])
    assert _verdict(None, {"AWS": anyone}) == (None, [])
    node = make_node("aws_s3_bucket_policy.p", "AWS::S3::BucketPolicy")
    doc = parse_document(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": anyone}, "Action": "s3:*"}]},
        node,
        ("policy",),
        "resource",
    )
    assert public_unknown(doc.statements[0]) is anyone
    condition = {
        "StringEquals": {"aws:SourceAccount": Unknown("var.account", refs=["var.account"])}
    }
    assert _verdict(condition) == (None, [])


def test_strict_names_the_unresolved_principal_not_the_whole_policy(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": (
                'variable "reader" { type = string }\n'
                'data "aws_caller_identity" "current" {}\n'
                'resource "aws_kms_key" "k" {\n'
                "  enable_key_rotation = true\n"
                "  policy = jsonencode({\n"
                '    Version = "2012-10-17"\n'
                "    Statement = [\n"
                '      { Sid = "Root", Effect = "Allow", Action = "kms:*", Resource = "*",\n'
                "        Principal = { AWS = "
                '"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } },\n'
                '      { Sid = "Reader", Effect = "Allow", Action = "kms:Decrypt", Resource = "*",\n'
                "        Principal = { AWS = var.reader } },\n"
                "    ]\n"
                "  })\n"
                "}\n"
            )
        },
    )
    result = scan([tmp_path], base=tmp_path, config=Config(select=("KEY002",), strict=True))
    messages = [f.message for f in result.findings if f.rule_id == "KEY002"]
    assert len(messages) == 1, messages  # the account-root statement is never reported
    assert "(var.reader)" in messages[0] and "jsonencode" not in messages[0]
    assert 'statement "Reader"' in messages[0]

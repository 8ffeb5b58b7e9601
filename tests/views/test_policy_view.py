from __future__ import annotations

import json

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Unknown
from soc2lint.views.policy import (
    action_matches,
    allows_action,
    covers_all_resources,
    parse_document,
    policy_documents,
    principal_is_public,
)

from helpers import make_node


def test_parse_json_string_and_normalise_elements() -> None:
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    doc = parse_document(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            }
        ),
        n,
        ("policy",),
        "identity",
    )
    (s,) = doc.statements
    assert s.allows and s.actions == ("s3:*",) and s.resources == ("*",)
    assert s.path == ("policy", "Statement")
    assert s.condition_values("Bool", "AWS:SecureTransport") == ["false"]


def test_unknown_parts_stay_unknown() -> None:
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    u = Unknown("var.actions")
    doc = parse_document(
        {"Statement": [{"Effect": "Allow", "Action": u, "Resource": "*"}]},
        n,
        ("policy",),
        "identity",
    )
    (s,) = doc.statements
    assert allows_action(s, "iam:PassRole") is None
    assert parse_document(Unknown("data.x.json"), n, ("policy",), "identity").unknown is not None
    assert parse_document("{not json", n, ("policy",), "identity").unknown is not None


def test_action_matching_is_case_insensitive_with_wildcards() -> None:
    assert action_matches("s3:Get*", "s3:GetObject")
    assert action_matches("IAM:pass*", "iam:PassRole")
    assert action_matches("*", "kms:Decrypt")
    assert not action_matches("s3:Get*", "s3:PutObject")
    assert action_matches("s3:*", "s3:Get*")


def test_not_action_grants_the_rest() -> None:
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    doc = parse_document(
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"}]},
        n,
        ("policy",),
        "identity",
    )
    (s,) = doc.statements
    assert allows_action(s, "s3:GetObject") is True
    assert allows_action(s, "iam:CreateUser") is False
    assert covers_all_resources(s) is True


def test_public_principals() -> None:
    assert principal_is_public("*") is True
    assert principal_is_public({"AWS": ("*",)}) is True
    assert principal_is_public({"AWS": ("arn:aws:iam::123456789012:root",)}) is False
    assert principal_is_public({"Service": ("*",)}) is False
    assert principal_is_public({"AWS": (Unknown("var.p"),)}) is None


def test_documents_follow_data_sources() -> None:
    data = make_node(
        "data.aws_iam_policy_document.d",
        "data.aws_iam_policy_document",
        {
            "statement": [{"actions": ["*"], "resources": ["*"]}],
            "json": json.dumps(
                {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            ),
        },
        category="data",
        line=10,
    )
    pol = make_node(
        "aws_iam_policy.p",
        "AWS::IAM::ManagedPolicy",
        {
            "policy": Unknown(
                "data.aws_iam_policy_document.d.json", refs=("data.aws_iam_policy_document.d",)
            )
        },
    )
    g = ResourceGraph([data, pol], [Edge(pol.id, data.id, "ref", ("policy",), "json")])
    (doc,) = policy_documents(g)
    assert doc.node is data and doc.subject is pol
    assert doc.statements[0].path == ("statement", 0)

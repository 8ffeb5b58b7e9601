"""Policy documents from every source: data sources with source documents, SAM, Lambda
permissions, purposes, ARN templates with unknown accounts, action matching."""

from __future__ import annotations

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Range, Unknown
from soc2lint.views.policy import (
    action_matches,
    allowed_on_every_target,
    allows_action,
    arn_pattern,
    denied_everywhere,
    documents_of,
    parse_document,
    policy_documents,
    resource_covers_type,
)

from helpers import make_node


def _stmt(**fields: object) -> dict[str, object]:
    return {"Effect": "Allow", **fields}


def test_action_matching_wildcards_case_and_not_action() -> None:
    assert action_matches("iam:*", "iam:PassRole")
    assert action_matches("IAM:PASS*", "iam:PassRole")
    assert action_matches("iam:?assRole", "iam:PassRole")
    assert not action_matches("iam:Pass", "iam:PassRole")
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    doc = parse_document(
        {"Statement": [_stmt(NotAction=["iam:*", "organizations:*"], Resource="*")]},
        n,
        ("policy",),
        "identity",
    )
    (s,) = doc.statements
    assert allows_action(s, "s3:GetObject") is True
    assert allows_action(s, "iam:PassRole") is False
    partly = parse_document(
        {"Statement": [_stmt(NotAction=["iam:*", Unknown("var.x")], Resource="*")]},
        n,
        ("policy",),
        "identity",
    ).statements[0]
    assert allows_action(partly, "s3:GetObject") is None


def test_arn_templates_with_unknown_account_still_cover_every_role() -> None:
    tf = Unknown('"arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/*"')
    assert arn_pattern(tf) == "arn:aws:iam::*:role/*"
    cfn = Unknown("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*")
    assert arn_pattern(cfn) == "arn:*:iam::*:role/*"
    assert arn_pattern(Unknown('"arn:aws:iam::123:role/${var.name}"')) is None
    assert arn_pattern(Unknown("aws_iam_role.app.arn")) is None
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    doc = parse_document(
        {"Statement": [_stmt(Action="iam:PassRole", Resource=[tf])]}, n, ("policy",), "identity"
    )
    assert resource_covers_type(doc.statements[0], "iam", "role") is True
    scoped = parse_document(
        {"Statement": [_stmt(Action="iam:PassRole", Resource=Unknown("aws_iam_role.a.arn"))]},
        n,
        ("policy",),
        "identity",
    )
    assert resource_covers_type(scoped.statements[0], "iam", "role") is None


def test_escalation_targets_and_deny() -> None:
    n = make_node("aws_iam_policy.p", "AWS::IAM::ManagedPolicy")
    doc = parse_document(
        {
            "Statement": [
                _stmt(Action="iam:*", Resource="arn:aws:iam::*:user/*"),
                {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"},
            ]
        },
        n,
        ("policy",),
        "identity",
    )
    s = doc.statements[0]
    assert allowed_on_every_target(s, "iam:AttachUserPolicy") is True
    assert allowed_on_every_target(s, "iam:AttachRolePolicy") is False
    assert denied_everywhere(doc, "iam:CreateAccessKey")
    assert not denied_everywhere(doc, "iam:AttachUserPolicy")


def test_data_source_statements_from_source_documents_are_located_in_their_source() -> None:
    base_stmt = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    own_stmt = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
    base = make_node(
        "data.aws_iam_policy_document.base",
        "data.aws_iam_policy_document",
        {"document": {"Version": "2012-10-17", "Statement": [base_stmt]}},
        category="data",
        line=1,
        locations={("document", "Statement", 0): Range("main.tf", 2, 3, 5, 4)},
    )
    outer = make_node(
        "data.aws_iam_policy_document.app",
        "data.aws_iam_policy_document",
        {
            "source_policy_documents": [Unknown("", ("data.aws_iam_policy_document.base",))],
            "document": {"Version": "2012-10-17", "Statement": [base_stmt, own_stmt]},
        },
        category="data",
        line=10,
        locations={
            ("source_policy_documents",): Range("main.tf", 11, 3, 11, 40),
            ("document", "Statement", 1): Range("main.tf", 12, 3, 15, 4),
        },
    )
    pol = make_node(
        "aws_iam_policy.app",
        "AWS::IAM::ManagedPolicy",
        {"policy": Unknown("data.aws_iam_policy_document.app.json", (outer.address,))},
        line=20,
    )
    g = ResourceGraph(
        [base, outer, pol],
        [
            Edge(outer.id, base.id, "ref", ("source_policy_documents", 0), "json"),
            Edge(pol.id, outer.id, "ref", ("policy",), "json"),
        ],
    )
    docs = policy_documents(g, "identity")
    assert [d.node.address for d in docs] == ["data.aws_iam_policy_document.app"]
    first, second = docs[0].statements
    assert first.node is base and first.path == ("document", "Statement", 0)
    assert second.node is outer and second.range.start_line == 12
    assert docs[0].holder is pol
    assert documents_of(g, pol)[0] is docs[0]


def test_unused_data_documents_get_the_purpose_their_content_shows() -> None:
    trust = make_node(
        "data.aws_iam_policy_document.trust",
        "data.aws_iam_policy_document",
        {
            "document": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                    }
                ]
            }
        },
        category="data",
    )
    bucket = make_node(
        "data.aws_iam_policy_document.bucket",
        "data.aws_iam_policy_document",
        {
            "document": {
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Principal": "*"}]
            }
        },
        category="data",
    )
    g = ResourceGraph([trust, bucket])
    purposes = {d.node.address: d.purpose for d in policy_documents(g)}
    assert purposes == {
        "data.aws_iam_policy_document.trust": "trust",
        "data.aws_iam_policy_document.bucket": "resource",
    }


def test_sam_policies_inline_templates_and_managed_names() -> None:
    fn = make_node(
        "Fn",
        "AWS::Lambda::Function",
        {
            "Policies": [
                "AWSLambdaBasicExecutionRole",
                {"TextractPolicy": {}},
                {"Statement": [_stmt(Action="sqs:*", Resource="*")]},
                {"NoSuchTemplate": {}},
            ]
        },
        language="cloudformation",
        type_="AWS::Serverless::Function",
        meta={"sam_type": "AWS::Serverless::Function"},
    )
    g = ResourceGraph([fn])
    docs = documents_of(g, fn)
    assert [d.path for d in docs] == [
        ("Policies", 1, "TextractPolicy"),
        ("Policies", 2),
        ("Policies", 3, "NoSuchTemplate"),
    ]
    assert docs[0].template == "TextractPolicy"
    assert docs[0].statements[0].actions == ("textract:*",)
    assert docs[1].statements[0].path == ("Policies", 2, "Statement", 0)
    assert docs[2].unknown is not None
    with_role = make_node(
        "Fn2",
        "AWS::Lambda::Function",
        {"Role": "arn:aws:iam::123456789012:role/x", "Policies": [{"TextractPolicy": {}}]},
        language="cloudformation",
        type_="AWS::Serverless::Function",
        meta={"sam_type": "AWS::Serverless::Function"},
    )
    assert documents_of(ResourceGraph([with_role]), with_role) == []


def test_lambda_permission_is_a_one_statement_resource_policy() -> None:
    perm = make_node(
        "aws_lambda_permission.public",
        "AWS::Lambda::Permission",
        {"principal": "*", "action": "lambda:InvokeFunction", "function_name": "api"},
    )
    scoped = make_node(
        "aws_lambda_permission.s3",
        "AWS::Lambda::Permission",
        {
            "principal": "s3.amazonaws.com",
            "action": "lambda:InvokeFunction",
            "function_name": "api",
            "source_arn": "arn:aws:s3:::acme",
        },
    )
    g = ResourceGraph([perm, scoped])
    (public,) = documents_of(g, perm)
    assert public.purpose == "resource"
    assert public.statements[0].principals == "*"
    assert public.statements[0].has_condition is False
    (s3,) = documents_of(g, scoped)
    assert s3.statements[0].principals == {"Service": ("s3.amazonaws.com",)}
    assert s3.statements[0].has_condition is True


def test_data_documents_used_by_other_resources_are_not_iam_policies() -> None:
    allow_all = make_node(
        "data.aws_iam_policy_document.full_access",
        "data.aws_iam_policy_document",
        {"document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
        category="data",
    )
    scp = make_node(
        "aws_organizations_policy.full_access",
        "aws_organizations_policy",
        {"content": Unknown("", (allow_all.address,))},
    )
    g = ResourceGraph([allow_all, scp], [Edge(scp.id, allow_all.id, "ref", ("content",), "json")])
    assert policy_documents(g) == []

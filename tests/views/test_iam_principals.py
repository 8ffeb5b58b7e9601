"""Who holds which policy: attachments, memberships, unresolved principals, role uses."""

from __future__ import annotations

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Unknown
from soc2lint.views.iam import grant_denies_without_mfa, grant_is_admin, iam_view

from helpers import make_node

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_attachments_resolve_aws_managed_data_sources_and_customer_policies() -> None:
    user = make_node("aws_iam_user.ana", "AWS::IAM::User", {"name": "ana"})
    role = make_node("aws_iam_role.ci", "AWS::IAM::Role", {"name": "ci"})
    custom = make_node(
        "aws_iam_policy.all",
        "AWS::IAM::ManagedPolicy",
        {"policy": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
    )
    by_name = make_node(
        "data.aws_iam_policy.iam_full",
        "data.aws_iam_policy",
        {"name": "IAMFullAccess"},
        category="data",
    )
    a1 = make_node(
        "aws_iam_user_policy_attachment.a1",
        "aws_iam_user_policy_attachment",
        {"user": "ana", "policy_arn": ADMIN},
    )
    a2 = make_node(
        "aws_iam_role_policy_attachment.a2",
        "aws_iam_role_policy_attachment",
        {"role": "ci", "policy_arn": Unknown("aws_iam_policy.all.arn", (custom.address,))},
    )
    a3 = make_node(
        "aws_iam_role_policy_attachment.a3",
        "aws_iam_role_policy_attachment",
        {"role": "ci", "policy_arn": Unknown("data.aws_iam_policy.iam_full.arn")},
    )
    g = ResourceGraph(
        [user, role, custom, by_name, a1, a2, a3],
        [
            Edge(a1.id, user.id, "literal", ("user",)),
            Edge(a2.id, role.id, "literal", ("role",)),
            Edge(a2.id, custom.id, "ref", ("policy_arn",), "arn"),
            Edge(a3.id, role.id, "literal", ("role",)),
            Edge(a3.id, by_name.id, "ref", ("policy_arn",), "arn"),
        ],
    )
    v = iam_view(g)
    (ua,) = v.grants_of(user)
    assert ua.policy.aws_managed == "AdministratorAccess" and grant_is_admin(ua) is True
    rg = {gr.source.address: gr for gr in v.grants_of(role)}
    assert rg["aws_iam_role_policy_attachment.a2"].policy.policy_node is custom
    assert grant_is_admin(rg["aws_iam_role_policy_attachment.a2"]) is True
    assert rg["aws_iam_role_policy_attachment.a3"].policy.aws_managed == "IAMFullAccess"


def test_group_membership_and_mfa_deny_through_the_group() -> None:
    user = make_node("aws_iam_user.bo", "AWS::IAM::User", {"name": "bo"})
    group = make_node("aws_iam_group.humans", "AWS::IAM::Group", {"name": "humans"})
    policy = make_node(
        "aws_iam_group_policy.mfa",
        "AWS::IAM::GroupPolicy",
        {
            "group": "humans",
            "policy": {
                "Statement": [
                    {
                        "Effect": "Deny",
                        "NotAction": "iam:EnableMFADevice",
                        "Resource": "*",
                        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                    }
                ]
            },
        },
    )
    member = make_node(
        "aws_iam_user_group_membership.bo",
        "aws_iam_user_group_membership",
        {"user": "bo", "groups": ["humans"]},
    )
    login = make_node("aws_iam_user_login_profile.bo", "aws_iam_user_login_profile", {"user": "bo"})
    g = ResourceGraph(
        [user, group, policy, member, login],
        [
            Edge(policy.id, group.id, "literal", ("group",)),
            Edge(member.id, user.id, "literal", ("user",)),
            Edge(member.id, group.id, "literal", ("groups", 0)),
            Edge(login.id, user.id, "literal", ("user",)),
        ],
    )
    v = iam_view(g)
    assert v.groups_of_user[user.id] == [group]
    grants, complete = v.effective_grants(user)
    assert complete and [grant_denies_without_mfa(x) for x in grants] == [True]
    assert v.login_profiles[user.id][0][0] is login


def test_unresolved_principals_make_user_answers_incomplete() -> None:
    user = make_node("aws_iam_user.cy", "AWS::IAM::User", {"name": "cy"})
    att = make_node(
        "aws_iam_user_policy_attachment.x",
        "aws_iam_user_policy_attachment",
        {"user": Unknown("var.user"), "policy_arn": ADMIN},
    )
    g = ResourceGraph([user, att])
    v = iam_view(g)
    grants, complete = v.effective_grants(user)
    assert grants == [] and not complete
    (unresolved,) = v.unresolved[(".", "user")]
    assert unresolved.source is att


def test_compute_using_roles() -> None:
    role = make_node("aws_iam_role.r", "AWS::IAM::Role", {"name": "r"})
    fn = make_node(
        "aws_lambda_function.f", "AWS::Lambda::Function", {"role": Unknown("", ("aws_iam_role.r",))}
    )
    task = make_node(
        "aws_ecs_task_definition.t",
        "AWS::ECS::TaskDefinition",
        {"execution_role_arn": Unknown("x"), "task_role_arn": Unknown("y")},
    )
    g = ResourceGraph(
        [role, fn, task],
        [
            Edge(fn.id, role.id, "ref", ("role",), "arn"),
            Edge(task.id, role.id, "ref", ("execution_role_arn",), "arn"),
            Edge(task.id, role.id, "ref", ("task_role_arn",), "arn"),
        ],
    )
    uses = iam_view(g).role_uses[role.id]
    assert sorted(u.kind for u in uses) == ["ECS task", "Lambda"]

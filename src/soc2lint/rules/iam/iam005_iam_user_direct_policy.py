from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.iam import USER, iam_view

from ._shared import CHECKLIST, TSC

_SEPARATE_ATTACHMENT = ("aws_iam_policy_attachment", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")


def _user_grant_location(
    grant_source_kind: str,
    is_user: bool,
    path: Path,
    principal_path: Path,
) -> Path:
    if is_user:
        return path[:2]  # Policies[i] / ManagedPolicyArns[i]
    if grant_source_kind in _SEPARATE_ATTACHMENT:
        return principal_path  # the `users` element naming the user
    return ()  # aws_iam_user_policy(_attachment): the resource is the grant


@rule(
    id="IAM005",
    slug="iam-user-direct-policy",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::IAM::User",
        "AWS::IAM::UserPolicy",
        "aws_iam_user_policy_attachment",
        "aws_iam_policy_attachment",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        what="IAM users and the policies attached to users",
    ),
    control="Permissions are granted through groups or roles, not to IAM users directly.",
    graph=True,
    fix={
        "terraform": "Attach the policy to an `aws_iam_group` (`aws_iam_group_policy_attachment`) "
        "and add the user to the group, or grant it to a role the user assumes.",
        "cloudformation": "Move the policy to an `AWS::IAM::Group` and list the group in the "
        "user's `Groups`, or grant it to a role.",
    },
)
def iam_user_direct_policy(ctx: Context) -> Iterator[Report]:
    """A policy is attached to or inlined in an IAM user.

    What it checks:
        Every way a policy reaches an IAM user directly: `aws_iam_user_policy`,
        `aws_iam_user_policy_attachment`, `aws_iam_policy_attachment` with
        `users`; CloudFormation `AWS::IAM::User` `Policies`/`ManagedPolicyArns`,
        `AWS::IAM::UserPolicy`, and `AWS::IAM::Policy`/`AWS::IAM::ManagedPolicy`
        with `Users`. The finding names the resource that grants (the attachment,
        the user policy, or the user for its own `Policies`).
    Why it matters for SOC 2:
        Checklist A asks for access granted by role or group so it can be
        reviewed and revoked as a whole (TSC CC6.2, CC6.3); permissions scattered
        on individual users drift and escape access reviews.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_create.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_policy_attachment
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy_attachment
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-user.html
    """
    view = iam_view(ctx.graph)
    seen: set[tuple[str, Path]] = set()
    for g in view.grants:
        if g.principal_kind != "user":
            continue
        src = g.source
        is_user = src.kind == USER
        path = _user_grant_location(src.kind, is_user, g.path, g.principal_path)
        key = (src.id, path)
        if key in seen:
            continue
        seen.add(key)
        related = [RelatedRef(g.principal)] if g.principal is not None and not is_user else []
        if is_user:
            msg = f"{src.address}: the user carries a policy directly ({g.policy.describe()})"
        else:
            msg = (
                f"{src.address}: {g.policy.describe()} is granted directly to IAM user "
                f"{g.principal_label}"
            )
        yield ctx.finding(src, path, msg + "; grant it through a group or a role", related=related)

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.iam import ADMIN_MANAGED_POLICIES, Grant, iam_view

from ._shared import CHECKLIST, TSC


@rule(
    id="IAM006",
    slug="iam-admin-managed-policy",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::IAM::User",
        "AWS::IAM::Group",
        "AWS::IAM::Role",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_role_policy_attachments_exclusive",
        "AWS::Lambda::Function",
        "AWS::StepFunctions::StateMachine",
        what="IAM principals and policy attachments",
    ),
    control="Broad AWS-managed administrator policies are not attached to principals.",
    graph=True,
    fix={
        "terraform": "Attach a policy scoped to the job instead of AdministratorAccess, "
        "IAMFullAccess or PowerUserAccess; keep break-glass admins in one reviewed group.",
        "cloudformation": "Replace the AdministratorAccess/IAMFullAccess/PowerUserAccess ARN in "
        "`ManagedPolicyArns` (or SAM `Policies`) with a policy scoped to the job.",
    },
)
def iam_admin_managed_policy(ctx: Context) -> Iterator[Report]:
    """AdministratorAccess, IAMFullAccess or PowerUserAccess is attached to a principal.

    What it checks:
        Attachments of the AWS managed policies AdministratorAccess,
        IAMFullAccess and PowerUserAccess to a user, group or role, however
        written: `aws_iam_{role,user,group}_policy_attachment`,
        `aws_iam_policy_attachment`, `managed_policy_arns`,
        `aws_iam_role_policy_attachments_exclusive`, CloudFormation
        `ManagedPolicyArns` (`!Sub arn:${AWS::Partition}:...` included) and SAM
        `Policies` names; the policy named by its ARN (any partition, any path,
        an interpolated partition such as
        `${data.aws_partition.current.partition}` included) or looked up with
        `data "aws_iam_policy"`. The finding is on the
        attribute that attaches it.
    Why it matters for SOC 2:
        These policies grant administration of the account or of IAM itself
        (IAMFullAccess lets its holder grant itself anything); checklist A asks
        for least privilege and a short, reviewed list of administrators
        (TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
        - https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy_attachment
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    view = iam_view(ctx.graph)
    by_place: dict[tuple[str, Path], list[Grant]] = {}
    for g in view.grants:
        if g.policy.aws_managed not in ADMIN_MANAGED_POLICIES:
            continue
        by_place.setdefault((g.source.id, g.path), []).append(g)
    for grants in by_place.values():
        src = grants[0].source
        whom = ", ".join(
            dict.fromkeys(
                f"the role SAM creates for {x.principal_label}"
                if x.how == "SAM Policies"
                else f"{x.principal_kind} {x.principal_label}"
                for x in grants
            )
        )
        related = [
            RelatedRef(x.principal)
            for x in grants
            if x.principal is not None and x.principal.id != src.id
        ]
        yield ctx.finding(
            src,
            grants[0].path,
            f"{src.address}: the AWS managed policy {grants[0].policy.aws_managed} is attached "
            f"to {whom}",
            related=related,
        )

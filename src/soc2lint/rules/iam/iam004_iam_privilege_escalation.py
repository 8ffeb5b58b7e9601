from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import holder_note, label, related_holder
from ._shared import CHECKLIST, ESCALATIONS, PASSROLE_COMPANIONS, TSC, Escalation, owned

__all__ = ["ESCALATIONS", "PASSROLE_COMPANIONS", "iam_privilege_escalation"]


@rule(
    id="IAM004",
    slug="iam-privilege-escalation",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="No identity policy lets its holder escalate its own privileges.",
    fix={
        "terraform": "Scope the IAM write actions to the users, groups, roles or policies they "
        "must manage (never `*`), and `iam:PassRole` to the roles to pass.",
        "cloudformation": "Scope the IAM write actions and `iam:PassRole` in `Resource` to the "
        "ARNs they must manage or pass.",
    },
)
def iam_privilege_escalation(ctx: Context) -> Iterator[Report]:
    """An identity policy lets its holder escalate its own privileges.

    What it checks:
        Each identity policy on its own (its statements together), for a known
        escalation path: `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`,
        `iam:Attach{User,Group,Role}Policy`, `iam:Put{User,Group,Role}Policy`,
        `iam:CreateAccessKey`, `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`,
        `iam:UpdateAssumeRolePolicy` or `iam:AddUserToGroup` allowed on every
        target (`*`, or an ARN pattern covering every user/group/role/policy, as
        the action's resource type in the AWS Service Authorization Reference
        says); or `iam:PassRole` on every role together with `ec2:RunInstances`,
        `lambda:CreateFunction`, `cloudformation:CreateStack`,
        `glue:CreateDevEndpoint` or `ecs:RunTask` (an `iam:PassedToService`
        condition limits which of these count). A Deny without condition in the
        same policy removes a grant. The finding is on the statement that grants
        the escalation (PassRole's for a pair) and names the path. One
        statement, one finding: IAM004 comes after IAM001 and IAM002 and
        before IAM003 and IAM012-IAM014 (RULES.md); the finding names what
        else the statement allows.
    Why it matters for SOC 2:
        A principal that can raise its own privileges makes every other access
        restriction of checklist A void (TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
        - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    for doc, stmt, claim, also in owned(ctx):
        esc: Escalation = claim.detail
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)}: {'; '.join(esc.paths)}{also}"
            f"{holder_note(doc, stmt)}",
            related=[*related_holder(doc, stmt), *esc.related],
        )

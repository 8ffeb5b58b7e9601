from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views.iam import is_full_admin_statement
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    action_matches,
    allowed_on_every_target,
    allows_action,
    denied_everywhere,
    first_allowing,
)
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import documents, holder_note, label, related_holder
from ._shared import CHECKLIST, TSC, boundary_only, passrole_everywhere

#: single-action escalations (IAM004) -> what they let the holder do
ESCALATIONS: dict[str, str] = {
    "iam:CreatePolicyVersion": "rewrite managed policies, its own included",
    "iam:SetDefaultPolicyVersion": "rewrite managed policies, its own included",
    "iam:AttachUserPolicy": "give any principal, itself included, any permission",
    "iam:AttachGroupPolicy": "give any principal, itself included, any permission",
    "iam:AttachRolePolicy": "give any principal, itself included, any permission",
    "iam:PutUserPolicy": "give any principal, itself included, any permission",
    "iam:PutGroupPolicy": "give any principal, itself included, any permission",
    "iam:PutRolePolicy": "give any principal, itself included, any permission",
    "iam:CreateAccessKey": "take over other users' credentials",
    "iam:CreateLoginProfile": "take over other users' credentials",
    "iam:UpdateLoginProfile": "take over other users' credentials",
    "iam:UpdateAssumeRolePolicy": "make any role trust it",
    "iam:AddUserToGroup": "join any group",
}


def _action_list(actions: list[str], limit: int = 4) -> str:
    if len(actions) <= limit:
        return ", ".join(actions)
    return f"{', '.join(actions[:limit])} and {len(actions) - limit} more"


#: iam:PassRole companions (IAM004): action -> (service principal, what the pair allows)
PASSROLE_COMPANIONS: dict[str, tuple[str, str]] = {
    "ec2:RunInstances": ("ec2.amazonaws.com", "start an EC2 instance as any role"),
    "lambda:CreateFunction": ("lambda.amazonaws.com", "run code as any role"),
    "cloudformation:CreateStack": (
        "cloudformation.amazonaws.com",
        "create a stack that acts as any role",
    ),
    "glue:CreateDevEndpoint": ("glue.amazonaws.com", "open a Glue dev endpoint as any role"),
    "ecs:RunTask": ("ecs-tasks.amazonaws.com", "run an ECS task as any role"),
}


def _passed_to_services(stmt: Statement) -> list[str] | None:
    """The ``iam:PassedToService`` values a PassRole statement is limited to (None: any)."""
    if not isinstance(stmt.conditions, dict):
        return None
    values: list[str] = []
    found = False
    for op, body in stmt.conditions.items():
        if not op.lower().startswith("string") or "not" in op.lower():
            continue
        for k, v in body.items():
            if isinstance(k, str) and k.lower() == "iam:passedtoservice":
                found = True
                for x in v if isinstance(v, list) else [v]:
                    if not isinstance(x, str):
                        return None
                    values.append(x.lower())
    return values if found else None


def _escalations(doc: PolicyDocument, stmt: Statement) -> list[str]:
    """Single-action escalations the statement grants on every target (unknowns do not count)."""
    return [
        action
        for action in ESCALATIONS
        if allowed_on_every_target(stmt, action) is True and not denied_everywhere(doc, action)
    ]


def _companions(doc: PolicyDocument, passrole: Statement) -> list[tuple[str, Statement]]:
    """Actions of the document that, with PassRole on every role, let the holder act as any role."""
    allowed_services = _passed_to_services(passrole)
    out: list[tuple[str, Statement]] = []
    for action, (service_principal, _) in PASSROLE_COMPANIONS.items():
        if allowed_services is not None and not any(
            action_matches(s, service_principal) for s in allowed_services
        ):
            continue
        s = first_allowing(doc, action)
        if s is not None and not denied_everywhere(doc, action):
            out.append((action, s))
    return out


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
        the escalation (PassRole's for a pair) and names the path; a statement
        IAM001 reports is not reported again.
    Why it matters for SOC 2:
        A principal that can raise its own privileges makes every other access
        restriction of checklist A void (TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
        - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "identity"):
        if not judge or boundary_only(ctx, doc):
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen or not stmt.allows or is_full_admin_statement(stmt) is not False:
                continue
            paths: list[str] = []
            related: list[RelatedRef] = list(related_holder(doc, stmt))
            singles = _escalations(doc, stmt)
            if singles:
                whats = list(dict.fromkeys(ESCALATIONS[a] for a in singles))
                joined = "; ".join(whats)
                paths.append(f"{_action_list(singles)} on every target let the holder {joined}")
            if passrole_everywhere(doc, stmt) is True:
                pairs = _companions(doc, stmt)
                for action, other in pairs:
                    what = PASSROLE_COMPANIONS[action][1]
                    extra = ""
                    if action == "lambda:CreateFunction" and allows_action(
                        other, "lambda:InvokeFunction"
                    ):
                        extra = " and lambda:InvokeFunction"
                    paths.append(
                        f"iam:PassRole on every role with {action}{extra} lets the holder {what}"
                    )
                    if other is not stmt:
                        related.append(
                            RelatedRef(other.node, other.path, f"{action} is granted here")
                        )
            if not paths:
                continue
            seen.add(key)
            yield ctx.finding(
                stmt.node,
                stmt.path,
                f"{stmt.node.address}: {label(stmt)}: {'; '.join(paths)}{holder_note(doc, stmt)}",
                related=related,
            )

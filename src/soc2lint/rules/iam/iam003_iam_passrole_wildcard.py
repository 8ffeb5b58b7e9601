from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, Unknown
from soc2lint.rule import Context, Report, rule
from soc2lint.views.policy import Statement, action_matches, arn_pattern
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import holder_note, label, related_holder
from ._shared import CHECKLIST, TSC, owned, undecided


def _first_granting(stmt: Statement, action: str) -> str:
    """The action element of the statement that grants ``action`` (for messages)."""
    if isinstance(stmt.actions, tuple):
        for a in stmt.actions:
            if isinstance(a, str) and action_matches(a, action):
                return a
    if stmt.not_actions is not None:
        return "NotAction"
    return action


def _resources_text(stmt: Statement) -> str:
    """The statement's resources as a message shows them (ARN templates as patterns)."""
    if stmt.resources is None:
        return "every resource (NotResource)"
    items = (stmt.resources,) if isinstance(stmt.resources, Unknown) else stmt.resources
    shown = []
    for r in items:
        text = r if isinstance(r, str) else (arn_pattern(r) or r.expr or "an unknown resource")
        shown.append(f'"{text}"')
    return ", ".join(shown)


@rule(
    id="IAM003",
    slug="iam-passrole-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="iam:PassRole is limited to named roles.",
    fix={
        "terraform": "Scope `iam:PassRole` to the ARNs of the roles the principal must pass "
        "(`aws_iam_role.app.arn`) and add an `iam:PassedToService` condition.",
        "cloudformation": "Scope `iam:PassRole` to the role ARNs it must pass "
        "(`!GetAtt AppRole.Arn`) and add an `iam:PassedToService` condition.",
    },
)
def iam_passrole_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy allows `iam:PassRole` on every role.

    What it checks:
        Identity policy `Allow` statements granting `iam:PassRole` (directly, or
        through `iam:*`, `iam:Pass*`, `NotAction`...) on resources that cover
        every role: `*`, or an ARN pattern such as `arn:aws:iam::*:role/*`
        (the partition, region and account fields do not narrow it; a name
        prefix such as `role/app-*` does). Coverage is decided from the role
        ARN format of the AWS Service Authorization Reference. A Deny without
        condition in the same policy removes the grant. One statement, one
        finding: a statement IAM001, IAM002 or IAM004 reports is not reported
        here (unless the scan leaves those rules out), and the finding of the
        rule that reports it says "also allows iam:PassRole on *".
    Why it matters for SOC 2:
        Passing any role to a service lets the holder act with that role's
        permissions, bypassing the access model reviewed for checklist A
        (TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
        - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    for stmt in undecided(ctx):
        yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
    for doc, stmt, _, also in owned(ctx):
        granting = _first_granting(stmt, "iam:PassRole")
        via = "" if granting.lower() == "iam:passrole" else f" (through {granting})"
        on = f"on {_resources_text(stmt)}"
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)} allows iam:PassRole{via} {on}, which "
            f"covers every role{also}{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt),
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, to_int
from soc2lint.rule import PER_SCOPE, Context, RelatedRef, Report, rule
from soc2lint.views.iam import USER, grant_is_admin, iam_view

from ._shared import CHECKLIST, TSC


@rule(
    id="IAM007",
    slug="iam-too-many-admins",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=PER_SCOPE,
    control="Administrator access is held by no more users than the configured maximum.",
    graph=True,
    options=("max_admins",),
    fix={
        "terraform": "Remove administrator access from users who do not need it; give the "
        "few administrators a reviewed group and let others assume scoped roles.",
        "cloudformation": "Remove administrator access from users who do not need it; keep "
        "administrators in one reviewed group.",
    },
)
def iam_too_many_admins(ctx: Context) -> Iterator[Report]:
    """More IAM users hold administrator access than the configured maximum.

    What it checks:
        Counts, per scanned root, the distinct IAM users that hold
        admin-equivalent access: a statement IAM001 would report (`*` on `*`,
        or `NotAction` on `*`) or an AWS managed policy IAM006 reports
        (AdministratorAccess, IAMFullAccess, PowerUserAccess), attached
        directly or through a group (`aws_iam_group_membership`,
        `aws_iam_user_group_membership`, `AWS::IAM::User` `Groups`,
        `AWS::IAM::UserToGroupAddition`). Users whose access cannot be resolved
        are not counted, nor users whose existence is unknown. More than
        `max_admins` (default 4: the checklist asks for fewer than five) is
        reported once, on the configuration, listing the users.
    Why it matters for SOC 2:
        Checklist A limits administrators to a few named people so their access
        can be reviewed (TSC CC6.2, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_group_membership
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-usertogroupaddition.html
    """
    limit = to_int(ctx.option("max_admins"))
    if limit is None:
        return
    view = iam_view(ctx.graph)
    by_scope: dict[str, list[Node]] = {}
    for user in ctx.graph.nodes(USER):
        if user.may_not_exist:
            continue
        grants, _complete = view.effective_grants(user)
        if any(grant_is_admin(g) is True for g in grants):
            by_scope.setdefault(user.scope, []).append(user)
    for scope, admins in sorted(by_scope.items()):
        if len(admins) <= limit:
            continue
        names = ", ".join(u.address for u in admins)
        yield ctx.config_finding(
            f"{len(admins)} IAM users hold administrator access (more than max_admins = "
            f"{limit}): {names}",
            scope=scope,
            related=[RelatedRef(u, (), "administrator") for u in admins],
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import holder_note, label, quoted, related_holder, unresolved_document
from ._shared import CHECKLIST, TSC, identity_statements, owned, undecided


@rule(
    id="IAM001",
    slug="iam-full-admin",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="No identity policy allows every action on every resource.",
    fix={
        "terraform": 'Replace `"*"` with the actions and resource ARNs the principal needs; '
        "keep break-glass administrators on the AWS managed AdministratorAccess policy "
        "behind MFA and a small, reviewed group.",
        "cloudformation": 'Replace `"*"` in `Action`/`Resource` with the actions and ARNs '
        "the principal needs (or drop the `NotAction` statement).",
    },
)
def iam_full_admin(ctx: Context) -> Iterator[Report]:
    """An identity policy allows every action on every resource.

    What it checks:
        Every identity policy (IAM managed and inline policies, role `inline_policy`
        blocks, `data "aws_iam_policy_document"`, CloudFormation `Policies`, SAM
        `Policies`, SSO permission-set inline policies) for an `Allow` statement
        whose action is `*` or `*:*`, or which uses `NotAction`, on resource `*`
        (or with `NotResource`). Actions or resources that cannot be resolved
        (a variable without a value, `Fn::ImportValue`) are unknown, never a
        wildcard. Resource policies (bucket, key, queue policies) are not read
        here: KEY002 and NET011 cover them. Neither is a managed policy that only
        serves as a permissions boundary (`permissions_boundary` /
        `PermissionsBoundary`) and is attached to no one: a boundary grants
        nothing (IAM002–IAM004 and IAM012–IAM014 skip it too). A statement
        reported here gets no other finding from IAM002–IAM004 or
        IAM012–IAM014 (one statement, one finding).
    Why it matters for SOC 2:
        Checklist A asks for least-privilege access; a principal that can do
        everything defeats logical access controls (TSC CC6.1) and makes access
        reviews meaningless (CC6.2, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-managedpolicy.html
    """
    for doc, stmt in identity_statements(ctx):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
    for stmt in undecided(ctx):
        yield from ctx.unresolved(stmt.node, stmt.path, f"{label(stmt)}")
    for doc, stmt, _, _ in owned(ctx):  # it allows everything: no 'also'
        if stmt.not_actions is not None and stmt.actions is None:
            what = f"every action except NotAction [{quoted(stmt.not_actions)}]"
        else:
            what = "every action (`*`)"
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)} allows {what} on {where}{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt),
        )

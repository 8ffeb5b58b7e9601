from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.views.policy import allows_action, public_verdict
from soc2lint.views.populations import trust_policy_writers

from .._common import (
    documents,
    holder_note,
    label,
    public_condition_note,
    related_holder,
    unresolved_document,
    unresolved_public,
)
from ._shared import CHECKLIST, TSC

_ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")


@rule(
    id="IAM008",
    slug="iam-trust-any-principal",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=from_view(trust_policy_writers, what="role trust policies"),
    control="Role trust policies name who may assume the role.",
    fix={
        "terraform": "Name the trusted account, role or service in the trust policy's "
        "`principals`, or add a `condition` (`sts:ExternalId`, `aws:PrincipalOrgID`).",
        "cloudformation": "Name the trusted principal in `AssumeRolePolicyDocument` "
        "`Principal`, or add a `Condition` (`sts:ExternalId`, `aws:PrincipalOrgID`).",
    },
)
def iam_trust_any_principal(ctx: Context) -> Iterator[Report]:
    """A role's trust policy lets anyone assume it.

    What it checks:
        Trust policies (`assume_role_policy`, `AssumeRolePolicyDocument`, and
        `data "aws_iam_policy_document"` used for them) for an `Allow` statement
        granting `sts:AssumeRole`, `sts:AssumeRoleWithSAML` or
        `sts:AssumeRoleWithWebIdentity` (also through `sts:*` or `*`) to
        principal `*` or `{"AWS": "*"}`, unless a condition restricts who can
        use it to fixed values of `aws:SourceArn`, `aws:SourceAccount`,
        `aws:SourceOwner`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`
        (not a public-wide range), `aws:PrincipalOrgID`, `aws:PrincipalAccount`,
        `aws:PrincipalArn`, `aws:userid`, `kms:CallerAccount` or
        `s3:DataAccessPoint*` (S3's definition of a non-public policy, shared
        with NET011 and KEY002): a condition on `aws:SecureTransport`,
        `aws:Referer`, `aws:CurrentTime` or `sts:ExternalId` alone does not
        restrict who can assume the role. An unknown principal or condition is
        not a failure (an ARN template such as
        `arn:aws:iam::${account}:root` is never `*`).
    Why it matters for SOC 2:
        Any AWS account in the world could assume the role: access is no
        longer restricted to authorised users (checklist A, TSC CC6.1, CC6.2).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "trust"):
        if not judge:
            yield from unresolved_document(ctx, doc)
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen or not stmt.allows:
                continue
            assume = [allows_action(stmt, a) for a in _ASSUME_ACTIONS]
            if not any(v is True for v in assume):
                if any(v is None for v in assume):
                    seen.add(key)
                    yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
                continue
            public, _ = public_verdict(stmt)
            if public is None:
                seen.add(key)
                yield from unresolved_public(ctx, stmt)
                continue
            if not public:
                continue
            seen.add(key)
            yield ctx.finding(
                stmt.node,
                stmt.path,
                f"{stmt.node.address}: trust policy {label(stmt)} lets any principal (`*`) "
                f"assume the role, {public_condition_note(stmt)}{holder_note(doc, stmt)}",
                related=related_holder(doc, stmt),
            )

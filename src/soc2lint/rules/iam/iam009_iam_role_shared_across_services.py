from __future__ import annotations

import re
from collections.abc import Iterator

from soc2lint.model import Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.iam import ROLE, iam_view
from soc2lint.views.policy import documents_of, service_principals

from ._shared import CHECKLIST, TSC

#: service principals that are one service for this rule (Lambda@Edge needs both)
_SERVICE_FAMILIES = {"edgelambda": "lambda", "ecs-tasks": "ecs"}


_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")


def _service_name(principal: str) -> str:
    """The service a principal belongs to: ``monitoring.rds.amazonaws.com`` -> ``rds``,
    ``logs.eu-west-1.amazonaws.com`` -> ``logs``, ``edgelambda.amazonaws.com`` -> ``lambda``."""
    host = principal.strip().lower()
    for suffix in (".amazonaws.com.cn", ".amazonaws.com", ".api.aws"):
        if host.endswith(suffix):
            host = host[: -len(suffix)]
            break
    labels = [x for x in host.split(".") if x and not _REGION.match(x)]
    name = labels[-1] if labels else host
    return _SERVICE_FAMILIES.get(name, name)


@rule(
    id="IAM009",
    slug="iam-role-shared-across-services",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::IAM::Role", what="IAM roles"),
    control="Each IAM role serves one AWS service.",
    graph=True,
    fix={
        "terraform": "Create one `aws_iam_role` per service (one trusting "
        "`lambda.amazonaws.com`, another `ec2.amazonaws.com`...), each with only what it needs.",
        "cloudformation": "Create one `AWS::IAM::Role` per service, each trusting one service "
        "principal and carrying only its own permissions.",
    },
)
def iam_role_shared_across_services(ctx: Context) -> Iterator[Report]:
    """One IAM role serves several AWS services.

    What it checks:
        Each `aws_iam_role`/`AWS::IAM::Role` whose trust policy lets two or more
        different services assume it (regional and `edgelambda`/`ecs-tasks`
        spellings count as their service), or which is the execution or
        instance role of compute of two or more kinds: Lambda functions
        (`role`/`Role`), ECS task definitions (execution and task roles) and
        EC2 instance profiles, matched by reference or by name/ARN. Unknown
        principals are not counted. The finding is on the role; the compute
        resources are related locations.
    Why it matters for SOC 2:
        The checklist asks for a separate role per service so each one holds
        only the permissions it needs and a compromise stays contained
        (checklist A, TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    view = iam_view(ctx.graph)
    for role in ctx.graph.nodes(ROLE):
        services: dict[str, list[str]] = {}
        trust_path: Path = ()
        for doc in documents_of(ctx.graph, role):
            if doc.purpose != "trust" or doc.unknown is not None:
                continue
            for stmt in doc.statements:
                if not stmt.allows:
                    continue
                for p in service_principals(stmt.principals):
                    services.setdefault(_service_name(p), []).append(p)
            trust_path = doc.path if doc.node is role else ("assume_role_policy",)
        uses = view.role_uses.get(role.id, [])
        kinds = sorted({u.kind for u in uses})
        if len(services) >= 2:
            names = ", ".join(sorted({v[0] for v in services.values()}))
            yield ctx.finding(
                role,
                trust_path,
                f"{role.address}: the role is trusted by {len(services)} services ({names}); "
                "use one role per service",
                related=[RelatedRef(u.node, u.path, f"{u.kind} uses the role") for u in uses],
            )
        elif len(kinds) >= 2:
            users = ", ".join(f"{u.kind} {u.node.address}" for u in uses)
            yield ctx.finding(
                role,
                (),
                f"{role.address}: the role is used by {len(kinds)} kinds of compute ({users}); "
                "use one role per service",
                related=[RelatedRef(u.node, u.path, f"{u.kind} uses the role") for u in uses],
            )

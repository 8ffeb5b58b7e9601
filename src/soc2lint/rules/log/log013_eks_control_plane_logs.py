from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import Severity, Unknown
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import EKS_CLUSTERS

from ._shared import MONITORING, join_names

EKS_REQUIRED_LOGS = ("api", "audit", "authenticator")


@rule(
    id="LOG013",
    slug="eks-control-plane-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=EKS_CLUSTERS,
    control="EKS clusters log their control plane.",
    fix={
        "terraform": 'Set `enabled_cluster_log_types = ["api", "audit", "authenticator"]` '
        "(or more).",
        "cloudformation": "Set `Logging.ClusterLogging.EnabledTypes` to include `api`, `audit` "
        "and `authenticator`.",
    },
)
def eks_control_plane_logs(ctx: Context) -> Iterator[Report]:
    """EKS cluster does not log its control plane.

    What it checks:
        `aws_eks_cluster.enabled_cluster_log_types` / `AWS::EKS::Cluster`
        `Logging.ClusterLogging.EnabledTypes[].Type` must include `api`,
        `audit` and `authenticator` (control plane logging is off by default).
        The message lists the missing types. When a type is unknown and
        could be a missing one, no finding.
    Why it matters for SOC 2:
        The Kubernetes audit and authenticator logs record who did what in the
        cluster; without them cluster access cannot be reviewed (checklist C,
        CC7.2).
    References:
        - https://docs.aws.amazon.com/eks/latest/userguide/api-server-flags.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#enabled_cluster_log_types
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-loggingtypeconfig.html
    """
    for cluster in ctx.graph.nodes("AWS::EKS::Cluster"):
        if cluster.language == "terraform":
            a = cluster.attr("enabled_cluster_log_types")
            items: list[Any] = a.value if isinstance(a.value, list) else []
        else:
            a = cluster.attr("Logging.ClusterLogging.EnabledTypes")
            raw = a.value if isinstance(a.value, list) else []
            items = [i.get("Type") if isinstance(i, dict) else i for i in raw]
        if a.unknown:
            yield from ctx.unresolved(cluster, a)
            continue
        enabled = {str(i) for i in items if isinstance(i, str)}
        missing = [t for t in EKS_REQUIRED_LOGS if t not in enabled]
        if not missing:
            continue
        if any(isinstance(i, Unknown) for i in items):
            yield from ctx.unresolved(cluster, a)
            continue
        where = a if a.present else cluster.attr(tf="enabled_cluster_log_types", cfn="Logging")
        yield ctx.finding(
            cluster,
            where,
            f"{cluster.address}: control plane logging misses {join_names(missing)}",
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views.databases import cluster_members
from soc2lint.views.populations import DB_CLUSTER_KINDS

from ._shared import CHECKLIST, members_text


@rule(
    id="AVL007",
    slug="cluster-single-instance",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=DB_CLUSTER_KINDS,
    control="DocumentDB and Neptune clusters have at least two instances.",
    graph=True,
    fix={
        "terraform": (
            "Create at least two `aws_docdb_cluster_instance` / `aws_neptune_cluster_instance` "
            "resources for the cluster (`count = 2`)."
        ),
        "cloudformation": (
            "Create at least two `AWS::DocDB::DBInstance` / `AWS::Neptune::DBInstance` "
            "resources whose `DBClusterIdentifier` is `!Ref` the cluster."
        ),
    },
)
def cluster_single_instance(ctx: Context) -> Iterator[Report]:
    """DocumentDB or Neptune cluster has fewer than two instances.

    What it checks:
        Every DocumentDB and Neptune cluster (`aws_docdb_cluster`,
        `aws_neptune_cluster`, `AWS::DocDB::DBCluster`, `AWS::Neptune::DBCluster`)
        must have at least two member instances (`aws_docdb_cluster_instance`,
        `aws_neptune_cluster_instance`, `AWS::DocDB::DBInstance`,
        `AWS::Neptune::DBInstance`), counted after `count`/`for_each` expansion
        and matched by reference or literal `cluster_identifier` /
        `DBClusterIdentifier`. A member with an unknown count or condition, or an
        instance whose cluster cannot be resolved, makes the count unknown: no
        finding.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: the cluster volume is
        replicated across Availability Zones, but with a single instance there
        is no replica to promote; an instance or AZ failure is an outage until
        a new instance is created.
    References:
        - https://docs.aws.amazon.com/documentdb/latest/developerguide/failover.html
        - https://docs.aws.amazon.com/neptune/latest/userguide/backup-restore-overview-fault-tolerance.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster_instance
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-docdb-dbinstance.html
    """
    for cluster in ctx.graph.nodes(("AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")):
        members = cluster_members(ctx.graph, cluster)
        count = members.count
        if count is None:
            yield from ctx.unresolved(
                cluster, (), f"the number of instances ({members.unknown_reason})"
            )
            continue
        if count >= 2:
            continue
        service = "DocumentDB" if cluster.kind == "AWS::DocDB::DBCluster" else "Neptune"
        yield ctx.finding(
            cluster,
            (),
            f"{cluster.address}: {service} cluster has {members_text(members.members)}; "
            "at least two are needed to fail over",
            related=[RelatedRef(m, (), "cluster member") for m in members.members],
        )

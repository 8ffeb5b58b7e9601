from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, Unknown
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.settings import RDS_MULTI_AZ
from soc2lint.views.databases import (
    CLUSTER_MEMBER,
    READ_REPLICA,
    cluster_members,
    is_cluster_member,
    is_read_replica,
)
from soc2lint.views.populations import RDS_DATABASES

from ._shared import CHECKLIST, _engine, members_text


@rule(
    id="AVL001",
    slug="rds-multi-az",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=RDS_DATABASES,
    control="RDS databases run in several Availability Zones.",
    graph=True,
    fix={
        "terraform": (
            "Set `multi_az = true` on the `aws_db_instance`; give an Aurora `aws_rds_cluster` "
            "at least two `aws_rds_cluster_instance` members (e.g. `count = 2`)."
        ),
        "cloudformation": (
            "Set `MultiAZ: true` on the `AWS::RDS::DBInstance`; give an Aurora "
            "`AWS::RDS::DBCluster` at least two `AWS::RDS::DBInstance` members."
        ),
    },
)
def rds_multi_az(ctx: Context) -> Iterator[Report]:
    """RDS database is not Multi-AZ.

    What it checks:
        Every RDS DB instance (`aws_db_instance`, `AWS::RDS::DBInstance`) must
        set `multi_az = true` / `MultiAZ: true`; the default is a single-AZ
        deployment. Read replicas (`replicate_source_db`,
        `SourceDBInstanceIdentifier`) and members of a cluster
        (`aws_rds_cluster_instance`, `DBClusterIdentifier`) are exempt.
        An Aurora cluster (`aws_rds_cluster` / `AWS::RDS::DBCluster` with an
        `aurora*` engine) must have at least two member instances after
        `count`/`for_each` expansion, counted by reference or literal cluster
        identifier, plus the minimum capacity of an Aurora replica Auto Scaling
        target (`aws_appautoscaling_target` /
        `AWS::ApplicationAutoScaling::ScalableTarget` on
        `rds:cluster:ReadReplicaCount`); when a member's count or cluster cannot be resolved the
        rule does not decide. Aurora Serverless v1 (`engine_mode = "serverless"`),
        Aurora Limitless and Multi-AZ DB clusters (non-Aurora engine with
        `db_cluster_instance_class` / `DBClusterInstanceClass`) pass: they fail
        over without member instances. Aurora Serverless v2 still needs two
        `db.serverless` instances.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover) asks that production databases survive
        the loss of an Availability Zone; TSC A1.2 requires recovery
        infrastructure that meets availability commitments. A single-AZ
        instance, or an Aurora cluster with only a writer, has no standby to
        fail over to.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#multi_az
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbcluster.html
    """
    for db in ctx.graph.nodes("AWS::RDS::DBInstance"):
        if is_cluster_member(db) or is_read_replica(db):
            ctx.not_applicable(db, CLUSTER_MEMBER if is_cluster_member(db) else READ_REPLICA)
            continue
        yield from ctx.require(db, RDS_MULTI_AZ, "{address} is not Multi-AZ: {problem}")
    for cluster in ctx.graph.nodes("AWS::RDS::DBCluster"):
        yield from _aurora_instances(ctx, cluster)


def _aurora_instances(ctx: Context, cluster: Node) -> Iterator[Report]:
    if cluster.attr(tf="db_cluster_instance_class", cfn="DBClusterInstanceClass").present:
        return  # a Multi-AZ DB cluster: two readable standbys, no member instances
    engine = _engine(cluster, default="aurora")
    if isinstance(engine, Unknown) or engine is None:
        yield from ctx.unresolved(cluster, cluster.attr(tf="engine", cfn="Engine"))
        return
    if not engine.startswith("aurora"):
        return
    mode = cluster.attr(tf="engine_mode", cfn="EngineMode")
    if mode.unknown:
        yield from ctx.unresolved(cluster, mode)
        return
    if isinstance(mode.value, str) and mode.value.lower() == "serverless":
        return  # Aurora Serverless v1 has no instances
    scal = cluster.attr(tf="cluster_scalability_type", cfn="ClusterScalabilityType")
    if isinstance(scal.value, str) and scal.value.lower() == "limitless":
        return
    members = cluster_members(ctx.graph, cluster)
    count = members.count
    if count is None:
        yield from ctx.unresolved(
            cluster, (), f"the number of instances ({members.unknown_reason})"
        )
        return
    if count >= 2:
        return
    scaled = (
        f" and Auto Scaling keeps {members.autoscaled_replicas} replica(s)"
        if members.autoscaling
        else ""
    )
    yield ctx.finding(
        cluster,
        (),
        f"{cluster.address}: Aurora cluster has {members_text(members.members)}{scaled}; "
        "it needs at least two instances in different Availability Zones to fail over",
        related=[RelatedRef(m, (), "cluster member") for m in members.members],
    )

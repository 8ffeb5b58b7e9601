"""Database clusters and their member instances, counted once per graph.

Aurora (``aws_rds_cluster`` / ``AWS::RDS::DBCluster``), DocumentDB and Neptune
clusters hold their data and their cluster-level settings (backup retention,
deletion protection, final snapshot) on the cluster; the instances that serve
it are separate resources (``aws_rds_cluster_instance``,
``aws_docdb_cluster_instance``, ``AWS::RDS::DBInstance`` with a
``DBClusterIdentifier``...).  Rules ask this view which instances belong to
which cluster (AVL001, AVL007) and whether a DB instance is a cluster member
or a read replica (the rules that are checked on the cluster or the source).

Members are found by reference (``cluster_identifier = aws_rds_cluster.main.id``,
``DBClusterIdentifier: !Ref Cluster``) and by literal cluster name.  The count
is *unknown* when a member has an unknown ``count``/``for_each`` or an unknown
CloudFormation condition, or when a member instance of the same kind in the
same scope names a cluster that cannot be resolved (it may belong to any).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field

from ..graph import ResourceGraph
from ..model import Node, Unknown, to_int
from ..record import record
from . import per_node

RDS_INSTANCE = "AWS::RDS::DBInstance"
RDS_CLUSTER = "AWS::RDS::DBCluster"

#: cluster kind -> member instance kind
CLUSTER_MEMBER_KINDS: dict[str, str] = {
    RDS_CLUSTER: RDS_INSTANCE,
    "AWS::DocDB::DBCluster": "AWS::DocDB::DBInstance",
    "AWS::Neptune::DBCluster": "AWS::Neptune::DBInstance",
}

#: the attribute of a member that names its cluster (Terraform, CloudFormation)
MEMBER_ATTR = ("cluster_identifier", "DBClusterIdentifier")
#: the attribute of a cluster that holds its name
CLUSTER_NAME_ATTR = ("cluster_identifier", "DBClusterIdentifier")


#: why a rule checked on the cluster does not apply to a member instance (the evidence pack)
CLUSTER_MEMBER = "a cluster member: the cluster's setting applies"
#: why a rule checked on the source does not apply to a read replica
READ_REPLICA = "a read replica: the source database's setting applies"


@per_node
def is_cluster_member(node: Node) -> bool:
    """An instance that belongs to a DB cluster (its settings live on the cluster).

    ``aws_rds_cluster_instance``/``aws_docdb_cluster_instance``/
    ``aws_neptune_cluster_instance`` always do, and DocDB and Neptune instances
    always do.  An RDS DB instance does when it names a cluster
    (``DBClusterIdentifier`` written, or unresolved) or runs an Aurora engine:
    Aurora instances exist only inside a DB cluster, whose storage, encryption,
    backups and deletion protection they share (the CreateDBInstance reference: for
    Aurora, storage, encryption and backup retention are "managed by the DB
    cluster"), so an Aurora-engine instance whose cluster is not named here is
    still a member of one, not a standalone database.
    """
    if node.kind not in CLUSTER_MEMBER_KINDS.values():
        return False
    if node.kind != RDS_INSTANCE:
        return True
    if node.type == "aws_rds_cluster_instance":
        return True
    if node.language == "cloudformation":
        named = node.attr("DBClusterIdentifier")
        blank = isinstance(named.value, str) and not named.value.strip()
        if named.unknown or (named.present and not blank):
            return True
    engine = node.get(tf="engine", cfn="Engine")
    return isinstance(engine, str) and engine.strip().lower().startswith("aurora")


def is_read_replica(node: Node) -> bool:
    """A DB instance created as a read replica of another (``replicate_source_db``,
    ``SourceDBInstanceIdentifier``), even when the source is unknown."""
    if node.kind != RDS_INSTANCE:
        return False
    return node.attr(tf="replicate_source_db", cfn="SourceDBInstanceIdentifier").present


@record
class ClusterMembers:
    """A cluster and the instances found to belong to it."""

    cluster: Node
    members: list[Node] = field(default_factory=list)
    #: Aurora Auto Scaling targets on the cluster's replica count
    autoscaling: list[Node] = field(default_factory=list)
    #: replicas Auto Scaling keeps at least (the targets' minimum capacity)
    autoscaled_replicas: int = 0
    #: why the count cannot be known ("" when it is known)
    unknown_reason: str = ""

    @property
    def known(self) -> bool:
        return not self.unknown_reason

    @property
    def count(self) -> int | None:
        """How many instances the cluster has; None when that cannot be known."""
        return None if self.unknown_reason else len(self.members) + self.autoscaled_replicas


def _build(graph: ResourceGraph) -> dict[str, ClusterMembers]:
    out: dict[str, ClusterMembers] = {}
    #: (scope, cluster kind) -> cluster name -> clusters
    by_name: dict[tuple[str, str], dict[str, list[ClusterMembers]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for cluster_kind in CLUSTER_MEMBER_KINDS:
        for c in graph.nodes(cluster_kind):
            cm = ClusterMembers(c)
            out[c.id] = cm
            name = c.get(tf=CLUSTER_NAME_ATTR[0], cfn=CLUSTER_NAME_ATTR[1])
            if isinstance(name, str):
                by_name[(c.scope, cluster_kind)][name].append(cm)
    unattributed: dict[tuple[str, str], str] = {}
    for cluster_kind, member_kind in CLUSTER_MEMBER_KINDS.items():
        for m in graph.nodes(member_kind):
            if not is_cluster_member(m):
                continue
            via = MEMBER_ATTR[0] if m.language == "terraform" else MEMBER_ATTR[1]
            targets = [out[t.id] for t in graph.targets(m, cluster_kind, via=via) if t.id in out]
            if not targets:
                name = m.get(tf=MEMBER_ATTR[0], cfn=MEMBER_ATTR[1])
                if isinstance(name, str):
                    targets = list(by_name[(m.scope, cluster_kind)].get(name, ()))
                    if not targets:
                        # a cluster outside this configuration: not ours to count
                        continue
                else:
                    unattributed.setdefault(
                        (m.scope, cluster_kind),
                        f"{m.address} names a cluster that cannot be resolved",
                    )
                    continue
            for cm in targets:
                if cm.cluster.id == m.id:
                    continue
                cm.members.append(m)
                if m.meta.get("count_unknown"):
                    cm.unknown_reason = cm.unknown_reason or (
                        f"{m.address} has an unknown count/for_each"
                    )
                elif m.condition_unknown:
                    cm.unknown_reason = cm.unknown_reason or (
                        f"{m.address} has a condition that cannot be resolved"
                    )
    _autoscaling(graph, out, by_name, unattributed)
    for cm in out.values():
        reason = unattributed.get((cm.cluster.scope, cm.cluster.kind))
        if reason and not cm.unknown_reason:
            cm.unknown_reason = reason
        cm.members.sort(key=lambda n: n.id)
    return out


AUTOSCALING_TARGETS = ("aws_appautoscaling_target", "AWS::ApplicationAutoScaling::ScalableTarget")


def _autoscaling(
    graph: ResourceGraph,
    out: dict[str, ClusterMembers],
    by_name: dict[tuple[str, str], dict[str, list[ClusterMembers]]],
    unattributed: dict[tuple[str, str], str],
) -> None:
    """Aurora replica Auto Scaling (``rds:cluster:ReadReplicaCount``) adds its minimum capacity."""
    for t in graph.nodes(AUTOSCALING_TARGETS):
        dim = t.get(tf="scalable_dimension", cfn="ScalableDimension")
        if dim != "rds:cluster:ReadReplicaCount":
            continue
        via = "resource_id" if t.language == "terraform" else "ResourceId"
        targets = [out[c.id] for c in graph.targets(t, RDS_CLUSTER, via=via) if c.id in out]
        if not targets:
            rid = t.get(tf="resource_id", cfn="ResourceId")
            if isinstance(rid, str) and rid.startswith("cluster:"):
                targets = list(by_name[(t.scope, RDS_CLUSTER)].get(rid[len("cluster:") :], ()))
            else:
                unattributed.setdefault(
                    (t.scope, RDS_CLUSTER), f"{t.address} scales a cluster that cannot be resolved"
                )
                continue
        low = t.get(tf="min_capacity", cfn="MinCapacity")
        n = to_int(low) if not isinstance(low, Unknown) else None
        for cm in targets:
            cm.autoscaling.append(t)
            if n is None or t.meta.get("count_unknown"):
                cm.unknown_reason = (
                    cm.unknown_reason or f"{t.address} has an unknown minimum capacity"
                )
            else:
                cm.autoscaled_replicas += max(n, 0)


def cluster_members(graph: ResourceGraph, cluster: Node) -> ClusterMembers:
    """The members of an RDS/Aurora, DocDB or Neptune cluster (built once per graph)."""
    table: dict[str, ClusterMembers] = graph.view("databases.cluster_members", _build)
    found = table.get(cluster.id)
    return found if found is not None else ClusterMembers(cluster)


__all__ = [
    "CLUSTER_MEMBER_KINDS",
    "ClusterMembers",
    "cluster_members",
    "is_cluster_member",
    "is_read_replica",
]

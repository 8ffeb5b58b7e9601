from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity, Unknown
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import (
    ELASTICACHE_AUTOMATIC_FAILOVER,
    ELASTICACHE_MULTI_AZ,
    MEMORYDB_REPLICAS_PER_SHARD,
)
from soc2lint.views.populations import ELASTICACHE

from ._shared import CHECKLIST, _engine, int_attr

REDIS_ENGINES = ("redis", "valkey")


def _node_count(rg: Node) -> tuple[int | Unknown, Attr]:
    """How many nodes the replication group has (per its smallest reading), and where."""
    if rg.language == "terraform":
        for name in ("num_cache_clusters", "number_cache_clusters"):
            a = rg.attr(name)
            v = int_attr(a)
            if v is not None:
                return v, a
        groups_a = rg.attr("num_node_groups")
        replicas_a = rg.attr("replicas_per_node_group")
        if groups_a.missing and replicas_a.missing:
            groups_a = rg.attr("cluster_mode.num_node_groups")
            replicas_a = rg.attr("cluster_mode.replicas_per_node_group")
    else:
        a = rg.attr("NumCacheClusters")
        v = int_attr(a)
        if v is not None:
            return v, a
        groups_a = rg.attr("NumNodeGroups")
        replicas_a = rg.attr("ReplicasPerNodeGroup")
        if rg.attr("NodeGroupConfiguration").present and groups_a.missing:
            conf = rg.attr("NodeGroupConfiguration")
            if isinstance(conf.value, list):
                groups_a = Attr(rg, conf.path, len(conf.value))
    groups = int_attr(groups_a)
    replicas = int_attr(replicas_a)
    if groups is None and replicas is None:
        return 1, rg.attr(tf="num_cache_clusters", cfn="NumCacheClusters")
    g = 1 if groups is None else groups
    r = 0 if replicas is None else replicas
    if isinstance(g, Unknown) or isinstance(r, Unknown):
        return (g if isinstance(g, Unknown) else r), (
            groups_a if groups is not None else replicas_a
        )
    where = replicas_a if replicas is not None else groups_a
    return g * (r + 1), where


@rule(
    id="AVL002",
    slug="elasticache-failover",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=of_kinds(
        *ELASTICACHE,
        "AWS::MemoryDB::Cluster",
        what="ElastiCache replication groups and cache clusters, MemoryDB clusters",
    ),
    control="ElastiCache Redis fails over automatically to another zone.",
    fix={
        "terraform": (
            "On `aws_elasticache_replication_group` set `automatic_failover_enabled = true`, "
            "`multi_az_enabled = true` and `num_cache_clusters = 2` (or more); replace a "
            "Redis `aws_elasticache_cluster` with a replication group."
        ),
        "cloudformation": (
            "On `AWS::ElastiCache::ReplicationGroup` set `AutomaticFailoverEnabled: true`, "
            "`MultiAZEnabled: true` and `NumCacheClusters: 2` (or more); replace a Redis "
            "`AWS::ElastiCache::CacheCluster` with a replication group."
        ),
    },
)
def elasticache_failover(ctx: Context) -> Iterator[Report]:
    """ElastiCache Redis has no automatic Multi-AZ failover.

    What it checks:
        A Redis/Valkey replication group (`aws_elasticache_replication_group`,
        `AWS::ElastiCache::ReplicationGroup`) must enable both automatic
        failover (`automatic_failover_enabled`, `AutomaticFailoverEnabled`) and
        Multi-AZ (`multi_az_enabled`, `MultiAZEnabled`) — both default to false
        — and have at least two nodes: `num_cache_clusters` /
        `NumCacheClusters` (default 1), or `num_node_groups` × (`replicas_per_node_group`
        + 1) / `NumNodeGroups` × (`ReplicasPerNodeGroup` + 1). A standalone Redis
        or Valkey `aws_elasticache_cluster` / `AWS::ElastiCache::CacheCluster`
        always has a single node and fails; Memcached clusters and clusters that
        join a replication group (`replication_group_id`) are not checked. One
        finding per resource, at the first setting at fault. A MemoryDB cluster
        (`aws_memorydb_cluster`, `AWS::MemoryDB::Cluster`) fails with
        `num_replicas_per_shard` / `NumReplicasPerShard` 0 (default 1): a shard
        without a replica has nothing to fail over to. ElastiCache Serverless
        caches replicate across Availability Zones on their own and have no such
        setting.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: a cache that holds sessions
        or queues is part of the service; without a replica in another
        Availability Zone and automatic promotion, losing one node or one AZ is
        an outage.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-replicationgroup.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-cachecluster.html
    """
    for cluster in ctx.graph.nodes(MEMORYDB_REPLICAS_PER_SHARD.kinds):
        yield from ctx.require(
            cluster,
            MEMORYDB_REPLICAS_PER_SHARD,
            "{address}: its shards have no replica to fail over to ({problem})",
        )
    for rg in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        engine = _engine(rg, default="redis")
        if isinstance(engine, str) and engine not in REDIS_ENGINES:
            ctx.not_applicable(rg, f"the {engine} engine has no automatic failover")
            continue
        problems: list[tuple[Attr, str]] = []
        undecided: list[Attr] = []
        for setting in (ELASTICACHE_AUTOMATIC_FAILOVER, ELASTICACHE_MULTI_AZ):
            r = setting.read(rg)
            if r.unknown:
                undecided.append(r.attr)
            elif not r.ok:
                problems.append((r.attr, r.problem))
        count, where = _node_count(rg)
        if isinstance(count, Unknown):
            undecided.append(where)
        elif count < 2:
            problems.append((where, f"it has {count} node{'s' if count != 1 else ''}"))
        if not problems:
            for a in undecided[:1]:
                yield from ctx.unresolved(rg, a)
            continue
        at = problems[0][0]
        yield ctx.finding(
            rg,
            at if at.present else (),
            f"{rg.address}: no automatic Multi-AZ failover: "
            + "; ".join(text for _, text in problems),
        )
    for cc in ctx.graph.nodes("AWS::ElastiCache::CacheCluster"):
        if cc.attr(tf="replication_group_id", cfn="ReplicationGroupId").present:
            ctx.not_applicable(cc, "a member of a replication group: the group's setting applies")
            continue
        engine = _engine(cc)
        if engine is None or isinstance(engine, Unknown):
            yield from ctx.unresolved(cc, cc.attr(tf="engine", cfn="Engine"))
            continue
        if engine not in REDIS_ENGINES:
            ctx.not_applicable(cc, f"the {engine} engine has no automatic failover")
            continue
        yield ctx.finding(
            cc,
            (),
            f"{cc.address}: single-node {engine} cluster: it has no replica to fail over to; "
            "use a replication group with Multi-AZ",
        )

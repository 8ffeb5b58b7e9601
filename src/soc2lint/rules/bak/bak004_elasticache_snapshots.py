from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import MISSING, Severity, Unknown
from soc2lint.rule import Context, Report, rule
from soc2lint.settings import ELASTICACHE_SNAPSHOT_RETENTION
from soc2lint.views.populations import ELASTICACHE_CLUSTERS

from ._shared import CHECKLIST

REDIS_ENGINES = ("redis", "valkey")


@rule(
    id="BAK004",
    slug="elasticache-snapshots",
    severity=Severity.LOW,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=ELASTICACHE_CLUSTERS,
    control="ElastiCache Redis takes automatic snapshots.",
    fix={
        "terraform": "Set `snapshot_retention_limit` to 1 or more days (up to 35).",
        "cloudformation": "Set `SnapshotRetentionLimit` to 1 or more days (up to 35).",
    },
)
def elasticache_snapshots(ctx: Context) -> Iterator[Report]:
    """ElastiCache Redis takes no automatic snapshots.

    What it checks:
        Redis/Valkey replication groups and standalone Redis/Valkey clusters
        (`aws_elasticache_replication_group`, `aws_elasticache_cluster` without
        `replication_group_id`, `AWS::ElastiCache::ReplicationGroup`,
        `AWS::ElastiCache::CacheCluster`) must set `snapshot_retention_limit` /
        `SnapshotRetentionLimit` to 1 or more: the default, 0, turns automatic
        backups off. Memcached does not support snapshots and is not checked.

        MemoryDB clusters are not checked: their data is durable in a multi-AZ
        transaction log whether snapshots are on or not.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: a Redis used as a store
        (sessions, queues, leaderboards) loses its data with its nodes unless
        snapshots exist. Low: many caches hold only derived data.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-automatic.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group#snapshot_retention_limit
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-replicationgroup.html
    """
    for n in ctx.graph.nodes(
        ("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster")
    ):
        is_group = n.kind == "AWS::ElastiCache::ReplicationGroup"
        if not is_group and n.attr(tf="replication_group_id", cfn="ReplicationGroupId").present:
            ctx.not_applicable(n, "a member of a replication group: the group's setting applies")
            continue
        engine_a = n.attr(tf="engine", cfn="Engine")
        if engine_a.missing and is_group:
            engine: Any = "redis"
        else:
            engine = engine_a.value
        if isinstance(engine, Unknown) or engine is MISSING:
            yield from ctx.unresolved(n, engine_a)
            continue
        if not isinstance(engine, str) or engine.lower() not in REDIS_ENGINES:
            ctx.not_applicable(n, f"the {engine} engine takes no snapshots")
            continue
        r = ELASTICACHE_SNAPSHOT_RETENTION.read(n)
        if r.unknown:
            yield from ctx.unresolved(n, r.attr)
            continue
        if r.ok:
            continue
        shown = "0" if r.written else r.shown
        yield ctx.finding(
            n, r.attr, f"{n.address}: automatic snapshots are off: `{r.name}` is {shown}"
        )

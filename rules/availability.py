"""AVL rules: availability (see ../shared/RULES.md).

AVL001, AVL002, AVL005, AVL006 and AVL007 live here; AVL003, AVL004 and AVL008
need the network model and live in ``zones.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity, Unknown, describe_value, to_bool, to_int
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.databases import cluster_members, is_cluster_member, is_read_replica

from ._common import check_true, spelled

CHECKLIST = "F. Multi-AZ / Failover"

REDIS_ENGINES = ("redis", "valkey")


def _engine(node: Node, default: str | None = None) -> str | Unknown | None:
    """The engine, lower-cased; ``default`` when not written; Unknown when unknown."""
    a = node.attr(tf="engine", cfn="Engine")
    if a.missing:
        return default
    if isinstance(a.value, Unknown):
        return a.value
    return str(a.value).lower() if isinstance(a.value, str) else Unknown(repr(a.value))


def _members_text(members: list[Node]) -> str:
    if not members:
        return "no instances"
    names = ", ".join(m.address for m in members[:4])
    more = f" and {len(members) - 4} more" if len(members) > 4 else ""
    return f"{len(members)} instance{'s' if len(members) != 1 else ''} ({names}{more})"


# --------------------------------------------------------------------------
# AVL001
# --------------------------------------------------------------------------


@rule(
    id="AVL001",
    slug="rds-multi-az",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
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
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  identifier     = "orders"
                  engine         = "postgres"
                  instance_class = "db.m6g.large"
                  multi_az       = false
                }
                """,
                address="aws_db_instance.orders",
                line=5,
            ),
            bad(
                """
                variable "multi_az" {
                  type    = bool
                  default = false
                }

                resource "aws_db_instance" "main" {
                  engine         = "mysql"
                  instance_class = "db.t3.medium"
                  multi_az       = var.multi_az
                }
                """,
                address="aws_db_instance.main",
                line=9,
            ),
            bad(
                """
                resource "aws_rds_cluster" "main" {
                  cluster_identifier          = "orders"
                  engine                      = "aurora-postgresql"
                  master_username             = "app"
                  manage_master_user_password = true
                }

                resource "aws_rds_cluster_instance" "this" {
                  count              = 1
                  cluster_identifier = aws_rds_cluster.main.id
                  instance_class     = "db.r6g.large"
                  engine             = aws_rds_cluster.main.engine
                }
                """,
                address="aws_rds_cluster.main",
                line=1,
                note="an Aurora cluster with one instance has no failover target",
            ),
            bad(
                {
                    "main.tf": """
                    module "db" {
                      source   = "./modules/db"
                      multi_az = false
                    }
                    """,
                    "modules/db/main.tf": """
                    variable "multi_az" {
                      type = bool
                    }

                    resource "aws_db_instance" "this" {
                      engine         = "postgres"
                      instance_class = "db.t4g.large"
                      multi_az       = var.multi_az
                    }
                    """,
                },
                address="module.db.aws_db_instance.this",
                file="modules/db/main.tf",
                line=8,
            ),
        ],
        good=[
            good(
                """
                resource "aws_db_instance" "orders" {
                  engine         = "postgres"
                  instance_class = "db.m6g.large"
                  multi_az       = true
                }

                resource "aws_db_instance" "reporting" {
                  replicate_source_db = aws_db_instance.orders.identifier
                  instance_class      = "db.m6g.large"
                }
                """,
                note="read replicas are exempt",
            ),
            good(
                """
                resource "aws_rds_cluster" "main" {
                  cluster_identifier          = "orders"
                  engine                      = "aurora-mysql"
                  master_username             = "app"
                  manage_master_user_password = true
                }

                resource "aws_rds_cluster_instance" "this" {
                  for_each           = toset(["a", "b"])
                  identifier         = "orders-${each.key}"
                  cluster_identifier = aws_rds_cluster.main.id
                  instance_class     = "db.r6g.large"
                  engine             = aws_rds_cluster.main.engine
                }
                """
            ),
            good(
                """
                resource "aws_rds_cluster" "legacy" {
                  cluster_identifier = "legacy"
                  engine             = "aurora-mysql"
                  engine_mode        = "serverless"
                  master_username    = "app"
                  master_password    = var.password
                }

                resource "aws_rds_cluster" "multi_az" {
                  cluster_identifier        = "ledger"
                  engine                    = "postgres"
                  db_cluster_instance_class = "db.m6gd.large"
                  storage_type              = "io1"
                  allocated_storage         = 100
                  iops                      = 1000
                  master_username           = "app"
                  master_password           = var.password
                }

                variable "password" {
                  type      = string
                  sensitive = true
                }
                """,
                note="Aurora Serverless v1 and Multi-AZ DB clusters pass",
            ),
            good(
                """
                variable "multi_az" {
                  type = bool
                }

                resource "aws_db_instance" "main" {
                  engine         = "postgres"
                  instance_class = "db.t4g.large"
                  multi_az       = var.multi_az
                }
                """,
                note="a value that cannot be known is not a failure",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                """,
                address="Database",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Environment:
                    Type: String
                    Default: staging
                    AllowedValues: [staging, production]
                Conditions:
                  IsProduction: !Equals [!Ref Environment, production]
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: mysql
                      DBInstanceClass: db.t3.medium
                      AllocatedStorage: "50"
                      MultiAZ: !If [IsProduction, true, false]
                """,
                address="Database",
                line=15,
            ),
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-postgresql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-postgresql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """,
                address="Cluster",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                      MultiAZ: true
                  Replica:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      SourceDBInstanceIdentifier: !Ref Database
                      DBInstanceClass: db.m6g.large
                """
            ),
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-mysql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-mysql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                  Reader:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-mysql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """
            ),
            good(
                """
                Resources:
                  Ledger:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: postgres
                      DBClusterInstanceClass: db.m6gd.large
                      StorageType: io1
                      AllocatedStorage: 100
                      Iops: 1000
                      MasterUsername: app
                      ManageMasterUserPassword: true
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                      MultiAZ: !ImportValue shared-db-multi-az
                """,
                note="a Multi-AZ DB cluster passes; an imported value is unknown",
            ),
        ],
    ),
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
    How to fix:
        Terraform: `multi_az = true` on `aws_db_instance`; for Aurora, create at
        least two `aws_rds_cluster_instance` resources (`count = 2` or an
        `instances` map with two entries in terraform-aws-modules/rds-aurora).
        CloudFormation: `MultiAZ: true`; for Aurora, two `AWS::RDS::DBInstance`
        resources whose `DBClusterIdentifier` is `!Ref` the cluster.
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
            continue
        yield from check_true(ctx, db, tf="multi_az", cfn="MultiAZ", what="is not Multi-AZ")
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
        f"{cluster.address}: Aurora cluster has {_members_text(members.members)}{scaled}; "
        "it needs at least two instances in different Availability Zones to fail over",
        related=[RelatedRef(m, (), "cluster member") for m in members.members],
    )


# --------------------------------------------------------------------------
# AVL002
# --------------------------------------------------------------------------


def _int_attr(a: Attr) -> int | Unknown | None:
    if a.missing:
        return None
    if isinstance(a.value, Unknown):
        return a.value
    n = to_int(a.value)
    return n if n is not None else Unknown(repr(a.value))


def _node_count(rg: Node) -> tuple[int | Unknown, Attr]:
    """How many nodes the replication group has (per its smallest reading), and where."""
    if rg.language == "terraform":
        for name in ("num_cache_clusters", "number_cache_clusters"):
            a = rg.attr(name)
            v = _int_attr(a)
            if v is not None:
                return v, a
        groups_a = rg.attr("num_node_groups")
        replicas_a = rg.attr("replicas_per_node_group")
        if groups_a.missing and replicas_a.missing:
            groups_a = rg.attr("cluster_mode.num_node_groups")
            replicas_a = rg.attr("cluster_mode.replicas_per_node_group")
    else:
        a = rg.attr("NumCacheClusters")
        v = _int_attr(a)
        if v is not None:
            return v, a
        groups_a = rg.attr("NumNodeGroups")
        replicas_a = rg.attr("ReplicasPerNodeGroup")
        if rg.attr("NodeGroupConfiguration").present and groups_a.missing:
            conf = rg.attr("NodeGroupConfiguration")
            if isinstance(conf.value, list):
                groups_a = Attr(rg, conf.path, len(conf.value))
    groups = _int_attr(groups_a)
    replicas = _int_attr(replicas_a)
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


def _flag(a: Attr) -> bool | None:
    """True/False when known (missing = False), None when unknown."""
    if a.missing:
        return False
    if a.unknown:
        return None
    return to_bool(a.value)


@rule(
    id="AVL002",
    slug="elasticache-failover",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
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
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id       = "sessions"
                  description                = "user sessions"
                  node_type                  = "cache.r7g.large"
                  num_cache_clusters         = 2
                  automatic_failover_enabled = true
                  multi_az_enabled           = false
                }
                """,
                address="aws_elasticache_replication_group.sessions",
                line=7,
            ),
            bad(
                """
                resource "aws_elasticache_replication_group" "cache" {
                  replication_group_id = "cache"
                  description          = "app cache"
                  node_type            = "cache.t4g.small"
                  num_cache_clusters   = 1
                }
                """,
                address="aws_elasticache_replication_group.cache",
                line=1,
            ),
            bad(
                """
                resource "aws_elasticache_cluster" "queue" {
                  cluster_id      = "jobs"
                  engine          = "redis"
                  node_type       = "cache.t4g.small"
                  num_cache_nodes = 1
                }
                """,
                address="aws_elasticache_cluster.queue",
                line=1,
            ),
        ],
        good=[
            good(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id       = "sessions"
                  description                = "user sessions"
                  node_type                  = "cache.r7g.large"
                  num_cache_clusters         = 3
                  automatic_failover_enabled = true
                  multi_az_enabled           = true
                }

                resource "aws_elasticache_cluster" "pages" {
                  cluster_id      = "pages"
                  engine          = "memcached"
                  node_type       = "cache.t4g.small"
                  num_cache_nodes = 2
                }
                """,
                note="Memcached is not Redis",
            ),
            good(
                """
                variable "ha" {
                  type = bool
                }

                resource "aws_elasticache_replication_group" "sharded" {
                  replication_group_id       = "sharded"
                  description                = "sharded cache"
                  node_type                  = "cache.r7g.large"
                  num_node_groups            = 2
                  replicas_per_node_group    = 1
                  automatic_failover_enabled = true
                  multi_az_enabled           = var.ha
                }
                """,
                note="an unknown flag is not a failure",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: user sessions
                      CacheNodeType: cache.r7g.large
                      Engine: redis
                      NumCacheClusters: 2
                """,
                address="Sessions",
                line=2,
            ),
            bad(
                """
                Resources:
                  Queue:
                    Type: AWS::ElastiCache::CacheCluster
                    Properties:
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      NumCacheNodes: 1
                """,
                address="Queue",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: user sessions
                      CacheNodeType: cache.r7g.large
                      Engine: redis
                      NumCacheClusters: 2
                      AutomaticFailoverEnabled: true
                      MultiAZEnabled: true
                """
            ),
            good(
                """
                Resources:
                  Pages:
                    Type: AWS::ElastiCache::CacheCluster
                    Properties:
                      Engine: memcached
                      CacheNodeType: cache.t4g.small
                      NumCacheNodes: 2
                  Sharded:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: sharded
                      CacheNodeType: cache.r7g.large
                      NumNodeGroups: 3
                      ReplicasPerNodeGroup: 1
                      AutomaticFailoverEnabled: true
                      MultiAZEnabled: !ImportValue cache-multi-az
                """
            ),
        ],
    ),
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
        finding per resource, at the first setting at fault.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: a cache that holds sessions
        or queues is part of the service; without a replica in another
        Availability Zone and automatic promotion, losing one node or one AZ is
        an outage.
    How to fix:
        Terraform: `automatic_failover_enabled = true`, `multi_az_enabled = true`,
        `num_cache_clusters = 2`; move single-node Redis clusters to
        `aws_elasticache_replication_group`.
        CloudFormation: `AutomaticFailoverEnabled: true`, `MultiAZEnabled: true`,
        `NumCacheClusters: 2`; use `AWS::ElastiCache::ReplicationGroup` for Redis.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-replicationgroup.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-cachecluster.html
    """
    for rg in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        engine = _engine(rg, default="redis")
        if isinstance(engine, str) and engine not in REDIS_ENGINES:
            continue
        problems: list[tuple[Attr, str]] = []
        undecided: list[Attr] = []
        for tf, cfn in (
            ("automatic_failover_enabled", "AutomaticFailoverEnabled"),
            ("multi_az_enabled", "MultiAZEnabled"),
        ):
            a = rg.attr(tf=tf, cfn=cfn)
            flag = _flag(a)
            if flag is None:
                undecided.append(a)
            elif not flag:
                shown = "not set (default false)" if a.missing else describe_value(a.value)
                problems.append((a, f"`{spelled(rg, tf, cfn)}` is {shown}"))
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
            continue
        engine = _engine(cc)
        if engine is None or isinstance(engine, Unknown):
            yield from ctx.unresolved(cc, cc.attr(tf="engine", cfn="Engine"))
            continue
        if engine not in REDIS_ENGINES:
            continue
        yield ctx.finding(
            cc,
            (),
            f"{cc.address}: single-node {engine} cluster: it has no replica to fail over to; "
            "use a replication group with Multi-AZ",
        )


# --------------------------------------------------------------------------
# AVL005
# --------------------------------------------------------------------------


@rule(
    id="AVL005",
    slug="opensearch-zone-awareness",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "In `cluster_config` set `zone_awareness_enabled = true` (with "
            "`zone_awareness_config { availability_zone_count = 2 }` or 3) and "
            "`instance_count` of at least 2."
        ),
        "cloudformation": (
            "In `ClusterConfig` set `ZoneAwarenessEnabled: true` (with "
            "`ZoneAwarenessConfig.AvailabilityZoneCount`) and `InstanceCount` of at least 2."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_opensearch_domain" "logs" {
                  domain_name    = "logs"
                  engine_version = "OpenSearch_2.13"

                  cluster_config {
                    instance_type  = "r6g.large.search"
                    instance_count = 2
                  }
                }
                """,
                address="aws_opensearch_domain.logs",
                line=1,
            ),
            bad(
                """
                locals {
                  zone_aware = false
                }

                resource "aws_elasticsearch_domain" "search" {
                  domain_name           = "search"
                  elasticsearch_version = "7.10"

                  cluster_config {
                    instance_type          = "m6g.large.elasticsearch"
                    instance_count         = 3
                    zone_awareness_enabled = local.zone_aware
                  }
                }
                """,
                address="aws_elasticsearch_domain.search",
                line=12,
            ),
            bad(
                """
                resource "aws_opensearch_domain" "small" {
                  domain_name = "small"

                  cluster_config {
                    instance_type          = "t3.small.search"
                    instance_count         = 1
                    zone_awareness_enabled = true
                  }
                }
                """,
                address="aws_opensearch_domain.small",
                line=6,
            ),
        ],
        good=[
            good(
                """
                resource "aws_opensearch_domain" "logs" {
                  domain_name = "logs"

                  cluster_config {
                    instance_type          = "r6g.large.search"
                    instance_count         = 3
                    zone_awareness_enabled = true

                    zone_awareness_config {
                      availability_zone_count = 3
                    }
                  }
                }
                """
            ),
            good(
                """
                variable "instance_count" {
                  type = number
                }

                resource "aws_opensearch_domain" "logs" {
                  domain_name = "logs"

                  cluster_config {
                    instance_type          = "r6g.large.search"
                    instance_count         = var.instance_count
                    zone_awareness_enabled = true
                  }
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      ClusterConfig:
                        InstanceType: r6g.large.search
                        InstanceCount: 2
                """,
                address="Logs",
                line=2,
            ),
            bad(
                """
                Resources:
                  Search:
                    Type: AWS::Elasticsearch::Domain
                    Properties:
                      ElasticsearchVersion: "7.10"
                      ElasticsearchClusterConfig:
                        InstanceType: m5.large.elasticsearch
                        InstanceCount: 1
                        ZoneAwarenessEnabled: false
                """,
                address="Search",
                line=9,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      ClusterConfig:
                        InstanceType: r6g.large.search
                        InstanceCount: 2
                        ZoneAwarenessEnabled: true
                        ZoneAwarenessConfig:
                          AvailabilityZoneCount: 2
                """
            ),
            good(
                """
                Parameters:
                  Nodes:
                    Type: Number
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      ClusterConfig:
                        InstanceType: r6g.large.search
                        InstanceCount: !Ref Nodes
                        ZoneAwarenessEnabled: true
                """
            ),
        ],
    ),
)
def opensearch_zone_awareness(ctx: Context) -> Iterator[Report]:
    """OpenSearch domain is not spread over Availability Zones.

    What it checks:
        OpenSearch and Elasticsearch domains (`aws_opensearch_domain`,
        `aws_elasticsearch_domain`, `AWS::OpenSearchService::Domain`,
        `AWS::Elasticsearch::Domain`) must enable zone awareness
        (`cluster_config.zone_awareness_enabled`, `ClusterConfig.ZoneAwarenessEnabled`
        or `ElasticsearchClusterConfig.ZoneAwarenessEnabled`; default false) and
        run at least two data nodes (`instance_count` / `InstanceCount`, default 1).
        One finding per domain: zone awareness first, then the node count.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: without zone awareness all
        shards and their replicas sit in one Availability Zone, so an AZ outage
        takes the domain (and whatever depends on search or logs) down.
    How to fix:
        Terraform: in `cluster_config`, `zone_awareness_enabled = true`,
        `zone_awareness_config { availability_zone_count = 2 }` (or 3) and
        `instance_count` ≥ 2 (a multiple of the AZ count).
        CloudFormation: `ClusterConfig.ZoneAwarenessEnabled: true`,
        `ZoneAwarenessConfig.AvailabilityZoneCount` and `InstanceCount` ≥ 2.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain#zone_awareness_enabled
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-opensearchservice-domain-clusterconfig.html
    """
    for dom in ctx.graph.nodes(("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")):
        if dom.language == "terraform":
            conf_name = "cluster_config"
            za_name, count_name = "zone_awareness_enabled", "instance_count"
        else:
            conf_name = (
                "ElasticsearchClusterConfig"
                if dom.kind == "AWS::Elasticsearch::Domain"
                else "ClusterConfig"
            )
            za_name, count_name = "ZoneAwarenessEnabled", "InstanceCount"
        conf = dom.attr(conf_name)
        if conf.unknown:
            yield from ctx.unresolved(dom, conf)
            continue
        za = conf.child(za_name)
        flag = _flag(za)
        if flag is None:
            yield from ctx.unresolved(dom, za)
            continue
        if not flag:
            shown = "not set (default false)" if za.missing else describe_value(za.value)
            yield ctx.finding(
                dom,
                za,
                f"{dom.address}: zone awareness is off: `{za_name}` is {shown}",
            )
            continue
        count_a = conf.child(count_name)
        count = _int_attr(count_a)
        if isinstance(count, Unknown):
            yield from ctx.unresolved(dom, count_a)
            continue
        n = 1 if count is None else count
        if n < 2:
            shown = "not set (default 1)" if count is None else str(n)
            yield ctx.finding(
                dom,
                count_a,
                f"{dom.address}: `{count_name}` is {shown}; at least two data nodes "
                "are needed to spread the domain over Availability Zones",
            )


# --------------------------------------------------------------------------
# AVL006
# --------------------------------------------------------------------------


@rule(
    id="AVL006",
    slug="deletion-protection",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "Set `deletion_protection = true` (RDS, Aurora, DocumentDB, Neptune) or "
            "`deletion_protection_enabled = true` (DynamoDB)."
        ),
        "cloudformation": (
            "Set `DeletionProtection: true` (RDS, Aurora, DocumentDB, Neptune) or "
            "`DeletionProtectionEnabled: true` (DynamoDB)."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  engine              = "postgres"
                  instance_class      = "db.m6g.large"
                  multi_az            = true
                  deletion_protection = false
                }
                """,
                address="aws_db_instance.orders",
                line=5,
            ),
            bad(
                """
                resource "aws_dynamodb_table" "events" {
                  name         = "events"
                  billing_mode = "PAY_PER_REQUEST"
                  hash_key     = "id"

                  attribute {
                    name = "id"
                    type = "S"
                  }
                }
                """,
                address="aws_dynamodb_table.events",
                line=1,
            ),
            bad(
                {
                    "main.tf": """
                    module "graph" {
                      source     = "./modules/graph"
                      protect_db = false
                    }
                    """,
                    "modules/graph/main.tf": """
                    variable "protect_db" {
                      type    = bool
                      default = true
                    }

                    resource "aws_neptune_cluster" "this" {
                      cluster_identifier  = "graph"
                      engine              = "neptune"
                      deletion_protection = var.protect_db
                    }
                    """,
                },
                address="module.graph.aws_neptune_cluster.this",
                file="modules/graph/main.tf",
                line=9,
            ),
        ],
        good=[
            good(
                """
                resource "aws_rds_cluster" "main" {
                  cluster_identifier          = "orders"
                  engine                      = "aurora-postgresql"
                  master_username             = "app"
                  manage_master_user_password = true
                  deletion_protection         = true
                }

                resource "aws_rds_cluster_instance" "this" {
                  count              = 2
                  cluster_identifier = aws_rds_cluster.main.id
                  instance_class     = "db.r6g.large"
                  engine             = "aurora-postgresql"
                }
                """,
                note="cluster members are checked on the cluster",
            ),
            good(
                """
                variable "protect" {
                  type = bool
                }

                resource "aws_dynamodb_table" "events" {
                  name                        = "events"
                  billing_mode                = "PAY_PER_REQUEST"
                  hash_key                    = "id"
                  deletion_protection_enabled = var.protect

                  attribute {
                    name = "id"
                    type = "S"
                  }
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Docs:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: app
                      MasterUserPassword: "{{resolve:secretsmanager:docdb:SecretString:password}}"
                """,
                address="Docs",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Protect:
                    Type: String
                    Default: "false"
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      DeletionProtectionEnabled: !Ref Protect
                """,
                address="Table",
                line=16,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-mysql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      DeletionProtection: true
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-mysql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """
            ),
            good(
                """
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      DeletionProtectionEnabled: !ImportValue table-protection
                """
            ),
        ],
    ),
)
def deletion_protection(ctx: Context) -> Iterator[Report]:
    """Database can be deleted without turning deletion protection off first.

    What it checks:
        RDS DB instances that are not cluster members (`aws_db_instance`,
        `AWS::RDS::DBInstance` without `DBClusterIdentifier`), RDS/Aurora clusters,
        DocumentDB and Neptune clusters must set `deletion_protection = true` /
        `DeletionProtection: true`; DynamoDB tables `deletion_protection_enabled =
        true` / `DeletionProtectionEnabled: true`. Every one of these defaults to
        false. Aurora, DocumentDB and Neptune member instances are checked on
        their cluster.
    Why it matters for SOC 2:
        Checklist F, TSC A1.2: an accidental `terraform destroy`, a renamed
        resource that forces replacement, or a console click should not be able
        to remove a production database; deletion protection makes removal a
        deliberate two-step change.
    How to fix:
        Terraform: `deletion_protection = true` / `deletion_protection_enabled = true`.
        CloudFormation: `DeletionProtection: true` / `DeletionProtectionEnabled: true`.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html
        - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#deletion_protection
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#deletion_protection_enabled
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-docdb-dbcluster.html
    """
    for n in ctx.graph.nodes(
        (
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        )
    ):
        if is_cluster_member(n):
            continue
        yield from check_true(
            ctx,
            n,
            tf="deletion_protection",
            cfn="DeletionProtection",
            what="has no deletion protection",
        )
    for t in ctx.graph.nodes("AWS::DynamoDB::Table"):
        yield from check_true(
            ctx,
            t,
            tf="deletion_protection_enabled",
            cfn="DeletionProtectionEnabled",
            what="has no deletion protection",
        )


# --------------------------------------------------------------------------
# AVL007
# --------------------------------------------------------------------------


@rule(
    id="AVL007",
    slug="cluster-single-instance",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
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
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_docdb_cluster" "docs" {
                  cluster_identifier  = "docs"
                  master_username     = "app"
                  master_password     = var.password
                  deletion_protection = true
                }

                resource "aws_docdb_cluster_instance" "this" {
                  count              = var.instances
                  identifier         = "docs-${count.index}"
                  cluster_identifier = aws_docdb_cluster.docs.id
                  instance_class     = "db.r6g.large"
                }

                variable "password" {
                  type      = string
                  sensitive = true
                }

                variable "instances" {
                  type    = number
                  default = 1
                }
                """,
                address="aws_docdb_cluster.docs",
                line=1,
            ),
            bad(
                """
                resource "aws_neptune_cluster" "graph" {
                  cluster_identifier  = "graph"
                  engine              = "neptune"
                  deletion_protection = true
                }

                resource "aws_neptune_cluster_instance" "writer" {
                  cluster_identifier = "graph"
                  instance_class     = "db.r6g.large"
                  engine             = "neptune"
                }
                """,
                address="aws_neptune_cluster.graph",
                line=1,
                note="the member names its cluster by literal identifier",
            ),
        ],
        good=[
            good(
                """
                resource "aws_docdb_cluster" "docs" {
                  cluster_identifier = "docs"
                  master_username    = "app"
                  master_password    = var.password
                }

                resource "aws_docdb_cluster_instance" "this" {
                  count              = 2
                  identifier         = "docs-${count.index}"
                  cluster_identifier = aws_docdb_cluster.docs.id
                  instance_class     = "db.r6g.large"
                }

                variable "password" {
                  type      = string
                  sensitive = true
                }
                """
            ),
            good(
                """
                variable "instances" {
                  type = number
                }

                resource "aws_neptune_cluster" "graph" {
                  cluster_identifier = "graph"
                  engine             = "neptune"
                }

                resource "aws_neptune_cluster_instance" "this" {
                  count              = var.instances
                  cluster_identifier = aws_neptune_cluster.graph.id
                  instance_class     = "db.r6g.large"
                  engine             = "neptune"
                }
                """,
                note="an unknown count is not a failure",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Docs:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: app
                      MasterUserPassword: "{{resolve:secretsmanager:docdb:SecretString:password}}"
                      DeletionProtection: true
                  Primary:
                    Type: AWS::DocDB::DBInstance
                    Properties:
                      DBClusterIdentifier: !Ref Docs
                      DBInstanceClass: db.r6g.large
                """,
                address="Docs",
                line=2,
            ),
            bad(
                """
                Resources:
                  Graph:
                    Type: AWS::Neptune::DBCluster
                    Properties:
                      DeletionProtection: true
                """,
                address="Graph",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Graph:
                    Type: AWS::Neptune::DBCluster
                    Properties:
                      DeletionProtection: true
                  Writer:
                    Type: AWS::Neptune::DBInstance
                    Properties:
                      DBClusterIdentifier: !Ref Graph
                      DBInstanceClass: db.r6g.large
                  Reader:
                    Type: AWS::Neptune::DBInstance
                    Properties:
                      DBClusterIdentifier: !Ref Graph
                      DBInstanceClass: db.r6g.large
                """
            ),
            good(
                """
                Parameters:
                  CreateReader:
                    Type: String
                    AllowedValues: ["true", "false"]
                Conditions:
                  WithReader: !Equals [!Ref CreateReader, "true"]
                Resources:
                  Docs:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: app
                      MasterUserPassword: "{{resolve:secretsmanager:docdb:SecretString:password}}"
                  Writer:
                    Type: AWS::DocDB::DBInstance
                    Properties:
                      DBClusterIdentifier: !Ref Docs
                      DBInstanceClass: db.r6g.large
                  Reader:
                    Type: AWS::DocDB::DBInstance
                    Condition: WithReader
                    Properties:
                      DBClusterIdentifier: !Ref Docs
                      DBInstanceClass: db.r6g.large
                """,
                note="a member behind an unknown condition makes the count unknown",
            ),
        ],
    ),
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
    How to fix:
        Terraform: `count = 2` (or more) on the cluster instance resource, placed
        in different AZs by the subnet group.
        CloudFormation: a second `AWS::DocDB::DBInstance` / `AWS::Neptune::DBInstance`
        with `DBClusterIdentifier: !Ref` the cluster.
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
            f"{cluster.address}: {service} cluster has {_members_text(members.members)}; "
            "at least two are needed to fail over",
            related=[RelatedRef(m, (), "cluster member") for m in members.members],
        )


RULES: tuple[Rule, ...] = (
    rds_multi_az,
    elasticache_failover,
    opensearch_zone_awareness,
    deletion_protection,
    cluster_single_instance,
)

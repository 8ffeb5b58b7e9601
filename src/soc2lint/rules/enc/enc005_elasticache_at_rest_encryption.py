from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.encryption import elasticache_encryption
from soc2lint.views.populations import REPLICATION_GROUPS

from ._shared import CHECKLIST, TSC, report


@rule(
    id="ENC005",
    slug="elasticache-at-rest-encryption",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=REPLICATION_GROUPS,
    control="ElastiCache replication groups are encrypted at rest.",
    fix={
        "terraform": "Set `at_rest_encryption_enabled = true` (and `kms_key_id`) on the "
        "`aws_elasticache_replication_group`; it can only be chosen at creation.",
        "cloudformation": "Set `AtRestEncryptionEnabled: true` (and `KmsKeyId`) on the "
        "`AWS::ElastiCache::ReplicationGroup`; it can only be chosen at creation.",
    },
)
def elasticache_at_rest_encryption(ctx: Context) -> Iterator[Report]:
    """ElastiCache Redis/Valkey replication group is not encrypted at rest.

    What it checks:
        `aws_elasticache_replication_group` `at_rest_encryption_enabled` and
        `AWS::ElastiCache::ReplicationGroup` `AtRestEncryptionEnabled`, for the
        Redis OSS and Valkey engines (`engine` defaults to `redis`). Documented
        defaults: false for Redis OSS, true for Valkey. A secondary member of a
        global datastore (`global_replication_group_id`) takes the global
        datastore's setting and is not reported when the attribute is absent.

        ElastiCache Serverless caches (`aws_elasticache_serverless_cache`,
        `AWS::ElastiCache::ServerlessCache`) and MemoryDB clusters
        (`aws_memorydb_cluster`, `AWS::MemoryDB::Cluster`) are always encrypted at rest
        and have no setting to check.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Caches hold sessions, tokens
        and copies of database rows; their snapshots and swap must be encrypted
        like the database they front.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html
    """
    for node in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        yield from report(ctx, node, elasticache_encryption(node), "at_rest_encryption_enabled")

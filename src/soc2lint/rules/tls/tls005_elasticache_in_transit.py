from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import ELASTICACHE_TRANSIT_ENCRYPTED, MEMORYDB_TLS

from ._shared import CHECKLIST, TSC


@rule(
    id="TLS005",
    slug="elasticache-in-transit",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::MemoryDB::Cluster",
        what="ElastiCache replication groups and MemoryDB clusters",
    ),
    control="ElastiCache replication groups require TLS.",
    fix={
        "terraform": (
            "Set `transit_encryption_enabled = true` (and leave `transit_encryption_mode` at "
            '`"required"`) on the replication group; clients then connect with TLS.'
        ),
        "cloudformation": (
            "Set `TransitEncryptionEnabled: true` (and `TransitEncryptionMode: required` if set) "
            "on the replication group."
        ),
    },
)
def elasticache_in_transit(ctx: Context) -> Iterator[Report]:
    """ElastiCache replication group does not require TLS.

    What it checks:
        Redis OSS and Valkey replication groups (`aws_elasticache_replication_group`,
        `AWS::ElastiCache::ReplicationGroup`) without
        `transit_encryption_enabled = true` / `TransitEncryptionEnabled: true`; the
        default is false in the Terraform provider and the ElastiCache API. A group
        that enables it with `transit_encryption_mode = "preferred"` still accepts
        unencrypted connections (the migration mode) and fails at that attribute.
        Secondary members of a global datastore (`global_replication_group_id`)
        inherit the setting and are skipped; Memcached clusters are out of scope.
        MemoryDB clusters (`aws_memorydb_cluster`, `AWS::MemoryDB::Cluster`) fail
        when `tls_enabled` / `TLSEnabled` is false (default true). ElastiCache
        Serverless caches (`aws_elasticache_serverless_cache`,
        `AWS::ElastiCache::ServerlessCache`) always encrypt in transit and have no
        such setting.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": cached sessions, tokens and query results
        cross the network in clear text without in-transit encryption (CC6.7).
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html
    """
    for group in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        engine = group.attr(tf="engine", cfn="Engine")
        if (
            engine.known
            and isinstance(engine.value, str)
            and engine.value.lower() not in ("redis", "valkey")
        ):
            continue
        if group.attr(tf="global_replication_group_id", cfn="GlobalReplicationGroupId").present:
            continue
        enabled = ELASTICACHE_TRANSIT_ENCRYPTED.read(group)
        if enabled.attr.unknown:
            yield from ctx.unresolved(group, enabled.attr)
            continue
        if enabled.ok is False:
            yield ctx.finding(
                group,
                enabled.attr,
                f"{group.address}: in-transit encryption is off ({enabled.problem})",
            )
            continue
        mode = group.attr(tf="transit_encryption_mode", cfn="TransitEncryptionMode")
        if mode.known and isinstance(mode.value, str) and mode.value.lower() == "preferred":
            yield ctx.finding(
                group,
                mode,
                f"{group.address}: `{mode.path_str}` "
                'is "preferred", so unencrypted connections are still accepted',
            )
    for cluster in ctx.graph.nodes(MEMORYDB_TLS.kinds):
        yield from ctx.require(
            cluster,
            MEMORYDB_TLS,
            "{address}: in-transit encryption is off ({problem}), so clients connect in clear text",
        )

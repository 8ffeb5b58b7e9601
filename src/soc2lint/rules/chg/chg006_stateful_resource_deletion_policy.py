from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, Unknown
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.databases import CLUSTER_MEMBER, is_cluster_member
from soc2lint.views.populations import STATEFUL_KINDS

from ._shared import CHECKLIST


def _default_deletion_policy(node: Node) -> str:
    if node.kind == "AWS::RDS::DBCluster":
        return "Snapshot"
    if node.kind == "AWS::RDS::DBInstance" and not is_cluster_member(node):
        return "Snapshot"
    return "Delete"


@rule(
    id="CHG006",
    slug="stateful-resource-deletion-policy",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    subjects=of_kinds(*STATEFUL_KINDS, what="stateful CloudFormation resources"),
    control="Stateful resources keep their data when the stack removes or replaces them.",
    fix={
        "cloudformation": (
            "Set `DeletionPolicy` and `UpdateReplacePolicy` to `Retain` (or `Snapshot` for "
            "RDS and ElastiCache) on the resource."
        ),
    },
)
def stateful_resource_deletion_policy(ctx: Context) -> Iterator[Report]:
    """Stateful resource is deleted with its data when the stack removes or replaces it.

    What it checks:
        CloudFormation RDS instances and clusters, DynamoDB tables and global
        tables, EFS file systems, S3 buckets and ElastiCache replication groups,
        Redis clusters and serverless caches, by their `DeletionPolicy` and
        `UpdateReplacePolicy` resource attributes: the resource fails when
        either resolves to `Delete`, written or by default. CloudFormation's
        documented defaults: `DeletionPolicy` is `Delete`, except `Snapshot` for
        `AWS::RDS::DBCluster` and for an `AWS::RDS::DBInstance` without
        `DBClusterIdentifier`; `UpdateReplacePolicy` is `Delete` for every type
        — the UpdateReplacePolicy documentation lists no exception, so an RDS
        instance or cluster without `UpdateReplacePolicy` fails too (RULES.md
        says RDS defaults to `Snapshot` and passes: that holds for
        `DeletionPolicy` only). Aurora member instances (with
        `DBClusterIdentifier`) and Memcached clusters (no durable data) are
        exempt. One finding per resource; the message names each attribute at
        fault; it points at the written attribute when there is one.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: a stack deletion,
        or an update that replaces the resource (a changed engine, name or key
        schema), must not silently destroy production data.
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html
    """
    for n in ctx.graph.nodes(STATEFUL_KINDS):
        if n.language != "cloudformation":
            continue
        if is_cluster_member(n):
            ctx.not_applicable(n, CLUSTER_MEMBER)
            continue
        if n.kind == "AWS::ElastiCache::CacheCluster":
            engine = n.attr("Engine").value
            if isinstance(engine, Unknown):
                yield from ctx.unresolved(n, n.attr("Engine"))
                continue
            if not (isinstance(engine, str) and engine.lower() in ("redis", "valkey")):
                ctx.not_applicable(n, "a Memcached cluster holds no durable data")
                continue
        failing: list[tuple[str, str, bool]] = []  # (attribute, value, written)
        undecided = False
        for attr_name, meta_key, default in (
            ("DeletionPolicy", "deletion_policy", _default_deletion_policy(n)),
            ("UpdateReplacePolicy", "update_replace_policy", "Delete"),
        ):
            value = n.meta.get(meta_key)
            if value is None:
                if default == "Delete":
                    failing.append((attr_name, default, False))
            elif isinstance(value, str):
                if value == "Delete":
                    failing.append((attr_name, value, True))
            else:
                undecided = True
        if not failing:
            if undecided:
                yield from ctx.unresolved(n, ("@DeletionPolicy",), "the deletion policy")
            continue
        written = [f for f in failing if f[2]]
        at: tuple[str, ...] = (f"@{written[0][0]}",) if written else ()
        parts = [
            f"`{name}` is Delete" if was_written else f"`{name}` is not set (default Delete)"
            for name, _, was_written in failing
        ]
        yield ctx.finding(
            n,
            at,
            f"{n.address}: {' and '.join(parts)}: the data is deleted when the stack "
            + (
                "removes or replaces the resource"
                if len(failing) == 2
                else (
                    "removes the resource"
                    if failing[0][0] == "DeletionPolicy"
                    else "replaces the resource"
                )
            ),
        )

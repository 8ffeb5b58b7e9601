from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import DB_DELETION_PROTECTION, DYNAMODB_DELETION_PROTECTION
from soc2lint.views.databases import CLUSTER_MEMBER, is_cluster_member
from soc2lint.views.dynamodb import replicas
from soc2lint.views.populations import DB_CLUSTERS, DYNAMODB_TABLES, RDS

from ._shared import CHECKLIST

MESSAGE = "{address} has no deletion protection: {problem}"


@rule(
    id="AVL006",
    slug="deletion-protection",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=of_kinds(
        *RDS,
        *DB_CLUSTERS,
        *DYNAMODB_TABLES,
        what="databases, DynamoDB tables, global tables and their replicas",
    ),
    control="Databases are protected against deletion.",
    fix={
        "terraform": (
            "Set `deletion_protection = true` (RDS, Aurora, DocumentDB, Neptune) or "
            "`deletion_protection_enabled = true` (DynamoDB tables, each `replica` block and "
            "`aws_dynamodb_table_replica`)."
        ),
        "cloudformation": (
            "Set `DeletionProtection: true` (RDS, Aurora, DocumentDB, Neptune) or "
            "`DeletionProtectionEnabled: true` (DynamoDB tables, and each entry of a global "
            "table's `Replicas`)."
        ),
    },
)
def deletion_protection(ctx: Context) -> Iterator[Report]:
    """Database can be deleted without turning deletion protection off first.

    What it checks:
        RDS DB instances that are not cluster members (`aws_db_instance`,
        `AWS::RDS::DBInstance` without `DBClusterIdentifier`), RDS/Aurora clusters,
        DocumentDB and Neptune clusters must set `deletion_protection = true` /
        `DeletionProtection: true`; DynamoDB tables `deletion_protection_enabled =
        true` / `DeletionProtectionEnabled: true`. A SAM `AWS::Serverless::SimpleTable`
        is a DynamoDB table that cannot set it: it fails, and the message says to
        declare an `AWS::DynamoDB::Table` instead. Every one of these defaults to false. Aurora, DocumentDB and
        Neptune member instances are checked on their cluster.

        Deletion protection is set per replica of a DynamoDB global table: each entry
        of `AWS::DynamoDB::GlobalTable` `Replicas`, each `replica` block of an
        `aws_dynamodb_table` and each `aws_dynamodb_table_replica` must set it
        (`DeletionProtectionEnabled`, `deletion_protection_enabled`; default false).
        The legacy `aws_dynamodb_global_table` holds no such setting: its tables
        are `aws_dynamodb_table` resources checked on their own.
    Why it matters for SOC 2:
        Checklist F, TSC A1.2: an accidental `terraform destroy`, a renamed
        resource that forces replacement, or a console click should not be able
        to remove a production database; deletion protection makes removal a
        deliberate two-step change.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html
        - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#deletion_protection
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#deletion_protection_enabled
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-docdb-dbcluster.html
    """
    for n in ctx.graph.nodes(DB_DELETION_PROTECTION.kinds):
        if is_cluster_member(n):
            ctx.not_applicable(n, CLUSTER_MEMBER)
            continue
        yield from ctx.require(n, DB_DELETION_PROTECTION, MESSAGE)
    for t in ctx.graph.nodes(DYNAMODB_DELETION_PROTECTION.kinds):
        if t.meta.get("sam_type") == "AWS::Serverless::SimpleTable":
            # SAM's SimpleTable has no such property: the fix is another resource type
            yield ctx.finding(
                t,
                DYNAMODB_DELETION_PROTECTION.read(t).attr,  # the path keeps the fingerprint
                f"{t.address} has no deletion protection: `AWS::Serverless::SimpleTable` "
                "cannot set it; declare the table as `AWS::DynamoDB::Table` with "
                "`DeletionProtectionEnabled: true`",
            )
            continue
        yield from ctx.require(t, DYNAMODB_DELETION_PROTECTION, MESSAGE)
    setting = DYNAMODB_DELETION_PROTECTION  # spelled the same on each replica
    for rep in replicas(ctx.graph):
        a = rep.attr(tf=str(setting.tf), cfn=str(setting.cfn))
        r = setting.read_attr(a)
        if r.ok is None:
            yield from ctx.unresolved(rep.node, a)
        elif not r.ok:
            yield ctx.finding(
                rep.node,
                rep.at(a),
                f"{rep.node.address} has no deletion protection on the {rep.label}: {r.problem}",
            )

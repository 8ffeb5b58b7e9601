from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import DYNAMODB_PITR, DYNAMODB_REPLICA_PITR
from soc2lint.views.backup import SELECTION, coverage
from soc2lint.views.dynamodb import TF_TABLE_REPLICA, Replica, replicas, replicated_table
from soc2lint.views.populations import DYNAMODB_TABLES

from ._shared import CHECKLIST


@rule(
    id="BAK002",
    slug="dynamodb-pitr",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    subjects=of_kinds(*DYNAMODB_TABLES, what="DynamoDB tables, global tables and their replicas"),
    control="DynamoDB tables have point-in-time recovery.",
    graph=True,
    fix={
        "terraform": (
            "Add `point_in_time_recovery { enabled = true }` to the table, and "
            "`point_in_time_recovery = true` to each `replica` block and "
            "`aws_dynamodb_table_replica`."
        ),
        "cloudformation": (
            "Set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}` on the "
            "table, or on each entry of a global table's `Replicas`."
        ),
    },
)
def dynamodb_pitr(ctx: Context) -> Iterator[Report]:
    """DynamoDB table has no point-in-time recovery.

    What it checks:
        DynamoDB tables (`aws_dynamodb_table`, `AWS::DynamoDB::Table`, SAM
        `AWS::Serverless::SimpleTable`) must enable point-in-time recovery
        (`point_in_time_recovery { enabled = true }`,
        `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`;
        default off), unless an AWS Backup selection assigns the table to a plan
        (by reference, ARN, wildcard or tag). The plan's retention is BAK003's
        concern. When coverage cannot be decided, no finding.

        Every replica of a global table is a table of its own with its own
        recovery setting (default off): each entry of `AWS::DynamoDB::GlobalTable`
        `Replicas` (`PointInTimeRecoverySpecification`), each `replica` block of an
        `aws_dynamodb_table` (`point_in_time_recovery`; the table's own block covers
        the provider's Region only) and each `aws_dynamodb_table_replica`. A replica
        is covered by the backup plans that select its table. The legacy
        `aws_dynamodb_global_table` (version 2017.11.29) joins tables that are
        `aws_dynamodb_table` resources checked on their own; it holds no setting.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2 and A1.3: without PITR or a
        backup plan a bad deploy or a mistaken delete of items cannot be undone.
    References:
        - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#point_in_time_recovery
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-pointintimerecoveryspecification.html
    """
    for table in ctx.graph.nodes(DYNAMODB_PITR.kinds):
        r = DYNAMODB_PITR.read(table)
        a = r.attr
        if a.unknown:
            if coverage(ctx.graph, table).covered_by("aws-backup") is not True:
                yield from ctx.unresolved(table, a)
            continue
        if r.ok:
            continue
        covered = coverage(ctx.graph, table).covered_by("aws-backup")
        if covered is True:
            continue
        if covered is None or r.unknown:
            yield from ctx.unresolved(table, a)
            continue
        yield ctx.finding(
            table,
            a,
            f"{table.address}: point-in-time recovery is off "
            f"(`{DYNAMODB_PITR.spelled(table)}` is {r.shown}) and no AWS Backup plan selects "
            "the table",
        )
    for rep in replicas(ctx.graph):
        yield from _replica(ctx, rep)


def _replica(ctx: Context, rep: Replica) -> Iterator[Report]:
    a = rep.attr(tf="point_in_time_recovery", cfn=str(DYNAMODB_REPLICA_PITR.cfn))
    r = DYNAMODB_REPLICA_PITR.read_attr(a)
    if r.ok:
        return
    covered = _replica_covered(ctx.graph, rep)
    if covered is True:
        return
    if r.unknown or covered is None:
        yield from ctx.unresolved(rep.node, a)
        return
    yield ctx.finding(
        rep.node,
        rep.at(a),
        f"{rep.node.address}: point-in-time recovery is off on the {rep.label} "
        f"(`{a.path_str}` is {r.shown}) and no AWS Backup plan selects the table",
    )


def _replica_covered(graph: ResourceGraph, rep: Replica) -> bool | None:
    """Whether a backup plan selects the replica's table (None: cannot be decided)."""
    table = rep.node
    if table.kind == TF_TABLE_REPLICA:
        found = replicated_table(graph, table)
        if found is None:
            return None if graph.nodes(SELECTION) else False
        table = found
    return coverage(graph, table).covered_by("aws-backup")

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import DYNAMODB_PITR
from soc2lint.views.backup import coverage

from ._shared import CHECKLIST


@rule(
    id="BAK002",
    slug="dynamodb-pitr",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::DynamoDB::Table", what="DynamoDB tables"),
    control="DynamoDB tables have point-in-time recovery.",
    graph=True,
    fix={
        "terraform": "Add `point_in_time_recovery { enabled = true }` to the table.",
        "cloudformation": (
            "Set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`."
        ),
    },
)
def dynamodb_pitr(ctx: Context) -> Iterator[Report]:
    """DynamoDB table has no point-in-time recovery.

    What it checks:
        DynamoDB tables (`aws_dynamodb_table`, `AWS::DynamoDB::Table`) must
        enable point-in-time recovery (`point_in_time_recovery { enabled = true }`,
        `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`;
        default off), unless an AWS Backup selection assigns the table to a plan
        (by reference, ARN, wildcard or tag). The plan's retention is BAK003's
        concern. When coverage cannot be decided, no finding.
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

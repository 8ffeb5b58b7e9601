from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.databases import CLUSTER_MEMBER, is_cluster_member
from soc2lint.views.populations import RDS_DATABASES

from ._shared import MONITORING, is_blank


@rule(
    id="LOG012",
    slug="rds-log-exports",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=RDS_DATABASES,
    control="RDS databases export their logs to CloudWatch Logs.",
    fix={
        "terraform": 'Set `enabled_cloudwatch_logs_exports` (for example `["postgresql"]`, '
        '`["audit", "error", "slowquery"]`).',
        "cloudformation": "Set `EnableCloudwatchLogsExports` (for example `[postgresql]`).",
    },
)
def rds_log_exports(ctx: Context) -> Iterator[Report]:
    """RDS database does not export its logs to CloudWatch Logs.

    What it checks:
        `aws_db_instance` / `aws_rds_cluster` / `AWS::RDS::DBInstance` /
        `AWS::RDS::DBCluster` must name at least one log type in
        `enabled_cloudwatch_logs_exports` / `EnableCloudwatchLogsExports`.
        Instances that belong to a cluster (`aws_rds_cluster_instance`,
        `DBClusterIdentifier`) are not checked: the cluster carries the
        setting. RDS Custom instances (`custom-*` engines) are not checked
        either: the RDS API documents that the setting does not apply to them. DocumentDB
        and Neptune clusters export their audit logs with the same attribute but
        are not RDS databases: this rule's scope (RULES.md) leaves them out.
    Why it matters for SOC 2:
        Database error, audit and slow-query logs stay on the instance, rotate
        away and are lost with it unless exported; exported logs can be
        retained, searched and alarmed on (checklist C, CC7.2).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CloudwatchLogsExportConfiguration.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#enabled_cloudwatch_logs_exports
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#enabled_cloudwatch_logs_exports
    """
    for db in ctx.graph.nodes(("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")):
        if is_cluster_member(db):
            ctx.not_applicable(db, CLUSTER_MEMBER)
            continue
        engine = db.get(tf="engine", cfn="Engine")
        if isinstance(engine, str) and engine.lower().startswith("custom-"):
            ctx.not_applicable(db, "RDS Custom does not support log exports")
            continue
        a = db.attr(tf="enabled_cloudwatch_logs_exports", cfn="EnableCloudwatchLogsExports")
        if a.unknown:
            yield from ctx.unresolved(db, a)
            continue
        if is_blank(a):
            name = a.path_str
            value = "not set" if a.missing else "empty"
            yield ctx.finding(
                db, a, f"{db.address}: no database logs are exported (`{name}` is {value})"
            )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.settings import DB_BACKUP_RETENTION
from soc2lint.views.backup import coverage
from soc2lint.views.databases import (
    CLUSTER_MEMBER,
    READ_REPLICA,
    is_cluster_member,
    is_read_replica,
)
from soc2lint.views.populations import DB_CLUSTERS, RDS

from ._shared import CHECKLIST


@rule(
    id="BAK001",
    slug="db-backup-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    subjects=of_kinds(*RDS, *DB_CLUSTERS, "AWS::DocDBElastic::Cluster", what="databases"),
    control="Databases keep automated backups long enough.",
    graph=True,
    options=("backup_retention_days",),
    fix={
        "terraform": (
            "Set `backup_retention_period` to at least the required days (30 by default, "
            "35 at most), or select the database in an `aws_backup_plan` that keeps "
            "recovery points that long."
        ),
        "cloudformation": (
            "Set `BackupRetentionPeriod` to at least the required days (30 by default, "
            "35 at most), or select the database in an `AWS::Backup::BackupPlan` that "
            "keeps recovery points that long."
        ),
    },
)
def db_backup_retention(ctx: Context) -> Iterator[Report]:
    """Database keeps automated backups for too short a time.

    What it checks:
        The automated backup retention of RDS DB instances (not cluster members,
        not read replicas), RDS/Aurora clusters, DocumentDB and Neptune clusters
        (`backup_retention_period`, `BackupRetentionPeriod`) must be at least
        `backup_retention_days` (default 30). When not written, the retention is
        1 day: that is the RDS API and CloudFormation default for instances and
        the documented default for `aws_rds_cluster`, `aws_docdb_cluster` and
        `aws_neptune_cluster`. (The provider's page for `aws_db_instance` says
        "Default is 0", but the argument is optional and computed and the
        provider sends nothing when it is unset, so RDS applies its own default
        of 1 day; either way it is below the threshold.) `0` turns automated
        backups off and is reported as high. The resource passes when an AWS
        Backup plan keeping recovery points at least that long (or forever)
        selects it, by reference, ARN, wildcard or tag (see the backup coverage
        view); when that cannot be decided the rule does not report. DocumentDB
        elastic clusters (`aws_docdb_elastic_cluster`, `AWS::DocDBElastic::Cluster`)
        keep automatic snapshots for `backup_retention_period` /
        `BackupRetentionPeriod` days too (default 1). The copies that
        `aws_db_instance_automated_backups_replication` keeps in another Region have
        a retention of their own (`retention_period`): a second copy, not the
        instance's backups, so they are not checked.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2 and A1.3: backups must cover the
        recovery window the organisation commits to, so that data corrupted or
        deleted weeks ago can still be restored and restore tests have points to
        use.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#backup_retention_period
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#backup_retention_period
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster#backup_retention_period
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
    """
    threshold = int(ctx.option("backup_retention_days"))
    for db in ctx.graph.nodes(DB_BACKUP_RETENTION.kinds):
        if is_cluster_member(db) or is_read_replica(db):
            ctx.not_applicable(db, CLUSTER_MEMBER if is_cluster_member(db) else READ_REPLICA)
            continue
        r = DB_BACKUP_RETENTION.read(db, threshold=threshold)
        if r.ok:
            continue
        cov = coverage(ctx.graph, db)
        kept = cov.aws_backup_keeps(threshold)
        if kept is True:
            continue
        a, days = r.attr, r.value
        if r.unknown or kept is None:
            yield from ctx.unresolved(db, a)
            continue
        name = r.name
        shown = f"{days}" if r.written else r.shown
        plans = cov.by("aws-backup")
        tail = (
            f"; the AWS Backup plan that selects it keeps recovery points less than {threshold} days"
            if plans
            else f"; no AWS Backup plan keeping {threshold} days selects it"
        )
        if days == 0:
            msg = f"{db.address}: `{name}` is 0: automated backups are off{tail}"
        else:
            msg = f"{db.address}: `{name}` is {shown}, below {threshold} days{tail}"
        yield ctx.finding(
            db,
            a,
            msg,
            severity=Severity.HIGH if days == 0 else None,
            related=[RelatedRef(p.source, p.path, "AWS Backup selection") for p in plans],
        )

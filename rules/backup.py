"""BAK rules: backup and recovery (see ../shared/RULES.md).

Coverage by AWS Backup, DLM and EFS backup policies comes from one view,
:mod:`soc2lint.views.backup`, which the evidence pack prints too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import MISSING, Attr, Node, Severity, Unknown, describe_value, to_bool, to_int
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.backup import coverage, pitr_attr, plan_rules
from soc2lint.views.databases import is_cluster_member, is_read_replica
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._common import spelled

CHECKLIST = "F. Backup Strategy"
REDIS_ENGINES = ("redis", "valkey")

DB_KINDS = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
)


def _int(a: Attr) -> int | Unknown | None:
    """The attribute as an int; None when not written; Unknown when it cannot be known."""
    if a.missing:
        return None
    if isinstance(a.value, Unknown):
        return a.value
    n = to_int(a.value)
    return n if n is not None else Unknown(repr(a.value))


# --------------------------------------------------------------------------
# BAK001
# --------------------------------------------------------------------------


@rule(
    id="BAK001",
    slug="db-backup-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
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
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  engine                  = "postgres"
                  instance_class          = "db.m6g.large"
                  backup_retention_period = 7
                }
                """,
                address="aws_db_instance.orders",
                line=4,
            ),
            bad(
                """
                resource "aws_rds_cluster" "main" {
                  cluster_identifier          = "orders"
                  engine                      = "aurora-postgresql"
                  master_username             = "app"
                  manage_master_user_password = true
                }
                """,
                address="aws_rds_cluster.main",
                line=1,
                note="the default retention is 1 day",
            ),
            bad(
                {
                    "main.tf": """
                    module "docs" {
                      source         = "./modules/docdb"
                      retention_days = 0
                    }
                    """,
                    "modules/docdb/main.tf": """
                    variable "retention_days" {
                      type    = number
                      default = 35
                    }

                    resource "aws_docdb_cluster" "this" {
                      cluster_identifier      = "docs"
                      master_username         = "app"
                      master_password         = "change-me-in-secrets"
                      backup_retention_period = var.retention_days
                    }
                    """,
                },
                address="module.docs.aws_docdb_cluster.this",
                file="modules/docdb/main.tf",
                line=10,
                note="0 turns automated backups off (high)",
            ),
        ],
        good=[
            good(
                """
                resource "aws_db_instance" "orders" {
                  engine                  = "postgres"
                  instance_class          = "db.m6g.large"
                  backup_retention_period = 35
                }

                resource "aws_db_instance" "replica" {
                  replicate_source_db = aws_db_instance.orders.identifier
                  instance_class      = "db.m6g.large"
                }
                """,
                note="read replicas are exempt",
            ),
            good(
                """
                resource "aws_db_instance" "orders" {
                  identifier              = "orders"
                  engine                  = "postgres"
                  instance_class          = "db.m6g.large"
                  backup_retention_period = 7
                }

                resource "aws_backup_plan" "daily" {
                  name = "daily"
                  rule {
                    rule_name         = "daily"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 * * ? *)"
                    lifecycle {
                      delete_after = 90
                    }
                  }
                }

                resource "aws_backup_selection" "db" {
                  name         = "databases"
                  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
                  plan_id      = aws_backup_plan.daily.id
                  resources    = [aws_db_instance.orders.arn]
                }
                """,
                note="an AWS Backup plan keeping 90 days selects it",
            ),
            good(
                """
                provider "aws" {
                  default_tags {
                    tags = {
                      backup = "daily"
                    }
                  }
                }

                resource "aws_rds_cluster" "main" {
                  cluster_identifier          = "orders"
                  engine                      = "aurora-mysql"
                  master_username             = "app"
                  manage_master_user_password = true
                  backup_retention_period     = 7
                }

                resource "aws_backup_plan" "monthly" {
                  name = "monthly"
                  rule {
                    rule_name         = "monthly"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 1 * ? *)"
                  }
                }

                resource "aws_backup_selection" "tagged" {
                  name         = "tagged"
                  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
                  plan_id      = aws_backup_plan.monthly.id

                  selection_tag {
                    type  = "STRINGEQUALS"
                    key   = "backup"
                    value = "daily"
                  }
                }
                """,
                note="selected by a provider default tag; no lifecycle keeps points forever",
            ),
            good(
                """
                variable "retention" {
                  type = number
                }

                resource "aws_db_instance" "orders" {
                  engine                  = "postgres"
                  instance_class          = "db.m6g.large"
                  backup_retention_period = var.retention
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
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                      BackupRetentionPeriod: 7
                """,
                address="Database",
                line=8,
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
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-postgresql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      BackupRetentionPeriod: 35
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-postgresql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """,
                note="members are checked on the cluster",
            ),
            good(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                      BackupRetentionPeriod: 7
                      Tags:
                        - Key: backup
                          Value: monthly
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: monthly
                        BackupPlanRule:
                          - RuleName: monthly
                            TargetBackupVault: prod
                            ScheduleExpression: cron(0 3 1 * ? *)
                            Lifecycle:
                              DeleteAfterDays: 365
                  Selection:
                    Type: AWS::Backup::BackupSelection
                    Properties:
                      BackupPlanId: !Ref Plan
                      BackupSelection:
                        SelectionName: monthly
                        IamRoleArn: arn:aws:iam::123456789012:role/backup
                        ListOfTags:
                          - ConditionType: STRINGEQUALS
                            ConditionKey: backup
                            ConditionValue: monthly
                """
            ),
        ],
    ),
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
        view); when that cannot be decided the rule does not report.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2 and A1.3: backups must cover the
        recovery window the organisation commits to, so that data corrupted or
        deleted weeks ago can still be restored and restore tests have points to
        use.
    How to fix:
        Terraform: `backup_retention_period = 30` (RDS allows up to 35), or an
        `aws_backup_selection` in a plan whose rule has `lifecycle { delete_after
        = 30 }` or more.
        CloudFormation: `BackupRetentionPeriod: 30`, or an
        `AWS::Backup::BackupSelection` in a plan with `Lifecycle.DeleteAfterDays`
        of 30 or more.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#backup_retention_period
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#backup_retention_period
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster#backup_retention_period
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
    """
    threshold = int(ctx.option("backup_retention_days"))
    for db in ctx.graph.nodes(DB_KINDS):
        if is_cluster_member(db) or is_read_replica(db):
            continue
        a = db.attr(tf="backup_retention_period", cfn="BackupRetentionPeriod")
        value = _int(a)
        days = 1 if value is None else value
        if not isinstance(days, Unknown) and days >= threshold:
            continue
        cov = coverage(ctx.graph, db)
        kept = cov.aws_backup_keeps(threshold)
        if kept is True:
            continue
        if isinstance(days, Unknown) or kept is None:
            yield from ctx.unresolved(db, a)
            continue
        name = spelled(db, "backup_retention_period", "BackupRetentionPeriod")
        shown = "not set (default 1 day)" if value is None else f"{days}"
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


# --------------------------------------------------------------------------
# BAK002
# --------------------------------------------------------------------------


@rule(
    id="BAK002",
    slug="dynamodb-pitr",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Add `point_in_time_recovery { enabled = true }` to the table.",
        "cloudformation": (
            "Set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_dynamodb_table" "orders" {
                  name         = "orders"
                  billing_mode = "PAY_PER_REQUEST"
                  hash_key     = "id"

                  attribute {
                    name = "id"
                    type = "S"
                  }
                }
                """,
                address="aws_dynamodb_table.orders",
                line=1,
            ),
            bad(
                """
                variable "pitr" {
                  type    = bool
                  default = false
                }

                resource "aws_dynamodb_table" "orders" {
                  name         = "orders"
                  billing_mode = "PAY_PER_REQUEST"
                  hash_key     = "id"

                  attribute {
                    name = "id"
                    type = "S"
                  }

                  point_in_time_recovery {
                    enabled = var.pitr
                  }
                }
                """,
                address="aws_dynamodb_table.orders",
                line=17,
            ),
        ],
        good=[
            good(
                """
                resource "aws_dynamodb_table" "orders" {
                  name         = "orders"
                  billing_mode = "PAY_PER_REQUEST"
                  hash_key     = "id"

                  attribute {
                    name = "id"
                    type = "S"
                  }

                  point_in_time_recovery {
                    enabled = true
                  }
                }
                """
            ),
            good(
                """
                resource "aws_dynamodb_table" "orders" {
                  name         = "orders"
                  billing_mode = "PAY_PER_REQUEST"
                  hash_key     = "id"

                  attribute {
                    name = "id"
                    type = "S"
                  }
                }

                resource "aws_backup_plan" "daily" {
                  name = "daily"
                  rule {
                    rule_name         = "daily"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 * * ? *)"
                    lifecycle {
                      delete_after = 14
                    }
                  }
                }

                resource "aws_backup_selection" "tables" {
                  name         = "tables"
                  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
                  plan_id      = aws_backup_plan.daily.id
                  resources    = ["arn:aws:dynamodb:*:*:table/*"]
                }
                """,
                note="any AWS Backup plan that selects the table covers it",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                """,
                address="Orders",
                line=2,
            ),
            bad(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      PointInTimeRecoverySpecification:
                        PointInTimeRecoveryEnabled: false
                """,
                address="Orders",
                line=13,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      PointInTimeRecoverySpecification:
                        PointInTimeRecoveryEnabled: true
                """
            ),
            good(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                  Selection:
                    Type: AWS::Backup::BackupSelection
                    Properties:
                      BackupPlanId: !ImportValue shared-backup-plan
                      BackupSelection:
                        SelectionName: orders
                        IamRoleArn: arn:aws:iam::123456789012:role/backup
                        Resources:
                          - !GetAtt Orders.Arn
                """,
                note="selected by a plan defined in another stack",
            ),
        ],
    ),
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
    How to fix:
        Terraform: `point_in_time_recovery { enabled = true }`.
        CloudFormation: `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`.
    References:
        - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#point_in_time_recovery
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-pointintimerecoveryspecification.html
    """
    for table in ctx.graph.nodes("AWS::DynamoDB::Table"):
        a = pitr_attr(table)
        if a.unknown:
            if coverage(ctx.graph, table).covered_by("aws-backup") is not True:
                yield from ctx.unresolved(table, a)
            continue
        enabled = False if a.missing else to_bool(a.value)
        if enabled:
            continue
        covered = coverage(ctx.graph, table).covered_by("aws-backup")
        if covered is True:
            continue
        if covered is None or enabled is None:
            yield from ctx.unresolved(table, a)
            continue
        name = spelled(
            table,
            "point_in_time_recovery.enabled",
            "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
        )
        shown = "not set (default false)" if a.missing else describe_value(a.value)
        yield ctx.finding(
            table,
            a,
            f"{table.address}: point-in-time recovery is off (`{name}` is {shown}) "
            "and no AWS Backup plan selects the table",
        )


# --------------------------------------------------------------------------
# BAK003
# --------------------------------------------------------------------------


@rule(
    id="BAK003",
    slug="backup-plan-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    options=("backup_retention_days",),
    fix={
        "terraform": (
            "Raise `lifecycle { delete_after = ... }` of the rule to at least the required "
            "days (30 by default), or drop `delete_after` to keep recovery points."
        ),
        "cloudformation": (
            "Raise `Lifecycle.DeleteAfterDays` of the rule to at least the required days "
            "(30 by default), or drop it to keep recovery points."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_backup_plan" "daily" {
                  name = "daily"

                  rule {
                    rule_name         = "daily"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 * * ? *)"

                    lifecycle {
                      delete_after = 7
                    }
                  }
                }
                """,
                address="aws_backup_plan.daily",
                line=10,
            ),
            bad(
                """
                variable "retention_days" {
                  type    = number
                  default = 14
                }

                resource "aws_backup_plan" "main" {
                  name = "main"

                  rule {
                    rule_name         = "nightly"
                    target_vault_name = "prod"
                    schedule          = "cron(0 2 * * ? *)"

                    lifecycle {
                      cold_storage_after = 1
                      delete_after       = var.retention_days
                    }
                  }
                }
                """,
                address="aws_backup_plan.main",
                line=16,
            ),
        ],
        good=[
            good(
                """
                resource "aws_backup_plan" "daily" {
                  name = "daily"

                  rule {
                    rule_name         = "daily"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 * * ? *)"

                    lifecycle {
                      delete_after = 35
                    }
                  }

                  rule {
                    rule_name         = "forever"
                    target_vault_name = "archive"
                    schedule          = "cron(0 3 1 * ? *)"
                  }
                }
                """
            ),
            good(
                """
                variable "retention_days" {
                  type = number
                }

                resource "aws_backup_plan" "daily" {
                  name = "daily"

                  rule {
                    rule_name         = "daily"
                    target_vault_name = "prod"
                    schedule          = "cron(0 3 * * ? *)"

                    lifecycle {
                      delete_after = var.retention_days
                    }
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
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: prod
                            ScheduleExpression: cron(0 3 * * ? *)
                            Lifecycle:
                              DeleteAfterDays: 7
                """,
                address="Plan",
                line=12,
            ),
            bad(
                """
                Parameters:
                  RetentionDays:
                    Type: Number
                    Default: 14
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: prod
                            Lifecycle:
                              DeleteAfterDays: !Ref RetentionDays
                """,
                address="Plan",
                line=15,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: prod
                            Lifecycle:
                              MoveToColdStorageAfterDays: 30
                              DeleteAfterDays: 365
                """
            ),
            good(
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: prod
                            Lifecycle:
                              DeleteAfterDays: !ImportValue backup-retention-days
                """
            ),
        ],
    ),
)
def backup_plan_retention(ctx: Context) -> Iterator[Report]:
    """Backup plan deletes recovery points too early.

    What it checks:
        Every rule of an AWS Backup plan (`aws_backup_plan` `rule`,
        `AWS::Backup::BackupPlan` `BackupPlanRule`) whose lifecycle deletes
        recovery points (`lifecycle.delete_after`, `Lifecycle.DeleteAfterDays`)
        must keep them at least `backup_retention_days` (default 30). A rule
        without a delete-after setting keeps recovery points forever and passes.
        Copy actions are not checked. One finding per offending rule.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy, Recovery Testing), TSC A1.2 and A1.3: the
        retention of backups is a documented commitment; a rule that expires
        recovery points after a week cannot support it.
    How to fix:
        Terraform: `lifecycle { delete_after = 30 }` or more (note AWS requires
        `delete_after` at least 90 days after `cold_storage_after`).
        CloudFormation: `Lifecycle.DeleteAfterDays: 30` or more.
    References:
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/backup_plan#lifecycle
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-backup-backupplan-lifecycleresourcetype.html
    """
    threshold = int(ctx.option("backup_retention_days"))
    for plan in ctx.graph.nodes("AWS::Backup::BackupPlan"):
        for path, value in plan_rules(plan):
            if value is MISSING or value is None:
                continue
            a = Attr(plan, path, value)
            if isinstance(value, Unknown):
                yield from ctx.unresolved(plan, a)
                continue
            days = to_int(value)
            if days is None:
                yield from ctx.unresolved(plan, a)
                continue
            if days >= threshold:
                continue
            rule_name = _rule_name(plan, path)
            name = spelled(plan, "delete_after", "DeleteAfterDays")
            yield ctx.finding(
                plan,
                a,
                f"{plan.address}: rule {rule_name} deletes recovery points after {days} "
                f"day{'s' if days != 1 else ''} (`{name}`); keep them at least {threshold} days",
            )


def _rule_name(plan: Node, path: tuple[Any, ...]) -> str:
    # path is (rule, i, lifecycle, j, delete_after) or
    # (BackupPlan, BackupPlanRule, i, Lifecycle, DeleteAfterDays)
    idx = 2 if plan.language == "cloudformation" else 1
    rule_path = path[: idx + 1]
    key = "RuleName" if plan.language == "cloudformation" else "rule_name"
    v = plan.attr((*rule_path, key)).value
    return f'"{v}"' if isinstance(v, str) else f"#{rule_path[-1]}"


# --------------------------------------------------------------------------
# BAK004
# --------------------------------------------------------------------------


@rule(
    id="BAK004",
    slug="elasticache-snapshots",
    severity=Severity.LOW,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `snapshot_retention_limit` to 1 or more days (up to 35).",
        "cloudformation": "Set `SnapshotRetentionLimit` to 1 or more days (up to 35).",
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
                  multi_az_enabled           = true
                }
                """,
                address="aws_elasticache_replication_group.sessions",
                line=1,
            ),
            bad(
                """
                resource "aws_elasticache_cluster" "queue" {
                  cluster_id               = "jobs"
                  engine                   = "redis"
                  node_type                = "cache.t4g.small"
                  num_cache_nodes          = 1
                  snapshot_retention_limit = 0
                }
                """,
                address="aws_elasticache_cluster.queue",
                line=6,
            ),
        ],
        good=[
            good(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id     = "sessions"
                  description              = "user sessions"
                  node_type                = "cache.r7g.large"
                  num_cache_clusters       = 2
                  snapshot_retention_limit = 7
                }

                resource "aws_elasticache_cluster" "pages" {
                  cluster_id      = "pages"
                  engine          = "memcached"
                  node_type       = "cache.t4g.small"
                  num_cache_nodes = 2
                }
                """
            ),
            good(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id     = "sessions"
                  description              = "user sessions"
                  node_type                = "cache.r7g.large"
                  num_cache_clusters       = 2
                  snapshot_retention_limit = 5
                }

                resource "aws_elasticache_cluster" "replica" {
                  cluster_id           = "sessions-extra"
                  replication_group_id = aws_elasticache_replication_group.sessions.id
                }
                """,
                note="a cluster that joins a replication group takes its settings",
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
                      SnapshotRetentionLimit: 0
                """,
                address="Sessions",
                line=9,
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
                      NumCacheClusters: 2
                      SnapshotRetentionLimit: 7
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
                """
            ),
        ],
    ),
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
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: a Redis used as a store
        (sessions, queues, leaderboards) loses its data with its nodes unless
        snapshots exist. Low: many caches hold only derived data.
    How to fix:
        Terraform: `snapshot_retention_limit = 7` (and a `snapshot_window`).
        CloudFormation: `SnapshotRetentionLimit: 7`.
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
            continue
        a = n.attr(tf="snapshot_retention_limit", cfn="SnapshotRetentionLimit")
        value = _int(a)
        if isinstance(value, Unknown):
            yield from ctx.unresolved(n, a)
            continue
        if value is not None and value > 0:
            continue
        name = spelled(n, "snapshot_retention_limit", "SnapshotRetentionLimit")
        shown = "not set (default 0)" if value is None else "0"
        yield ctx.finding(n, a, f"{n.address}: automatic snapshots are off: `{name}` is {shown}")


# --------------------------------------------------------------------------
# BAK005
# --------------------------------------------------------------------------


@rule(
    id="BAK005",
    slug="s3-versioning",
    severity=Severity.LOW,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": (
            'Add an `aws_s3_bucket_versioning` for the bucket with `status = "Enabled"`.'
        ),
        "cloudformation": "Set `VersioningConfiguration: {Status: Enabled}` on the bucket.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }
                """,
                address="aws_s3_bucket.uploads",
                line=1,
            ),
            bad(
                """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }

                resource "aws_s3_bucket_versioning" "uploads" {
                  bucket = aws_s3_bucket.uploads.id
                  versioning_configuration {
                    status = "Suspended"
                  }
                }
                """,
                address="aws_s3_bucket_versioning.uploads",
                line=8,
                note="the fix goes into the versioning resource",
            ),
            bad(
                """
                resource "aws_s3_bucket" "legacy" {
                  bucket = "acme-legacy"

                  versioning {
                    enabled = false
                  }
                }
                """,
                address="aws_s3_bucket.legacy",
                line=5,
            ),
        ],
        good=[
            good(
                """
                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }

                resource "aws_s3_bucket_versioning" "uploads" {
                  bucket = "acme-uploads"
                  versioning_configuration {
                    status = "Enabled"
                  }
                }
                """,
                note="linked by the bucket's literal name",
            ),
            good(
                """
                resource "aws_s3_bucket" "records" {
                  bucket              = "acme-records"
                  object_lock_enabled = true
                }
                """,
                note="Object Lock turns versioning on; it cannot be suspended",
            ),
            good(
                """
                variable "versioning_status" {
                  type = string
                }

                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                }

                resource "aws_s3_bucket_versioning" "uploads" {
                  bucket = aws_s3_bucket.uploads.id
                  versioning_configuration {
                    status = var.versioning_status
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
                  Uploads:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: acme-uploads
                """,
                address="Uploads",
                line=2,
            ),
            bad(
                """
                Resources:
                  Uploads:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration:
                        Status: Suspended
                """,
                address="Uploads",
                line=6,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Uploads:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration:
                        Status: Enabled
                """
            ),
            good(
                """
                Resources:
                  Records:
                    Type: AWS::S3::Bucket
                    Properties:
                      ObjectLockEnabled: true
                """,
                note="Object Lock turns versioning on; it cannot be suspended",
            ),
            good(
                """
                Parameters:
                  Versioning:
                    Type: String
                Resources:
                  Uploads:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration:
                        Status: !Ref Versioning
                """
            ),
        ],
    ),
)
def s3_versioning(ctx: Context) -> Iterator[Report]:
    """S3 bucket is not versioned.

    What it checks:
        Every bucket must have versioning enabled, wherever it is written: the
        inline `versioning { enabled = true }` block or an `aws_s3_bucket_versioning`
        resource for the bucket (by reference or literal name) in Terraform;
        `VersioningConfiguration.Status: Enabled` in CloudFormation. A bucket
        with no versioning anywhere is reported on the bucket; a `Suspended` (or
        `Disabled`) status on the resource where it is written. A versioning
        resource whose bucket cannot be resolved makes the answer unknown. A
        bucket created with Object Lock enabled (`object_lock_enabled = true`,
        `ObjectLockEnabled: true`) passes: S3 turns versioning on for it and it
        cannot be suspended.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: versioning keeps every
        overwritten or deleted object recoverable; without it an application
        bug or a compromised credential can destroy data with no way back.
    How to fix:
        Terraform: `resource "aws_s3_bucket_versioning"` with
        `versioning_configuration { status = "Enabled" }`.
        CloudFormation: `VersioningConfiguration: {Status: Enabled}`.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_versioning
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-versioningconfiguration.html
    """
    for view in bucket_views(ctx.graph):
        lock = view.object_lock()
        if lock is not None and lock.enabled is True:
            # S3 enables versioning on a bucket created with Object Lock, and
            # it can no longer be suspended
            continue
        settings = view.versioning()
        if any(s.value == "Enabled" for s in settings):
            continue
        if lock is not None and lock.enabled is None and not settings:
            yield from ctx.unresolved(view.bucket, lock.source.path, "the bucket's Object Lock")
            continue
        undecided = [s for s in settings if not s.known]
        if undecided:
            s0 = undecided[0]
            if s0.value is UNKNOWN_SETTING:
                yield from ctx.unresolved(
                    view.bucket, (), "versioning (a versioning resource's bucket is unknown)"
                )
            else:
                yield from ctx.unresolved(s0.source.node, s0.source.attr)
            continue
        b = view.bucket
        if not settings:
            yield ctx.finding(
                b, (), f"{b.address}: versioning is not enabled anywhere for this bucket"
            )
            continue
        s = settings[0]
        node = s.source.node
        where = "" if node.id == b.id else f" for bucket {b.address}"
        yield ctx.finding(
            node,
            s.source.path,
            f"{node.address}: bucket versioning is {describe_value(s.value)}{where}",
            related=[b] if node.id != b.id else [],
        )


# --------------------------------------------------------------------------
# BAK006
# --------------------------------------------------------------------------


@rule(
    id="BAK006",
    slug="redshift-snapshot-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `automated_snapshot_retention_period` to 1 or more (default 1).",
        "cloudformation": "Set `AutomatedSnapshotRetentionPeriod` to 1 or more (default 1).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier                  = "warehouse"
                  node_type                           = "ra3.xlplus"
                  number_of_nodes                     = 2
                  master_username                     = "admin"
                  manage_master_password              = true
                  automated_snapshot_retention_period = 0
                }
                """,
                address="aws_redshift_cluster.warehouse",
                line=7,
            ),
            bad(
                """
                variable "snapshot_days" {
                  type    = number
                  default = 0
                }

                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier                  = "warehouse"
                  node_type                           = "ra3.xlplus"
                  master_username                     = "admin"
                  manage_master_password              = true
                  automated_snapshot_retention_period = var.snapshot_days
                }
                """,
                address="aws_redshift_cluster.warehouse",
                line=11,
            ),
        ],
        good=[
            good(
                """
                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier     = "warehouse"
                  node_type              = "ra3.xlplus"
                  master_username        = "admin"
                  manage_master_password = true
                }
                """,
                note="the default retention is 1 day",
            ),
            good(
                """
                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier                  = "warehouse"
                  node_type                           = "ra3.xlplus"
                  master_username                     = "admin"
                  manage_master_password              = true
                  automated_snapshot_retention_period = 14
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
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: multi-node
                      NodeType: ra3.xlplus
                      NumberOfNodes: 2
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      AutomatedSnapshotRetentionPeriod: 0
                """,
                address="Warehouse",
                line=11,
            ),
            bad(
                """
                Parameters:
                  SnapshotDays:
                    Type: Number
                    Default: 0
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      AutomatedSnapshotRetentionPeriod: !Ref SnapshotDays
                """,
                address="Warehouse",
                line=14,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                """
            ),
            good(
                """
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      AutomatedSnapshotRetentionPeriod: 7
                """
            ),
        ],
    ),
)
def redshift_snapshot_retention(ctx: Context) -> Iterator[Report]:
    """Redshift cluster has automated snapshots turned off.

    What it checks:
        `aws_redshift_cluster.automated_snapshot_retention_period` /
        `AWS::Redshift::Cluster` `AutomatedSnapshotRetentionPeriod` set to 0,
        which disables automated snapshots. When not written the default is 1
        day (provider and CloudFormation documentation) and the rule passes.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: without automated snapshots a
        warehouse cannot be restored to a recent point after corruption or loss.
    How to fix:
        Terraform: `automated_snapshot_retention_period = 7` (1–35).
        CloudFormation: `AutomatedSnapshotRetentionPeriod: 7`.
    References:
        - https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-snapshots.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster#automated_snapshot_retention_period
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-redshift-cluster.html
    """
    for c in ctx.graph.nodes("AWS::Redshift::Cluster"):
        a = c.attr(tf="automated_snapshot_retention_period", cfn="AutomatedSnapshotRetentionPeriod")
        value = _int(a)
        if isinstance(value, Unknown):
            yield from ctx.unresolved(c, a)
            continue
        if value == 0:
            name = spelled(
                c, "automated_snapshot_retention_period", "AutomatedSnapshotRetentionPeriod"
            )
            yield ctx.finding(
                c, a, f"{c.address}: `{name}` is 0: automated snapshots are turned off"
            )


# --------------------------------------------------------------------------
# BAK007
# --------------------------------------------------------------------------


@rule(
    id="BAK007",
    slug="stateful-resource-without-backup",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": (
            "Select the volume or file system in an `aws_backup_selection` (by ARN or tag), "
            "target its tags with an `aws_dlm_lifecycle_policy`, or add an `aws_efs_backup_policy` "
            'with `status = "ENABLED"`.'
        ),
        "cloudformation": (
            "Select it in an `AWS::Backup::BackupSelection`, target its tags with an "
            "`AWS::DLM::LifecyclePolicy`, or set `BackupPolicy: {Status: ENABLED}` on the "
            "file system."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 200
                  encrypted         = true
                }
                """,
                address="aws_ebs_volume.data",
                line=1,
            ),
            bad(
                """
                resource "aws_efs_file_system" "shared" {
                  encrypted = true
                }

                resource "aws_efs_backup_policy" "shared" {
                  file_system_id = aws_efs_file_system.shared.id

                  backup_policy {
                    status = "DISABLED"
                  }
                }
                """,
                address="aws_efs_file_system.shared",
                line=1,
            ),
            bad(
                """
                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 200
                  tags = {
                    snapshot = "no"
                  }
                }

                resource "aws_dlm_lifecycle_policy" "ebs" {
                  description        = "daily EBS snapshots"
                  execution_role_arn = "arn:aws:iam::123456789012:role/dlm"

                  policy_details {
                    resource_types = ["VOLUME"]
                    target_tags = {
                      snapshot = "daily"
                    }
                    schedule {
                      name = "daily"
                      create_rule {
                        interval = 24
                      }
                      retain_rule {
                        count = 14
                      }
                    }
                  }
                }
                """,
                address="aws_ebs_volume.data",
                line=1,
                note="the DLM policy targets other tags",
            ),
        ],
        good=[
            good(
                """
                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 200
                  tags = {
                    snapshot = "daily"
                  }
                }

                resource "aws_dlm_lifecycle_policy" "ebs" {
                  description        = "daily EBS snapshots"
                  execution_role_arn = "arn:aws:iam::123456789012:role/dlm"

                  policy_details {
                    resource_types = ["VOLUME"]
                    target_tags = {
                      snapshot = "daily"
                    }
                    schedule {
                      name = "daily"
                      create_rule {
                        interval = 24
                      }
                      retain_rule {
                        count = 14
                      }
                    }
                  }
                }
                """
            ),
            good(
                """
                resource "aws_efs_file_system" "shared" {
                  encrypted = true
                }

                resource "aws_efs_backup_policy" "shared" {
                  file_system_id = aws_efs_file_system.shared.id

                  backup_policy {
                    status = "ENABLED"
                  }
                }

                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 200
                }

                resource "aws_backup_selection" "volumes" {
                  name         = "volumes"
                  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
                  plan_id      = "plan-0123"
                  resources    = ["arn:aws:ec2:*:*:volume/*"]
                }
                """
            ),
            good(
                """
                variable "volume_arns" {
                  type = list(string)
                }

                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 200
                }

                resource "aws_backup_selection" "volumes" {
                  name         = "volumes"
                  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
                  plan_id      = "plan-0123"
                  resources    = var.volume_arns
                }
                """,
                note="a selection whose ARNs cannot be known may cover it",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Data:
                    Type: AWS::EC2::Volume
                    Properties:
                      AvailabilityZone: eu-west-1a
                      Size: 200
                      Encrypted: true
                """,
                address="Data",
                line=2,
            ),
            bad(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: true
                      BackupPolicy:
                        Status: DISABLED
                """,
                address="Shared",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: true
                      BackupPolicy:
                        Status: ENABLED
                """
            ),
            good(
                """
                Resources:
                  Data:
                    Type: AWS::EC2::Volume
                    Properties:
                      AvailabilityZone: eu-west-1a
                      Size: 200
                      Tags:
                        - Key: backup
                          Value: daily
                  Selection:
                    Type: AWS::Backup::BackupSelection
                    Properties:
                      BackupPlanId: !ImportValue backup-plan-id
                      BackupSelection:
                        SelectionName: tagged
                        IamRoleArn: arn:aws:iam::123456789012:role/backup
                        Resources:
                          - "*"
                        Conditions:
                          StringEquals:
                            - ConditionKey: aws:ResourceTag/backup
                              ConditionValue: daily
                """
            ),
        ],
    ),
)
def stateful_resource_without_backup(ctx: Context) -> Iterator[Report]:
    """EBS volume or EFS file system is not covered by any backup.

    What it checks:
        Every `aws_ebs_volume` / `AWS::EC2::Volume` and `aws_efs_file_system` /
        `AWS::EFS::FileSystem` must be covered by a backup mechanism: an AWS
        Backup selection (by reference, literal or wildcard ARN, `selection_tag`
        / `ListOfTags`, `condition` / `Conditions`, tags including provider
        `default_tags`), an enabled DLM lifecycle policy targeting the volume's
        tags (or the tags of an instance it is attached to), or, for EFS,
        automatic backups (`aws_efs_backup_policy` / `BackupPolicy.Status:
        ENABLED`; they are off by default when a file system is created through
        the API, as Terraform and CloudFormation do). When a mechanism may cover
        the resource but that cannot be decided, no finding.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2 and A1.3: data on block and file
        storage must be backed up and restorable like data in databases.
    How to fix:
        Terraform: an `aws_backup_selection` that selects it, an
        `aws_dlm_lifecycle_policy` whose `target_tags` it carries, or
        `aws_efs_backup_policy { backup_policy { status = "ENABLED" } }`.
        CloudFormation: an `AWS::Backup::BackupSelection`, an
        `AWS::DLM::LifecyclePolicy`, or `BackupPolicy: {Status: ENABLED}`.
    References:
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
        - https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html
        - https://docs.aws.amazon.com/efs/latest/ug/automatic-backups.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_backup_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-efs-filesystem-backuppolicy.html
    """
    for n in ctx.graph.nodes(("AWS::EC2::Volume", "AWS::EFS::FileSystem")):
        cov = coverage(ctx.graph, n)
        covered = cov.covered
        if covered is True:
            continue
        if covered is None:
            why = cov.undecided[0]
            yield from ctx.unresolved(n, (), f"backup coverage ({why[0].address}: {why[1]})")
            continue
        what = "EBS volume" if n.kind == "AWS::EC2::Volume" else "EFS file system"
        mechanisms = (
            "AWS Backup selection or DLM policy"
            if n.kind == "AWS::EC2::Volume"
            else "AWS Backup selection or enabled EFS backup policy"
        )
        yield ctx.finding(n, (), f"{n.address}: no {mechanisms} covers this {what}")


RULES: tuple[Rule, ...] = (
    db_backup_retention,
    dynamodb_pitr,
    backup_plan_retention,
    elasticache_snapshots,
    s3_versioning,
    redshift_snapshot_retention,
    stateful_resource_without_backup,
)

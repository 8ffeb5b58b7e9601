"""BAK rules: backup and recovery (see ../shared/RULES.md).

Coverage by AWS Backup, DLM and EFS backup policies comes from one view,
:mod:`soc2lint.views.backup`, which the evidence pack prints too.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .bak001_db_backup_retention import db_backup_retention
from .bak002_dynamodb_pitr import dynamodb_pitr
from .bak003_backup_plan_retention import backup_plan_retention
from .bak004_elasticache_snapshots import elasticache_snapshots
from .bak005_s3_versioning import s3_versioning
from .bak006_redshift_snapshot_retention import redshift_snapshot_retention
from .bak007_stateful_resource_without_backup import stateful_resource_without_backup

RULES: tuple[Rule, ...] = (
    db_backup_retention,
    dynamodb_pitr,
    backup_plan_retention,
    elasticache_snapshots,
    s3_versioning,
    redshift_snapshot_retention,
    stateful_resource_without_backup,
)

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import DB_SKIP_FINAL_SNAPSHOT
from soc2lint.views.databases import (
    CLUSTER_MEMBER,
    READ_REPLICA,
    is_cluster_member,
    is_read_replica,
)
from soc2lint.views.populations import DB_CLUSTERS, RDS

from ._shared import CHECKLIST


@rule(
    id="CHG005",
    slug="db-skip-final-snapshot",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    subjects=of_kinds(*RDS, *DB_CLUSTERS, what="databases"),
    control="Databases take a final snapshot before deletion.",
    fix={
        "terraform": (
            "Remove `skip_final_snapshot = true` (the default is false) and set "
            "`final_snapshot_identifier`."
        )
    },
)
def db_skip_final_snapshot(ctx: Context) -> Iterator[Report]:
    """Database is deleted without a final snapshot.

    What it checks:
        `skip_final_snapshot = true` on `aws_db_instance` (not read replicas,
        which cannot take one), `aws_rds_cluster`, `aws_docdb_cluster` and
        `aws_neptune_cluster`. The provider default is false (a final snapshot
        is taken). Terraform only: in CloudFormation the equivalent is the
        `DeletionPolicy`, checked by CHG006.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: a destroy or a
        replacement forced by a changed argument would drop the database with
        no way back.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster#skip_final_snapshot
    """
    for db in ctx.graph.nodes(DB_SKIP_FINAL_SNAPSHOT.kinds):
        if is_cluster_member(db) or is_read_replica(db):
            ctx.not_applicable(db, CLUSTER_MEMBER if is_cluster_member(db) else READ_REPLICA)
            continue
        yield from ctx.require(
            db,
            DB_SKIP_FINAL_SNAPSHOT,
            "{address} takes no final snapshot when deleted: {problem}; expected false",
        )

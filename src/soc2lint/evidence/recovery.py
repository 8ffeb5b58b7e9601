"""disaster-recovery/backup-inventory.md: how each stateful resource can be recovered.

Backup coverage comes from :mod:`soc2lint.views.backup` (AWS Backup
selections, DLM policies, EFS backup policies, DynamoDB PITR: what BAK001,
BAK002 and BAK007 read); the yes/no verdicts on retention, Multi-AZ and
deletion protection are the AVL and BAK rules' statuses in the control matrix.
"""

from __future__ import annotations

from ..model import Node, Unknown
from ..views.backup import Coverage, coverage
from ..views.databases import is_cluster_member
from .common import describe, first_line, md, node_sort_key, table
from .context import EvidenceContext

MD = "disaster-recovery/backup-inventory.md"

#: kind -> (label, retention attribute (tf, cfn), retention rule, Multi-AZ rule, deletion rule)
STATEFUL: dict[str, tuple[str, tuple[str, str] | None, str | None, str | None, str | None]] = {
    "AWS::RDS::DBInstance": (
        "RDS instance",
        ("backup_retention_period", "BackupRetentionPeriod"),
        "BAK001",
        "AVL001",
        "AVL006",
    ),
    "AWS::RDS::DBCluster": (
        "RDS/Aurora cluster",
        ("backup_retention_period", "BackupRetentionPeriod"),
        "BAK001",
        "AVL001",
        "AVL006",
    ),
    "AWS::DocDB::DBCluster": (
        "DocumentDB cluster",
        ("backup_retention_period", "BackupRetentionPeriod"),
        "BAK001",
        "AVL007",
        "AVL006",
    ),
    "AWS::Neptune::DBCluster": (
        "Neptune cluster",
        ("backup_retention_period", "BackupRetentionPeriod"),
        "BAK001",
        "AVL007",
        "AVL006",
    ),
    "AWS::DynamoDB::Table": ("DynamoDB table", None, "BAK002", None, "AVL006"),
    "AWS::ElastiCache::ReplicationGroup": (
        "ElastiCache replication group",
        ("snapshot_retention_limit", "SnapshotRetentionLimit"),
        "BAK004",
        "AVL002",
        None,
    ),
    "AWS::ElastiCache::CacheCluster": (
        "ElastiCache cluster",
        ("snapshot_retention_limit", "SnapshotRetentionLimit"),
        "BAK004",
        "AVL002",
        None,
    ),
    "AWS::Redshift::Cluster": (
        "Redshift cluster",
        ("automated_snapshot_retention_period", "AutomatedSnapshotRetentionPeriod"),
        "BAK006",
        None,
        None,
    ),
    "AWS::OpenSearchService::Domain": ("OpenSearch domain", None, None, "AVL005", None),
    "AWS::Elasticsearch::Domain": ("Elasticsearch domain", None, None, "AVL005", None),
    "AWS::EFS::FileSystem": ("EFS file system", None, "BAK007", None, None),
    "AWS::EC2::Volume": ("EBS volume", None, "BAK007", None, None),
}

_MULTI_AZ_NA = {
    "AWS::DynamoDB::Table": "regional (replicated across AZs)",
    "AWS::EFS::FileSystem": "regional unless One Zone",
    "AWS::EC2::Volume": "no (an EBS volume lives in one AZ)",
    "AWS::Redshift::Cluster": "not checked",
}

_WORDS = {
    "pass": "yes",
    "fail": "no",
    "excepted": "no (excepted)",
    "unknown": "unknown",
    "not applicable": "not applicable",
}


def _word(ctx: EvidenceContext, rule_id: str | None, node: Node, na: str = "not applicable") -> str:
    if rule_id is None:
        return na
    s = ctx.status(rule_id, node)
    if s is None:
        return "not checked"
    return _WORDS[s] + ("" if s == "pass" else f" ({rule_id})")


def _retention(
    ctx: EvidenceContext, node: Node, spelling: tuple[str, str] | None, rule: str | None
) -> str:
    if spelling is None:
        return "not applicable"
    a = node.attr(tf=spelling[0], cfn=spelling[1])
    if a.missing:
        value = "not set (service default)"
    elif isinstance(a.value, Unknown):
        value = f"unknown ({a.value.expr})"
    else:
        value = f"{describe(a.value)} days"
    if rule is None:
        return value
    s = ctx.status(rule, node)
    verdict = {
        "pass": "pass",
        "fail": "fail",
        "excepted": "fail, excepted",
        "unknown": "unknown",
        "not applicable": "not applicable",
    }.get(s or "", "not checked")
    return f"{value} ({rule}: {verdict})"


def _aws_backup(ctx: EvidenceContext, cov: Coverage) -> str:
    parts = []
    for p in cov.protections:
        if p.mechanism == "aws-backup":
            plan = p.plan.address if p.plan is not None else "a plan"
            days = ", ".join("forever" if r is None else describe(r) for r in p.retention)
            parts.append(
                f"{plan} via {p.source.address}" + (f" (kept {days} days)" if days else "")
            )
        elif p.mechanism == "dlm":
            parts.append(f"DLM {p.source.address}")
        elif p.mechanism == "efs-backup-policy":
            parts.append(f"EFS backup policy ({p.source.address})")
    if cov.undecided:
        parts.append("maybe: " + ", ".join(sorted({n.address for n, _ in cov.undecided})))
    return "; ".join(parts) or "none"


def _pitr(node: Node, cov: Coverage) -> str:
    if node.kind == "AWS::DynamoDB::Table":
        p = cov.by("pitr")
        if p:
            days = ", ".join(describe(r) for r in p[0].retention)
            return f"yes ({days} days)"
        a = node.attr(
            tf="point_in_time_recovery.enabled",
            cfn="PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
        )
        return f"unknown ({describe(a.value)})" if a.unknown else "no"
    if node.kind in (
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DocDB::DBCluster",
        "AWS::Neptune::DBCluster",
    ):
        return "with automated backups"
    return "not applicable"


def render(ctx: EvidenceContext) -> dict[str, str]:
    out = ["# Backup inventory", ""]
    out.append(
        "Every stateful resource declared in the scanned code and how it can be recovered: "
        "automated backups and their retention, AWS Backup (or DLM, EFS backup policy) "
        "coverage, point-in-time recovery, Multi-AZ and deletion protection. Evidence for A1.2 "
        "(checklist F, Backup Strategy and Multi-AZ). Restore tests (A1.3) are a manual "
        "control: see the README."
    )
    out.append("")
    threshold = ctx.option("backup_retention_days")
    out.append(f"Retention thresholds: `backup_retention_days` = {threshold}.")
    out.append("")
    rows = []
    for kind, (label, spelling, ret_rule, az_rule, del_rule) in STATEFUL.items():
        for node in ctx.graph.nodes(kind):
            if kind == "AWS::RDS::DBInstance" and is_cluster_member(node):
                continue  # the cluster holds backups and protection
            cov = coverage(ctx.graph, node)
            rows.append(
                (
                    label,
                    node,
                    [
                        md(label),
                        ctx.pack.link(MD, first_line(node), node.address),
                        md(_retention(ctx, node, spelling, ret_rule)),
                        md(_aws_backup(ctx, cov)) if kind in _BACKUP_KINDS else "not applicable",
                        md(_pitr(node, cov)),
                        md(_word(ctx, az_rule, node, _MULTI_AZ_NA.get(kind, "not applicable"))),
                        md(_word(ctx, del_rule, node)),
                        md(", ".join(ctx.rule_ids_touching(node))) or "none",
                    ],
                )
            )
    rows.sort(key=lambda r: (r[0], r[1].scope, node_sort_key(r[1])))
    if rows:
        out.extend(
            table(
                [
                    "Type",
                    "Resource",
                    "Automated backups (retention)",
                    "AWS Backup / DLM",
                    "Point-in-time recovery",
                    "Multi-AZ",
                    "Deletion protection",
                    "Findings",
                ],
                [r[2] for r in rows],
            )
        )
    else:
        out.append("No stateful resource is declared in the scanned code.")
    out.append("")
    buckets = sorted(ctx.graph.nodes("AWS::S3::Bucket"), key=lambda n: (n.scope, node_sort_key(n)))
    if buckets:
        out.append("## S3 buckets")
        out.append("")
        out.append("Versioning keeps overwritten and deleted objects recoverable (BAK005).")
        out.append("")
        out.extend(
            table(
                ["Bucket", "Versioning (BAK005)", "Findings"],
                [
                    [
                        ctx.pack.link(MD, first_line(b), b.address),
                        md(_word(ctx, "BAK005", b)),
                        md(", ".join(ctx.rule_ids_touching(b))) or "none",
                    ]
                    for b in buckets
                ],
            )
        )
        out.append("")
    plans = sorted(
        ctx.graph.nodes("AWS::Backup::BackupPlan"), key=lambda n: (n.scope, node_sort_key(n))
    )
    if plans:
        out.append("## AWS Backup plans")
        out.append("")
        out.extend(
            table(
                ["Plan", "Retention meets the threshold (BAK003)"],
                [
                    [ctx.pack.link(MD, first_line(p), p.address), md(_word(ctx, "BAK003", p))]
                    for p in plans
                ],
            )
        )
        out.append("")
    return {MD: "\n".join(out)}


_BACKUP_KINDS = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DocDB::DBCluster",
        "AWS::Neptune::DBCluster",
        "AWS::DynamoDB::Table",
        "AWS::EFS::FileSystem",
        "AWS::EC2::Volume",
    }
)

"""Backup coverage and cluster membership views on hand-built nodes."""

from __future__ import annotations

from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Node, Unknown
from soc2lint.views.backup import arn_pattern_matches, coverage, plan_retention
from soc2lint.views.databases import cluster_members, is_cluster_member, is_read_replica

from helpers import make_node


def _db(address: str = "aws_db_instance.orders", **attrs: Any) -> Node:
    return make_node(
        address,
        "AWS::RDS::DBInstance",
        {"identifier": "orders", **attrs},
        type_="aws_db_instance",
    )


def _plan(days: Any = 35) -> Node:
    rule: dict[str, Any] = {"rule_name": "daily"}
    if days is not None:
        rule["lifecycle"] = [{"delete_after": days}]
    return make_node(
        "aws_backup_plan.p", "AWS::Backup::BackupPlan", {"rule": [rule]}, type_="aws_backup_plan"
    )


def _selection(**attrs: Any) -> Node:
    return make_node(
        "aws_backup_selection.s",
        "AWS::Backup::BackupSelection",
        {"plan_id": Unknown("aws_backup_plan.p.id", ("aws_backup_plan.p",)), **attrs},
        type_="aws_backup_selection",
    )


def _graph(nodes: list[Node], edges: list[tuple[Node, Node, tuple[Any, ...]]]) -> ResourceGraph:
    return ResourceGraph(nodes, [Edge(a.id, b.id, "ref", path) for a, b, path in edges])


def test_arn_patterns_match_by_name_type_and_wildcard() -> None:
    db = _db()
    assert arn_pattern_matches("*", db) is True
    assert arn_pattern_matches("arn:aws:rds:*:*:db:*", db) is True
    assert arn_pattern_matches("arn:aws:rds:eu-west-1:123456789012:db:orders", db) is True
    assert arn_pattern_matches("arn:aws:rds:*:*:db:billing", db) is False
    assert arn_pattern_matches("arn:aws:rds:*:*:cluster:*", db) is False
    assert arn_pattern_matches("arn:aws:dynamodb:*:*:table/*", db) is False
    vol = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", {})
    assert arn_pattern_matches("arn:aws:ec2:*:*:volume/*", vol) is True
    # a volume's id is not known before apply: a narrower pattern is undecided
    assert arn_pattern_matches("arn:aws:ec2:*:*:volume/vol-0abc*", vol) is None


def test_selection_by_reference_carries_plan_retention() -> None:
    db, plan = _db(), _plan(35)
    sel = _selection(resources=[Unknown("aws_db_instance.orders.arn", (db.address,))])
    g = _graph([db, plan, sel], [(sel, plan, ("plan_id",)), (sel, db, ("resources", 0))])
    cov = coverage(g, db)
    assert cov.covered is True
    assert cov.aws_backup_keeps(30) is True
    assert cov.aws_backup_keeps(60) is False
    assert plan_retention(plan) == (35,)


def test_rule_without_lifecycle_keeps_forever() -> None:
    db, plan = _db(), _plan(None)
    sel = _selection(resources=["arn:aws:rds:*:*:db:*"])
    g = _graph([db, plan, sel], [(sel, plan, ("plan_id",))])
    assert coverage(g, db).aws_backup_keeps(3650) is True


def test_tags_including_default_tags_and_conditions() -> None:
    db = _db(tags={"app": "orders"}, tags_all={"app": "orders", "backup": "daily"})
    plan = _plan(30)
    by_tag = _selection(selection_tag=[{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}])
    g = _graph([db, plan, by_tag], [(by_tag, plan, ("plan_id",))])
    assert coverage(g, db).covered is True

    other = _selection(
        resources=["*"],
        condition=[{"string_equals": [{"key": "aws:ResourceTag/backup", "value": "weekly"}]}],
    )
    g2 = _graph([db, plan, other], [(other, plan, ("plan_id",))])
    assert coverage(g2, db).covered is False


def test_unknown_resources_make_coverage_undecided() -> None:
    db, plan = _db(), _plan(30)
    sel = _selection(resources=Unknown("var.arns"))
    g = _graph([db, plan, sel], [(sel, plan, ("plan_id",))])
    cov = coverage(g, db)
    assert cov.covered is None
    assert cov.aws_backup_keeps(30) is None


def test_not_resources_exclude() -> None:
    db, plan = _db(), _plan(30)
    sel = _selection(resources=["*"], not_resources=["arn:aws:rds:*:*:db:orders"])
    g = _graph([db, plan, sel], [(sel, plan, ("plan_id",))])
    assert coverage(g, db).covered is False


def test_cloudformation_list_of_tags() -> None:
    table = make_node(
        "Orders",
        "AWS::DynamoDB::Table",
        {"Tags": [{"Key": "backup", "Value": "daily"}]},
        language="cloudformation",
        file="t.yaml",
    )
    sel = make_node(
        "Selection",
        "AWS::Backup::BackupSelection",
        {
            "BackupPlanId": Unknown("!ImportValue plan"),
            "BackupSelection": {
                "ListOfTags": [
                    {
                        "ConditionType": "STRINGEQUALS",
                        "ConditionKey": "backup",
                        "ConditionValue": "daily",
                    }
                ]
            },
        },
        language="cloudformation",
        file="t.yaml",
    )
    g = _graph([table, sel], [])
    cov = coverage(g, table)
    assert cov.covered is True
    # the plan is in another stack: its retention is unknown
    assert cov.aws_backup_keeps(30) is None


def test_dlm_policy_targets_volume_tags() -> None:
    vol = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", {"tags": {"snap": "yes"}})
    pol = make_node(
        "aws_dlm_lifecycle_policy.p",
        "AWS::DLM::LifecyclePolicy",
        {
            "policy_details": [
                {
                    "resource_types": ["VOLUME"],
                    "target_tags": {"snap": "yes"},
                    "schedule": [{"retain_rule": [{"count": 7}]}],
                }
            ]
        },
    )
    assert coverage(_graph([vol, pol], []), vol).covered is True
    disabled = make_node(
        "aws_dlm_lifecycle_policy.p",
        "AWS::DLM::LifecyclePolicy",
        {"state": "DISABLED", "policy_details": pol.attrs["policy_details"]},
    )
    assert coverage(_graph([vol, disabled], []), vol).covered is False


def test_efs_backup_policy_by_reference_and_unattributable() -> None:
    fs = make_node("aws_efs_file_system.fs", "AWS::EFS::FileSystem", {})
    bp = make_node(
        "aws_efs_backup_policy.bp",
        "aws_efs_backup_policy",
        {
            "file_system_id": Unknown("aws_efs_file_system.fs.id", (fs.address,)),
            "backup_policy": [{"status": "ENABLED"}],
        },
    )
    assert coverage(_graph([fs, bp], [(bp, fs, ("file_system_id",))]), fs).covered is True
    loose = make_node(
        "aws_efs_backup_policy.bp",
        "aws_efs_backup_policy",
        {"file_system_id": Unknown("var.fs_id"), "backup_policy": [{"status": "ENABLED"}]},
    )
    assert coverage(_graph([fs, loose], []), fs).covered is None


def test_cluster_members_counting() -> None:
    cluster = make_node(
        "aws_rds_cluster.c",
        "AWS::RDS::DBCluster",
        {"cluster_identifier": "orders", "engine": "aurora-postgresql"},
        type_="aws_rds_cluster",
    )
    members = [
        make_node(
            f"aws_rds_cluster_instance.i[{i}]",
            "AWS::RDS::DBInstance",
            {"cluster_identifier": Unknown("aws_rds_cluster.c.id", (cluster.address,))},
            type_="aws_rds_cluster_instance",
        )
        for i in range(2)
    ]
    literal = make_node(
        "aws_rds_cluster_instance.x",
        "AWS::RDS::DBInstance",
        {"cluster_identifier": "orders"},
        type_="aws_rds_cluster_instance",
    )
    g = _graph(
        [cluster, *members, literal], [(m, cluster, ("cluster_identifier",)) for m in members]
    )
    cm = cluster_members(g, cluster)
    assert cm.count == 3
    assert all(is_cluster_member(m) for m in members)

    unknown = make_node(
        "aws_rds_cluster_instance.y",
        "AWS::RDS::DBInstance",
        {"cluster_identifier": Unknown("var.cluster")},
        type_="aws_rds_cluster_instance",
    )
    g2 = _graph([cluster, members[0], unknown], [(members[0], cluster, ("cluster_identifier",))])
    assert cluster_members(g2, cluster).count is None

    counted = make_node(
        "aws_rds_cluster_instance.z",
        "AWS::RDS::DBInstance",
        {"cluster_identifier": "orders"},
        type_="aws_rds_cluster_instance",
        meta={"count_unknown": True},
    )
    assert cluster_members(_graph([cluster, counted], []), cluster).count is None


def test_replica_and_member_detection() -> None:
    assert is_read_replica(_db(replicate_source_db="orders"))
    assert not is_read_replica(_db())
    cfn_member = make_node(
        "Writer",
        "AWS::RDS::DBInstance",
        {"DBClusterIdentifier": Unknown("!Ref Cluster", ("Cluster",))},
        language="cloudformation",
    )
    assert is_cluster_member(cfn_member)
    assert not is_cluster_member(_db())


def test_aurora_autoscaling_minimum_counts_as_replicas() -> None:
    cluster = make_node(
        "aws_rds_cluster.c",
        "AWS::RDS::DBCluster",
        {"cluster_identifier": "orders", "engine": "aurora-mysql"},
        type_="aws_rds_cluster",
    )
    writer = make_node(
        "aws_rds_cluster_instance.w",
        "AWS::RDS::DBInstance",
        {"cluster_identifier": "orders"},
        type_="aws_rds_cluster_instance",
    )
    target = make_node(
        "aws_appautoscaling_target.replicas",
        "aws_appautoscaling_target",
        {
            "scalable_dimension": "rds:cluster:ReadReplicaCount",
            "resource_id": "cluster:orders",
            "min_capacity": 1,
        },
    )
    assert cluster_members(_graph([cluster, writer, target], []), cluster).count == 2

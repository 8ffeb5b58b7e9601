"""Decisions of the ENC and KEY rules on hand-built nodes (defaults, inheritance, unknowns)."""

from __future__ import annotations

from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Node, Unknown
from soc2lint.rule import Context, Report, Rule
from soc2lint.rules.enc.enc001_rds_storage_encrypted import rds_storage_encrypted
from soc2lint.rules.enc.enc002_ebs_encrypted import ebs_encrypted
from soc2lint.rules.enc.enc012_eks_secrets_encrypted import eks_secrets_encrypted
from soc2lint.rules.enc.enc013_secret_in_plaintext_parameter import secret_in_plaintext_parameter
from soc2lint.rules.key.key001_kms_key_rotation import kms_key_rotation
from soc2lint.rules.key.key004_customer_managed_key import customer_managed_key
from soc2lint.views.encryption import (
    ebs_default_encryption,
    elasticache_encryption,
    rds_cluster_encryption,
    rds_instance_encryption,
)

from helpers import make_node


def _run(rule: Rule, *nodes: Node, strict: bool = False) -> list[Report]:
    ctx = Context(graph=ResourceGraph(nodes), rule=rule, strict=strict)
    return list(rule.check(ctx))


def _cluster(**attrs: Any) -> Node:
    return make_node("aws_rds_cluster.c", "AWS::RDS::DBCluster", attrs, type_="aws_rds_cluster")


def test_rds_cluster_defaults() -> None:
    # Aurora: AWS encrypts new clusters by default (documentation wins over the catalogue)
    d = rds_cluster_encryption(_cluster(engine="aurora-postgresql"))
    assert d.state == "encrypted" and d.by_default
    # Multi-AZ DB cluster (non-Aurora engine): default false
    assert rds_cluster_encryption(_cluster(engine="postgres")).state == "unencrypted"
    # explicit false is reported even for Aurora
    assert rds_cluster_encryption(
        _cluster(engine="aurora-mysql", storage_encrypted=False)
    ).state == ("unencrypted")
    # Serverless v1 is always encrypted, even with false
    d = rds_cluster_encryption(
        _cluster(engine="aurora-mysql", engine_mode="serverless", storage_encrypted=False)
    )
    assert d.state == "encrypted"
    # unknown engine or engine mode: unknown
    assert rds_cluster_encryption(_cluster(engine=Unknown("var.engine"))).state == "unknown"
    assert (
        rds_cluster_encryption(_cluster(engine="postgres", engine_mode=Unknown("var.mode"))).state
        == "unknown"
    )
    # restores and replicas inherit
    for attrs in (
        {"snapshot_identifier": "snap"},
        {"restore_to_point_in_time": [{"source_cluster_identifier": "x"}]},
        {"replication_source_identifier": "arn:aws:rds:eu-west-1:1:cluster:x"},
        {"global_cluster_identifier": "global"},
    ):
        assert rds_cluster_encryption(_cluster(engine="postgres", **attrs)).state == "exempt"
    assert rds_cluster_encryption(
        _cluster(engine="postgres", snapshot_identifier=Unknown("var.s"))
    ).state == ("unknown")
    # an empty snapshot identifier creates a new database
    assert (
        rds_cluster_encryption(_cluster(engine="postgres", snapshot_identifier="")).state
        == "unencrypted"
    )


def test_rds_instance_members_and_sources() -> None:
    member = make_node(
        "aws_rds_cluster_instance.m", "AWS::RDS::DBInstance", {}, type_="aws_rds_cluster_instance"
    )
    assert rds_instance_encryption(member).state == "exempt"
    cfn_member = make_node(
        "Writer",
        "AWS::RDS::DBInstance",
        {"DBClusterIdentifier": Unknown("!Ref Cluster", ("Cluster",))},
        language="cloudformation",
    )
    assert rds_instance_encryption(cfn_member).state == "exempt"
    aurora = make_node(
        "I", "AWS::RDS::DBInstance", {"Engine": "aurora-mysql"}, language="cloudformation"
    )
    assert rds_instance_encryption(aurora).state == "exempt"
    plain = make_node(
        "aws_db_instance.d", "AWS::RDS::DBInstance", {"engine": "mysql"}, type_="aws_db_instance"
    )
    assert rds_instance_encryption(plain).state == "unencrypted"
    replica = make_node(
        "R",
        "AWS::RDS::DBInstance",
        {"SourceDBInstanceIdentifier": "orders"},
        language="cloudformation",
    )
    assert rds_instance_encryption(replica).state == "exempt"
    unknown = make_node(
        "aws_db_instance.u",
        "AWS::RDS::DBInstance",
        {"storage_encrypted": Unknown("var.x")},
        type_="aws_db_instance",
    )
    assert rds_instance_encryption(unknown).state == "unknown"
    assert _run(rds_storage_encrypted, unknown) == []
    (strict,) = _run(rds_storage_encrypted, unknown, strict=True)
    assert strict.unresolved


def test_elasticache_engines() -> None:
    def rg(**attrs: Any) -> Node:
        return make_node(
            "aws_elasticache_replication_group.r", "AWS::ElastiCache::ReplicationGroup", attrs
        )

    assert elasticache_encryption(rg()).state == "unencrypted"  # engine defaults to redis
    assert elasticache_encryption(rg(engine="valkey")).state == "encrypted"
    assert (
        elasticache_encryption(rg(engine="valkey", at_rest_encryption_enabled=False)).state
        == "unencrypted"
    )
    assert elasticache_encryption(rg(engine="memcached")).state == "exempt"
    assert elasticache_encryption(rg(engine=Unknown("var.engine"))).state == "unknown"
    assert elasticache_encryption(rg(global_replication_group_id="g")).state == "exempt"


def test_ebs_default_encryption_any_scope() -> None:
    vol = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", {"size": 10}, type_="aws_ebs_volume")
    assert ebs_default_encryption(ResourceGraph([vol])) is False
    on = make_node(
        "aws_ebs_encryption_by_default.x", "aws_ebs_encryption_by_default", {}, scope="account"
    )
    assert ebs_default_encryption(ResourceGraph([vol, on])) is True
    off = make_node(
        "aws_ebs_encryption_by_default.x", "aws_ebs_encryption_by_default", {"enabled": False}
    )
    assert ebs_default_encryption(ResourceGraph([vol, off])) is False
    maybe = make_node(
        "aws_ebs_encryption_by_default.x",
        "aws_ebs_encryption_by_default",
        {},
        meta={"count_unknown": True},
    )
    assert ebs_default_encryption(ResourceGraph([vol, maybe])) is None
    assert len(_run(ebs_encrypted, vol)) == 1
    assert _run(ebs_encrypted, vol, on) == []
    assert _run(ebs_encrypted, vol, maybe) == []


def test_ebs_devices() -> None:
    dynamic = make_node(
        "aws_instance.i",
        "AWS::EC2::Instance",
        {"ebs_block_device": [{"device_name": Unknown("each.value")}]},
        meta={"dynamic_unknown": ["ebs_block_device"]},
    )
    assert _run(ebs_encrypted, dynamic) == []
    lt = make_node(
        "aws_launch_template.t",
        "AWS::EC2::LaunchTemplate",
        {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "false"}]}]},
    )
    (rep,) = _run(ebs_encrypted, lt)
    assert rep.path == ("block_device_mappings", 0, "ebs", 0, "encrypted")
    store = make_node(
        "I",
        "AWS::EC2::Instance",
        {"BlockDeviceMappings": [{"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}]},
        language="cloudformation",
    )
    assert _run(ebs_encrypted, store) == []


def test_ssm_parameter_names() -> None:
    def param(name: Any, type_: Any = "String", language: str = "terraform") -> Node:
        attrs = (
            {"name": name, "type": type_}
            if language == "terraform"
            else {"Name": name, "Type": type_}
        )
        return make_node("p", "AWS::SSM::Parameter", attrs, language=language)

    assert len(_run(secret_in_plaintext_parameter, param("/app/prod/db_password"))) == 1
    assert _run(secret_in_plaintext_parameter, param("/app/prod/db_password", "SecureString")) == []
    assert _run(secret_in_plaintext_parameter, param("/app/prod/db_password_arn")) == []
    assert _run(secret_in_plaintext_parameter, param(Unknown("var.name"))) == []
    assert _run(secret_in_plaintext_parameter, param("/app/api_key", Unknown("var.t"))) == []
    assert (
        len(
            _run(
                secret_in_plaintext_parameter,
                param("/app/token", language="cloudformation"),
            )
        )
        == 1
    )


def test_kms_rotation_exemptions() -> None:
    def key(language: str = "terraform", type_: str = "aws_kms_key", **attrs: Any) -> Node:
        return make_node("k", "AWS::KMS::Key", attrs, language=language, type_=type_)

    assert len(_run(kms_key_rotation, key())) == 1
    assert _run(kms_key_rotation, key(enable_key_rotation=True)) == []
    assert _run(kms_key_rotation, key(customer_master_key_spec="RSA_4096")) == []
    assert _run(kms_key_rotation, key(customer_master_key_spec="HMAC_512")) == []
    assert _run(kms_key_rotation, key(custom_key_store_id="cks-1234")) == []
    assert _run(kms_key_rotation, key(type_="aws_kms_external_key")) == []
    assert _run(kms_key_rotation, key("cloudformation", "AWS::KMS::Key", Origin="EXTERNAL")) == []
    assert (
        len(
            _run(
                kms_key_rotation,
                key("cloudformation", "AWS::KMS::Key", KeySpec="SYMMETRIC_DEFAULT"),
            )
        )
        == 1
    )
    assert _run(kms_key_rotation, key(customer_master_key_spec=Unknown("var.spec"))) == []


def test_customer_managed_key_on_s3_names_the_encryption_resource() -> None:
    bucket = make_node("aws_s3_bucket.b", "AWS::S3::Bucket", {"bucket": "acme-b"})
    sse = make_node(
        "aws_s3_bucket_server_side_encryption_configuration.b",
        "aws_s3_bucket_server_side_encryption_configuration",
        {
            "bucket": "acme-b",
            "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}],
        },
    )
    (rep,) = _run(customer_managed_key, bucket, sse)
    assert rep.node is sse
    assert rep.path == ("rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm")
    assert [r.node for r in rep.related] == [bucket]
    # no declared encryption at all: ENC003's concern, not KEY004's
    assert _run(customer_managed_key, bucket) == []


def test_customer_managed_key_only_for_encrypted_resources() -> None:
    plain = make_node(
        "aws_db_instance.d", "AWS::RDS::DBInstance", {"engine": "mysql"}, type_="aws_db_instance"
    )
    enc = make_node(
        "aws_db_instance.e",
        "AWS::RDS::DBInstance",
        {"engine": "mysql", "storage_encrypted": True},
        type_="aws_db_instance",
    )
    efs = make_node("aws_efs_file_system.f", "AWS::EFS::FileSystem", {})
    reps = _run(customer_managed_key, plain, enc, efs)
    assert [r.node.address for r in reps if r.node] == ["aws_db_instance.e"]
    vol = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", {"size": 10}, type_="aws_ebs_volume")
    on = make_node("aws_ebs_encryption_by_default.x", "aws_ebs_encryption_by_default", {})
    (rep,) = _run(customer_managed_key, vol, on)
    assert "aws/ebs" in rep.message
    default_key = make_node(
        "aws_ebs_default_kms_key.k", "aws_ebs_default_kms_key", {"key_arn": Unknown("x")}
    )
    assert _run(customer_managed_key, vol, on, default_key) == []


def test_replicas_and_restores_take_their_source_key() -> None:
    replica = make_node(
        "aws_db_instance.r",
        "AWS::RDS::DBInstance",
        {"replicate_source_db": "orders", "storage_encrypted": True},
        type_="aws_db_instance",
    )
    maybe = make_node(
        "aws_db_instance.m",
        "AWS::RDS::DBInstance",
        {"snapshot_identifier": Unknown("var.snapshot"), "storage_encrypted": True},
        type_="aws_db_instance",
    )
    assert _run(customer_managed_key, replica, maybe) == []
    (rep,) = _run(customer_managed_key, maybe, strict=True)
    assert rep.unresolved and rep.node is maybe


def test_unknown_values_that_certainly_exist() -> None:
    primary = make_node(
        "Primary", "AWS::RDS::DBInstance", {"Engine": "mysql"}, language="cloudformation"
    )
    param = make_node("SourceId", "parameter", {}, language="cloudformation", category="parameter")
    replica = make_node(
        "Replica",
        "AWS::RDS::DBInstance",
        {"SourceDBInstanceIdentifier": Unknown("!Ref Primary", ("Primary",))},
        language="cloudformation",
    )
    maybe = make_node(
        "Maybe",
        "AWS::RDS::DBInstance",
        {"SourceDBInstanceIdentifier": Unknown("!Ref SourceId", ("SourceId",))},
        language="cloudformation",
    )
    reps = _run(rds_storage_encrypted, primary, param, replica, maybe, strict=True)
    assert sorted((r.node.address, r.unresolved) for r in reps if r.node) == [
        ("Maybe", True),
        ("Primary", False),
    ]


def test_tf_json_blocks_as_objects() -> None:
    # .tf.json may give a nested block as one object instead of a list of blocks
    inst = make_node(
        "aws_instance.i", "AWS::EC2::Instance", {"root_block_device": {"volume_size": 20}}
    )
    (rep,) = _run(ebs_encrypted, inst)
    assert rep.path == ("root_block_device", "encrypted")
    eks = make_node(
        "aws_eks_cluster.c",
        "AWS::EKS::Cluster",
        {"encryption_config": {"resources": ["secrets"], "provider": {"key_arn": "arn:aws:kms:x"}}},
    )
    assert _run(eks_secrets_encrypted, eks) == []
    lt = make_node(
        "aws_launch_template.t",
        "AWS::EC2::LaunchTemplate",
        {"block_device_mappings": {"device_name": "/dev/xvda", "ebs": {"encrypted": "true"}}},
    )
    assert _run(ebs_encrypted, lt) == []

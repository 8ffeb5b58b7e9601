from __future__ import annotations

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Unknown
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from helpers import make_node


def _bucket(name: str = "b", **attrs: object) -> object:
    return make_node(
        f"aws_s3_bucket.{name}", "AWS::S3::Bucket", {"bucket": f"acme-{name}", **attrs}
    )


def test_separate_resources_linked_by_reference_and_by_name() -> None:
    b = _bucket("logs")
    ver = make_node(
        "aws_s3_bucket_versioning.v",
        "aws_s3_bucket_versioning",
        {
            "bucket": Unknown("aws_s3_bucket.logs.id", refs=("aws_s3_bucket.logs",)),
            "versioning_configuration": [{"status": "Suspended"}],
        },
    )
    enc = make_node(
        "aws_s3_bucket_server_side_encryption_configuration.e",
        "aws_s3_bucket_server_side_encryption_configuration",
        {
            "bucket": "acme-logs",
            "rule": [
                {
                    "apply_server_side_encryption_by_default": [
                        {"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/logs"}
                    ]
                }
            ],
        },
    )
    g = ResourceGraph([b, ver, enc], [Edge(ver.id, b.id, "ref", ("bucket",), "id")])  # type: ignore[list-item,attr-defined]
    (v,) = bucket_views(g)
    (s,) = v.versioning()
    assert s.value == "Suspended" and s.source.node is ver
    (e,) = v.encryption()
    assert e.value == {"algorithm": "aws:kms", "kms_key": "alias/logs"}
    assert e.source.node is enc
    assert v.logging() == []


def test_inline_legacy_blocks() -> None:
    b = _bucket(
        "old",
        versioning=[{"enabled": False}],
        logging=[{"target_bucket": "acme-logs"}],
        acl="public-read",
        lifecycle_rule=[{"enabled": True, "expiration": [{"days": 30}]}],
    )
    (v,) = bucket_views(ResourceGraph([b]))  # type: ignore[list-item]
    assert [s.value for s in v.versioning()] == ["Disabled"]
    assert [s.value for s in v.logging()] == ["acme-logs"]
    assert [s.value for s in v.acls()] == ["public-read"]
    rules = v.lifecycle_rules()
    assert rules is not None and rules[0].enabled is True and rules[0].expiration_days == 30


def test_unattributed_config_makes_setting_unknown() -> None:
    b = _bucket("x")
    ver = make_node(
        "aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", {"bucket": Unknown("var.bucket")}
    )
    (v,) = bucket_views(ResourceGraph([b, ver]))  # type: ignore[list-item]
    (s,) = v.versioning()
    assert s.value is UNKNOWN_SETTING and not s.known
    # a config resource in another scope does not matter
    other = make_node(
        "aws_s3_bucket_versioning.w",
        "aws_s3_bucket_versioning",
        {"bucket": Unknown("var.bucket")},
        scope="envs/prod",
    )
    (v2,) = bucket_views(ResourceGraph([b, other]))  # type: ignore[list-item]
    assert v2.versioning() == []


def test_count_unknown_config_is_uncertain() -> None:
    b = _bucket("y")
    ver = make_node(
        "aws_s3_bucket_versioning.v",
        "aws_s3_bucket_versioning",
        {"bucket": "acme-y"},
        meta={"count_unknown": True},
    )
    (v,) = bucket_views(ResourceGraph([b, ver]))  # type: ignore[list-item]
    assert v._maybe_elsewhere("aws_s3_bucket_versioning")


def test_cloudformation_bucket_and_policy() -> None:
    b = make_node(
        "Logs",
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}},
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": "true",
                "IgnorePublicAcls": True,
            },
        },
        language="cloudformation",
        file="t.yaml",
    )
    pol = make_node(
        "LogsPolicy",
        "AWS::S3::BucketPolicy",
        {"Bucket": Unknown("Ref Logs", refs=("Logs",)), "PolicyDocument": {"Statement": []}},
        language="cloudformation",
        file="t.yaml",
    )
    g = ResourceGraph([b, pol], [Edge(pol.id, b.id, "ref", ("Bucket",), None)])  # type: ignore[list-item,attr-defined]
    (v,) = bucket_views(g)
    assert [s.value for s in v.versioning()] == ["Enabled"]
    lock = v.object_lock()
    assert lock is not None and lock.enabled is True and lock.mode == "COMPLIANCE"
    assert lock.days == 365
    (pab,) = v.public_access_block()
    assert {k: (r.written, r.ok) for k, r in pab.value.items()} == {
        "block_public_acls": (True, True),
        "block_public_policy": (True, True),
        "ignore_public_acls": (True, True),
        "restrict_public_buckets": (False, False),  # not set: the default, false
    }
    (p,) = v.policies()
    assert p.source.node is pol


def test_terraform_object_lock_separate_resource() -> None:
    b = _bucket("trail", object_lock_enabled=True)
    lock_cfg = make_node(
        "aws_s3_bucket_object_lock_configuration.l",
        "aws_s3_bucket_object_lock_configuration",
        {
            "bucket": "acme-trail",
            "rule": [{"default_retention": [{"mode": "GOVERNANCE", "days": 120}]}],
        },
    )
    (v,) = bucket_views(ResourceGraph([b, lock_cfg]))  # type: ignore[list-item]
    lock = v.object_lock()
    assert lock is not None and (lock.enabled, lock.mode, lock.days) == (True, "GOVERNANCE", 120)
    (v2,) = bucket_views(ResourceGraph([_bucket("plain")]))  # type: ignore[list-item]
    assert v2.object_lock() is None

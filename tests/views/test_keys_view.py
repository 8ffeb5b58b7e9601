"""The key-usage view: who uses a key, and which key a resource uses."""

from __future__ import annotations

from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.links import literal_edges
from soc2lint.model import Edge, Node, Unknown
from soc2lint.views.keys import is_encryption_key_path, key_index, node_service

from helpers import make_node


def _graph(nodes: list[Node], edges: list[Edge] = ()) -> ResourceGraph:  # type: ignore[assignment]
    g = ResourceGraph(nodes, edges)
    for e in literal_edges(nodes):
        g.add_edge(e)
    return g


def _ref(src: Node, dst: Node, *path: Any, attr: str = "arn") -> Edge:
    return Edge(src.id, dst.id, "ref", tuple(path), attr)


def test_uses_by_reference_literal_alias_and_exclusions() -> None:
    key = make_node("aws_kms_key.k", "AWS::KMS::Key", {"enable_key_rotation": True})
    alias = make_node(
        "aws_kms_alias.a",
        "AWS::KMS::Alias",
        {"name": "alias/app", "target_key_id": Unknown("aws_kms_key.k.key_id", ("aws_kms_key.k",))},
    )
    db = make_node(
        "aws_db_instance.db",
        "AWS::RDS::DBInstance",
        {"kms_key_id": Unknown("aws_kms_key.k.arn", ("aws_kms_key.k",))},
        type_="aws_db_instance",
    )
    queue = make_node(
        "aws_sqs_queue.q",
        "AWS::SQS::Queue",
        {"kms_master_key_id": "alias/app"},
        type_="aws_sqs_queue",
    )
    topic = make_node(
        "aws_sns_topic.t",
        "AWS::SNS::Topic",
        {"kms_master_key_id": "arn:aws:kms:eu-west-1:111122223333:alias/app"},
        type_="aws_sns_topic",
    )
    policy = make_node(
        "aws_iam_policy.p",
        "AWS::IAM::ManagedPolicy",
        {"policy": Unknown("data.aws_iam_policy_document.p.json")},
        type_="aws_iam_policy",
    )
    grant = make_node("aws_kms_grant.g", "aws_kms_grant", {"key_id": Unknown("k")})
    fn = make_node(
        "aws_lambda_function.f",
        "AWS::Lambda::Function",
        {"environment": [{"variables": {"KMS_KEY": Unknown("aws_kms_key.k.arn")}}]},
        type_="aws_lambda_function",
    )
    g = _graph(
        [key, alias, db, queue, topic, policy, grant, fn],
        [
            _ref(alias, key, "target_key_id", attr="key_id"),
            _ref(db, key, "kms_key_id"),
            _ref(policy, key, "policy"),
            _ref(grant, key, "key_id"),
            _ref(fn, key, "environment", 0, "variables", "KMS_KEY"),
        ],
    )
    index = key_index(g)
    assert [k.address for k in index.alias_targets(alias)] == ["aws_kms_key.k"]
    uses = index.uses(key)
    assert {(u.user.address, u.via) for u in uses} == {
        ("aws_db_instance.db", "reference"),
        ("aws_sqs_queue.q", "alias"),
        ("aws_sns_topic.t", "alias"),
    }
    assert sorted(index.services(key)) == ["rds", "sns", "sqs"]
    # the view is built once per graph
    assert key_index(g) is index


def test_uncertain_users_are_not_counted() -> None:
    key = make_node("aws_kms_key.k", "AWS::KMS::Key")
    q = make_node(
        "aws_sqs_queue.q",
        "AWS::SQS::Queue",
        {"kms_master_key_id": Unknown("aws_kms_key.k.arn", ("aws_kms_key.k",))},
        type_="aws_sqs_queue",
        meta={"count_unknown": True},
    )
    cfn_topic = make_node(
        "Topic",
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": Unknown("!Ref Key", ("Key",))},
        language="cloudformation",
        meta={"condition": "Maybe", "condition_value": None},
    )
    g = _graph(
        [key, q, cfn_topic],
        [_ref(q, key, "kms_master_key_id"), _ref(cfn_topic, key, "KmsMasterKeyId")],
    )
    index = key_index(g)
    assert len(index.uses(key)) == 2
    assert index.services(key) == {}
    assert sorted(index.services(key, certain_only=False)) == ["sns", "sqs"]


def test_s3_encryption_resource_is_about_its_bucket() -> None:
    key = make_node("aws_kms_key.k", "AWS::KMS::Key")
    bucket = make_node("aws_s3_bucket.b", "AWS::S3::Bucket", {"bucket": "acme-b"})
    sse = make_node(
        "aws_s3_bucket_server_side_encryption_configuration.b",
        "aws_s3_bucket_server_side_encryption_configuration",
        {
            "bucket": "acme-b",
            "rule": [
                {
                    "apply_server_side_encryption_by_default": [
                        {
                            "sse_algorithm": "aws:kms",
                            "kms_master_key_id": Unknown("k", ("aws_kms_key.k",)),
                        }
                    ]
                }
            ],
        },
    )
    path = ("rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id")
    g = _graph([key, bucket, sse], [_ref(sse, key, *path)])
    index = key_index(g)
    (use,) = index.uses(key)
    assert use.user is sse and use.about is bucket and use.service == "s3"
    choice = index.choice(sse, path)
    assert choice.status == "customer" and choice.keys == (key,)


def test_choice_statuses() -> None:
    managed = make_node(
        "data.aws_kms_alias.s3", "data.aws_kms_alias", {"name": "alias/aws/s3"}, category="data"
    )
    other = make_node(
        "data.aws_kms_key.x", "data.aws_kms_key", {"key_id": "alias/team"}, category="data"
    )
    secret = make_node(
        "aws_secretsmanager_secret.s",
        "AWS::SecretsManager::Secret",
        {
            "a": "alias/aws/secretsmanager",
            "b": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "c": Unknown("var.key"),
            "d": Unknown("data.aws_kms_alias.s3.target_key_arn", ("data.aws_kms_alias.s3",)),
            "e": Unknown("data.aws_kms_key.x.arn", ("data.aws_kms_key.x",)),
            "f": "",
        },
    )
    index = key_index(_graph([managed, other, secret]))
    status = {p: index.choice(secret, (p,)).status for p in "abcdefg"}
    assert status == {
        "a": "aws_managed",
        "b": "named",
        "c": "unknown",
        "d": "aws_managed",
        "e": "unknown",
        "f": "default",
        "g": "default",
    }


def test_encryption_key_paths_and_services() -> None:
    assert is_encryption_key_path(("kms_key_id",))
    assert is_encryption_key_path(("encryption_config", 0, "provider", 0, "key_arn"))
    assert is_encryption_key_path(("SSESpecification", "KMSMasterKeyId"))
    assert not is_encryption_key_path(("policy",))
    assert not is_encryption_key_path(("KeyPolicy", "Statement", 0, "Resource"))
    assert not is_encryption_key_path(("environment", 0, "variables", "KMS_KEY_ARN"))
    assert not is_encryption_key_path(("tags", "kms_key"))
    assert not is_encryption_key_path(("name",))
    es = make_node(
        "aws_elasticsearch_domain.d", "AWS::Elasticsearch::Domain", type_="aws_elasticsearch_domain"
    )
    os_ = make_node("D", "AWS::OpenSearchService::Domain", language="cloudformation")
    ebs = make_node("aws_ebs_default_kms_key.k", "aws_ebs_default_kms_key")
    vol = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", type_="aws_ebs_volume")
    assert node_service(es) == node_service(os_) == "opensearchservice"
    assert node_service(ebs) == node_service(vol) == "ec2"

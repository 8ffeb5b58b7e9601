"""The logging view on hand-built graphs: trails, log destinations, flow logs, retention."""

from __future__ import annotations

from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Node, Unknown
from soc2lint.views.logging import (
    bucket_key_prefix_from,
    bucket_name_from,
    bucket_retention,
    delivery_sources,
    flow_log_destination,
    flow_logs,
    log_destinations,
    log_group_name_from,
    resolve_attr,
    trails,
    unloaded_modules,
)
from soc2lint.views.s3 import bucket_views

from helpers import make_node


def _bucket(name: str, **attrs: Any) -> Node:
    return make_node(
        f"aws_s3_bucket.{name}", "AWS::S3::Bucket", {"bucket": f"acme-{name}", **attrs}
    )


def _trail(**attrs: Any) -> Node:
    return make_node("aws_cloudtrail.main", "AWS::CloudTrail::Trail", {"name": "main", **attrs})


def _ref(src: Node, dst: Node, *path: str | int) -> Edge:
    return Edge(src.id, dst.id, "ref", tuple(path), None)


def _graph(nodes: list[Node], edges: list[Edge] = ()) -> ResourceGraph:  # type: ignore[assignment]
    return ResourceGraph(nodes, edges)


# ---- names -----------------------------------------------------------------


def test_bucket_names_from_every_spelling() -> None:
    assert bucket_name_from("acme-logs") == "acme-logs"
    assert bucket_name_from("arn:aws:s3:::acme-logs/flow/") == "acme-logs"
    assert bucket_name_from("s3://acme-logs/emr/") == "acme-logs"
    assert bucket_name_from("acme-logs.s3.amazonaws.com") == "acme-logs"
    assert bucket_name_from("acme-logs.s3.eu-west-1.amazonaws.com") == "acme-logs"
    assert bucket_name_from("arn:aws:logs:eu-west-1:1:log-group:x") is None
    assert bucket_name_from("arn:aws:s3:eu-west-1:111122223333:accesspoint/x") is None
    assert bucket_name_from("") is None


def test_key_prefix_and_log_group_names() -> None:
    assert bucket_key_prefix_from("arn:aws:s3:::b/flow-logs/") == "flow-logs"
    assert bucket_key_prefix_from("arn:aws:s3:::b") == ""
    assert bucket_key_prefix_from("not-an-arn") is None
    u = Unknown("x")
    assert bucket_key_prefix_from(u) is u
    assert log_group_name_from("arn:aws:logs:eu-west-1:1:log-group:cloudtrail:*") == "cloudtrail"
    assert log_group_name_from("/aws/vpc/flow") == "/aws/vpc/flow"
    assert log_group_name_from("arn:aws:s3:::b") is None


# ---- resolving attributes --------------------------------------------------


def test_resolve_by_edge_by_unknown_refs_and_by_name() -> None:
    b = _bucket("trail")
    by_edge = _trail(s3_bucket_name=Unknown("aws_s3_bucket.trail.id"))
    g = _graph([b, by_edge], [_ref(by_edge, b, "s3_bucket_name")])
    r = resolve_attr(g, by_edge.attr("s3_bucket_name"), "AWS::S3::Bucket")
    assert r.nodes == (b,) and not r.uncertain

    by_refs = _trail(s3_bucket_name=Unknown("x", refs=("aws_s3_bucket.trail",)))
    g = _graph([b, by_refs])
    assert resolve_attr(g, by_refs.attr("s3_bucket_name"), "AWS::S3::Bucket").nodes == (b,)


def test_unknown_that_derives_from_another_object_is_not_uncertain() -> None:
    b = _bucket("trail")
    policy = make_node("aws_s3_bucket_policy.p", "AWS::S3::BucketPolicy", {"bucket": "x"})
    t = _trail(s3_bucket_name=Unknown("aws_s3_bucket_policy.p.bucket"))
    g = _graph([b, policy, t], [_ref(t, policy, "s3_bucket_name")])
    r = resolve_attr(g, t.attr("s3_bucket_name"), "AWS::S3::Bucket")
    assert r.nodes == () and not r.uncertain
    # a variable without value might be anything
    t2 = _trail(s3_bucket_name=Unknown("var.bucket", refs=("var.bucket",)))
    r2 = resolve_attr(_graph([b, t2]), t2.attr("s3_bucket_name"), "AWS::S3::Bucket")
    assert r2.uncertain
    # a data source looking up a bucket might look up this one
    data = make_node("data.aws_s3_bucket.x", "data.aws_s3_bucket", {}, category="data")
    t3 = _trail(s3_bucket_name=Unknown("data.aws_s3_bucket.x.id"))
    g3 = _graph([b, data, t3], [_ref(t3, data, "s3_bucket_name")])
    assert resolve_attr(g3, t3.attr("s3_bucket_name"), "AWS::S3::Bucket").uncertain


# ---- trails ------------------------------------------------------------------


def test_trail_prefix_and_log_group_states() -> None:
    group = make_node("aws_cloudwatch_log_group.t", "AWS::Logs::LogGroup", {"name": "trail"})
    resolved = _trail(
        s3_bucket_name="acme-trail",
        s3_key_prefix="audit/",
        cloud_watch_logs_group_arn=Unknown("x", refs=("aws_cloudwatch_log_group.t",)),
    )
    (info,) = trails(_graph([group, resolved]))
    assert info.log_key_prefix == "audit/AWSLogs/"
    assert info.log_group_state == "resolved" and info.log_groups == (group,)
    assert info.bucket_unresolved  # the bucket is not in the configuration

    literal = _trail(
        cloud_watch_logs_group_arn="arn:aws:logs:eu-west-1:1:log-group:CloudTrail/Default:*"
    )
    (info,) = trails(_graph([literal]))
    assert info.log_group_state == "resolved" and info.log_group_names == ("CloudTrail/Default",)
    assert info.log_key_prefix == "AWSLogs/"

    unknown = _trail(cloud_watch_logs_group_arn=Unknown("var.arn", refs=("var.arn",)))
    assert trails(_graph([unknown]))[0].log_group_state == "unresolved"
    assert trails(_graph([_trail()]))[0].log_group_state == "none"


def test_trail_logging_and_multi_region_defaults() -> None:
    (info,) = trails(_graph([_trail()]))
    assert info.logging is True and info.multi_region is False
    cfn = make_node(
        "Trail",
        "AWS::CloudTrail::Trail",
        {"IsLogging": False, "IsMultiRegionTrail": Unknown("!Ref P")},
        language="cloudformation",
    )
    (info,) = trails(_graph([cfn]))
    assert info.logging is False and info.multi_region is None


# ---- log destinations ---------------------------------------------------------


def test_destinations_from_load_balancers_cloudfront_and_flow_logs() -> None:
    lb_logs, cdn_logs, flow, plain = (
        _bucket("lb"),
        _bucket("cdn"),
        _bucket("flow"),
        _bucket("plain"),
    )
    lb = make_node(
        "aws_lb.web",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {"access_logs": [{"bucket": "acme-lb", "enabled": True}]},
    )
    cdn = make_node(
        "aws_cloudfront_distribution.d",
        "AWS::CloudFront::Distribution",
        {"logging_config": [{"bucket": "acme-cdn.s3.amazonaws.com"}]},
    )
    fl = make_node(
        "aws_flow_log.f",
        "AWS::EC2::FlowLog",
        {"log_destination_type": "s3", "log_destination": "arn:aws:s3:::acme-flow/vpc"},
    )
    g = _graph([lb_logs, cdn_logs, flow, plain, lb, cdn, fl])
    dests = log_destinations(g)
    assert dests.is_destination(lb_logs) is True
    assert dests.is_destination(cdn_logs) is True
    assert dests.is_destination(flow) is True
    assert dests.is_destination(plain) is False


def test_cloudformation_elbv2_attribute_and_unknown_target() -> None:
    logs = make_node(
        "LbLogs", "AWS::S3::Bucket", {"BucketName": "acme-lb"}, language="cloudformation"
    )
    lb = make_node(
        "Lb",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "LoadBalancerAttributes": [
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": "acme-lb"},
            ]
        },
        language="cloudformation",
    )
    assert log_destinations(_graph([logs, lb])).is_destination(logs) is True
    other = make_node(
        "aws_s3_bucket_logging.x",
        "aws_s3_bucket_logging",
        {"bucket": "acme-data", "target_bucket": Unknown("var.target", refs=("var.target",))},
    )
    data = _bucket("data")
    assert log_destinations(_graph([data, other])).is_destination(data) is None


def test_destinations_from_acl_policy_and_replication() -> None:
    acl_bucket = _bucket("acl", acl="log-delivery-write")
    policy_bucket = _bucket(
        "policy",
        policy='{"Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},'
        '"Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-policy/*"}]}',
    )
    replica = _bucket("replica")
    rep = make_node(
        "aws_s3_bucket_replication_configuration.r",
        "aws_s3_bucket_replication_configuration",
        {
            "bucket": "acme-acl",
            "rule": [{"destination": [{"bucket": "arn:aws:s3:::acme-replica"}]}],
        },
    )
    content = _bucket("content")
    g = _graph([acl_bucket, policy_bucket, replica, rep, content])
    dests = log_destinations(g)
    assert dests.is_destination(acl_bucket) is True
    assert dests.is_destination(policy_bucket) is True
    assert dests.is_destination(replica) is True
    assert dests.is_destination(content) is False


def test_waf_buckets_and_cloudtrail_buckets() -> None:
    waf = _bucket("x", bucket="aws-waf-logs-acme")
    trail_bucket = _bucket("trail")
    t = _trail(s3_bucket_name="acme-trail")
    dests = log_destinations(_graph([waf, trail_bucket, t]))
    assert dests.is_destination(waf) is True
    # CloudTrail delivery does not exempt a bucket from access logging
    assert dests.is_destination(trail_bucket) is False


# ---- flow logs ----------------------------------------------------------------


def test_flow_logs_by_vpc_id_and_cfn_resource_type() -> None:
    vpc = make_node(
        "aws_vpc.main", "AWS::EC2::VPC", {"cidr_block": "10.0.0.0/16", "id": "vpc-0abc"}
    )
    by_id = make_node("aws_flow_log.f", "AWS::EC2::FlowLog", {"vpc_id": "vpc-0abc"})
    assert flow_logs(_graph([vpc, by_id])).of(vpc) == [by_id]
    subnet_level = make_node(
        "FlowLog",
        "AWS::EC2::FlowLog",
        {"ResourceType": "Subnet", "ResourceId": Unknown("!Ref Subnet")},
        language="cloudformation",
    )
    index = flow_logs(_graph([vpc, subnet_level]))
    assert index.of(vpc) == [] and not index.uncertain_scopes
    unknown_vpc = make_node("aws_flow_log.u", "AWS::EC2::FlowLog", {"vpc_id": Unknown("var.vpc")})
    assert "." in flow_logs(_graph([vpc, unknown_vpc])).uncertain_scopes


def test_flow_log_destinations() -> None:
    group = make_node("aws_cloudwatch_log_group.g", "AWS::Logs::LogGroup", {"name": "vpc-flow"})
    cwl = make_node(
        "aws_flow_log.c",
        "AWS::EC2::FlowLog",
        {"log_destination": "arn:aws:logs:eu-west-1:1:log-group:vpc-flow"},
    )
    d = flow_log_destination(_graph([group, cwl]), cwl)
    assert d.type == "cloudwatch" and d.resolved.nodes == (group,)
    bucket = _bucket("flow")
    s3 = make_node(
        "aws_flow_log.s",
        "AWS::EC2::FlowLog",
        {"log_destination_type": "s3", "log_destination": "arn:aws:s3:::acme-flow/vpc/"},
    )
    d = flow_log_destination(_graph([bucket, s3]), s3)
    assert d.type == "s3" and d.resolved.nodes == (bucket,) and d.log_key_prefix == "vpc/AWSLogs/"


# ---- retention ------------------------------------------------------------------


def _lifecycle(bucket: Node, *rules: dict[str, Any]) -> Node:
    return make_node(
        f"aws_s3_bucket_lifecycle_configuration.{bucket.name}",
        "aws_s3_bucket_lifecycle_configuration",
        {"bucket": bucket.attrs["bucket"], "rule": list(rules)},
    )


def _retention(nodes: list[Node], bucket: Node, *, declared: bool = True) -> Any:
    return bucket_retention(_graph(nodes), bucket, 90, "AWSLogs/", require_declared=declared)


def test_retention_requires_lock_or_lifecycle_when_declared() -> None:
    b = _bucket("t")
    assert _retention([b], b).status == "fail"
    assert _retention([b], b, declared=False).status == "ok"
    transitions = _lifecycle(b, {"status": "Enabled", "transition": [{"days": 30}]})
    assert _retention([b, transitions], b).status == "ok"


def test_retention_lifecycle_rules_that_reach_the_logs() -> None:
    b = _bucket("t")
    short = _lifecycle(b, {"status": "Enabled", "expiration": [{"days": 30}]})
    v = _retention([b, short], b)
    assert v.status == "fail" and v.source is not None and v.source.node is short
    assert v.source.path == ("rule", 0, "expiration", 0, "days")
    other_prefix = _lifecycle(
        b, {"status": "Enabled", "filter": [{"prefix": "tmp/"}], "expiration": [{"days": 1}]}
    )
    assert _retention([b, other_prefix], b).status == "ok"
    covering = _lifecycle(
        b,
        {
            "status": "Enabled",
            "filter": [{"and": [{"prefix": "AWSLogs/"}]}],
            "expiration": [{"days": 1}],
        },
    )
    assert _retention([b, covering], b).status == "fail"
    tagged = _lifecycle(
        b,
        {
            "status": "Enabled",
            "filter": [{"tag": [{"key": "k", "value": "v"}]}],
            "expiration": [{"days": 1}],
        },
    )
    assert _retention([b, tagged], b).status == "ok"
    disabled = _lifecycle(b, {"status": "Disabled", "expiration": [{"days": 1}]})
    assert _retention([b, disabled], b).status == "ok"
    unknown = _lifecycle(b, {"status": "Enabled", "expiration": [{"days": Unknown("var.d")}]})
    assert _retention([b, unknown], b).status == "unknown"
    dated = _lifecycle(b, {"status": "Enabled", "expiration": [{"date": "2030-01-01T00:00:00Z"}]})
    assert _retention([b, dated], b).status == "fail"


def test_retention_object_lock() -> None:
    locked = _bucket("l", object_lock_enabled=True)
    lock = make_node(
        "aws_s3_bucket_object_lock_configuration.l",
        "aws_s3_bucket_object_lock_configuration",
        {"bucket": "acme-l", "rule": [{"default_retention": [{"mode": "COMPLIANCE", "years": 1}]}]},
    )
    assert _retention([locked, lock], locked).status == "ok"
    short = make_node(
        "aws_s3_bucket_object_lock_configuration.l",
        "aws_s3_bucket_object_lock_configuration",
        {"bucket": "acme-l", "rule": [{"default_retention": [{"mode": "GOVERNANCE", "days": 30}]}]},
    )
    v = _retention([locked, short], locked)
    assert v.status == "fail" and v.source is not None and v.source.node is short
    # a long lifecycle rescues a short lock
    life = _lifecycle(locked, {"status": "Enabled", "expiration": [{"days": 400}]})
    assert _retention([locked, short, life], locked).status == "ok"


def test_cloudformation_lifecycle_prefix_and_tags() -> None:
    b = make_node(
        "Bucket",
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    {"Status": "Enabled", "Prefix": "tmp/", "ExpirationInDays": 1},
                    {
                        "Status": "Enabled",
                        "TagFilters": [{"Key": "k", "Value": "v"}],
                        "ExpirationInDays": 1,
                    },
                    {"Status": "Enabled", "ExpirationInDays": 365},
                ]
            }
        },
        language="cloudformation",
    )
    (view,) = bucket_views(_graph([b]))
    rules = view.lifecycle_rules()
    assert rules is not None
    assert [r.prefix for r in rules] == ["tmp/", None, None]
    assert [r.tag_filter for r in rules] == [False, True, False]
    assert rules[0].expiration_path == ("LifecycleConfiguration", "Rules", 0, "ExpirationInDays")
    assert _retention([b], b).status == "ok"


# ---- delivery sources and unloaded modules ----------------------------------------


def test_cloudfront_delivery_sources() -> None:
    d = make_node("aws_cloudfront_distribution.d", "AWS::CloudFront::Distribution", {})
    src = make_node(
        "aws_cloudwatch_log_delivery_source.s",
        "aws_cloudwatch_log_delivery_source",
        {
            "log_type": "ACCESS_LOGS",
            "resource_arn": Unknown("x", refs=("aws_cloudfront_distribution.d",)),
        },
    )
    assert delivery_sources(_graph([d, src])).by_resource[d.id] == [src]
    other = make_node(
        "aws_cloudwatch_log_delivery_source.o",
        "aws_cloudwatch_log_delivery_source",
        {
            "log_type": "APPLICATION_LOGS",
            "resource_arn": Unknown("x", refs=("aws_cloudfront_distribution.d",)),
        },
    )
    assert d.id not in delivery_sources(_graph([d, other])).by_resource


def test_unloaded_modules() -> None:
    remote = make_node("module.vpc", "module", {}, category="module", meta={"loaded": False})
    local = make_node("module.db", "module", {}, category="module", meta={"loaded": True})
    stack = make_node("Child", "AWS::CloudFormation::Stack", {}, language="cloudformation")
    assert unloaded_modules(_graph([remote, local, stack])) == [remote, stack]

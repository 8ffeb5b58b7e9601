"""Where logs go: trails and their buckets and log groups, flow logs, log destinations.

The LOG rules and the evidence pack ask the same questions about logging:
which bucket a CloudTrail trail delivers to, which log group it streams to,
which VPCs have a flow log, and which buckets are themselves log
destinations (so that S3 access logging is not demanded of them).  This view
answers them once per graph.

Every answer keeps the project's unknown semantics: a destination written as
a value that cannot be resolved (a variable without default, a parameter,
``Fn::ImportValue``) might be any bucket of its scope, so the view records
the scope as *uncertain* instead of guessing.  Matching follows graph edges
(references and the engine's ``literal`` edges) first, then known strings:
a bucket name, an S3 ARN (``arn:aws:s3:::name/prefix``), an ``s3://name/``
URI or a bucket domain name (``name.s3.amazonaws.com``, as CloudFront's
logging configuration spells it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Attr, Node, Path, Unknown, contains_unknown, to_bool

BUCKET = "AWS::S3::Bucket"
TRAIL = "AWS::CloudTrail::Trail"
LOG_GROUP = "AWS::Logs::LogGroup"
VPC = "AWS::EC2::VPC"
FLOW_LOG = "AWS::EC2::FlowLog"

#: resource categories that stand for a real object (an edge to one of these
#: attributes the value to something that is not a bucket of the configuration)
_OBJECT_CATEGORIES = ("resource", "data")

_S3_DOMAIN = re.compile(
    r"^([a-z0-9][a-z0-9.\-]*?)\.s3(?:[.\-](?:dualstack\.)?[a-z0-9\-]+)?\.amazonaws\.com(?:\.cn)?/?$"
)


def maybe_absent(node: Node) -> bool:
    """The node may not exist: unknown ``count``/``for_each`` or unknown CFN ``Condition``."""
    if node.meta.get("count_unknown"):
        return True
    return "condition_value" in node.meta and node.meta["condition_value"] is None


def bucket_name_from(value: str) -> str | None:
    """The bucket a string names: a plain name, an S3 ARN, an ``s3://`` URI or a domain name.

    Returns None for strings that are ARNs of other services.
    """
    text = value.strip()
    if not text:
        return None
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) == 6 and parts[2] == "s3":
            name = parts[5].split("/", 1)[0]
            return name or None
        return None
    if text.startswith("s3://"):
        name = text[5:].split("/", 1)[0]
        return name or None
    m = _S3_DOMAIN.match(text.lower())
    if m:
        return m.group(1)
    if "/" in text or ":" in text:
        return None
    return text


# --------------------------------------------------------------------------
# Attribute -> nodes it names
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """What one attribute names: nodes of the wanted kind, and whether that is all."""

    nodes: tuple[Node, ...]
    #: True when the value cannot be attributed (it might name any node of the scope)
    uncertain: bool = False
    #: True when the attribute is not written (or null)
    missing: bool = False


def _edges_from(graph: ResourceGraph, node: Node, path: Path) -> list[tuple[Any, Node]]:
    """Outgoing edges whose source path starts with ``path`` exactly (indexes included)."""
    out = []
    n = len(path)
    for edge, other in graph.edges(node, "out", edge_kind=("ref", "literal")):
        if tuple(edge.src_path[:n]) == tuple(path):
            out.append((edge, other))
    return out


class _NameIndex:
    """Nodes of one kind by (scope, name), for matching literal names."""

    def __init__(self, graph: ResourceGraph, kind: str, name_of: Any) -> None:
        self.by_name: dict[tuple[str, str], list[Node]] = defaultdict(list)
        for n in graph.nodes(kind):
            for name in name_of(n):
                self.by_name[(n.scope, name)].append(n)

    def get(self, scope: str, name: str) -> list[Node]:
        return self.by_name.get((scope, name), [])


def _bucket_names(node: Node) -> list[str]:
    v = node.get(tf="bucket", cfn="BucketName")
    return [v] if isinstance(v, str) and v else []


def resolve_attr(
    graph: ResourceGraph,
    attr: Attr,
    kind: str,
    names: _NameIndex | None = None,
    *,
    normalise: Any = None,
) -> Resolved:
    """The nodes of ``kind`` that ``attr`` names, by edge first, then by literal name."""
    if attr.missing:
        return Resolved((), missing=True)
    node = attr.node
    edges = _edges_from(graph, node, attr.path)
    hits = {o.id: o for _, o in edges if o.kind == kind}
    if hits:
        return Resolved(tuple(hits[k] for k in sorted(hits)))
    found: dict[str, Node] = {}
    unknown = False
    for value in _leaves(attr.value):
        if isinstance(value, Unknown):
            unknown = True
            continue
        if not isinstance(value, str) or names is None:
            continue
        name = normalise(value) if normalise is not None else value
        if name:
            for n in names.get(node.scope, name):
                found[n.id] = n
    if found:
        return Resolved(tuple(found[k] for k in sorted(found)))
    if unknown:
        # attributed elsewhere when the value derives from a real object that is not `kind`
        others = [o for _, o in edges if o.category in _OBJECT_CATEGORIES and o.kind != kind]
        return Resolved((), uncertain=not others)
    return Resolved(())


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


# --------------------------------------------------------------------------
# Trails
# --------------------------------------------------------------------------


@dataclass
class TrailInfo:
    """One CloudTrail trail with its delivery targets as far as they are known."""

    trail: Node
    #: buckets of the configuration the trail delivers to
    buckets: tuple[Node, ...]
    #: the bucket is named by something that cannot be attributed
    bucket_uncertain: bool
    #: log groups of the configuration the trail streams to
    log_groups: tuple[Node, ...]
    #: "none": no CloudWatch Logs delivery; "resolved": groups found; "unresolved": set
    #: but not attributable to a group of the configuration
    log_group_state: Literal["none", "resolved", "unresolved"]

    @property
    def bucket_attr(self) -> Attr:
        return self.trail.attr(tf="s3_bucket_name", cfn="S3BucketName")

    @property
    def log_group_attr(self) -> Attr:
        return self.trail.attr(tf="cloud_watch_logs_group_arn", cfn="CloudWatchLogsLogGroupArn")

    @property
    def logging(self) -> bool | None:
        """Whether the trail records events: ``enable_logging`` (default true) / ``IsLogging``."""
        a = self.trail.attr(tf="enable_logging", cfn="IsLogging")
        if a.missing:
            return True
        if a.unknown:
            return None
        return to_bool(a.value)


def _log_group_names(node: Node) -> list[str]:
    v = node.get(tf="name", cfn="LogGroupName")
    return [v] if isinstance(v, str) and v else []


def _log_group_from_arn(value: str) -> str | None:
    if value.startswith("arn:"):
        parts = value.split(":")
        # arn:aws:logs:region:account:log-group:NAME[:*]
        if len(parts) >= 7 and parts[2] == "logs" and parts[5] == "log-group":
            return parts[6]
        return None
    return value


def _build_trails(graph: ResourceGraph) -> list[TrailInfo]:
    buckets = _NameIndex(graph, BUCKET, _bucket_names)
    groups = _NameIndex(graph, LOG_GROUP, _log_group_names)
    out = []
    for t in graph.nodes(TRAIL):
        b = resolve_attr(
            graph,
            t.attr(tf="s3_bucket_name", cfn="S3BucketName"),
            BUCKET,
            buckets,
            normalise=bucket_name_from,
        )
        g_attr = t.attr(tf="cloud_watch_logs_group_arn", cfn="CloudWatchLogsLogGroupArn")
        g = resolve_attr(graph, g_attr, LOG_GROUP, groups, normalise=_log_group_from_arn)
        state: Literal["none", "resolved", "unresolved"]
        if g.missing or (isinstance(g_attr.value, str) and not g_attr.value.strip()):
            state = "none"
        elif g.nodes:
            state = "resolved"
        else:
            state = "unresolved"
        out.append(
            TrailInfo(
                trail=t,
                buckets=b.nodes,
                bucket_uncertain=b.uncertain or (not b.nodes and not b.missing),
                log_groups=g.nodes,
                log_group_state=state,
            )
        )
    return out


def trails(graph: ResourceGraph) -> list[TrailInfo]:
    """Every trail with its bucket and log group (built once per graph)."""
    result: list[TrailInfo] = graph.view("logging.trails", _build_trails)
    return result


# --------------------------------------------------------------------------
# Log destinations (buckets that receive logs)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogDelivery:
    """A resource that writes logs into a bucket, and the attribute that says so."""

    source: Node
    path: Path
    what: str


@dataclass
class LogDestinations:
    """Buckets that receive logs of other resources."""

    by_bucket: dict[str, list[LogDelivery]] = field(default_factory=dict)
    #: scopes holding a log delivery whose bucket cannot be attributed
    uncertain_scopes: dict[str, list[LogDelivery]] = field(default_factory=dict)

    def deliveries(self, bucket: Node) -> list[LogDelivery]:
        return self.by_bucket.get(bucket.id, [])

    def is_destination(self, bucket: Node) -> bool | None:
        """True: a log destination; None: it might be one; False: it is not."""
        if self.by_bucket.get(bucket.id):
            return True
        if _WAF_LOG_BUCKET.match(str(bucket.get(tf="bucket", cfn="BucketName") or "")):
            return True
        if bucket.scope in self.uncertain_scopes:
            return None
        return False


#: WAF requires its S3 log destinations to be named aws-waf-logs-*
_WAF_LOG_BUCKET = re.compile(r"^aws-waf-logs-")


@dataclass(frozen=True)
class _Source:
    """Where a kind of resource names the bucket its logs go to."""

    kinds: tuple[str, ...]
    language: Literal["terraform", "cloudformation"]
    path: str
    what: str
    #: an unresolved value makes the scope uncertain (the attribute can only name a bucket)
    s3_only: bool = True


_SOURCES: tuple[_Source, ...] = (
    # S3 server access logging targets
    _Source(("aws_s3_bucket_logging",), "terraform", "target_bucket", "S3 server access logs"),
    _Source((BUCKET,), "terraform", "logging[].target_bucket", "S3 server access logs"),
    _Source(
        (BUCKET,),
        "cloudformation",
        "LoggingConfiguration.DestinationBucketName",
        "S3 server access logs",
    ),
    # load balancers
    _Source(
        ("AWS::ElasticLoadBalancingV2::LoadBalancer",),
        "terraform",
        "access_logs[].bucket",
        "load balancer access logs",
    ),
    _Source(
        ("AWS::ElasticLoadBalancingV2::LoadBalancer",),
        "terraform",
        "connection_logs[].bucket",
        "load balancer connection logs",
    ),
    _Source(
        ("AWS::ElasticLoadBalancing::LoadBalancer",),
        "terraform",
        "access_logs[].bucket",
        "load balancer access logs",
    ),
    _Source(
        ("AWS::ElasticLoadBalancing::LoadBalancer",),
        "cloudformation",
        "AccessLoggingPolicy.S3BucketName",
        "load balancer access logs",
    ),
    # CloudFront standard logging (legacy)
    _Source(
        ("AWS::CloudFront::Distribution",),
        "terraform",
        "logging_config[].bucket",
        "CloudFront access logs",
    ),
    _Source(
        ("AWS::CloudFront::Distribution",),
        "cloudformation",
        "DistributionConfig.Logging.Bucket",
        "CloudFront access logs",
    ),
    # Redshift audit logging
    _Source(
        ("AWS::Redshift::Cluster",), "terraform", "logging[].bucket_name", "Redshift audit logs"
    ),
    _Source(("aws_redshift_logging",), "terraform", "bucket_name", "Redshift audit logs"),
    _Source(
        ("AWS::Redshift::Cluster",),
        "cloudformation",
        "LoggingProperties.BucketName",
        "Redshift audit logs",
    ),
    # EMR
    _Source(("aws_emr_cluster",), "terraform", "log_uri", "EMR logs"),
    _Source(("AWS::EMR::Cluster",), "cloudformation", "LogUri", "EMR logs"),
    # MSK broker logs
    _Source(
        ("AWS::MSK::Cluster",),
        "terraform",
        "logging_info[].broker_logs[].s3[].bucket",
        "MSK broker logs",
    ),
    _Source(
        ("AWS::MSK::Cluster",),
        "cloudformation",
        "LoggingInfo.BrokerLogs.S3.Bucket",
        "MSK broker logs",
    ),
    # Network Firewall
    _Source(
        ("aws_networkfirewall_logging_configuration",),
        "terraform",
        "logging_configuration[].log_destination_config[].log_destination.bucketName",
        "Network Firewall logs",
    ),
    _Source(
        ("AWS::NetworkFirewall::LoggingConfiguration",),
        "cloudformation",
        "LoggingConfiguration.LogDestinationConfigs[].LogDestination.bucketName",
        "Network Firewall logs",
    ),
    # ARNs that may name other services: an unresolved one does not make the scope uncertain
    _Source(
        ("aws_route53_resolver_query_log_config",),
        "terraform",
        "destination_arn",
        "Route 53 Resolver query logs",
        s3_only=False,
    ),
    _Source(
        ("AWS::Route53Resolver::ResolverQueryLoggingConfig",),
        "cloudformation",
        "DestinationArn",
        "Route 53 Resolver query logs",
        s3_only=False,
    ),
    _Source(
        ("aws_wafv2_web_acl_logging_configuration",),
        "terraform",
        "log_destination_configs",
        "WAF logs",
        s3_only=False,
    ),
    _Source(
        ("AWS::WAFv2::LoggingConfiguration",),
        "cloudformation",
        "LogDestinationConfigs",
        "WAF logs",
        s3_only=False,
    ),
    _Source(
        ("aws_cloudwatch_log_delivery_destination",),
        "terraform",
        "delivery_destination_configuration[].destination_resource_arn",
        "vended logs (CloudWatch Logs delivery)",
        s3_only=False,
    ),
    _Source(
        ("AWS::Logs::DeliveryDestination",),
        "cloudformation",
        "DestinationResourceArn",
        "vended logs (CloudWatch Logs delivery)",
        s3_only=False,
    ),
)

_ELBV2_BUCKET_KEYS = {
    "access_logs.s3.bucket": "load balancer access logs",
    "connection_logs.s3.bucket": "load balancer connection logs",
    "health_check_logs.s3.bucket": "load balancer health check logs",
}


def _flow_log_s3(node: Node) -> bool | None:
    """A flow log delivering to S3: True / False / None when the type is unknown."""
    t = node.attr(tf="log_destination_type", cfn="LogDestinationType")
    if t.missing:
        dest = node.get(tf="log_destination", cfn="LogDestination")
        if isinstance(dest, str):
            return dest.startswith("arn:") and dest.split(":")[2:3] == ["s3"]
        return False  # the default destination type is CloudWatch Logs
    if t.unknown:
        return None
    return str(t.value).lower() == "s3"


def _source_attrs(graph: ResourceGraph) -> Iterator[tuple[Attr, str, bool]]:
    """(attribute naming a log bucket, what is delivered, s3_only) for every log source."""
    for src in _SOURCES:
        for n in graph.nodes(src.kinds):
            if n.language != src.language:
                continue
            for a in n.attrs_at(src.path):
                if a.present:
                    yield a, src.what, src.s3_only
    for n in graph.nodes("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        if n.language != "cloudformation":
            continue
        attrs = n.attr("LoadBalancerAttributes")
        if not isinstance(attrs.value, list):
            continue
        for i, item in enumerate(attrs.value):
            if not isinstance(item, dict):
                continue
            key = item.get("Key")
            if isinstance(key, str) and key in _ELBV2_BUCKET_KEYS:
                a = Attr(n, ("LoadBalancerAttributes", i, "Value"), item.get("Value", MISSING))
                if a.present:
                    yield a, _ELBV2_BUCKET_KEYS[key], True
    for n in graph.nodes(FLOW_LOG):
        s3 = _flow_log_s3(n)
        if s3 is False:
            continue
        a = n.attr(tf="log_destination", cfn="LogDestination")
        if a.present:
            yield a, "VPC flow logs", s3 is True


def _build_destinations(graph: ResourceGraph) -> LogDestinations:
    names = _NameIndex(graph, BUCKET, _bucket_names)
    out = LogDestinations()
    for attr, what, s3_only in _source_attrs(graph):
        delivery = LogDelivery(attr.node, attr.path, what)
        r = resolve_attr(graph, attr, BUCKET, names, normalise=bucket_name_from)
        for b in r.nodes:
            out.by_bucket.setdefault(b.id, []).append(delivery)
        if r.uncertain and s3_only:
            out.uncertain_scopes.setdefault(attr.node.scope, []).append(delivery)
    # CloudFormation: LoggingConfiguration without DestinationBucketName logs into the bucket itself
    for b in graph.nodes(BUCKET):
        if b.language == "cloudformation":
            cfg = b.attr("LoggingConfiguration")
            if cfg.present and not cfg.unknown and cfg.child("DestinationBucketName").missing:
                out.by_bucket.setdefault(b.id, []).append(
                    LogDelivery(b, cfg.path, "S3 server access logs")
                )
    return out


def log_destinations(graph: ResourceGraph) -> LogDestinations:
    """Buckets that receive logs (built once per graph)."""
    result: LogDestinations = graph.view("logging.destinations", _build_destinations)
    return result


# --------------------------------------------------------------------------
# VPC flow logs
# --------------------------------------------------------------------------


@dataclass
class FlowLogIndex:
    """Flow logs by the VPC they capture."""

    by_vpc: dict[str, list[Node]] = field(default_factory=dict)
    #: scopes with a VPC-level flow log whose VPC cannot be attributed
    uncertain_scopes: dict[str, list[Node]] = field(default_factory=dict)

    def of(self, vpc: Node) -> list[Node]:
        return self.by_vpc.get(vpc.id, [])


def _vpc_ids(node: Node) -> list[str]:
    v = node.attrs.get("id") or node.attrs.get("VpcId")
    return [v] if isinstance(v, str) and v else []


def _build_flow_logs(graph: ResourceGraph) -> FlowLogIndex:
    ids = _NameIndex(graph, VPC, _vpc_ids)
    out = FlowLogIndex()
    for fl in graph.nodes(FLOW_LOG):
        if fl.language == "cloudformation":
            rtype = fl.attr("ResourceType")
            if rtype.known and str(rtype.value).upper() != "VPC":
                continue
            attr = fl.attr("ResourceId")
        else:
            attr = fl.attr("vpc_id")
        if attr.missing:
            continue
        r = resolve_attr(graph, attr, VPC, ids)
        for v in r.nodes:
            out.by_vpc.setdefault(v.id, []).append(fl)
        if r.uncertain or (not r.nodes and contains_unknown(attr.value)):
            out.uncertain_scopes.setdefault(fl.scope, []).append(fl)
    return out


def flow_logs(graph: ResourceGraph) -> FlowLogIndex:
    """VPC flow logs by VPC (built once per graph)."""
    result: FlowLogIndex = graph.view("logging.flow_logs", _build_flow_logs)
    return result


def flow_log_destination_groups(graph: ResourceGraph, flow_log: Node) -> Resolved:
    """The log groups a flow log delivers to (CloudWatch Logs destination)."""
    groups = graph.view(
        "logging.log_group_names", lambda g: _NameIndex(g, LOG_GROUP, _log_group_names)
    )
    s3 = _flow_log_s3(flow_log)
    if s3 is not False:
        return Resolved((), uncertain=s3 is None)
    if flow_log.language == "terraform":
        a = flow_log.attr("log_destination")
        if a.missing:
            a = flow_log.attr("log_group_name")
    else:
        a = flow_log.attr("LogDestination")
        if a.missing:
            a = flow_log.attr("LogGroupName")
    return resolve_attr(graph, a, LOG_GROUP, groups, normalise=_log_group_from_arn)


def nodes_by_id(nodes: Iterable[Node]) -> dict[str, Node]:
    return {n.id: n for n in nodes}


__all__ = [
    "FlowLogIndex",
    "LogDelivery",
    "LogDestinations",
    "Resolved",
    "TrailInfo",
    "bucket_name_from",
    "flow_log_destination_groups",
    "flow_logs",
    "log_destinations",
    "maybe_absent",
    "resolve_attr",
    "trails",
]

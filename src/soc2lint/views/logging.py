"""Where logs go: trails and their buckets and log groups, flow logs, log destinations.

The LOG rules and the evidence pack ask the same questions about logging:
which bucket a CloudTrail trail delivers to and under which key prefix,
which log group it streams to, which VPCs have a flow log, which buckets are
themselves log destinations (so that S3 access logging is not demanded of
them), and whether a bucket keeps what it receives long enough.  This view
answers them once per graph.

Every answer keeps the project's unknown semantics: a destination written as
a value that cannot be resolved (a variable without default, a parameter,
``Fn::ImportValue``, the output of a module that was not loaded) might be any
bucket of its scope, so the view records the scope as *uncertain* instead of
guessing.  A value that derives from another object of the configuration
that is not of the wanted kind (a bucket policy, a data source of another
type) is attributed to that object, not to "anything".  Matching follows
graph edges (references and the engine's ``literal`` edges) and the
references an unknown value carries, then known strings: a bucket name, an
S3 ARN (``arn:aws:s3:::name/prefix``), an ``s3://name/`` URI or a bucket
domain name (``name.s3.amazonaws.com``, as CloudFront's logging
configuration spells it); a log group name or ARN.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import field
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Attr, Node, Path, Unknown, to_bool
from ..record import record
from .modules import unloaded_modules
from .s3 import LifecycleRule, ObjectLock, Source, bucket_view

BUCKET = "AWS::S3::Bucket"
TRAIL = "AWS::CloudTrail::Trail"
LOG_GROUP = "AWS::Logs::LogGroup"
VPC = "AWS::EC2::VPC"
FLOW_LOG = "AWS::EC2::FlowLog"
DISTRIBUTION = "AWS::CloudFront::Distribution"
#: CloudWatch Logs delivery sources (vended logs, CloudFront standard logging v2)
DELIVERY_SOURCE_KINDS = ("aws_cloudwatch_log_delivery_source", "AWS::Logs::DeliverySource")

#: node categories that stand for a real object (an edge to one of these attributes
#: the value to that object)
_OBJECT_CATEGORIES = ("resource", "data")

#: kind -> the Terraform data source that may look up an object of that kind
_DATA_LOOKUPS: dict[str, tuple[str, ...]] = {
    BUCKET: ("data.aws_s3_bucket",),
    LOG_GROUP: ("data.aws_cloudwatch_log_group", "data.aws_cloudwatch_log_groups"),
    VPC: ("data.aws_vpc", "data.aws_vpcs"),
}

_S3_DOMAIN = re.compile(
    r"^([a-z0-9][a-z0-9.\-]*?)\.s3(?:[.\-](?:dualstack\.)?[a-z0-9\-]+)?\.amazonaws\.com(?:\.cn)?/?$"
)

Tri = bool | None


def bucket_name_from(value: str) -> str | None:
    """The bucket a string names: a plain name, an S3 ARN, an ``s3://`` URI or a domain name.

    Returns None for strings that are ARNs of other services or paths.
    """
    text = value.strip()
    if not text:
        return None
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) == 6 and parts[2] == "s3" and not parts[3] and not parts[4]:
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


def bucket_key_prefix_from(value: Any) -> str | Unknown | None:
    """The folder inside the bucket an S3 ARN or URI names (``arn:aws:s3:::b/flow`` -> ``flow``).

    ``""`` when it names the bucket itself, None when the value is not an S3 location.
    """
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[2] != "s3":
            return None
        rest = parts[5]
    elif text.startswith("s3://"):
        rest = text[5:]
    else:
        return None
    _, _, folder = rest.partition("/")
    return folder.strip("/")


def log_group_name_from(value: str) -> str | None:
    """The log group a name or ARN names (``arn:aws:logs:r:a:log-group:NAME[:*]``)."""
    text = value.strip()
    if text.startswith("arn:"):
        parts = text.split(":")
        if len(parts) >= 7 and parts[2] == "logs" and parts[5] == "log-group":
            return parts[6] or None
        return None
    return text or None


# --------------------------------------------------------------------------
# Attribute -> nodes it names
# --------------------------------------------------------------------------


@record(frozen=True)
class Resolved:
    """What one attribute names: nodes of the wanted kind, and whether that is all."""

    nodes: tuple[Node, ...]
    #: True when the value cannot be attributed (it might name a node of the scope)
    uncertain: bool = False
    #: True when the attribute is not written (or null)
    missing: bool = False
    #: literal names the value gives (normalised), matched or not
    names: tuple[str, ...] = ()


class NameIndex:
    """Nodes of one kind by (scope, name), for matching literal names."""

    def __init__(
        self, graph: ResourceGraph, kind: str, name_of: Callable[[Node], list[str]]
    ) -> None:
        self.by_name: dict[tuple[str, str], list[Node]] = defaultdict(list)
        for n in graph.nodes(kind):
            for name in name_of(n):
                self.by_name[(n.scope, name)].append(n)

    def get(self, scope: str, name: str) -> list[Node]:
        return self.by_name.get((scope, name), [])


def _bucket_names(node: Node) -> list[str]:
    v = node.get(tf="bucket", cfn="BucketName")
    return [v] if isinstance(v, str) and v else []


def _log_group_names(node: Node) -> list[str]:
    v = node.get(tf="name", cfn="LogGroupName")
    return [v] if isinstance(v, str) and v else []


def _vpc_ids(node: Node) -> list[str]:
    out = []
    for key in ("id", "VpcId"):
        v = node.attrs.get(key)
        if isinstance(v, str) and v:
            out.append(v)
    return out


def bucket_index(graph: ResourceGraph) -> NameIndex:
    index: NameIndex = graph.view(
        "logging.bucket_names", lambda g: NameIndex(g, BUCKET, _bucket_names)
    )
    return index


def log_group_index(graph: ResourceGraph) -> NameIndex:
    index: NameIndex = graph.view(
        "logging.log_group_names", lambda g: NameIndex(g, LOG_GROUP, _log_group_names)
    )
    return index


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def resolve_attr(
    graph: ResourceGraph,
    attr: Attr,
    kind: str,
    names: NameIndex | None = None,
    *,
    normalise: Callable[[str], str | None] | None = None,
) -> Resolved:
    """The nodes of ``kind`` that ``attr`` names: by edge, by an unknown's refs, by literal name."""
    if attr.missing:
        return Resolved((), missing=True)
    node = attr.node
    n = len(attr.path)
    hits: dict[str, Node] = {}
    others: list[Node] = []
    for edge, other in graph.edges(node, "out", edge_kind=("ref", "literal")):
        if tuple(edge.src_path[:n]) != tuple(attr.path):
            continue
        if other.kind == kind:
            hits[other.id] = other
        else:
            others.append(other)
    unknown = False
    found_names: list[str] = []
    for value in _leaves(attr.value):
        if isinstance(value, Unknown):
            unknown = True
            for ref in value.refs:
                target = graph.find(node.scope, ref)
                if target is None:
                    continue
                if target.kind == kind:
                    hits[target.id] = target
                else:
                    others.append(target)
            continue
        if not isinstance(value, str):
            continue
        name = normalise(value) if normalise is not None else value
        if not name:
            continue
        found_names.append(name)
        if names is not None:
            for t in names.get(node.scope, name):
                hits[t.id] = t
    if hits:
        return Resolved(tuple(hits[k] for k in sorted(hits)), names=tuple(found_names))
    if unknown:
        lookups = _DATA_LOOKUPS.get(kind, ())
        attributed = any(o.category in _OBJECT_CATEGORIES and o.kind not in lookups for o in others)
        return Resolved((), uncertain=not attributed, names=tuple(found_names))
    return Resolved((), names=tuple(found_names))


# --------------------------------------------------------------------------
# Trails
# --------------------------------------------------------------------------


@record
class TrailInfo:
    """One CloudTrail trail with its delivery targets as far as they are known."""

    trail: Node
    #: buckets of the configuration the trail delivers to
    buckets: tuple[Node, ...]
    #: the bucket is named by something that is not a bucket of the configuration
    #: (an external bucket, or a value that cannot be resolved)
    bucket_unresolved: bool
    #: log groups of the configuration the trail streams to
    log_groups: tuple[Node, ...]
    #: log group names the trail's ARN gives, whether or not the group is configured here
    log_group_names: tuple[str, ...]
    #: "none": no CloudWatch Logs delivery; "resolved": groups or names found;
    #: "unresolved": set, but to a value that cannot be read
    log_group_state: Literal["none", "resolved", "unresolved"]

    @property
    def bucket_attr(self) -> Attr:
        return self.trail.attr(tf="s3_bucket_name", cfn="S3BucketName")

    @property
    def log_group_attr(self) -> Attr:
        return self.trail.attr(tf="cloud_watch_logs_group_arn", cfn="CloudWatchLogsLogGroupArn")

    @property
    def key_prefix(self) -> str | Unknown:
        """The key prefix the trail writes under (``""`` when none)."""
        v = self.trail.get(tf="s3_key_prefix", cfn="S3KeyPrefix")
        if v is None:
            return ""
        if isinstance(v, str | Unknown):
            return v
        return Unknown(repr(v))

    @property
    def log_key_prefix(self) -> str | Unknown:
        """Where the trail's log files land in its bucket: ``[prefix/]AWSLogs/``."""
        p = self.key_prefix
        if isinstance(p, Unknown):
            return p
        p = p.strip("/")
        return f"{p}/AWSLogs/" if p else "AWSLogs/"

    @property
    def logging(self) -> Tri:
        """Whether the trail records events: ``enable_logging`` (default true) / ``IsLogging``.

        ``IsLogging`` is required in CloudFormation; when it is absent the
        template cannot be deployed, and the trail is not held against it.
        """
        a = self.trail.attr(tf="enable_logging", cfn="IsLogging")
        if a.missing:
            return True
        if a.unknown:
            return None
        return to_bool(a.value)

    @property
    def multi_region(self) -> Tri:
        """``is_multi_region_trail`` / ``IsMultiRegionTrail``, default false."""
        a = self.trail.attr(tf="is_multi_region_trail", cfn="IsMultiRegionTrail")
        if a.missing:
            return False
        if a.unknown:
            return None
        return to_bool(a.value)


def _build_trails(graph: ResourceGraph) -> list[TrailInfo]:
    buckets = bucket_index(graph)
    groups = log_group_index(graph)
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
        g = resolve_attr(graph, g_attr, LOG_GROUP, groups, normalise=log_group_name_from)
        state: Literal["none", "resolved", "unresolved"]
        if g.missing or (isinstance(g_attr.value, str) and not g_attr.value.strip()):
            state = "none"
        elif g.nodes or (g.names and not g.uncertain):
            state = "resolved"
        else:
            state = "unresolved"
        out.append(
            TrailInfo(
                trail=t,
                buckets=b.nodes,
                bucket_unresolved=not b.nodes,
                log_groups=g.nodes,
                log_group_names=g.names,
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


@record(frozen=True)
class LogDelivery:
    """A resource that writes logs into a bucket, and the attribute that says so."""

    source: Node
    path: Path
    what: str


@record
class LogDestinations:
    """Buckets that receive logs of other resources (CloudTrail is deliberately not counted)."""

    by_bucket: dict[str, list[LogDelivery]] = field(default_factory=dict)
    #: scopes holding a log delivery whose bucket cannot be attributed
    uncertain_scopes: dict[str, list[LogDelivery]] = field(default_factory=dict)

    def is_destination(self, bucket: Node) -> Tri:
        """True: a log destination; None: it might be one; False: it is not."""
        if self.by_bucket.get(bucket.id):
            return True
        if _WAF_LOG_BUCKET.match(str(bucket.get(tf="bucket", cfn="BucketName") or "")):
            return True
        if bucket.scope in self.uncertain_scopes:
            return None
        return False


#: WAF requires the S3 buckets it logs to to be named aws-waf-logs-*
_WAF_LOG_BUCKET = re.compile(r"^aws-waf-logs-")


@record(frozen=True)
class _Source:
    """Where a kind of resource names the bucket its logs go to."""

    kinds: tuple[str, ...]
    language: Literal["terraform", "cloudformation"]
    path: str
    what: str
    #: an unresolved value makes the scope uncertain (False: the attribute can also
    #: name a destination that is not a bucket, such as a log group or a stream)
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
    _Source((DISTRIBUTION,), "terraform", "logging_config[].bucket", "CloudFront access logs"),
    _Source(
        (DISTRIBUTION,),
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
    # Global Accelerator flow logs
    _Source(
        ("aws_globalaccelerator_accelerator",),
        "terraform",
        "attributes[].flow_logs_s3_bucket",
        "Global Accelerator flow logs",
    ),
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


def flow_log_to_s3(node: Node) -> Tri:
    """A flow log delivering to S3: True / False / None when the type is unknown."""
    t = node.attr(tf="log_destination_type", cfn="LogDestinationType")
    if t.missing:
        # the default destination type is CloudWatch Logs (provider and EC2 API)
        return False
    if t.unknown:
        return None
    return str(t.value).lower() == "s3"


def elbv2_attribute(node: Node, key: str) -> Attr | None:
    """The ``Value`` of a CloudFormation ELBv2 ``LoadBalancerAttributes`` entry, if written."""
    attrs = node.attr("LoadBalancerAttributes")
    if not isinstance(attrs.value, list):
        return None
    found: Attr | None = None
    for i, item in enumerate(attrs.value):
        if isinstance(item, dict) and item.get("Key") == key:
            found = Attr(node, ("LoadBalancerAttributes", i, "Value"), item.get("Value", MISSING))
    return found


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
        for key, what in _ELBV2_BUCKET_KEYS.items():
            value = elbv2_attribute(n, key)
            if value is not None and value.present:
                yield value, what, True
    for n in graph.nodes(FLOW_LOG):
        s3 = flow_log_to_s3(n)
        if s3 is False:
            continue
        a = n.attr(tf="log_destination", cfn="LogDestination")
        if a.present:
            yield a, "VPC flow logs", s3 is True


#: who writes logs into a bucket, as its ACL or bucket policy names them (lower case)
_LOG_WRITER_MARKERS: tuple[tuple[str, str], ...] = (
    ("log-delivery-write", "S3 server access logs (log-delivery-write ACL)"),
    ("logdeliverywrite", "S3 server access logs (LogDeliveryWrite ACL)"),
    ("acs.amazonaws.com/groups/s3/logdelivery", "S3 server access logs (LogDelivery grant)"),
    ("logging.s3.amazonaws.com", "S3 server access logs (bucket policy)"),
    ("delivery.logs.amazonaws.com", "vended logs (bucket policy for delivery.logs)"),
    ("logdelivery.elasticloadbalancing.amazonaws.com", "load balancer access logs (policy)"),
    ("aws_elb_service_account", "load balancer access logs (policy for the ELB account)"),
    ("aws_cloudfront_log_delivery_canonical_user_id", "CloudFront access logs (ACL grant)"),
    # the awslogsdelivery account CloudFront standard logging (legacy) writes as
    (
        "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0",
        "CloudFront access logs (ACL grant)",
    ),
)

#: the accounts Elastic Load Balancing writes access logs from, by region (regions opened
#: before August 2022; later ones use logdelivery.elasticloadbalancing.amazonaws.com), as
#: listed in "Attach a policy to your S3 bucket" of the Elastic Load Balancing guide
#: (docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html)
ELB_LOG_ACCOUNTS = (
    "127311923021",
    "033677994240",
    "027434742980",
    "797873946194",
    "098369216593",
    "985666609251",
    "054676820928",
    "156460612806",
    "652711504416",
    "635631232127",
    "009996457667",
    "897822967062",
    "754344448648",
    "582318560864",
    "600734575887",
    "383597477331",
    "114774131450",
    "783225319266",
    "718504428378",
    "076674570225",
    "507241528517",
    "048591011584",
    "190560391635",
    "638102146993",
    "037604701340",
)


#: the principals ELB_LOG_ACCOUNTS' policies name
_ELB_ROOTS = tuple(f"::{a}:root" for a in ELB_LOG_ACCOUNTS)


def _text(graph: ResourceGraph, node: Node, value: Any) -> str:
    """A value as searchable text; unknown policy documents through the node they come from."""
    parts: list[str] = []
    leaves: list[Any] = []
    _collect_values(value, leaves)
    for leaf in leaves:
        if isinstance(leaf, Unknown):
            parts.append(leaf.expr)
            parts.extend(leaf.refs)
            for ref in leaf.refs:
                target = graph.find(node.scope, ref)
                if target is not None and target.kind == "data.aws_iam_policy_document":
                    parts.append(_text(graph, target, target.attrs.get("document")))
        else:
            parts.append(str(leaf))
    return "\n".join(parts).lower()


def _collect_values(value: Any, out: list[Any]) -> None:
    """The keys and leaf values of ``value``, depth first, into ``out`` (a list, not a
    generator: every bucket's policies go through here)."""
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            _collect_values(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect_values(v, out)
    elif value is not None and value is not MISSING:
        out.append(value)


def _log_writer_evidence(graph: ResourceGraph, bucket: Node) -> LogDelivery | None:
    """The bucket's ACL or policy lets a log delivery service write into it."""
    view = bucket_view(graph, bucket)
    places: list[tuple[Node, Path, Any]] = []
    for key in ("acl", "grant", "AccessControl"):
        a = bucket.attr(key)
        if a.present:
            places.append((bucket, a.path, a.value))
    for cfg in view.linked.get("aws_s3_bucket_acl", []):
        places.append((cfg, (), cfg.attrs))
    for s in view.policies():
        places.append((s.source.node, s.source.path, s.value))
    for node, path, value in places:
        text = _text(graph, node, value)
        for marker, what in _LOG_WRITER_MARKERS:
            if marker in text:
                return LogDelivery(node, path, what)
        if any(root in text for root in _ELB_ROOTS):
            return LogDelivery(node, path, "load balancer access logs (policy for the ELB account)")
    return None


def _replica_targets(graph: ResourceGraph, bucket: Node, names: NameIndex) -> list[Node]:
    """Buckets this bucket replicates into."""
    view = bucket_view(graph, bucket)
    attrs: list[Attr] = []
    if bucket.language == "terraform":
        attrs += bucket.attrs_at("replication_configuration[].rules[].destination[].bucket")
        for cfg in view.linked.get("aws_s3_bucket_replication_configuration", []):
            attrs += cfg.attrs_at("rule[].destination[].bucket")
    else:
        attrs += bucket.attrs_at("ReplicationConfiguration.Rules[].Destination.Bucket")
    out: dict[str, Node] = {}
    for a in attrs:
        for t in resolve_attr(graph, a, BUCKET, names, normalise=bucket_name_from).nodes:
            if t.id != bucket.id:
                out[t.id] = t
    return list(out.values())


def _build_destinations(graph: ResourceGraph) -> LogDestinations:
    names = bucket_index(graph)
    out = LogDestinations()
    for attr, what, s3_only in _source_attrs(graph):
        delivery = LogDelivery(attr.node, attr.path, what)
        r = resolve_attr(graph, attr, BUCKET, names, normalise=bucket_name_from)
        for b in r.nodes:
            out.by_bucket.setdefault(b.id, []).append(delivery)
        if r.uncertain and s3_only:
            out.uncertain_scopes.setdefault(attr.node.scope, []).append(delivery)
    buckets = graph.nodes(BUCKET)
    for b in buckets:
        # CloudFormation: LoggingConfiguration without DestinationBucketName logs into itself
        if b.language == "cloudformation":
            cfg = b.attr("LoggingConfiguration")
            if cfg.present and not cfg.unknown and cfg.child("DestinationBucketName").missing:
                out.by_bucket.setdefault(b.id, []).append(
                    LogDelivery(b, cfg.path, "S3 server access logs")
                )
        if b.id not in out.by_bucket:
            evidence = _log_writer_evidence(graph, b)
            if evidence is not None:
                out.by_bucket.setdefault(b.id, []).append(evidence)
    # a replica of a log bucket receives the same logs
    for b in buckets:
        if b.id in out.by_bucket:
            for target in _replica_targets(graph, b, names):
                out.by_bucket.setdefault(target.id, []).append(
                    LogDelivery(b, (), f"replica of log bucket {b.address}")
                )
    return out


def log_destinations(graph: ResourceGraph) -> LogDestinations:
    """Buckets that receive logs (built once per graph)."""
    result: LogDestinations = graph.view("logging.destinations", _build_destinations)
    return result


# --------------------------------------------------------------------------
# VPC flow logs
# --------------------------------------------------------------------------


@record
class FlowLogIndex:
    """VPC-level flow logs by the VPC they capture."""

    by_vpc: dict[str, list[Node]] = field(default_factory=dict)
    #: scopes with a VPC-level flow log whose VPC cannot be attributed
    uncertain_scopes: dict[str, list[Node]] = field(default_factory=dict)

    def of(self, vpc: Node) -> list[Node]:
        return self.by_vpc.get(vpc.id, [])


def _flow_log_vpc_attr(fl: Node) -> Attr | None:
    """The attribute naming the VPC a flow log captures; None for subnet/ENI/TGW flow logs."""
    if fl.language == "cloudformation":
        rtype = fl.attr("ResourceType")
        if rtype.known and str(rtype.value).upper() != "VPC":
            return None
        return fl.attr("ResourceId")
    a = fl.attr("vpc_id")
    return None if a.missing else a


def _build_flow_logs(graph: ResourceGraph) -> FlowLogIndex:
    ids = NameIndex(graph, VPC, _vpc_ids)
    out = FlowLogIndex()
    for fl in graph.nodes(FLOW_LOG):
        attr = _flow_log_vpc_attr(fl)
        if attr is None or attr.missing:
            continue
        r = resolve_attr(graph, attr, VPC, ids)
        for v in r.nodes:
            out.by_vpc.setdefault(v.id, []).append(fl)
        if r.uncertain:
            out.uncertain_scopes.setdefault(fl.scope, []).append(fl)
    return out


def flow_logs(graph: ResourceGraph) -> FlowLogIndex:
    """VPC flow logs by VPC (built once per graph)."""
    result: FlowLogIndex = graph.view("logging.flow_logs", _build_flow_logs)
    return result


@record(frozen=True)
class FlowLogDestination:
    """Where a flow log delivers: CloudWatch Logs groups, or S3 buckets under a prefix."""

    type: Literal["cloudwatch", "s3", "other", "unknown"]
    attr: Attr
    resolved: Resolved
    #: S3 only: the prefix its log files land under (``[folder/]AWSLogs/``)
    log_key_prefix: str | Unknown | None = None


def flow_log_destination(graph: ResourceGraph, flow_log: Node) -> FlowLogDestination:
    """The log groups or buckets a flow log delivers to."""
    s3 = flow_log_to_s3(flow_log)
    dest = flow_log.attr(tf="log_destination", cfn="LogDestination")
    if s3 is None:
        return FlowLogDestination("unknown", dest, Resolved((), uncertain=True))
    if s3:
        r = resolve_attr(graph, dest, BUCKET, bucket_index(graph), normalise=bucket_name_from)
        folder = bucket_key_prefix_from(dest.value)
        prefix: str | Unknown | None
        if isinstance(folder, Unknown):
            prefix = folder
        elif folder is None:
            prefix = Unknown("flow log destination")
        else:
            prefix = f"{folder}/AWSLogs/" if folder else "AWSLogs/"
        return FlowLogDestination("s3", dest, r, prefix)
    t = flow_log.attr(tf="log_destination_type", cfn="LogDestinationType")
    if t.present and str(t.value).lower() not in ("cloud-watch-logs", "cloudwatch-logs"):
        return FlowLogDestination("other", dest, Resolved(()))
    a = dest
    if a.missing:
        a = flow_log.attr(tf="log_group_name", cfn="LogGroupName")
    r = resolve_attr(graph, a, LOG_GROUP, log_group_index(graph), normalise=log_group_name_from)
    return FlowLogDestination("cloudwatch", a, r)


# --------------------------------------------------------------------------
# CloudFront standard logging (v2): CloudWatch Logs delivery sources
# --------------------------------------------------------------------------


@record
class DeliverySources:
    """CloudWatch Logs delivery sources by the resource whose logs they deliver."""

    by_resource: dict[str, list[Node]] = field(default_factory=dict)
    #: scopes with a delivery source whose resource cannot be attributed
    uncertain_scopes: dict[str, list[Node]] = field(default_factory=dict)


def _build_delivery_sources(graph: ResourceGraph) -> DeliverySources:
    out = DeliverySources()
    for src in graph.nodes(DELIVERY_SOURCE_KINDS):
        log_type = src.attr(tf="log_type", cfn="LogType")
        if log_type.known and str(log_type.value).upper() != "ACCESS_LOGS":
            continue
        a = src.attr(tf="resource_arn", cfn="ResourceArn")
        r = resolve_attr(graph, a, DISTRIBUTION)
        for d in r.nodes:
            out.by_resource.setdefault(d.id, []).append(src)
        if r.uncertain or (not r.nodes and log_type.unknown):
            out.uncertain_scopes.setdefault(src.scope, []).append(src)
    return out


def delivery_sources(graph: ResourceGraph) -> DeliverySources:
    """Delivery sources of access logs by distribution (built once per graph)."""
    result: DeliverySources = graph.view("logging.delivery_sources", _build_delivery_sources)
    return result


# --------------------------------------------------------------------------
# How long a bucket keeps what it receives
# --------------------------------------------------------------------------


@record(frozen=True)
class Retention:
    """Whether a bucket keeps log files at least ``threshold`` days.

    ``status`` is ``ok``, ``fail`` or ``unknown``.  On failure ``source`` is
    where the wrong value is written (a lifecycle rule's expiration, an
    Object Lock default retention) or None when nothing is declared at all;
    ``detail`` says what was found, for messages.
    """

    status: Literal["ok", "fail", "unknown"]
    detail: str = ""
    source: Source | None = None


def _overlap(rule_prefix: str | Unknown | None, log_prefix: str | Unknown | None) -> Tri:
    """Whether a lifecycle rule limited to ``rule_prefix`` reaches keys under ``log_prefix``."""
    if rule_prefix is None or rule_prefix == "":
        return True
    if isinstance(rule_prefix, Unknown) or log_prefix is None or isinstance(log_prefix, Unknown):
        return None
    return log_prefix.startswith(rule_prefix) or rule_prefix.startswith(log_prefix)


def _rule_applies(rule: LifecycleRule, log_prefix: str | Unknown | None) -> Tri:
    if rule.enabled is False:
        return False
    if rule.tag_filter is True:
        # CloudTrail and flow log files carry no object tags
        return False
    overlap = _overlap(rule.prefix, log_prefix)
    if overlap is False:
        return False
    if rule.enabled is None or rule.tag_filter is None or overlap is None:
        return None
    return True


def _too_soon(rule: LifecycleRule, threshold: int) -> Tri:
    """The rule expires current objects before ``threshold`` days."""
    if rule.expiration_date is not None:
        # on that date every object the rule covers expires, however young
        return True
    days = rule.expiration_days
    if days is None:
        return False
    if isinstance(days, Unknown):
        return None
    return days < threshold


def lifecycle_retention(
    rules: list[LifecycleRule] | None, threshold: int, log_prefix: str | Unknown | None
) -> Retention:
    """Lifecycle rules' verdict: fail when an enabled rule covering the logs expires them early."""
    if rules is None:
        return Retention("unknown", "a lifecycle configuration cannot be attributed")
    uncertain = False
    for rule in rules:
        applies = _rule_applies(rule, log_prefix)
        if applies is False:
            continue
        soon = _too_soon(rule, threshold)
        if soon is False:
            continue
        if applies is True and soon is True:
            detail = (
                f"expires objects on {rule.expiration_date}"
                if rule.expiration_date is not None
                else f"expires objects after {rule.expiration_days} days"
            )
            path = rule.expiration_path or rule.source.path
            return Retention("fail", detail, Source(rule.source.node, path))
        uncertain = True
    return Retention("unknown" if uncertain else "ok")


def object_lock_retention(view_lock: ObjectLock | None, threshold: int) -> Retention:
    """Object Lock verdict: ok with a default retention of at least ``threshold`` days."""
    lock = view_lock
    if lock is None or lock.enabled is False:
        return Retention("fail", "no Object Lock")
    days = lock.days
    if isinstance(days, Unknown):
        return Retention("unknown", "Object Lock retention unknown")
    if days is None:
        return Retention("fail", "Object Lock without a default retention", lock.source)
    if days < threshold:
        return Retention("fail", f"Object Lock default retention of {days} days", lock.source)
    return Retention("ok" if lock.enabled else "unknown")


def bucket_retention(
    graph: ResourceGraph,
    bucket: Node,
    threshold: int,
    log_prefix: str | Unknown | None,
    *,
    require_declared: bool,
) -> Retention:
    """Whether ``bucket`` keeps log files under ``log_prefix`` at least ``threshold`` days.

    With ``require_declared`` (LOG005) the retention must be declared: an
    Object Lock default retention of at least the threshold, or a lifecycle
    configuration that expires nothing sooner; a bucket with neither fails.
    Without it (a flow log's bucket, LOG009) only a lifecycle rule that
    expires log files too soon fails.
    """
    view = bucket_view(graph, bucket)
    lock = object_lock_retention(view.object_lock(), threshold)
    if lock.status == "ok":
        return lock
    rules = view.lifecycle_rules()
    life = lifecycle_retention(rules, threshold, log_prefix)
    if life.status == "fail":
        return life if lock.status == "fail" else Retention("unknown", life.detail)
    if life.status == "unknown":
        return life
    if rules or not require_declared:
        return Retention("ok")
    if lock.status == "unknown":
        return lock
    if lock.source is not None:
        return Retention("fail", lock.detail + " and no lifecycle configuration", lock.source)
    return Retention("fail", "neither Object Lock nor a lifecycle configuration")


__all__ = [
    "DeliverySources",
    "FlowLogDestination",
    "FlowLogIndex",
    "LogDelivery",
    "LogDestinations",
    "NameIndex",
    "Resolved",
    "Retention",
    "TrailInfo",
    "bucket_key_prefix_from",
    "bucket_name_from",
    "bucket_retention",
    "delivery_sources",
    "elbv2_attribute",
    "flow_log_destination",
    "flow_log_to_s3",
    "flow_logs",
    "lifecycle_retention",
    "log_destinations",
    "log_group_name_from",
    "object_lock_retention",
    "resolve_attr",
    "trails",
    "unloaded_modules",
]

"""The network model: firewalls, routes, subnets, zones and attachments, one query API.

Built once per graph (``network_model(graph)``) and shared by the NET rules,
the multi-AZ rules (AVL003, AVL004, AVL008) and the evidence pack (firewall
rule inventory, network diagram).  Nothing else should re-derive these facts.

Security groups
    :meth:`NetworkModel.sg_rules` lists every security-group rule however it
    is written: inline ``ingress``/``egress`` blocks of ``aws_security_group``
    and ``aws_default_security_group`` (dynamic blocks arrive expanded),
    ``aws_security_group_rule``, ``aws_vpc_security_group_ingress_rule`` /
    ``_egress_rule``, CloudFormation ``SecurityGroupIngress``/``Egress`` lists
    and standalone ``AWS::EC2::SecurityGroupIngress``/``Egress``.  Each
    :class:`SgRule` knows the node it is written on (``holder``, where a fix
    goes), the attribute path of the block, the group it belongs to, its
    normalised protocol and port range, and its peers (:class:`Peer`: a CIDR,
    a security group, ``self``, a prefix list, or unknown).  Port and protocol
    questions are three-valued (``True``/``False``/``None`` = unknown):
    :meth:`SgRule.covers_port`, :meth:`SgRule.covers_all_ports`.
    :meth:`NetworkModel.rules_of` gives a group's rules and whether the list
    is complete (a standalone rule whose group cannot be resolved might
    belong to any group of its scope).

Network ACLs
    :meth:`NetworkModel.nacl_entries` lists entries from inline ``ingress``/
    ``egress`` blocks (``aws_network_acl``, ``aws_default_network_acl``),
    ``aws_network_acl_rule`` and ``AWS::EC2::NetworkAclEntry``;
    :meth:`NetworkModel.nacl_decision` evaluates the entries of one ACL in
    rule-number order for traffic from anywhere to one port (the first match
    wins, as in AWS).

Routing
    :meth:`NetworkModel.route_tables_of` (explicit associations, else the
    VPC's main table: ``aws_main_route_table_association``,
    ``aws_default_route_table``, or the implicit local-only main table),
    :meth:`NetworkModel.routes_of` (inline ``route`` blocks, ``aws_route``,
    ``AWS::EC2::Route``), :meth:`NetworkModel.internet_route` (a default
    route ``0.0.0.0/0``/``::/0`` to an internet gateway: the subnet is public)
    and :meth:`NetworkModel.nat_route` (the default route through a NAT
    gateway).

Zones
    :meth:`NetworkModel.zone_of` gives a subnet's availability zone as a
    comparable :data:`ZoneKey`: a literal name or zone ID, or an index into
    ``data.aws_availability_zones`` / ``Fn::GetAZs`` (distinct indexes are
    distinct zones even though their names are unknown).
    :meth:`NetworkModel.zone_span` bounds how many distinct zones a set of
    subnets covers (:class:`ZoneSpan`).

Attachments
    :meth:`NetworkModel.security_groups_of` and
    :meth:`NetworkModel.subnets_of` answer for instances, launch templates
    and configurations, auto scaling groups, load balancers, RDS (clusters
    and their members), ElastiCache, Redshift, OpenSearch/Elasticsearch,
    DocumentDB, Neptune, EFS mount targets, DMS, Lambda in a VPC, ECS
    services, EKS clusters and node groups (data stores through their subnet
    groups).  :meth:`NetworkModel.datastores` lists data stores with the port
    they listen on.  Every reference resolves to a :class:`Targets` list:
    nodes of the configuration, literal IDs outside it, or unknown elements.

Public exposure
    :meth:`NetworkModel.public_ip` (instance or launch template setting,
    subnet mapping, explicit false wins), :meth:`NetworkModel.eips_of`,
    :meth:`NetworkModel.lb_is_public`, :meth:`NetworkModel.listeners_of`,
    :meth:`NetworkModel.forward_targets` (listener -> target group -> targets /
    auto scaling groups / ECS services), :meth:`NetworkModel.s3_endpoints_of`.

Precision: anything that cannot be resolved is reported as unknown (``None``
or an incomplete :class:`Targets`), never guessed, so rules can stay silent.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any, ClassVar, Literal, TypeAlias

from ..graph import ResourceGraph
from ..lazyre import compile_lazily
from ..model import MISSING, Attr, Node, Path, Unknown, to_bool, to_int
from ..record import record

# --------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws_default_security_group"
GROUP_KINDS = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
INGRESS = "AWS::EC2::SecurityGroupIngress"
EGRESS = "AWS::EC2::SecurityGroupEgress"
VPC = "AWS::EC2::VPC"
SUBNET = "AWS::EC2::Subnet"
ROUTE_TABLE = "AWS::EC2::RouteTable"
DEFAULT_ROUTE_TABLE = "aws_default_route_table"
TABLE_KINDS = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
ROUTE = "AWS::EC2::Route"
ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"
MAIN_ASSOCIATION = "aws_main_route_table_association"
IGW = "AWS::EC2::InternetGateway"
NAT = "AWS::EC2::NatGateway"
NACL = "AWS::EC2::NetworkAcl"
DEFAULT_NACL = "aws_default_network_acl"
NACL_KINDS = (NACL, DEFAULT_NACL)
NACL_ENTRY = "AWS::EC2::NetworkAclEntry"
NACL_ASSOCIATION = "AWS::EC2::SubnetNetworkAclAssociation"
ENDPOINT = "AWS::EC2::VPCEndpoint"
EIP = "AWS::EC2::EIP"
EIP_ASSOCIATION = "AWS::EC2::EIPAssociation"
INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
ASG = "AWS::AutoScaling::AutoScalingGroup"
LB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLASSIC_LB = "AWS::ElasticLoadBalancing::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
ECS_SERVICE = "AWS::ECS::Service"
EKS_CLUSTER = "AWS::EKS::Cluster"
EKS_NODEGROUP = "AWS::EKS::Nodegroup"
LAMBDA = "AWS::Lambda::Function"
RDS_INSTANCE = "AWS::RDS::DBInstance"
RDS_CLUSTER = "AWS::RDS::DBCluster"
DMS_INSTANCE = "AWS::DMS::ReplicationInstance"

SUBNET_GROUP_KINDS = (
    "AWS::RDS::DBSubnetGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::Redshift::ClusterSubnetGroup",
    "AWS::DocDB::DBSubnetGroup",
    "AWS::Neptune::DBSubnetGroup",
    "AWS::DMS::ReplicationSubnetGroup",
    "AWS::MemoryDB::SubnetGroup",
)

ANYWHERE_V4 = "0.0.0.0/0"
ANYWHERE_V6 = "::/0"
WEB_PORTS = frozenset({80, 443})

Tri: TypeAlias = bool | None

# --------------------------------------------------------------------------
# Values: CIDRs, protocols, ports
# --------------------------------------------------------------------------

CidrClass = Literal["anywhere", "public", "private"]


_PRIVATE_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
)


def cidr_class(value: Any) -> CidrClass | None:
    """``anywhere`` (``0.0.0.0/0``, ``::/0``), ``public``, ``private``; None when not a known CIDR.

    Private means inside RFC 1918, the shared CGNAT range (RFC 6598), loopback,
    link-local or IPv6 unique-local (RFC 4193) space, the ranges a VPC or a
    corporate network uses; every other range is reachable from the internet
    (documentation ranges such as 203.0.113.0/24 stand for public addresses).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if net.prefixlen == 0:
        return "anywhere"
    for private in _PRIVATE_NETS:
        if net.version == private.version and net.subnet_of(private):  # type: ignore[arg-type]
            return "private"
    return "public"


def is_anywhere(value: Any) -> bool:
    return cidr_class(value) == "anywhere"


_PROTOCOL_NAMES = {
    "-1": "all",
    "all": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}


def normalize_protocol(value: Any) -> str | Unknown | None:
    """``all``, ``tcp``, ``udp``, ``icmp``, ``icmpv6`` or the protocol number as a string.

    Unknown stays Unknown; None when not written.
    """
    if isinstance(value, Unknown):
        return value
    if value is MISSING or value is None:
        return None
    if isinstance(value, bool):
        return Unknown(repr(value))
    if isinstance(value, int | float):
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip().lower()
    else:
        return Unknown(repr(value))
    return _PROTOCOL_NAMES.get(text, text)


def _port(value: Any) -> int | Unknown | None:
    if isinstance(value, Unknown):
        return value
    if value is MISSING or value is None:
        return None
    n = to_int(value)
    return n if n is not None else Unknown(repr(value))


def _span(protocol: str, lo: int | Unknown | None, hi: int | Unknown | None) -> Any:
    """The (low, high) TCP/UDP port span of a rule; Unknown when it cannot be known."""
    if protocol == "all":
        return (0, 65535)
    if protocol not in ("tcp", "udp"):
        return None
    if isinstance(lo, Unknown) or isinstance(hi, Unknown):
        return Unknown("port range")
    if lo is None and hi is None:
        return Unknown("port range not written")
    low = lo if lo is not None else hi
    high = hi if hi is not None else lo
    assert low is not None and high is not None
    if low < 0 or high < 0:
        # -1 means every port (the EC2 API normalises it so)
        return (0, 65535)
    return (min(low, high), max(low, high))


def describe_ports(protocol: Any, lo: Any, hi: Any) -> str:
    """``tcp/22``, ``tcp/0-65535``, ``all traffic``, ``icmp``... for messages."""
    if isinstance(protocol, Unknown):
        return "unknown protocol"
    if protocol == "all":
        return "all traffic"
    span = _span(str(protocol), lo, hi)
    if span is None:
        return str(protocol) if protocol in ("icmp", "icmpv6") else f"protocol {protocol}"
    if isinstance(span, Unknown):
        return f"{protocol}/unknown ports"
    low, high = span
    return f"{protocol}/{low}" if low == high else f"{protocol}/{low}-{high}"


# --------------------------------------------------------------------------
# Reference resolution
# --------------------------------------------------------------------------


@record(frozen=True)
class Target:
    """One element of a reference attribute: a node, a literal outside the configuration, or unknown."""

    path: Path
    node: Node | None = None
    literal: str | None = None
    unknown: Unknown | None = None


@record(frozen=True)
class Targets:
    """A reference attribute resolved element by element.

    ``complete`` is false when the attribute itself is unknown (a whole list
    from a variable without default) or when any element is unknown.
    ``written`` is false when the attribute is not written at all.
    """

    items: tuple[Target, ...] = ()
    complete: bool = True
    written: bool = True
    attr: Attr | None = None

    @property
    def nodes(self) -> list[Node]:
        seen: dict[str, Node] = {}
        for t in self.items:
            if t.node is not None:
                seen.setdefault(t.node.id, t.node)
        return list(seen.values())

    @property
    def literals(self) -> list[str]:
        return [t.literal for t in self.items if t.literal is not None]

    @property
    def count(self) -> int | None:
        """How many distinct things are named, None when unknown."""
        if not self.complete:
            return None
        return len(self.nodes) + len(set(self.literals))

    def __add__(self, other: Targets) -> Targets:
        return Targets(
            self.items + other.items,
            self.complete and other.complete,
            self.written or other.written,
            self.attr or other.attr,
        )


EMPTY = Targets((), True, False)
UNRESOLVED = Targets((), False, True)


# --------------------------------------------------------------------------
# Security-group rules
# --------------------------------------------------------------------------

PeerKind = Literal["cidr", "security_group", "self", "prefix_list", "unknown"]


@record(frozen=True)
class Peer:
    """The other side of a rule: source of an ingress rule, destination of an egress rule."""

    kind: PeerKind
    value: Any  # CIDR string, security-group Target, prefix-list value, Unknown
    path: Path  # where it is written on the rule's holder

    @property
    def cidr_class(self) -> CidrClass | None:
        return cidr_class(self.value) if self.kind == "cidr" else None

    @property
    def anywhere(self) -> bool:
        return self.kind == "cidr" and is_anywhere(self.value)

    def describe(self) -> str:
        if self.kind == "cidr":
            return str(self.value)
        if self.kind == "self":
            return "the group itself"
        if self.kind == "security_group":
            t: Target = self.value
            if t.node is not None:
                return t.node.address
            return t.literal or "a security group"
        if self.kind == "prefix_list":
            return f"prefix list {self.value}" if isinstance(self.value, str) else "a prefix list"
        return "an unknown peer"


@record(frozen=True)
class SgRule:
    """One security-group rule as written (a block, or a standalone resource)."""

    holder: Node  # the security group (inline) or the standalone rule resource
    path: Path  # the block's path on holder; () for a standalone resource
    direction: Literal["ingress", "egress"]
    group: Node | None  # the security group the rule belongs to
    protocol: str | Unknown | None
    from_port: int | Unknown | None
    to_port: int | Unknown | None
    peers: tuple[Peer, ...]
    description: Any
    description_path: Path
    #: the block was produced by a dynamic block with an unknown for_each
    templated: bool = False

    @property
    def inline(self) -> bool:
        return bool(self.path)

    def port_span(self) -> Any:
        """(low, high) for TCP/UDP/all; None for ICMP and other protocols; Unknown when unknown."""
        if not isinstance(self.protocol, str):
            return Unknown("protocol")
        return _span(self.protocol, self.from_port, self.to_port)

    def covers_port(self, port: int, protocols: Iterable[str] = ("tcp",)) -> Tri:
        """Does the rule admit ``port`` over one of ``protocols``? ``all`` always matches."""
        if not isinstance(self.protocol, str):
            return None
        wanted = set(protocols)
        if self.protocol != "all" and self.protocol not in wanted:
            return False
        span = self.port_span()
        if span is None:
            return False
        if isinstance(span, Unknown):
            return None
        low, high = span
        return bool(low <= port <= high)

    def covers_all_ports(self) -> Tri:
        """All protocols, or TCP/UDP over the whole port range (0 or 1 through 65535)."""
        if not isinstance(self.protocol, str):
            return None
        if self.protocol == "all":
            return True
        if self.protocol not in ("tcp", "udp"):
            return False
        span = self.port_span()
        if isinstance(span, Unknown):
            return None
        low, high = span
        return bool(low <= 1 and high >= 65535)

    def covers_non_web_port(self) -> Tri:
        """Admits some TCP/UDP port other than 80 and 443."""
        if not isinstance(self.protocol, str):
            return None
        if self.protocol not in ("all", "tcp", "udp"):
            return False
        span = self.port_span()
        if isinstance(span, Unknown):
            return None
        low, high = span
        web = sum(1 for p in WEB_PORTS if low <= p <= high)
        return bool(high - low + 1 > web)

    def ports_text(self) -> str:
        return describe_ports(self.protocol, self.from_port, self.to_port)

    def anywhere_peers(self) -> list[Peer]:
        return [p for p in self.peers if p.anywhere]


# --------------------------------------------------------------------------
# Network ACL entries
# --------------------------------------------------------------------------


@record(frozen=True)
class NaclEntry:
    """One network ACL rule, inline or a resource of its own."""

    holder: Node
    path: Path
    acl: Node | None
    egress: Tri
    number: int | None  # None: unknown
    action: str | Unknown | None  # "allow" / "deny"
    protocol: str | Unknown | None
    from_port: int | Unknown | None
    to_port: int | Unknown | None
    cidr: Any
    cidr_path: Path

    def covers_port(self, port: int, protocols: Iterable[str] = ("tcp",)) -> Tri:
        if not isinstance(self.protocol, str):
            return None
        if self.protocol != "all" and self.protocol not in set(protocols):
            return False
        span = _span(self.protocol, self.from_port, self.to_port)
        if span is None:
            return False
        if isinstance(span, Unknown):
            return None
        return bool(span[0] <= port <= span[1])

    def ports_text(self) -> str:
        return describe_ports(self.protocol, self.from_port, self.to_port)


@record(frozen=True)
class NaclDecision:
    """The first entry that decides traffic from anywhere to a port, in rule-number order."""

    allowed: Tri
    entry: NaclEntry | None = None


# --------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------

TargetKind = Literal["igw", "nat", "local", "other", "unknown"]


@record(frozen=True)
class Route:
    """One route of a route table, inline or a resource of its own."""

    holder: Node  # route table (inline block) or route resource
    path: Path
    table: Node | None
    destination: Any  # CIDR string / Unknown / None (prefix lists)
    target_kind: TargetKind
    target: Node | str | None  # gateway node, literal ID
    target_path: Path

    @property
    def is_default(self) -> Tri:
        if isinstance(self.destination, Unknown):
            return None
        return is_anywhere(self.destination)

    def describe(self) -> str:
        tgt = self.target.address if isinstance(self.target, Node) else (self.target or "?")
        return f"route {self.destination} -> {tgt}"


@record(frozen=True)
class InternetRoute:
    """Whether a subnet's route table sends a default route to an internet gateway."""

    public: Tri
    route: Route | None = None
    table: Node | None = None


# --------------------------------------------------------------------------
# Zones
# --------------------------------------------------------------------------

#: (namespace, value): ("name", "us-east-1a"), ("id", "use1-az1"),
#: ("index", "<source>", 0) for data.aws_availability_zones / Fn::GetAZs indexes
ZoneKey: TypeAlias = tuple[Any, ...]


@record(frozen=True)
class ZoneSpan:
    """Bounds on how many distinct availability zones a set of subnets covers."""

    lower: int
    upper: int | None  # None: unbounded (unknown)
    zones: tuple[ZoneKey, ...] = ()

    @property
    def fewer_than_two(self) -> Tri:
        if self.upper is not None and self.upper < 2:
            return True
        if self.lower >= 2:
            return False
        return None


def zone_label(key: ZoneKey) -> str:
    if key[0] in ("name", "id"):
        return str(key[1])
    return f"{key[1]}[{key[2]}]"


_TF_AZ_INDEX = compile_lazily(
    r"^(?P<src>data\.aws_availability_zones\.[\w-]+(?:\[[^\]]*\])?)\.(?:names|zone_ids)"
    r"\[(?P<i>\d+)\]$"
)
_TF_AZ_ELEMENT = compile_lazily(
    r"^element\(\s*(?P<src>data\.aws_availability_zones\.[\w-]+(?:\[[^\]]*\])?)\."
    r"(?:names|zone_ids)\s*,\s*(?P<i>\d+)\s*\)$"
)
_CFN_GETAZS = compile_lazily(r"^(?:Fn::GetAZs|!GetAZs)[^\[]*\[(?P<i>\d+)\]$")
_CFN_SELECT = compile_lazily(r"^!Select\s*\[\s*(?P<i>\d+)\s*,\s*!GetAZs\b.*\]$")


def _zone_key_of(node: Node, value: Any, id_value: Any) -> ZoneKey | None:
    if isinstance(value, str) and value:
        return ("name", value)
    if isinstance(id_value, str) and id_value:
        return ("id", id_value)
    candidate = value if isinstance(value, Unknown) else id_value
    if not isinstance(candidate, Unknown):
        return None
    expr = candidate.expr.strip()
    index = node.meta.get("index")
    if isinstance(index, int) and not isinstance(index, bool):
        expr = expr.replace("count.index", str(index))
    prefix = node.meta.get("module_path") or ""
    for rx in (_TF_AZ_INDEX, _TF_AZ_ELEMENT):
        m = rx.match(expr)
        if m:
            src = m.group("src")
            return ("index", f"{prefix}.{src}" if prefix else src, int(m.group("i")))
    for rx in (_CFN_GETAZS, _CFN_SELECT):
        m = rx.match(expr)
        if m:
            return ("index", "Fn::GetAZs", int(m.group("i")))
    return None


def span_of_zones(keys: Sequence[ZoneKey | None], count: int | None = None) -> ZoneSpan:
    """Distinct-zone bounds for subnets whose zones are ``keys`` (None = unknown zone).

    ``count`` is the number of distinct subnets when it is known (an upper
    bound on the zones); literal names and zone IDs cannot be compared with
    each other or with indexes, so mixed namespaces give a range.
    """
    by_ns: dict[tuple[Any, ...], set[Any]] = defaultdict(set)
    unknown = 0
    for k in keys:
        if k is None:
            unknown += 1
            continue
        ns = k[:-1]
        by_ns[ns].add(k[-1])
    lower = max((len(v) for v in by_ns.values()), default=0)
    upper: int | None = sum(len(v) for v in by_ns.values())
    if unknown:
        upper = None
    if count is not None:
        upper = count if upper is None else min(upper, count)
        lower = min(lower, count)
    if unknown == 0 and len(by_ns) <= 1:
        upper = lower if upper is None else min(upper, lower)
    zones = tuple(sorted((k for k in keys if k is not None), key=repr))
    return ZoneSpan(lower, upper, tuple(dict.fromkeys(zones)))


# --------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------

Spelling: TypeAlias = tuple[str | None, str | None]  # (terraform, cloudformation)


@record(frozen=True)
class AttachSpec:
    """Where a kind names its security groups, subnets or subnet group."""

    groups: tuple[Spelling, ...] = ()
    subnets: tuple[Spelling, ...] = ()
    subnet_group: Spelling | None = None


ATTACH: dict[str, AttachSpec] = {
    INSTANCE: AttachSpec(
        groups=(
            ("vpc_security_group_ids", "SecurityGroupIds"),
            ("security_groups", "SecurityGroups"),
            (None, "NetworkInterfaces[].GroupSet"),
        ),
        subnets=(("subnet_id", "SubnetId"), (None, "NetworkInterfaces[].SubnetId")),
    ),
    LAUNCH_TEMPLATE: AttachSpec(
        groups=(
            ("vpc_security_group_ids", "LaunchTemplateData.SecurityGroupIds"),
            ("security_group_names", "LaunchTemplateData.SecurityGroups"),
            (
                "network_interfaces[].security_groups",
                "LaunchTemplateData.NetworkInterfaces[].Groups",
            ),
        ),
        subnets=(
            ("network_interfaces[].subnet_id", "LaunchTemplateData.NetworkInterfaces[].SubnetId"),
        ),
    ),
    LAUNCH_CONFIGURATION: AttachSpec(groups=(("security_groups", "SecurityGroups"),)),
    ASG: AttachSpec(subnets=(("vpc_zone_identifier", "VPCZoneIdentifier"),)),
    LB: AttachSpec(
        groups=(("security_groups", "SecurityGroups"),),
        subnets=(
            ("subnets", "Subnets"),
            ("subnet_mapping[].subnet_id", "SubnetMappings[].SubnetId"),
        ),
    ),
    CLASSIC_LB: AttachSpec(
        groups=(("security_groups", "SecurityGroups"),), subnets=(("subnets", "Subnets"),)
    ),
    RDS_INSTANCE: AttachSpec(
        groups=(("vpc_security_group_ids", "VPCSecurityGroups"),),
        subnet_group=("db_subnet_group_name", "DBSubnetGroupName"),
    ),
    RDS_CLUSTER: AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("db_subnet_group_name", "DBSubnetGroupName"),
    ),
    "AWS::ElastiCache::ReplicationGroup": AttachSpec(
        groups=(("security_group_ids", "SecurityGroupIds"),),
        subnet_group=("subnet_group_name", "CacheSubnetGroupName"),
    ),
    "AWS::ElastiCache::CacheCluster": AttachSpec(
        groups=(("security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("subnet_group_name", "CacheSubnetGroupName"),
    ),
    "AWS::Redshift::Cluster": AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("cluster_subnet_group_name", "ClusterSubnetGroupName"),
    ),
    "AWS::OpenSearchService::Domain": AttachSpec(
        groups=(("vpc_options[].security_group_ids", "VPCOptions.SecurityGroupIds"),),
        subnets=(("vpc_options[].subnet_ids", "VPCOptions.SubnetIds"),),
    ),
    "AWS::Elasticsearch::Domain": AttachSpec(
        groups=(("vpc_options[].security_group_ids", "VPCOptions.SecurityGroupIds"),),
        subnets=(("vpc_options[].subnet_ids", "VPCOptions.SubnetIds"),),
    ),
    "AWS::DocDB::DBCluster": AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("db_subnet_group_name", "DBSubnetGroupName"),
    ),
    "AWS::Neptune::DBCluster": AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("neptune_subnet_group_name", "DBSubnetGroupName"),
    ),
    "AWS::EFS::MountTarget": AttachSpec(
        groups=(("security_groups", "SecurityGroups"),), subnets=(("subnet_id", "SubnetId"),)
    ),
    DMS_INSTANCE: AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnet_group=("replication_subnet_group_id", "ReplicationSubnetGroupIdentifier"),
    ),
    LAMBDA: AttachSpec(
        groups=(("vpc_config[].security_group_ids", "VpcConfig.SecurityGroupIds"),),
        subnets=(("vpc_config[].subnet_ids", "VpcConfig.SubnetIds"),),
    ),
    ECS_SERVICE: AttachSpec(
        groups=(
            (
                "network_configuration[].security_groups",
                "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",
            ),
        ),
        subnets=(
            ("network_configuration[].subnets", "NetworkConfiguration.AwsvpcConfiguration.Subnets"),
        ),
    ),
    EKS_CLUSTER: AttachSpec(
        groups=(("vpc_config[].security_group_ids", "ResourcesVpcConfig.SecurityGroupIds"),),
        subnets=(("vpc_config[].subnet_ids", "ResourcesVpcConfig.SubnetIds"),),
    ),
    EKS_NODEGROUP: AttachSpec(subnets=(("subnet_ids", "Subnets"),)),
    # serverless and other data stores placed in a VPC
    "AWS::ElastiCache::ServerlessCache": AttachSpec(
        groups=(("security_group_ids", "SecurityGroupIds"),),
        subnets=(("subnet_ids", "SubnetIds"),),
    ),
    "AWS::MemoryDB::Cluster": AttachSpec(
        groups=(("security_group_ids", "SecurityGroupIds"),),
        subnet_group=("subnet_group_name", "SubnetGroupName"),
    ),
    "AWS::RedshiftServerless::Workgroup": AttachSpec(
        groups=(("security_group_ids", "SecurityGroupIds"),),
        subnets=(("subnet_ids", "SubnetIds"),),
    ),
    "AWS::DocDBElastic::Cluster": AttachSpec(
        groups=(("vpc_security_group_ids", "VpcSecurityGroupIds"),),
        subnets=(("subnet_ids", "SubnetIds"),),
    ),
}

#: subnet group kind -> its subnet list and its name attribute
SUBNET_GROUP_SPEC: dict[str, tuple[Spelling, Spelling]] = {
    "AWS::RDS::DBSubnetGroup": (("subnet_ids", "SubnetIds"), ("name", "DBSubnetGroupName")),
    "AWS::ElastiCache::SubnetGroup": (
        ("subnet_ids", "SubnetIds"),
        ("name", "CacheSubnetGroupName"),
    ),
    "AWS::Redshift::ClusterSubnetGroup": (("subnet_ids", "SubnetIds"), ("name", None)),
    "AWS::DocDB::DBSubnetGroup": (("subnet_ids", "SubnetIds"), ("name", "DBSubnetGroupName")),
    "AWS::Neptune::DBSubnetGroup": (("subnet_ids", "SubnetIds"), ("name", "DBSubnetGroupName")),
    "AWS::DMS::ReplicationSubnetGroup": (
        ("subnet_ids", "SubnetIds"),
        ("replication_subnet_group_id", "ReplicationSubnetGroupIdentifier"),
    ),
    "AWS::MemoryDB::SubnetGroup": (("subnet_ids", "SubnetIds"), ("name", "SubnetGroupName")),
}

#: data store kinds -> (label, default port by engine or fixed)
DATASTORE_KINDS: dict[str, str] = {
    RDS_INSTANCE: "RDS instance",
    RDS_CLUSTER: "RDS cluster",
    "AWS::ElastiCache::ReplicationGroup": "ElastiCache replication group",
    "AWS::ElastiCache::CacheCluster": "ElastiCache cluster",
    "AWS::Redshift::Cluster": "Redshift cluster",
    "AWS::OpenSearchService::Domain": "OpenSearch domain",
    "AWS::Elasticsearch::Domain": "Elasticsearch domain",
    "AWS::DocDB::DBCluster": "DocumentDB cluster",
    "AWS::Neptune::DBCluster": "Neptune cluster",
    "AWS::EFS::MountTarget": "EFS mount target",
    "AWS::ElastiCache::ServerlessCache": "ElastiCache serverless cache",
    "AWS::MemoryDB::Cluster": "MemoryDB cluster",
    "AWS::RedshiftServerless::Workgroup": "Redshift Serverless workgroup",
    "AWS::DocDBElastic::Cluster": "DocumentDB elastic cluster",
}

_FIXED_PORTS: dict[str, int] = {
    "AWS::Redshift::Cluster": 5439,
    "AWS::OpenSearchService::Domain": 443,
    "AWS::Elasticsearch::Domain": 443,
    "AWS::DocDB::DBCluster": 27017,
    "AWS::Neptune::DBCluster": 8182,
    "AWS::EFS::MountTarget": 2049,
    "AWS::MemoryDB::Cluster": 6379,
    "AWS::RedshiftServerless::Workgroup": 5439,
    "AWS::DocDBElastic::Cluster": 27017,
}


#: services whose port cannot be changed
_ALWAYS_PORTS = frozenset(
    {"AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain", "AWS::EFS::MountTarget"}
)


def engine_port(engine: Any) -> int | None:
    """The default port of an RDS/ElastiCache engine name, None when unknown."""
    if not isinstance(engine, str):
        return None
    e = engine.lower()
    if "postgres" in e:
        return 5432
    if e.startswith(("mysql", "mariadb", "aurora")):
        return 3306
    if e.startswith("oracle"):
        return 1521
    if e.startswith("sqlserver"):
        return 1433
    if e.startswith("db2"):
        return 50000
    if e in ("redis", "valkey"):
        return 6379
    if e == "memcached":
        return 11211
    return None


@record(frozen=True)
class DataStore:
    """A database or cache the network model reasons about, and its port."""

    node: Node
    label: str
    #: the node whose network settings apply (an Aurora member's cluster), else node
    network_node: Node
    port: int | None


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@record
class _ScopeIndex:
    """Per-scope facts that make a setting unattributable."""

    orphan_rule_kinds: set[str] = field(default_factory=set)
    orphan_association: bool = False
    orphan_main_table: bool = False
    orphan_routes: bool = False
    orphan_nacl_entries: bool = False
    orphan_nacl_association: bool = False
    orphan_endpoint: bool = False


class NetworkModel:
    """Every network fact of a graph; see the module docstring for the API."""

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self._scopes: dict[str, _ScopeIndex] = defaultdict(_ScopeIndex)
        self._names: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
        self._index_names()
        self._rules: list[SgRule] = []
        self._rules_by_group: dict[str, list[SgRule]] = defaultdict(list)
        self._build_sg_rules()
        self._nacl_entries: list[NaclEntry] = []
        self._entries_by_acl: dict[str, list[NaclEntry]] = defaultdict(list)
        self._build_nacl_entries()
        self._tables_by_subnet: dict[str, list[Node | None]] = defaultdict(list)
        self._main_by_vpc: dict[str, list[Node | None]] = defaultdict(list)
        self._routes_by_table: dict[str, list[Route]] = defaultdict(list)
        self._build_routing()
        self._acls_by_subnet: dict[str, list[Node | None]] = defaultdict(list)
        self._default_acl_by_vpc: dict[str, list[Node]] = defaultdict(list)
        self._build_nacl_associations()
        self._endpoints_by_vpc: dict[str, list[Node]] = defaultdict(list)
        self._build_endpoints()
        self._eips_by_instance: dict[str, list[Node]] = defaultdict(list)
        self._build_eips()
        self._datastores: list[DataStore] | None = None

    # ---- names ------------------------------------------------------------

    _NAMED: ClassVar[dict[str, Spelling]] = {
        SECURITY_GROUP: ("name", "GroupName"),
        **{k: v[1] for k, v in SUBNET_GROUP_SPEC.items()},
    }

    def _index_names(self) -> None:
        for kind, (tf, cfn) in self._NAMED.items():
            for n in self.graph.nodes(kind):
                v = n.get(tf=tf, cfn=cfn)
                if isinstance(v, str) and v:
                    self._names[(n.scope, kind, v)].append(n)

    # ---- references -------------------------------------------------------

    def resolve(self, node: Node, attr: Attr, kinds: Sequence[str]) -> Targets:
        """Resolve a reference attribute (scalar or list) to nodes of ``kinds``."""
        value = attr.value
        if value is MISSING or value is None:
            return Targets((), True, False, attr)
        if isinstance(value, Unknown):
            # a scalar reference, or a whole list that cannot be expanded: resolved
            # through its refs when they name exactly one node, but never complete
            # (a list's length is unknown)
            one = self._resolve_one(node, attr.path, value, kinds)
            return Targets((one,), one.node is not None and _scalar(attr.path), True, attr)
        if isinstance(value, list | tuple):
            items = tuple(
                self._resolve_one(node, (*attr.path, i), v, kinds) for i, v in enumerate(value)
            )
        else:
            items = (self._resolve_one(node, attr.path, value, kinds),)
        return Targets(items, all(t.unknown is None for t in items), True, attr)

    def resolve_at(self, node: Node, spelling: Spelling, kinds: Sequence[str]) -> Targets:
        """Resolve every attribute matching a (terraform, cloudformation) spelling."""
        tf, cfn = spelling
        attrs = node.attrs_at(tf=tf, cfn=cfn)
        if not attrs:
            return EMPTY
        out = self.resolve(node, attrs[0], kinds)  # (EMPTY + out is out)
        for a in attrs[1:]:
            out = out + self.resolve(node, a, kinds)
        return out

    def _resolve_one(self, node: Node, path: Path, value: Any, kinds: Sequence[str]) -> Target:
        wanted = set(kinds)
        if isinstance(value, Unknown):
            found: dict[str, Node] = {}
            opaque = False  # a ref to a module call whose outputs were not evaluated
            for ref in value.refs:
                n = self.graph.find(node.scope, ref)
                if n is not None and n.kind in wanted:
                    found.setdefault(n.id, n)
                elif n is not None and n.category == "module":
                    opaque = True
            if len(found) == 1 and opaque:
                # `cond ? aws_security_group.this[0].id : module.endpoints.security_group_id`:
                # the value may come from the module, so the one node found is only a guess
                return Target(path, unknown=value)
            if len(found) == 1:
                return Target(path, node=next(iter(found.values())))
            if not found:
                edge_nodes = self._edge_targets(node, path, wanted)
                if len(edge_nodes) == 1:
                    return Target(path, node=edge_nodes[0])
            return Target(path, unknown=value)
        if isinstance(value, str):
            edge_nodes = self._edge_targets(node, path, wanted)
            if len(edge_nodes) == 1:
                return Target(path, node=edge_nodes[0])
            named: dict[str, Node] = {}
            for kind in kinds:
                for n in self._names.get((node.scope, kind, value), ()):
                    named.setdefault(n.id, n)
            if len(named) == 1:
                return Target(path, node=next(iter(named.values())))
            if len(named) > 1 or len(edge_nodes) > 1:
                return Target(path, unknown=Unknown(value))
            return Target(path, literal=value)
        return Target(path, unknown=Unknown(repr(value)))

    def _edge_targets(self, node: Node, path: Path, wanted: set[str]) -> list[Node]:
        out: dict[str, Node] = {}
        for edge, other in self.graph.edges(node, "out", kind=wanted, edge_kind=("ref", "literal")):
            if tuple(edge.src_path) == tuple(path):
                out.setdefault(other.id, other)
        return list(out.values())

    def resolve_one(self, node: Node, spelling: Spelling, kinds: Sequence[str]) -> Target | None:
        """A scalar reference: its single target, or None when not written."""
        t = self.resolve_at(node, spelling, kinds)
        if not t.written:
            return None
        if len(t.items) == 1:
            return t.items[0]
        return Target(t.attr.path if t.attr else (), unknown=Unknown("several values"))

    # ---- security groups --------------------------------------------------

    def _build_sg_rules(self) -> None:
        for group in self.graph.nodes(GROUP_KINDS):
            templated = set(group.meta.get("dynamic_unknown") or ())
            if group.language == "terraform":
                for direction in ("ingress", "egress"):
                    for a in group.attrs_at(f"{direction}[]"):
                        if isinstance(a.value, dict):
                            self._add_rule(
                                self._tf_inline(group, a, direction, direction in templated)
                            )
            else:
                for direction, key in (
                    ("ingress", "SecurityGroupIngress"),
                    ("egress", "SecurityGroupEgress"),
                ):
                    for a in group.attrs_at(f"{key}[]"):
                        if isinstance(a.value, dict):
                            self._add_rule(self._cfn_rule(group, a, direction, group))
        for kind, direction in (
            (INGRESS, "ingress"),
            (EGRESS, "egress"),
        ):
            for n in self.graph.nodes(kind):
                if n.language == "terraform":
                    if n.type == "aws_security_group_rule":
                        rule = self._tf_legacy_rule(n, direction)
                    else:
                        rule = self._tf_vpc_rule(n, direction)
                else:
                    rule = self._cfn_standalone(n, direction)
                if rule.group is None:
                    self._scopes[n.scope].orphan_rule_kinds.add(direction)
                self._add_rule(rule)
        # aws_security_group_rule whose type is unknown
        for n in self.graph.nodes("aws_security_group_rule"):
            self._scopes[n.scope].orphan_rule_kinds.update(("ingress", "egress"))

    def _add_rule(self, rule: SgRule) -> None:
        self._rules.append(rule)
        if rule.group is not None:
            self._rules_by_group[rule.group.id].append(rule)

    def _group_target(self, node: Node, spelling: Spelling) -> Node | None:
        t = self.resolve_one(node, spelling, GROUP_KINDS)
        return t.node if t is not None else None

    def _sg_peer(self, node: Node, a: Attr) -> list[Peer]:
        out: list[Peer] = []
        targets = self.resolve(node, a, GROUP_KINDS)
        for t in targets.items:
            if t.unknown is not None:
                out.append(Peer("unknown", t.unknown, t.path))
            else:
                out.append(Peer("security_group", t, t.path))
        return out

    def _cidr_peers(self, a: Attr) -> list[Peer]:
        v = a.value
        if v is MISSING or v is None:
            return []
        if isinstance(v, Unknown):
            return [Peer("unknown", v, a.path)]
        if isinstance(v, list | tuple):
            return [
                Peer("unknown" if isinstance(x, Unknown) else "cidr", x, (*a.path, i))
                for i, x in enumerate(v)
            ]
        return [Peer("unknown" if isinstance(v, Unknown) else "cidr", v, a.path)]

    def _prefix_peers(self, a: Attr) -> list[Peer]:
        v = a.value
        if v is MISSING or v is None:
            return []
        if isinstance(v, list | tuple):
            return [Peer("prefix_list", x, (*a.path, i)) for i, x in enumerate(v)]
        return [Peer("prefix_list", v, a.path)]

    def _tf_inline(self, group: Node, a: Attr, direction: str, templated: bool) -> SgRule:
        peers: list[Peer] = []
        peers += self._cidr_peers(a.child("cidr_blocks"))
        peers += self._cidr_peers(a.child("ipv6_cidr_blocks"))
        peers += self._prefix_peers(a.child("prefix_list_ids"))
        sgs = a.child("security_groups")
        if sgs.present:
            peers += self._sg_peer(group, sgs)
        self_flag = a.child("self")
        if self_flag.present:
            flag = to_bool(self_flag.value) if not self_flag.unknown else None
            if flag:
                peers.append(Peer("self", group, self_flag.path))
            elif flag is None:
                peers.append(Peer("unknown", self_flag.value, self_flag.path))
        desc = a.child("description")
        return SgRule(
            holder=group,
            path=a.path,
            direction=direction,  # type: ignore[arg-type]
            group=group,
            protocol=normalize_protocol(a.child("protocol").value),
            from_port=_port(a.child("from_port").value),
            to_port=_port(a.child("to_port").value),
            peers=tuple(peers),
            description=desc.value,
            description_path=desc.path,
            templated=templated,
        )

    def _tf_legacy_rule(self, n: Node, direction: str) -> SgRule:
        group = self._group_target(n, ("security_group_id", None))
        peers: list[Peer] = []
        peers += self._cidr_peers(n.attr("cidr_blocks"))
        peers += self._cidr_peers(n.attr("ipv6_cidr_blocks"))
        peers += self._prefix_peers(n.attr("prefix_list_ids"))
        src = n.attr("source_security_group_id")
        if src.present:
            peers += self._sg_peer(n, src)
        self_flag = n.attr("self")
        if self_flag.present:
            flag = self_flag.as_bool()
            if flag:
                peers.append(Peer("self", group, self_flag.path))
            elif flag is None:
                peers.append(Peer("unknown", self_flag.value, self_flag.path))
        desc = n.attr("description")
        return SgRule(
            holder=n,
            path=(),
            direction=direction,  # type: ignore[arg-type]
            group=group,
            protocol=normalize_protocol(n.attr("protocol").value),
            from_port=_port(n.attr("from_port").value),
            to_port=_port(n.attr("to_port").value),
            peers=tuple(peers),
            description=desc.value,
            description_path=desc.path,
        )

    def _tf_vpc_rule(self, n: Node, direction: str) -> SgRule:
        group = self._group_target(n, ("security_group_id", None))
        peers: list[Peer] = []
        peers += self._cidr_peers(n.attr("cidr_ipv4"))
        peers += self._cidr_peers(n.attr("cidr_ipv6"))
        peers += self._prefix_peers(n.attr("prefix_list_id"))
        ref = n.attr("referenced_security_group_id")
        if ref.present:
            peers += self._sg_peer(n, ref)
        desc = n.attr("description")
        return SgRule(
            holder=n,
            path=(),
            direction=direction,  # type: ignore[arg-type]
            group=group,
            protocol=normalize_protocol(n.attr("ip_protocol").value),
            from_port=_port(n.attr("from_port").value),
            to_port=_port(n.attr("to_port").value),
            peers=tuple(peers),
            description=desc.value,
            description_path=desc.path,
        )

    def _cfn_rule(self, holder: Node, a: Attr, direction: str, group: Node | None) -> SgRule:
        peers: list[Peer] = []
        peers += self._cidr_peers(a.child("CidrIp"))
        peers += self._cidr_peers(a.child("CidrIpv6"))
        prefix = "Source" if direction == "ingress" else "Destination"
        peers += self._prefix_peers(a.child(f"{prefix}PrefixListId"))
        for key in (f"{prefix}SecurityGroupId", f"{prefix}SecurityGroupName"):
            ref = a.child(key)
            if ref.present:
                peers += self._sg_peer(holder, ref)
        desc = a.child("Description")
        return SgRule(
            holder=holder,
            path=a.path,
            direction=direction,  # type: ignore[arg-type]
            group=group,
            protocol=normalize_protocol(a.child("IpProtocol").value),
            from_port=_port(a.child("FromPort").value),
            to_port=_port(a.child("ToPort").value),
            peers=tuple(peers),
            description=desc.value,
            description_path=desc.path,
        )

    def _cfn_standalone(self, n: Node, direction: str) -> SgRule:
        group = self._group_target(n, (None, "GroupId"))
        if group is None:
            group = self._group_target(n, (None, "GroupName"))
        rule = self._cfn_rule(n, n.attr(()), direction, group)
        return SgRule(
            holder=n,
            path=(),
            direction=rule.direction,
            group=group,
            protocol=rule.protocol,
            from_port=rule.from_port,
            to_port=rule.to_port,
            peers=rule.peers,
            description=rule.description,
            description_path=rule.description_path,
        )

    def sg_rules(self, direction: str | None = None) -> list[SgRule]:
        """Every security-group rule of the graph (optionally only ingress or egress)."""
        if direction is None:
            return list(self._rules)
        return [r for r in self._rules if r.direction == direction]

    def rules_of(self, group: Node, direction: str | None = None) -> tuple[list[SgRule], bool]:
        """A group's rules and whether the list is complete.

        Incomplete when a standalone rule of its scope cannot be attributed,
        when dynamic blocks of the group have an unknown for_each, or when the
        group exists an unknown number of times.
        """
        rules = [
            r
            for r in self._rules_by_group.get(group.id, ())
            if direction is None or r.direction == direction
        ]
        orphans = self._scopes[group.scope].orphan_rule_kinds
        complete = not (direction in orphans if direction else orphans)
        dyn = set(group.meta.get("dynamic_unknown") or ())
        if dyn & ({direction} if direction else {"ingress", "egress"}):
            complete = False
        return rules, complete

    # ---- network ACLs -----------------------------------------------------

    def _build_nacl_entries(self) -> None:
        for acl in self.graph.nodes(NACL_KINDS):
            if acl.language != "terraform":
                continue
            for direction in ("ingress", "egress"):
                for a in acl.attrs_at(f"{direction}[]"):
                    if not isinstance(a.value, dict):
                        continue
                    cidr = a.child("cidr_block")
                    if cidr.missing:
                        cidr = a.child("ipv6_cidr_block")
                    self._add_entry(
                        NaclEntry(
                            holder=acl,
                            path=a.path,
                            acl=acl,
                            egress=direction == "egress",
                            number=a.child("rule_no").as_int(),
                            action=_action(a.child("action").value),
                            protocol=normalize_protocol(a.child("protocol").value),
                            from_port=_port(a.child("from_port").value),
                            to_port=_port(a.child("to_port").value),
                            cidr=cidr.value,
                            cidr_path=cidr.path,
                        )
                    )
        for n in self.graph.nodes(NACL_ENTRY):
            tf = n.language == "terraform"
            t = self.resolve_one(n, ("network_acl_id", "NetworkAclId"), NACL_KINDS)
            owner = t.node if t is not None else None
            egress_attr = n.attr(tf="egress", cfn="Egress")
            egress: Tri = False if egress_attr.missing else egress_attr.as_bool()
            cidr = n.attr(tf="cidr_block", cfn="CidrBlock")
            if cidr.missing:
                cidr = n.attr(tf="ipv6_cidr_block", cfn="Ipv6CidrBlock")
            protocol = normalize_protocol(n.attr(tf="protocol", cfn="Protocol").value)
            entry = NaclEntry(
                holder=n,
                path=(),
                acl=owner,
                egress=egress,
                number=n.attr(tf="rule_number", cfn="RuleNumber").as_int(),
                action=_action(n.attr(tf="rule_action", cfn="RuleAction").value),
                protocol=protocol,
                from_port=_port(n.attr("from_port" if tf else "PortRange.From").value),
                to_port=_port(n.attr("to_port" if tf else "PortRange.To").value),
                cidr=cidr.value,
                cidr_path=cidr.path,
            )
            if owner is None:
                self._scopes[n.scope].orphan_nacl_entries = True
            self._add_entry(entry)

    def _add_entry(self, e: NaclEntry) -> None:
        self._nacl_entries.append(e)
        if e.acl is not None:
            self._entries_by_acl[e.acl.id].append(e)

    def nacl_entries(self, acl: Node | None = None) -> list[NaclEntry]:
        """Every network ACL entry, or those of one ACL."""
        if acl is None:
            return list(self._nacl_entries)
        return list(self._entries_by_acl.get(acl.id, ()))

    def nacl_complete(self, acl: Node) -> bool:
        """False when an entry of the ACL's scope cannot be attributed, or blocks are templated."""
        if self._scopes[acl.scope].orphan_nacl_entries:
            return False
        return not set(acl.meta.get("dynamic_unknown") or ()) & {"ingress", "egress"}

    def nacl_decision(
        self,
        acl: Node,
        port: int,
        *,
        family: Literal["ipv4", "ipv6"] = "ipv4",
        protocols: Iterable[str] = ("tcp",),
        egress: bool = False,
    ) -> NaclDecision:
        """How the ACL treats traffic from anywhere (``0.0.0.0/0`` or ``::/0``) to ``port``.

        Entries are evaluated in ascending rule number; the first entry that
        matches every source address decides.  An entry that could match but
        has an unknown field (number, action, protocol, ports, CIDR) makes the
        answer unknown.  With no deciding entry, the implicit final rule denies.
        """
        protos = tuple(protocols)
        relevant: list[NaclEntry] = []
        if not self.nacl_complete(acl):
            return NaclDecision(None)
        for e in self._entries_by_acl.get(acl.id, ()):
            if e.egress is None:
                return NaclDecision(None)
            if e.egress != egress:
                continue
            if isinstance(e.cidr, Unknown):
                return NaclDecision(None)
            cls = cidr_class(e.cidr)
            if cls != "anywhere" or _family(e.cidr) != family:
                continue
            covers = e.covers_port(port, protos)
            if covers is None or e.number is None or not isinstance(e.action, str):
                return NaclDecision(None)
            if covers:
                relevant.append(e)
        relevant.sort(key=lambda e: e.number or 0)
        for e in relevant:
            return NaclDecision(e.action == "allow", e)
        return NaclDecision(False)

    def _build_nacl_associations(self) -> None:
        for acl in self.graph.nodes(NACL_KINDS):
            if acl.language == "terraform":
                subnets = self.resolve_at(acl, ("subnet_ids", None), (SUBNET,))
                for t in subnets.items:
                    if t.node is not None:
                        self._acls_by_subnet[t.node.id].append(acl)
                if not subnets.complete:
                    self._scopes[acl.scope].orphan_nacl_association = True
            if acl.kind == DEFAULT_NACL:
                vpc = self._vpc_of_default(acl, "default_network_acl_id")
                if vpc is not None:
                    self._default_acl_by_vpc[vpc.id].append(acl)
                else:
                    self._scopes[acl.scope].orphan_nacl_association = True
        for n in self.graph.nodes(("aws_network_acl_association", NACL_ASSOCIATION)):
            s = self.resolve_one(n, ("subnet_id", "SubnetId"), (SUBNET,))
            a = self.resolve_one(n, ("network_acl_id", "NetworkAclId"), NACL_KINDS)
            if s is None or s.node is None:
                if s is None or s.unknown is not None:
                    self._scopes[n.scope].orphan_nacl_association = True
                continue
            self._acls_by_subnet[s.node.id].append(a.node if a is not None else None)

    def acls_of(self, subnet: Node) -> list[Node | None] | None:
        """The network ACLs that apply to a subnet: associated, else the VPC's default one.

        ``[]`` means the implicit default ACL (which allows everything); None
        means unknown; a None element an ACL that cannot be resolved.
        """
        explicit = self._acls_by_subnet.get(subnet.id)
        if explicit:
            return list(explicit)
        if self._scopes[subnet.scope].orphan_nacl_association:
            return None
        vpc = self.vpc_of(subnet)
        if vpc is None:
            return [] if not self.graph.nodes(DEFAULT_NACL, scope=subnet.scope) else None
        return list(self._default_acl_by_vpc.get(vpc.id, ()))

    def nacl_admits(self, subnet: Node, port: int, protocols: Iterable[str] = ("tcp",)) -> Tri:
        """Do the subnet's ACLs admit IPv4 traffic from anywhere to ``port``?"""
        acls = self.acls_of(subnet)
        if acls is None:
            return None
        if not acls:
            return True
        result: Tri = True
        for acl in acls:
            if acl is None:
                return None
            d = self.nacl_decision(acl, port, protocols=protocols)
            if d.allowed is False:
                return False
            if d.allowed is None:
                result = None
        return result

    # ---- VPCs, subnets and routing ---------------------------------------

    def vpc_of(self, node: Node) -> Node | None:
        """The VPC a subnet, security group, route table, endpoint... belongs to."""
        t = self.resolve_one(node, ("vpc_id", "VpcId"), (VPC,))
        return t.node if t is not None else None

    def _vpc_of_default(self, node: Node, attr: str) -> Node | None:
        """``aws_default_*`` resources name the VPC through ``aws_vpc.x.default_*_id``."""
        a = node.attr(attr)
        if isinstance(a.value, Unknown):
            vpcs = [
                n
                for r in a.value.refs
                if (n := self.graph.find(node.scope, r)) is not None and n.kind == VPC
            ]
            if len(vpcs) == 1:
                return vpcs[0]
        for edge, other in self.graph.edges(node, "out", kind=VPC):
            if edge.src_path[:1] == (attr,):
                return other
        return None

    def _build_routing(self) -> None:
        for n in self.graph.nodes((ASSOCIATION,)):
            s = self.resolve_one(n, ("subnet_id", "SubnetId"), (SUBNET,))
            if s is None:
                continue  # a gateway association (edge route table)
            t = self.resolve_one(n, ("route_table_id", "RouteTableId"), TABLE_KINDS)
            if s.node is None:
                if s.unknown is not None:
                    self._scopes[n.scope].orphan_association = True
                continue
            self._tables_by_subnet[s.node.id].append(t.node if t is not None else None)
        for n in self.graph.nodes(MAIN_ASSOCIATION):
            vpc = self.vpc_of(n)
            t = self.resolve_one(n, ("route_table_id", None), TABLE_KINDS)
            if vpc is None:
                self._scopes[n.scope].orphan_main_table = True
                continue
            self._main_by_vpc[vpc.id].append(t.node if t is not None else None)
        for n in self.graph.nodes(DEFAULT_ROUTE_TABLE):
            vpc = self._vpc_of_default(n, "default_route_table_id")
            if vpc is None:
                self._scopes[n.scope].orphan_main_table = True
                continue
            if not self._main_by_vpc.get(vpc.id):
                self._main_by_vpc[vpc.id].append(n)
        for table in self.graph.nodes(TABLE_KINDS):
            if table.language != "terraform":
                continue
            for a in table.attrs_at("route[]"):
                if isinstance(a.value, dict):
                    self._routes_by_table[table.id].append(self._tf_route(table, a, table))
        for n in self.graph.nodes(ROUTE):
            t = self.resolve_one(n, ("route_table_id", "RouteTableId"), TABLE_KINDS)
            rt = t.node if t is not None else None
            route = self._tf_route(n, n.attr(()), rt)
            if rt is None:
                self._scopes[n.scope].orphan_routes = True
            else:
                self._routes_by_table[rt.id].append(route)

    _TARGET_ATTRS: tuple[tuple[str, str, str], ...] = (
        ("gateway_id", "GatewayId", "gateway"),
        ("nat_gateway_id", "NatGatewayId", "nat"),
        ("egress_only_gateway_id", "EgressOnlyInternetGatewayId", "other"),
        ("transit_gateway_id", "TransitGatewayId", "other"),
        ("vpc_peering_connection_id", "VpcPeeringConnectionId", "other"),
        ("network_interface_id", "NetworkInterfaceId", "other"),
        ("vpc_endpoint_id", "VpcEndpointId", "other"),
        ("instance_id", "InstanceId", "other"),
        ("local_gateway_id", "LocalGatewayId", "other"),
        ("carrier_gateway_id", "CarrierGatewayId", "other"),
        ("core_network_arn", "CoreNetworkArn", "other"),
    )

    def _tf_route(self, holder: Node, a: Attr, table: Node | None) -> Route:
        """A route from an inline block (Terraform) or a route resource (both languages)."""
        inline = bool(a.path)
        if inline:
            dest = a.child("cidr_block")
            if dest.missing:
                dest = a.child("ipv6_cidr_block")
        else:
            dest = holder.attr(tf="destination_cidr_block", cfn="DestinationCidrBlock")
            if dest.missing:
                dest = holder.attr(tf="destination_ipv6_cidr_block", cfn="DestinationIpv6CidrBlock")
        kind: TargetKind = "other"
        target: Node | str | None = None
        target_path: Path = a.path
        for tf_key, cfn_key, role in self._TARGET_ATTRS:
            key = tf_key if holder.language == "terraform" else cfn_key
            ta = a.child(key) if inline else holder.attr(key)
            if ta.missing:
                continue
            target_path = ta.path
            if role == "gateway":
                kind, target = self._gateway_kind(holder, ta)
            elif role == "nat":
                t = self.resolve(holder, ta, (NAT,)).items
                if t and t[0].node is not None:
                    kind, target = "nat", t[0].node
                elif t and t[0].literal is not None:
                    kind, target = "nat", t[0].literal
                else:
                    kind = "unknown"
            else:
                kind = "unknown" if ta.unknown and role != "other" else "other"
                target = ta.value if isinstance(ta.value, str) else None
            break
        return Route(
            holder=holder,
            path=a.path,
            table=table,
            destination=dest.value if dest.present else None,
            target_kind=kind,
            target=target,
            target_path=target_path,
        )

    def _gateway_kind(self, holder: Node, ta: Attr) -> tuple[TargetKind, Node | str | None]:
        items = self.resolve(holder, ta, (IGW, "AWS::EC2::VPNGateway", "aws_vpn_gateway")).items
        if not items:
            return "unknown", None
        t = items[0]
        if t.node is not None:
            return ("igw" if t.node.kind == IGW else "other"), t.node
        if t.literal is not None:
            lit = t.literal
            if lit == "local":
                return "local", lit
            if lit.startswith("igw-"):
                return "igw", lit
            return "other", lit
        # an unknown value: a reference to something that is not a gateway of ours
        return "unknown", None

    def route_tables_of(self, subnet: Node) -> list[Node | None] | None:
        """Route tables that apply to a subnet (explicit, else the VPC's main table).

        ``[]`` means the implicit main route table with only the local route;
        None means unknown; a None element a table that cannot be resolved.
        """
        explicit = self._tables_by_subnet.get(subnet.id)
        if explicit:
            return list(explicit)
        scope = self._scopes[subnet.scope]
        if scope.orphan_association:
            return None
        vpc = self.vpc_of(subnet)
        if vpc is None:
            has_main = bool(
                self.graph.nodes((MAIN_ASSOCIATION, DEFAULT_ROUTE_TABLE), scope=subnet.scope)
            )
            return None if has_main else []
        if scope.orphan_main_table and not self._main_by_vpc.get(vpc.id):
            return None
        return list(self._main_by_vpc.get(vpc.id, ()))

    def routes_of(self, table: Node) -> tuple[list[Route], bool]:
        """A route table's routes and whether the list is complete."""
        complete = not self._scopes[table.scope].orphan_routes
        if "route" in set(table.meta.get("dynamic_unknown") or ()):
            complete = False
        return list(self._routes_by_table.get(table.id, ())), complete

    def _default_route(
        self, subnet: Node, kinds: set[str]
    ) -> tuple[Tri, Route | None, Node | None]:
        tables = self.route_tables_of(subnet)
        if tables is None:
            return None, None, None
        unknown = False
        for table in tables:
            if table is None:
                unknown = True
                continue
            routes, complete = self.routes_of(table)
            if not complete:
                unknown = True
            for r in routes:
                default = r.is_default
                if default is None:
                    unknown = True
                    continue
                if not default:
                    continue
                if r.target_kind in kinds:
                    return True, r, table
                if r.target_kind == "unknown":
                    unknown = True
        return (None if unknown else False), None, None

    def internet_route(self, subnet: Node) -> InternetRoute:
        """Is the subnet public: does its route table send ``0.0.0.0/0``/``::/0`` to an IGW?"""
        public, route, table = self._default_route(subnet, {"igw"})
        return InternetRoute(public, route, table)

    def nat_route(self, subnet: Node) -> tuple[Tri, Route | None]:
        """The subnet's default route through a NAT gateway (True + route), none (False), unknown."""
        found, route, _ = self._default_route(subnet, {"nat"})
        return found, route

    def subnet_maps_public_ip(self, subnet: Node) -> Tri:
        a = subnet.attr(tf="map_public_ip_on_launch", cfn="MapPublicIpOnLaunch")
        if a.missing:
            return False
        return a.as_bool()

    # ---- zones ------------------------------------------------------------

    def zone_of(self, subnet: Node) -> ZoneKey | None:
        """The subnet's availability zone as a comparable key; None when unknown."""
        return _zone_key_of(
            subnet,
            subnet.get(tf="availability_zone", cfn="AvailabilityZone", default=MISSING),
            subnet.get(tf="availability_zone_id", cfn="AvailabilityZoneId", default=MISSING),
        )

    def zone_span(self, subnets: Targets) -> ZoneSpan:
        """How many distinct zones the resolved subnets cover (bounds)."""
        keys: list[ZoneKey | None] = []
        count = subnets.count
        seen: set[str] = set()
        for t in subnets.items:
            if t.node is not None:
                if t.node.id in seen:
                    continue
                seen.add(t.node.id)
                if t.node.meta.get("count_unknown"):
                    # one node standing for an unknown number of subnets
                    keys.append(None)
                    count = None
                else:
                    keys.append(self.zone_of(t.node))
            elif t.literal is not None:
                if t.literal in seen:
                    continue
                seen.add(t.literal)
                keys.append(None)
            else:
                keys.append(None)
                count = None
        return span_of_zones(keys, count)

    # ---- attachments ------------------------------------------------------

    def security_groups_of(self, node: Node) -> Targets:
        """The security groups attached to a resource (through its cluster for Aurora members)."""
        spec = ATTACH.get(node.kind)
        if spec is None:
            return EMPTY
        out = EMPTY
        for spelling in spec.groups:
            out = out + self.resolve_at(node, spelling, GROUP_KINDS)
        if node.kind == RDS_INSTANCE and not out.written:
            cluster = self.cluster_of(node)
            if cluster is not None:
                return self.security_groups_of(cluster)
        return out

    def cluster_of(self, instance: Node) -> Node | None:
        """The RDS/DocDB/Neptune cluster an instance is a member of."""
        t = self.resolve_one(
            instance,
            ("cluster_identifier", "DBClusterIdentifier"),
            (RDS_CLUSTER, "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"),
        )
        return t.node if t is not None else None

    def is_cluster_member(self, instance: Node) -> Tri:
        a = instance.attr(tf="cluster_identifier", cfn="DBClusterIdentifier")
        return a.present

    def subnet_group_of(self, node: Node) -> Target | None:
        """The subnet group a data store names (None: not written)."""
        spec = ATTACH.get(node.kind)
        if spec is None or spec.subnet_group is None:
            return None
        t = self.resolve_one(node, spec.subnet_group, SUBNET_GROUP_KINDS)
        if t is None and node.kind == RDS_INSTANCE:
            cluster = self.cluster_of(node)
            if cluster is not None:
                return self.subnet_group_of(cluster)
        return t

    def subnets_of_group(self, group: Node) -> Targets:
        spec = SUBNET_GROUP_SPEC.get(group.kind)
        if spec is None:
            return UNRESOLVED
        return self.resolve_at(group, spec[0], (SUBNET,))

    def subnets_of(self, node: Node) -> Targets:
        """The subnets a resource is placed in (through its subnet group for data stores)."""
        spec = ATTACH.get(node.kind)
        if spec is None:
            return EMPTY
        if spec.subnet_group is not None:
            t = self.subnet_group_of(node)
            if t is None:
                return EMPTY
            if t.node is None:
                return UNRESOLVED
            return self.subnets_of_group(t.node)
        out = EMPTY
        for spelling in spec.subnets:
            out = out + self.resolve_at(node, spelling, (SUBNET,))
        return out

    def datastores(self) -> list[DataStore]:
        """Every data store with the port it listens on (None when unknown)."""
        if self._datastores is None:  # several rules ask
            self._datastores = self._find_datastores()
        return self._datastores

    def _find_datastores(self) -> list[DataStore]:
        out: list[DataStore] = []
        for kind, label in DATASTORE_KINDS.items():
            for n in self.graph.nodes(kind):
                network = n
                if kind == RDS_INSTANCE:
                    cluster = self.cluster_of(n)
                    if cluster is not None:
                        network = cluster
                out.append(DataStore(n, label, network, self.port_of(n)))
        return out

    def port_of(self, node: Node) -> int | None:
        """The port a data store listens on: ``port``, else the engine's or service's default."""
        if node.kind in _ALWAYS_PORTS:
            return _FIXED_PORTS[node.kind]
        a = node.attr(tf="port", cfn="Port")
        if a.present:
            return a.as_int()
        if node.kind in _FIXED_PORTS:
            return _FIXED_PORTS[node.kind]
        if node.kind == RDS_INSTANCE:
            cluster = self.cluster_of(node)
            if cluster is not None:
                return self.port_of(cluster)
        engine = node.get(tf="engine", cfn="Engine", default=MISSING)
        if engine is MISSING and node.kind == "AWS::ElastiCache::ReplicationGroup":
            return 6379  # Redis is the default engine
        return engine_port(engine)

    # ---- public exposure --------------------------------------------------

    def public_ip(self, node: Node) -> tuple[Tri, Attr | None]:
        """Does an instance, launch template or configuration ask for a public IPv4 address?

        Returns the explicit setting (True/False) with its attribute, or None
        when it is not written (the subnet's mapping then decides) or unknown.
        """
        if node.kind == INSTANCE:
            spellings: tuple[Spelling, ...] = (
                ("associate_public_ip_address", "NetworkInterfaces[].AssociatePublicIpAddress"),
            )
        elif node.kind == LAUNCH_TEMPLATE:
            spellings = (
                (
                    "network_interfaces[].associate_public_ip_address",
                    "LaunchTemplateData.NetworkInterfaces[].AssociatePublicIpAddress",
                ),
            )
        elif node.kind == LAUNCH_CONFIGURATION:
            spellings = (("associate_public_ip_address", "AssociatePublicIpAddress"),)
        else:
            return None, None
        for tf, cfn in spellings:
            for a in node.attrs_at(tf=tf, cfn=cfn):
                if a.missing:
                    continue
                return (None if a.unknown else a.as_bool()), a
        return None, None

    def instance_template_public_ip(
        self, instance: Node
    ) -> tuple[Literal["absent", "true", "false", "unknown"], Node | None]:
        """The public-IP setting an instance inherits from its launch template.

        EC2 merges the instance's network settings over its launch template's,
        so when the instance does not write `associate_public_ip_address` the
        template's explicit setting applies. Returns ``("true"|"false",
        template)`` for an explicit setting, ``("absent", template|None)`` when
        neither the template nor a template reference writes one, and
        ``("unknown", template|None)`` when the template or its setting cannot
        be resolved.
        """
        if instance.kind != INSTANCE:
            return "absent", None
        spec = instance.attr(tf="launch_template", cfn="LaunchTemplate")
        if spec.missing:
            return "absent", None
        templates = self.graph.targets(instance, LAUNCH_TEMPLATE)
        if not templates:
            # by literal name: `launch_template { name = "app" }`, `LaunchTemplateName: app`
            name = instance.get(tf="launch_template.name", cfn="LaunchTemplate.LaunchTemplateName")
            if isinstance(name, str):
                templates = [
                    t
                    for t in self.graph.nodes(LAUNCH_TEMPLATE)
                    if t.scope == instance.scope
                    and t.get(tf="name", cfn="LaunchTemplateName") == name
                ]
        if len(templates) != 1:
            return "unknown", None
        flag, attr = self.public_ip(templates[0])
        if flag is None:
            return ("absent" if attr is None else "unknown"), templates[0]
        return ("true" if flag else "false"), templates[0]

    def _build_eips(self) -> None:
        for n in self.graph.nodes(EIP):
            t = self.resolve_one(n, ("instance", "InstanceId"), (INSTANCE,))
            if t is not None and t.node is not None:
                self._eips_by_instance[t.node.id].append(n)
        for n in self.graph.nodes(EIP_ASSOCIATION):
            t = self.resolve_one(n, ("instance_id", "InstanceId"), (INSTANCE,))
            if t is not None and t.node is not None:
                self._eips_by_instance[t.node.id].append(n)

    def eips_of(self, instance: Node) -> list[Node]:
        """Elastic IPs associated with an instance (``aws_eip.instance``, associations)."""
        return list(self._eips_by_instance.get(instance.id, ()))

    def lb_is_public(self, lb: Node) -> Tri:
        """Internet-facing load balancer (``internal`` false / ``Scheme: internet-facing``, the default)."""
        if lb.language == "terraform":
            a = lb.attr("internal")
            if a.missing:
                return True
            v = a.as_bool()
            return None if v is None else not v
        a = lb.attr("Scheme")
        if a.missing:
            return True
        if not a.known:
            return None
        return str(a.value).lower() == "internet-facing"

    def listeners_of(self, lb: Node) -> list[Node]:
        return [
            n
            for n in self.graph.referrers(lb, LISTENER)
            if self.resolve_one(n, ("load_balancer_arn", "LoadBalancerArn"), (LB,)) is not None
        ]

    def forward_targets(self, listener: Node) -> tuple[list[Node], bool]:
        """Target groups a listener forwards to (default actions and listener rules)."""
        groups: dict[str, Node] = {}
        complete = True
        sources: list[tuple[Node, Spelling]] = [
            (listener, ("default_action", "DefaultActions")),
        ]
        for rule in self.graph.referrers(listener, LISTENER_RULE):
            sources.append((rule, ("action", "Actions")))
        for node, spelling in sources:
            for action in node.attrs_at(tf=spelling[0], cfn=spelling[1]):
                for a in action.children("[]") if isinstance(action.value, list) else [action]:
                    for key in (
                        ("target_group_arn", "TargetGroupArn"),
                        (
                            "forward[].target_group[].arn",
                            "ForwardConfig.TargetGroups[].TargetGroupArn",
                        ),
                    ):
                        for ta in a.children(key[0] if node.language == "terraform" else key[1]):
                            t = self.resolve(node, ta, (TARGET_GROUP,))
                            for item in t.items:
                                if item.node is not None:
                                    groups.setdefault(item.node.id, item.node)
                            complete = complete and t.complete
        return list(groups.values()), complete

    def s3_endpoints_of(self, vpc: Node) -> tuple[list[Node], bool]:
        """S3 VPC endpoints (gateway or interface) of a VPC, and whether the answer is complete.

        Incomplete when an endpoint's VPC or service cannot be resolved.
        """
        found: list[Node] = []
        complete = not self._scopes[vpc.scope].orphan_endpoint
        for n in self._endpoints_by_vpc.get(vpc.id, ()):
            s3 = _is_s3_service(n.get(tf="service_name", cfn="ServiceName", default=MISSING))
            if s3 is None:
                complete = False
            elif s3:
                found.append(n)
        return found, complete

    def _build_endpoints(self) -> None:
        for n in self.graph.nodes(ENDPOINT):
            vpc = self.vpc_of(n)
            if vpc is None:
                self._scopes[n.scope].orphan_endpoint = True
            else:
                self._endpoints_by_vpc[vpc.id].append(n)


def _is_s3_service(value: Any) -> Tri:
    if isinstance(value, str):
        return bool(re.search(r"(^|\.)s3$", value.strip()))
    if isinstance(value, Unknown):
        # "com.amazonaws.${region}.s3" / !Sub com.amazonaws.${AWS::Region}.kms: the
        # service is the last label even when the region is unknown
        m = re.search(r"\.([a-z0-9-]+)[\"']?\s*\]?\)?$", value.expr.strip())
        if m and "${" not in m.group(1):
            return m.group(1) == "s3"
        return None
    return None


def _scalar(path: Path) -> bool:
    """Does the attribute name a single resource (``subnet_id``, ``SubnetId``), not a list?"""
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    return name.endswith(("_id", "Id", "_arn", "Arn", "_name", "Name"))


def _action(value: Any) -> str | Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return value.strip().lower()
    return None


def _family(cidr: Any) -> str:
    return "ipv6" if isinstance(cidr, str) and ":" in cidr else "ipv4"


def network_model(graph: ResourceGraph) -> NetworkModel:
    """The graph's network model (built once per graph)."""
    model: NetworkModel = graph.view("network", NetworkModel)
    return model


__all__ = [
    "ANYWHERE_V4",
    "ANYWHERE_V6",
    "DATASTORE_KINDS",
    "DataStore",
    "InternetRoute",
    "NaclDecision",
    "NaclEntry",
    "NetworkModel",
    "Peer",
    "Route",
    "SgRule",
    "Target",
    "Targets",
    "ZoneKey",
    "ZoneSpan",
    "cidr_class",
    "describe_ports",
    "engine_port",
    "is_anywhere",
    "network_model",
    "normalize_protocol",
    "span_of_zones",
    "zone_label",
]

"""Code several NET rules share."""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Path, describe_value
from soc2lint.record import record
from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.views.network import (
    ATTACH,
    DMS_INSTANCE,
    IGW,
    RDS_CLUSTER,
    RDS_INSTANCE,
    VPC,
    NetworkModel,
    Peer,
    SgRule,
    network_model,
)

CHECKLIST = "G. Network Isolation"


TSC = ("CC6.6",)


ADMIN_PORTS: dict[int, tuple[str, ...]] = {22: ("tcp",), 3389: ("tcp", "udp")}


ADMIN_NAMES = {22: "SSH", 3389: "RDP"}


def _model(ctx: Context) -> NetworkModel:
    return network_model(ctx.graph)


def rule_at(rule: SgRule, peer: Peer | None = None) -> Path:
    """Where a rule finding points: the inline block, or the standalone rule's peer attribute."""
    if rule.inline:
        return rule.path
    if peer is not None:
        return peer.path
    return ()


def _rule_name(rule: SgRule) -> str:
    """``aws_security_group.db: ingress rule tcp/5432`` (the holder and the rule)."""
    return f"{rule.holder.address}: {rule.direction} rule {rule.ports_text()}"


def group_related(rule: SgRule) -> tuple[RelatedRef, ...]:
    if not rule.inline and rule.group is not None:
        return (RelatedRef(rule.group, (), f"the security group {rule.group.address}"),)
    return ()


#: database and cache ports (NET002); UDP only where the service listens on UDP too
DATABASE_PORTS: dict[int, tuple[str, ...]] = {
    1433: ("tcp",),
    1521: ("tcp",),
    2049: ("tcp", "udp"),
    3306: ("tcp",),
    5432: ("tcp",),
    5439: ("tcp",),
    6379: ("tcp",),
    9042: ("tcp",),
    9200: ("tcp",),
    9300: ("tcp",),
    11211: ("tcp", "udp"),
    27017: ("tcp",),
}


DATABASE_NAMES = {
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS/EFS",
    3306: "MySQL",
    5432: "PostgreSQL",
    5439: "Redshift",
    6379: "Redis",
    9042: "Cassandra",
    9200: "Elasticsearch",
    9300: "Elasticsearch transport",
    11211: "Memcached",
    27017: "MongoDB/DocumentDB",
}

#: one ingress rule, one finding (RULES.md "Clarifications"): most severe first
INGRESS_ORDER = ("NET003", "NET002", "NET001")


@record(frozen=True)
class IngressExposure:
    """What one ingress rule opens to the internet, for NET001-NET003 at once."""

    rule: SgRule
    anywhere: tuple[Peer, ...]
    unknown_peer: bool
    all_ports: bool | None
    admin: tuple[int, ...]
    admin_unsure: bool
    database: tuple[int, ...]
    database_unsure: bool

    def verdicts(self) -> dict[str, bool | None]:
        """Which of NET001-NET003 apply (None: an unknown source or port decides)."""

        def verdict(hit: bool, unsure: bool) -> bool | None:
            if self.anywhere and hit:
                return True
            if (self.anywhere and unsure) or (self.unknown_peer and (hit or unsure)):
                return None
            return False

        return {
            "NET003": verdict(self.all_ports is True, self.all_ports is None),
            "NET002": verdict(bool(self.database), self.database_unsure),
            "NET001": verdict(bool(self.admin), self.admin_unsure),
        }


def _hits(r: SgRule, ports: dict[int, tuple[str, ...]]) -> tuple[tuple[int, ...], bool]:
    hits: list[int] = []
    unsure = False
    for port, protocols in ports.items():
        covered = r.covers_port(port, protocols)
        if covered:
            hits.append(port)
        elif covered is None:
            unsure = True
    return tuple(hits), unsure


def ingress_exposures(ctx: Context) -> list[IngressExposure]:
    """Every ingress rule from anywhere (or from an unknown source), classified once."""

    def build(_: object) -> list[IngressExposure]:
        out: list[IngressExposure] = []
        for r in _model(ctx).sg_rules("ingress"):
            anywhere = tuple(r.anywhere_peers())
            unknown_peer = any(p.kind == "unknown" for p in r.peers)
            if not anywhere and not unknown_peer:
                continue
            admin, admin_unsure = _hits(r, ADMIN_PORTS)
            database, database_unsure = _hits(r, DATABASE_PORTS)
            out.append(
                IngressExposure(
                    r,
                    anywhere,
                    unknown_peer,
                    r.covers_all_ports(),
                    admin,
                    admin_unsure,
                    database,
                    database_unsure,
                )
            )
        return out

    result: list[IngressExposure] = ctx.graph.view("net.ingress_exposures", build)
    return result


def _ports(hits: tuple[int, ...], names: dict[int, str], limit: int = 6) -> str:
    listed = ", ".join(f"{p} ({names[p]})" for p in hits[:limit])
    more = f" and {len(hits) - limit} more" if len(hits) > limit else ""
    return f"{listed}{more}"


def _exposure_message(e: IngressExposure, rule_id: str) -> str:
    r = e.rule
    sources = ", ".join(dict.fromkeys(str(p.value) for p in e.anywhere))
    head = f"{_rule_name(r)} from {sources}"
    admin = (
        f"the administration port{'s' if len(e.admin) > 1 else ''} {_ports(e.admin, ADMIN_NAMES)}"
    )
    database = (
        f"the database port{'s' if len(e.database) > 1 else ''} "
        f"{_ports(e.database, DATABASE_NAMES)}"
    )
    if rule_id == "NET003":
        named = [admin] if e.admin else []
        if e.database:
            named.append(
                f"{len(e.database)} database and cache ports ({_ports(e.database, DATABASE_NAMES, 3)})"
                if len(e.database) > 3
                else f"the database port{'s' if len(e.database) > 1 else ''} "
                f"{_ports(e.database, DATABASE_NAMES)}"
            )
        among = f", {' and '.join(named)} among them" if named else ""
        return f"{head}: every port is open to the internet{among}"
    if rule_id == "NET002":
        also = f"; it also opens {admin}" if e.admin else ""
        return f"{head} opens {database} to the internet{also}"
    return f"{head} opens {admin} to the internet"


def open_from_anywhere(ctx: Context) -> Iterator[Report]:
    """NET001-NET003: each ingress rule open to the internet gets one finding, from the
    first of NET003, NET002, NET001 that applies among the rules the scan runs."""
    for e in ingress_exposures(ctx):
        verdicts = e.verdicts()
        mine = verdicts[ctx.rule.id]
        if mine is True:
            if ctx.owns(INGRESS_ORDER, verdicts):
                yield ctx.finding(
                    e.rule.holder,
                    rule_at(e.rule, e.anywhere[0]),
                    _exposure_message(e, ctx.rule.id),
                    related=group_related(e.rule),
                )
        elif mine is None:
            before = INGRESS_ORDER[: INGRESS_ORDER.index(ctx.rule.id)]
            if any(verdicts[b] is True and ctx.runs(b) for b in before):
                continue
            r = e.rule
            at = rule_at(r, next((p for p in r.peers if p.kind == "unknown"), None))
            yield from ctx.unresolved(r.holder, at, "the rule's source or ports")


@record(frozen=True)
class PublicAccess:
    """Whether a data store gets a public endpoint, and why."""

    public: bool | None
    attr: Attr
    reason: str
    related: tuple[RelatedRef, ...] = ()


def vpc_has_igw(model: NetworkModel, vpc: Node) -> tuple[bool | None, Node | None]:
    """Is an internet gateway attached to the VPC in the configuration?"""
    g = model.graph
    for igw in g.nodes(IGW, scope=vpc.scope):
        t = model.resolve_one(igw, ("vpc_id", None), (VPC,))
        if t is not None and t.node is vpc:
            return True, igw
    for att in g.nodes(
        ("AWS::EC2::VPCGatewayAttachment", "aws_internet_gateway_attachment"), scope=vpc.scope
    ):
        v = model.resolve_one(att, ("vpc_id", "VpcId"), (VPC,))
        i = model.resolve_one(att, ("internet_gateway_id", "InternetGatewayId"), (IGW,))
        if v is not None and v.node is vpc and i is not None and (i.node or i.literal):
            return True, att
    return False, None


def cfn_rds_default_public(model: NetworkModel, node: Node) -> PublicAccess | None:
    """CloudFormation RDS without `PubliclyAccessible`: AWS's documented default.

    CreateDBInstance: with a subnet group and no PubliclyAccessible, the
    instance is public when the subnets' VPC has an internet gateway
    attached.  Only reported when every link is in the template.
    """
    a = node.attr("PubliclyAccessible")
    if any(
        node.attr(k).present
        for k in ("DBClusterIdentifier", "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")
    ):
        return None  # Aurora members and replicas: the default is not documented plainly
    spec = ATTACH[node.kind].subnet_group
    if spec is None or not node.attr(spec[1] or "").present:
        return None
    sg = model.subnet_group_of(node)
    if sg is None or sg.node is None:
        return None
    subnets = model.subnets_of_group(sg.node)
    if not subnets.complete or not subnets.nodes:
        return None
    vpcs = {id(v): v for s in subnets.nodes if (v := model.vpc_of(s)) is not None}
    if len(vpcs) != 1 or len(subnets.nodes) != sum(1 for s in subnets.nodes if model.vpc_of(s)):
        return None
    vpc = next(iter(vpcs.values()))
    has_igw, via = vpc_has_igw(model, vpc)
    if not has_igw or via is None:
        return None
    return PublicAccess(
        True,
        a,
        f"`PubliclyAccessible` is not set and the subnet group {sg.node.address} is in "
        f"{vpc.address}, which has an internet gateway ({via.address}): RDS makes the "
        "instance publicly accessible by default",
        (
            RelatedRef(sg.node, (), f"subnet group {sg.node.address}"),
            RelatedRef(via, (), f"internet gateway attachment {via.address}"),
        ),
    )


def public_access(model: NetworkModel, node: Node) -> PublicAccess | None:
    """NET006's decision for an RDS instance/cluster, Redshift cluster or DMS instance
    (made once per node: NET009 asks too)."""
    decided: dict[str, PublicAccess | None] = model.graph.view("net.public_access", _no_memo)
    if node.id not in decided:
        decided[node.id] = _public_access(model, node)
    return decided[node.id]


def _no_memo(_graph: ResourceGraph) -> dict[str, PublicAccess | None]:
    return {}


def _public_access(model: NetworkModel, node: Node) -> PublicAccess | None:
    a = node.attr(tf="publicly_accessible", cfn="PubliclyAccessible")
    if a.present:
        if a.unknown:
            return PublicAccess(None, a, "unknown")
        v = a.as_bool()
        if v is None:
            return PublicAccess(None, a, "unknown")
        return PublicAccess(v, a, f"`{a.path_str}` is {describe_value(a.value)}")
    if node.language != "cloudformation":
        return PublicAccess(False, a, "not set (the provider's default is false)")
    if node.kind == DMS_INSTANCE:
        return PublicAccess(
            True, a, "`PubliclyAccessible` is not set and AWS DMS defaults it to true"
        )
    if node.kind in (RDS_INSTANCE, RDS_CLUSTER):
        if node.kind == RDS_CLUSTER and not node.attr("DBClusterInstanceClass").present:
            return PublicAccess(False, a, "an Aurora cluster: its instances decide")
        decided = cfn_rds_default_public(model, node)
        if decided is not None:
            return decided
        return PublicAccess(None, a, "the default depends on the VPC")
    return PublicAccess(False, a, "not set")

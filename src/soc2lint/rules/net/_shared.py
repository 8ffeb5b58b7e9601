"""Code several NET rules share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from soc2lint.model import Attr, Node, Path, describe_value
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


def open_from_anywhere(
    ctx: Context,
    ports: dict[int, tuple[str, ...]],
    names: dict[int, str],
    what: str,
) -> Iterator[Report]:
    """Shared check of NET001/NET002: ingress from anywhere covering one of ``ports``."""
    for r in _model(ctx).sg_rules("ingress"):
        anywhere = r.anywhere_peers()
        unknown_peer = any(p.kind == "unknown" for p in r.peers)
        if not anywhere and not unknown_peer:
            continue
        hits: list[int] = []
        unsure = False
        for port, protocols in ports.items():
            covered = r.covers_port(port, protocols)
            if covered:
                hits.append(port)
            elif covered is None:
                unsure = True
        if anywhere and hits:
            sources = ", ".join(dict.fromkeys(str(p.value) for p in anywhere))
            listed = ", ".join(f"{p} ({names[p]})" for p in hits[:6])
            more = f" and {len(hits) - 6} more" if len(hits) > 6 else ""
            yield ctx.finding(
                r.holder,
                rule_at(r, anywhere[0]),
                f"{_rule_name(r)} from {sources} opens {what} {listed}{more} to the internet",
                related=group_related(r),
            )
        elif (anywhere and unsure) or (unknown_peer and (hits or unsure)):
            at = rule_at(r, next((p for p in r.peers if p.kind == "unknown"), None))
            yield from ctx.unresolved(r.holder, at, "the rule's source or ports")


@dataclass(frozen=True)
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
    """NET006's decision for an RDS instance/cluster, Redshift cluster or DMS instance."""
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

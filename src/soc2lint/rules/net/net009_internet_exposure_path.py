from __future__ import annotations

from collections.abc import Iterator, Sequence

from soc2lint.model import Attr, Node, Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, from_view, rule
from soc2lint.views.network import (
    ASG,
    INSTANCE,
    LAUNCH_CONFIGURATION,
    LAUNCH_TEMPLATE,
    LB,
    RDS_INSTANCE,
    NetworkModel,
    Peer,
    SgRule,
    Targets,
)
from soc2lint.views.populations import LBS, datastores

from ...record import record
from ._shared import CHECKLIST, TSC, _model, public_access


@record(frozen=True)
class Hop:
    """One step of the path from the internet: a related location and its text."""

    ref: RelatedRef
    text: str


def _admitting_rule(
    model: NetworkModel, groups: Targets, port: int | None
) -> tuple[SgRule, Peer] | None:
    """A rule of the attached groups admitting the internet on ``port`` (None: a non-web port)."""
    best: tuple[SgRule, Peer] | None = None
    for g in groups.nodes:
        rules, _ = model.rules_of(g, "ingress")
        for r in rules:
            anywhere = r.anywhere_peers()
            if not anywhere:
                continue
            ok = r.covers_non_web_port() if port is None else r.covers_port(port, ("tcp",))
            if ok:
                v4 = [p for p in anywhere if str(p.value) == "0.0.0.0/0"] or anywhere
                best = best or (r, v4[0])
    return best


def _subnet_path(
    model: NetworkModel, subnets: Targets, *, require_all: bool
) -> tuple[Node, Hop, Hop] | None:
    """A public subnet of the list (all of them when ``require_all``) with its route hop."""
    if not subnets.nodes:
        return None
    found: tuple[Node, Hop, Hop] | None = None
    for s in subnets.nodes:
        ir = model.internet_route(s)
        if ir.public and ir.route is not None:
            route = ir.route
            tgt = route.target.address if isinstance(route.target, Node) else route.target
            hop_route = Hop(
                RelatedRef(route.holder, route.path, f"{route.destination} -> {tgt}"),
                f"route {route.destination} -> {tgt} ({route.holder.address})",
            )
            hop_subnet = Hop(RelatedRef(s, (), f"public subnet {s.address}"), f"subnet {s.address}")
            found = found or (s, hop_route, hop_subnet)
        elif require_all:
            return None
    if require_all and not subnets.complete:
        return None
    return found


def _rule_hop(rule: SgRule, peer: Peer) -> Hop:
    at = rule.path if rule.inline else peer.path
    where = rule.holder.address
    text = f"{where} admits {rule.ports_text()} from {peer.value}"
    return Hop(RelatedRef(rule.holder, at, text), text)


def _nacl_hop(model: NetworkModel, subnet: Node, port: int) -> bool:
    """False when the subnet's network ACLs are known to (or may) block the port."""
    return model.nacl_admits(subnet, port, ("tcp",)) is True


def _exposed_port(rule: SgRule, port: int | None) -> int:
    if port is not None:
        return port
    span = rule.port_span()
    if isinstance(span, tuple):
        low, high = span
        for p in (22, 3389, low):
            if low <= p <= high and p not in (80, 443):
                return p
        return next(p for p in range(low, high + 1) if p not in (80, 443))
    return 0


@rule(
    id="NET009",
    slug="internet-exposure-path",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=from_view(
        datastores,
        kinds=("AWS::EC2::Instance", "AWS::AutoScaling::AutoScalingGroup", *LBS),
        what="data stores, instances, auto scaling groups and load balancers",
    ),
    control="Data stores and instances are not reachable from the internet.",
    graph=True,
    fix={
        "terraform": "Break the path: make the subnet private, drop the public address "
        "(`publicly_accessible`, `associate_public_ip_address`, the EIP) or remove the "
        "internet source from the security group.",
        "cloudformation": "Break the path: make the subnet private, drop the public address "
        "(`PubliclyAccessible`, `AssociatePublicIpAddress`, the EIP) or remove the internet "
        "source from the security group.",
    },
)
def internet_exposure_path(ctx: Context) -> Iterator[Report]:
    """Data store or instance is reachable from the internet.

    What it checks:
        For every RDS instance, Redshift cluster and EC2 instance (and auto
        scaling groups through their launch template or configuration), a
        complete path from the internet: (1) its subnet's route table sends
        `0.0.0.0/0` to an internet gateway (for a data store, every subnet of
        its subnet group); (2) it has a public address: `publicly_accessible`
        (or the documented RDS default, see NET006), an explicit
        `associate_public_ip_address`, the subnet's `map_public_ip_on_launch`
        without an explicit false, or an Elastic IP; (3) an attached security
        group admits `0.0.0.0/0`/`::/0` on the port the data store listens on
        (`port`, else the engine's default), or on any non-web port for an
        instance; (4) the subnet's network ACL (associated, else the VPC
        default, which allows all) does not deny that port. Public load
        balancers listening on a non-web port are followed to their targets
        (listener -> target group -> instances, auto scaling groups); load
        balancers on 80/443 are intended entry points. Any link that cannot
        be resolved breaks the path: no finding. The message names the hops and
        the SARIF output carries them as a code flow (route, subnet,
        security-group rule, resource).
    Why it matters for SOC 2:
        CC6.6 asks that external access points be identified and restricted;
        each link alone may be someone's deliberate choice, the complete path
        is an exposure an auditor will ask about (checklist G).
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-route.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/infrastructure-security.html
        - https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
        - https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
    """
    model = _model(ctx)
    # data stores with a public endpoint
    for node in ctx.graph.nodes((RDS_INSTANCE, "AWS::Redshift::Cluster")):
        pa = public_access(model, node)
        if pa is None or not pa.public:
            continue
        network = model.cluster_of(node) or node if node.kind == RDS_INSTANCE else node
        port = model.port_of(node)
        if port is None:
            continue
        path = _subnet_path(model, model.subnets_of(network), require_all=True)
        if path is None:
            continue
        subnet, hop_route, hop_subnet = path
        admitted = _admitting_rule(model, model.security_groups_of(network), port)
        if admitted is None or not _nacl_hop(model, subnet, port):
            continue
        hop_rule = _rule_hop(*admitted)
        hop_res = Hop(
            RelatedRef(node, pa.attr.path, f"{node.address} is publicly accessible"),
            f"{node.address} publicly accessible on {port}",
        )
        yield _path_finding(ctx, node, pa.attr, port, (hop_route, hop_subnet, hop_rule, hop_res))
    # instances with a public address
    for inst in ctx.graph.nodes(INSTANCE):
        yield from _instance_path(ctx, model, inst)
    for asg in ctx.graph.nodes(ASG):
        yield from _asg_path(ctx, model, asg)
    yield from _lb_paths(ctx, model)


def _path_finding(
    ctx: Context, node: Node, at: Attr | Path, port: int, hops: Sequence[Hop]
) -> Report:
    return ctx.finding(
        node,
        at,
        f"{node.address}: reachable from the internet on port {port}: "
        + "; ".join(h.text for h in hops),
        code_flow=tuple(h.ref for h in hops),
        related=tuple(h.ref for h in hops[:-1]),
    )


def _public_address(
    model: NetworkModel, node: Node, template: Node | None, subnet: Node
) -> tuple[Hop, Attr | Path] | None:
    """The instance's public address: explicit flag, subnet mapping, or an EIP."""
    for source in (node, template):
        if source is None:
            continue
        flag, attr = model.public_ip(source)
        if flag is False:
            return None
        if flag is True and attr is not None:
            return (
                Hop(
                    RelatedRef(source, attr.path, "associates a public IP"),
                    f"{source.address} `{attr.path_str}` = true",
                ),
                attr.path if source is node else (),
            )
        if attr is not None:
            return None  # unknown
    for eip in model.eips_of(node) if node.kind == INSTANCE else []:
        return Hop(
            RelatedRef(eip, (), f"Elastic IP {eip.address}"), f"Elastic IP {eip.address}"
        ), ()
    if model.subnet_maps_public_ip(subnet):
        return (
            Hop(
                RelatedRef(subnet, (), "maps public IPs on launch"),
                f"{subnet.address} maps public IPs on launch",
            ),
            (),
        )
    return None


def _instance_path(ctx: Context, model: NetworkModel, inst: Node) -> Iterator[Report]:
    path = _subnet_path(model, model.subnets_of(inst), require_all=True)
    if path is None:
        return
    subnet, hop_route, hop_subnet = path
    inherited, template = model.instance_template_public_ip(inst)
    if inherited == "unknown":
        return
    address = _public_address(model, inst, template, subnet)
    if address is None:
        return
    hop_addr, at = address
    admitted = _admitting_rule(model, model.security_groups_of(inst), None)
    if admitted is None:
        return
    port = _exposed_port(admitted[0], None)
    if not _nacl_hop(model, subnet, port):
        return
    hop_rule = _rule_hop(*admitted)
    hops = _address_hops(inst, at, hop_addr, subnet)
    yield _path_finding(ctx, inst, at, port, (hop_route, hop_subnet, hop_rule, *hops))


def _address_hops(node: Node, at: Attr | Path, hop_addr: Hop, subnet: Node) -> list[Hop]:
    """The public-address hop (an EIP, a launch template) and the resource itself, last."""
    path = at.path if isinstance(at, Attr) else at
    own = hop_addr.ref.node is node
    hop_res = Hop(
        RelatedRef(node, path, f"{node.address} has a public address ({hop_addr.text})"),
        f"public address: {hop_addr.text}",
    )
    if own or hop_addr.ref.node is subnet:
        return [hop_res]
    return [hop_addr, hop_res]


def _launch_source(model: NetworkModel, asg: Node) -> Node | None:
    sources = model.graph.targets(asg, (LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION))
    return sources[0] if len(sources) == 1 else None


def _asg_path(ctx: Context, model: NetworkModel, asg: Node) -> Iterator[Report]:
    template = _launch_source(model, asg)
    if template is None:
        return
    subnets = model.subnets_of(asg)
    path = _subnet_path(model, subnets, require_all=False)
    if path is None:
        return
    subnet, hop_route, hop_subnet = path
    address = _public_address(model, asg, template, subnet)
    if address is None:
        return
    hop_addr, _ = address
    admitted = _admitting_rule(model, model.security_groups_of(template), None)
    if admitted is None:
        return
    port = _exposed_port(admitted[0], None)
    if not _nacl_hop(model, subnet, port):
        return
    hop_rule = _rule_hop(*admitted)
    at = asg.attr(tf="vpc_zone_identifier", cfn="VPCZoneIdentifier")
    hops = _address_hops(asg, at, hop_addr, subnet)
    yield _path_finding(ctx, asg, at, port, (hop_route, hop_subnet, hop_rule, *hops))


def _lb_paths(ctx: Context, model: NetworkModel) -> Iterator[Report]:
    """Public load balancers listening on a non-web port, followed to their targets."""
    reported: set[str] = set()
    for lb in ctx.graph.nodes(LB):
        if model.lb_is_public(lb) is not True:
            continue
        path = _subnet_path(model, model.subnets_of(lb), require_all=True)
        if path is None:
            continue
        subnet, hop_route, hop_subnet = path
        has_groups = model.security_groups_of(lb)
        for listener in model.listeners_of(lb):
            port = listener.attr(tf="port", cfn="Port").as_int()
            if port is None or port in (80, 443):
                continue
            if has_groups.written:
                admitted = _admitting_rule(model, has_groups, port)
                if admitted is None:
                    continue
                hop_rule = _rule_hop(*admitted)
            else:
                hop_rule = Hop(
                    RelatedRef(lb, (), "no security group"),
                    f"{lb.address} has no security group",
                )
            if not _nacl_hop(model, subnet, port):
                continue
            groups, _ = model.forward_targets(listener)
            for tg in groups:
                for target in _group_targets(model, tg):
                    if target.id in reported:
                        continue
                    reported.add(target.id)
                    hop_lb = Hop(
                        RelatedRef(listener, (), f"listener {port}"),
                        f"public load balancer {lb.address} listener {port} -> {tg.address}",
                    )
                    hop_res = Hop(
                        RelatedRef(target, (), f"target {target.address}"), target.address
                    )
                    yield _path_finding(
                        ctx,
                        target,
                        (),
                        port,
                        (hop_route, hop_subnet, hop_rule, hop_lb, hop_res),
                    )


def _group_targets(model: NetworkModel, tg: Node) -> list[Node]:
    out: dict[str, Node] = {}
    g = model.graph
    for att in g.referrers(
        tg, ("aws_lb_target_group_attachment", "aws_alb_target_group_attachment")
    ):
        t = model.resolve_one(att, ("target_id", None), (INSTANCE,))
        if t is not None and t.node is not None:
            out.setdefault(t.node.id, t.node)
    for item in tg.attrs_at(tf=None, cfn="Targets[].Id"):
        for tt in model.resolve(tg, item, (INSTANCE,)).items:
            if tt.node is not None:
                out.setdefault(tt.node.id, tt.node)
    for asg in g.referrers(tg, ASG):
        out.setdefault(asg.id, asg)
    for att in g.referrers(tg, "aws_autoscaling_attachment"):
        for asg in g.targets(att, ASG):
            out.setdefault(asg.id, asg)
    return [n for n in out.values() if n.kind in (INSTANCE, ASG)]

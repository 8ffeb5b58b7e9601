"""network/: a Mermaid diagram per VPC and the inventory of every firewall rule.

Everything comes from the network model (:mod:`soc2lint.views.network`), the
one the NET and zone rules read: subnets, their zone and whether their route
table sends the default route to an internet gateway, what is placed in which
subnet, security groups and their rules, NACL entries.  Internet exposure
paths are the NET009 findings: their hops are highlighted in red.

Diagrams stay readable for large VPCs: subnets are grouped by availability
zone, subnets with nothing placed in them are collapsed into one node per
zone and tier (public / private), and edges are capped (every rule is in
``firewall-rules.md`` anyway).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import field

from ..model import Finding, Node, Unknown
from ..record import record
from ..report.mdsafe import code
from ..views.network import (
    ATTACH,
    DATASTORE_KINDS,
    IGW,
    LAUNCH_CONFIGURATION,
    LAUNCH_TEMPLATE,
    NAT,
    SUBNET,
    VPC,
    NetworkModel,
    SgRule,
    network_model,
    zone_label,
)
from .common import describe, first_line, md, mermaid_text, node_sort_key, table
from .context import EvidenceContext

DIAGRAM = "network/network-diagram.md"
FIREWALL = "network/firewall-rules.md"

#: most security-group edges drawn in one diagram (the rest are in firewall-rules.md)
MAX_EDGES = 60
#: characters a diagram may take: GitHub does not render a Mermaid diagram over 50,000
MAX_DIAGRAM_CHARS = 48_000
#: instances of one resource block in one subnet drawn as a single box (count, for_each)
GROUP_AT = 5

LABELS: dict[str, str] = {
    **DATASTORE_KINDS,
    "AWS::EC2::Instance": "EC2 instance",
    "AWS::AutoScaling::AutoScalingGroup": "Auto Scaling group",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
    "AWS::ElasticLoadBalancing::LoadBalancer": "classic load balancer",
    "AWS::Lambda::Function": "Lambda function",
    "AWS::ECS::Service": "ECS service",
    "AWS::EKS::Cluster": "EKS cluster",
    "AWS::EKS::Nodegroup": "EKS node group",
    "AWS::DMS::ReplicationInstance": "DMS instance",
    NAT: "NAT gateway",
    IGW: "internet gateway",
}

_PLACED_KINDS = tuple(k for k in LABELS if k in ATTACH or k == NAT)


def mermaid_blocks(markdown: str) -> list[str]:
    """The Mermaid diagrams of a Markdown text (for tests and tools)."""
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.M | re.S)


# --------------------------------------------------------------------------
# firewall rules
# --------------------------------------------------------------------------


def _peers_text(rule: SgRule) -> str:
    return ", ".join(p.describe() for p in rule.peers) or "none"


def _description(rule: SgRule) -> tuple[str, bool]:
    d = rule.description
    if isinstance(d, Unknown):
        return f"unknown ({d.expr})", False
    if isinstance(d, str) and d.strip():
        return d, False
    return "", True


def _firewall(ctx: EvidenceContext, model: NetworkModel) -> dict[str, str]:
    rules = model.sg_rules()

    def key(r: SgRule) -> tuple[str, ...]:
        g = r.group
        return (
            g.scope if g else r.holder.scope,
            g.address if g else "~",
            r.direction,
            r.holder.range.file,
            f"{r.holder.location_of(r.path).start_line:08d}",
            repr(r.path),
        )

    out = ["# Firewall rules", ""]
    out.append(
        "Every security-group rule and network ACL entry declared in the scanned code, with "
        "its source or destination, ports and protocol, and its description as the written "
        "justification. The checklist (G) asks for every firewall rule to be justified; rules "
        "without a description are flagged (NET015). Evidence for CC6.6."
    )
    out.append("")
    undocumented = 0
    rows = []
    for r in sorted(rules, key=key):
        text, missing = _description(r)
        flags = []
        if missing:
            undocumented += 1
            flags.append("no description")
        if r.anywhere_peers():
            flags.append("open to the internet" if r.direction == "ingress" else "to the internet")
        if r.templated:
            flags.append("from a dynamic block")
        group = (
            ctx.pack.link(FIREWALL, first_line(r.group), r.group.address)
            if r.group is not None
            else "unresolved group"
        )
        rows.append(
            [
                group,
                r.direction,
                md(r.ports_text()),
                md(_peers_text(r)),
                md(text) if text else "**missing**",
                ctx.pack.link(FIREWALL, r.holder.location_of(r.path)),
                md(", ".join(flags)),
            ]
        )
    out.append("## Security-group rules")
    out.append("")
    out.append(
        f"{len(rows)} rule{'s' if len(rows) != 1 else ''}, {undocumented} without a description."
    )
    out.append("")
    if rows:
        out.extend(
            table(
                [
                    "Security group",
                    "Direction",
                    "Ports",
                    "Source / destination",
                    "Justification (description)",
                    "Written at",
                    "Flags",
                ],
                rows,
            )
        )
        out.append("")
    entries = model.nacl_entries()
    out.append("## Network ACL entries")
    out.append("")
    out.append(
        "Network ACL entries have no description field in AWS: justify them in the code's "
        "comments or the change record."
    )
    out.append("")
    if entries:
        erows = []
        for e in sorted(
            entries,
            key=lambda e: (
                e.acl.scope if e.acl else e.holder.scope,
                e.acl.address if e.acl else "~",
                str(e.egress),
                e.number if e.number is not None else -1,
                repr(e.path),
            ),
        ):
            direction = {True: "egress", False: "ingress", None: "unknown"}[e.egress]
            erows.append(
                [
                    ctx.pack.link(FIREWALL, first_line(e.acl), e.acl.address)
                    if e.acl
                    else "unresolved ACL",
                    direction,
                    md(describe(e.number)) if e.number is not None else "unknown",
                    md(describe(e.action)),
                    md(e.ports_text()),
                    md(describe(e.cidr)),
                    ctx.pack.link(FIREWALL, e.holder.location_of(e.path)),
                ]
            )
        out.extend(
            table(
                ["Network ACL", "Direction", "Rule", "Action", "Ports", "CIDR", "Written at"], erows
            )
        )
    else:
        out.append("No network ACL entry is declared (subnets use their VPC's default ACL).")
    out.append("")
    return {FIREWALL: "\n".join(out)}


# --------------------------------------------------------------------------
# diagrams
# --------------------------------------------------------------------------


@record
class _Subnet:
    node: Node
    zone: str
    tier: str  # public / private / routing unknown
    residents: list[Node] = field(default_factory=list)


@record
class _Vpc:
    node: Node | None
    subnets: dict[str, _Subnet] = field(default_factory=dict)
    #: resources placed in several subnets of this VPC
    spanning: list[tuple[Node, list[str]]] = field(default_factory=list)
    igws: dict[str, Node] = field(default_factory=dict)


def _tier(model: NetworkModel, subnet: Node) -> str:
    public = model.internet_route(subnet).public
    return {True: "public", False: "private", None: "routing unknown"}[public]


def _label(node: Node) -> str:
    return f"{LABELS.get(node.kind, node.kind)}: {node.address}"


def _exposure(ctx: EvidenceContext) -> tuple[set[tuple[str, str]], list[Finding]]:
    findings = [f for f in ctx.result.findings if f.rule_id == "NET009" and not f.unresolved]
    exposed = {(f.scope, f.address) for f in findings}
    for f in findings:
        for hop in f.code_flow:
            if hop.address:
                exposed.add((f.scope, hop.address))
    return exposed, findings


def _collect(ctx: EvidenceContext, model: NetworkModel) -> tuple[dict[str, _Vpc], list[Node]]:
    vpcs: dict[str, _Vpc] = {}
    for v in ctx.graph.nodes(VPC):
        vpcs[v.id] = _Vpc(v)
    subnet_vpc: dict[str, str] = {}
    for s in ctx.graph.nodes(SUBNET):
        v = model.vpc_of(s)
        vid = v.id if v is not None else f"{s.scope}::?"
        if vid not in vpcs:
            vpcs[vid] = _Vpc(v)
        z = model.zone_of(s)
        vpcs[vid].subnets[s.id] = _Subnet(
            s, zone_label(z) if z else "zone unknown", _tier(model, s)
        )
        subnet_vpc[s.id] = vid
        route = model.internet_route(s).route
        if route is not None and isinstance(route.target, Node):
            vpcs[vid].igws[route.target.id] = route.target
    for igw in ctx.graph.nodes(IGW):
        v = model.vpc_of(igw)
        if v is not None and v.id in vpcs:
            vpcs[v.id].igws.setdefault(igw.id, igw)
    unplaced: list[Node] = []
    for node in ctx.graph.nodes(_PLACED_KINDS):
        if node.kind == "AWS::RDS::DBInstance" and model.cluster_of(node) is not None:
            continue  # drawn as its cluster
        if node.kind == NAT:
            t = model.resolve_one(node, ("subnet_id", "SubnetId"), (SUBNET,))
            subnets = [t.node] if t is not None and t.node is not None else []
        else:
            subnets = model.subnets_of(node).nodes
        subnets = [s for s in subnets if s.id in subnet_vpc]
        if not subnets:
            if node.kind in DATASTORE_KINDS or node.kind in ("AWS::EC2::Instance",):
                unplaced.append(node)
            continue
        by_vpc: dict[str, list[str]] = defaultdict(list)
        for s in subnets:
            by_vpc[subnet_vpc[s.id]].append(s.id)
        for vid, sids in by_vpc.items():
            if len(sids) == 1:
                vpcs[vid].subnets[sids[0]].residents.append(node)
            else:
                vpcs[vid].spanning.append((node, sorted(sids)))
    return vpcs, unplaced


class _Diagram:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ids: dict[str, str] = {}
        self.edges: list[tuple[str, str, str, str]] = []  # src, dst, label, style

    def node_id(self, node_id: str) -> str:
        if node_id not in self.ids:
            self.ids[node_id] = f"n{len(self.ids) + 1}"
        return self.ids[node_id]

    def group_id(self, members: list[Node]) -> str:
        """One Mermaid node standing for ``members`` (their edges merge into it)."""
        gid = f"g{len(self.ids) + 1}"
        for m in members:
            self.ids[m.id] = gid
        return gid


def _block_key(node: Node) -> tuple[str, str, str]:
    """The resource block a node is an instance of: ``aws_instance.web[3]`` and
    ``module.app["b"].aws_instance.web[0]`` are instances of ``…aws_instance.web[*]``."""
    return (node.scope, re.sub(r"\[[^\]]*\]", "[*]", node.address), node.kind)


def _groups_of(model: NetworkModel, node: Node) -> list[Node]:
    """A resource's security groups; an Auto Scaling or EKS node group's come from its template."""
    groups = list(model.security_groups_of(node).nodes)
    if node.kind in ("AWS::AutoScaling::AutoScalingGroup", "AWS::EKS::Nodegroup"):
        templates = model.graph.targets(node, (LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION))
        for t in templates:
            groups.extend(model.security_groups_of(t).nodes)
    return list({g.id: g for g in groups}.values())


def _shape(node: Node, nid: str) -> str:
    text = mermaid_text(_label(node))
    if node.kind in DATASTORE_KINDS:
        return f'{nid}[("{text}")]'
    if node.kind in (NAT, IGW):
        return f'{nid}{{{{"{text}"}}}}'
    return f'{nid}["{text}"]'


def _vpc_diagram(
    ctx: EvidenceContext,
    model: NetworkModel,
    vpc: _Vpc,
    exposed: set[tuple[str, str]],
    net009: list[Finding],
    group_at: int = GROUP_AT,
    max_boxes: int | None = None,
) -> tuple[list[str], int, int]:
    """The Mermaid lines of one VPC, the edges not drawn, and the resources summarised
    (drawn inside a box standing for several: ``group_at`` or more instances of one
    block in one subnet; beyond ``max_boxes`` boxes in a subnet, one box with the rest)."""
    d = _Diagram()
    summarised = 0
    lines = ["flowchart TB"]
    lines.append("  classDef exposed stroke:#d00,stroke-width:3px,color:#900")
    lines.append("  classDef public fill:#fff4e5,stroke:#e69500")
    lines.append("  classDef private fill:#eef6ee,stroke:#4a8a4a")
    lines.append("  classDef collapsed fill:#f4f4f4,stroke:#999,stroke-dasharray:3 3")
    inet = "internet"
    lines.append(f'  {inet}(("Internet"))')
    title = "VPC: " + (vpc.node.address if vpc.node else "not resolved")
    if vpc.node is not None:
        cidr = vpc.node.get(tf="cidr_block", cfn="CidrBlock")
        if cidr is not None:
            title += f" {describe(cidr)}"
    lines.append(f'  subgraph vpc["{mermaid_text(title, 120)}"]')
    lines.append("    direction TB")
    placed: dict[str, Node] = {}
    for igw in sorted(vpc.igws.values(), key=lambda n: n.id):
        nid = d.node_id(igw.id)
        lines.append(f"    {_shape(igw, nid)}")
        placed[igw.id] = igw
    # zones, each with its subnets; empty subnets collapsed per tier
    zones: dict[str, list[_Subnet]] = defaultdict(list)
    for s in vpc.subnets.values():
        zones[s.zone].append(s)
    subnet_ids: dict[str, str] = {}
    for zi, zone in enumerate(sorted(zones)):
        lines.append(f'    subgraph z{zi}["{mermaid_text("AZ " + zone)}"]')
        lines.append("      direction TB")
        empty: dict[str, list[_Subnet]] = defaultdict(list)
        for s in sorted(zones[zone], key=lambda s: (s.tier, node_sort_key(s.node))):
            if not s.residents:
                empty[s.tier].append(s)
                continue
            sid = f"s{len(subnet_ids) + 1}"
            subnet_ids[s.node.id] = sid
            cidr = s.node.get(tf="cidr_block", cfn="CidrBlock")
            stitle = f"{s.tier} subnet: {s.node.address}" + (
                f" {describe(cidr)}" if cidr is not None else ""
            )
            lines.append(f'      subgraph {sid}["{mermaid_text(stitle, 120)}"]')
            blocks: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
            for r in sorted(s.residents, key=lambda n: n.id):
                blocks[_block_key(r)].append(r)
            boxes = 0
            rest: list[Node] = []
            for key, instances in blocks.items():
                if max_boxes is not None and boxes >= max_boxes:
                    rest.extend(instances)
                    continue
                boxes += 1
                if len(instances) >= group_at:
                    gid = d.group_id(instances)
                    what = LABELS.get(key[2], key[2])
                    text = mermaid_text(f"{what}: {key[1]} ×{len(instances)} (summarised)", 140)
                    lines.append(f'        {gid}["{text}"]')
                    summarised += len(instances)
                    for m in instances:
                        placed[m.id] = m
                    continue
                for r in instances:
                    nid = d.node_id(r.id)
                    lines.append(f"        {_shape(r, nid)}")
                    placed[r.id] = r
            if rest:
                gid = d.group_id(rest)
                text = mermaid_text(f"… and {len(rest)} more resources (summarised)", 140)
                lines.append(f'        {gid}["{text}"]')
                lines.append(f"        class {gid} collapsed")
                summarised += len(rest)
                for m in rest:
                    placed[m.id] = m
            lines.append("      end")
            lines.append(f"      class {sid} {'public' if s.tier == 'public' else 'private'}")
        for tier, group in sorted(empty.items()):
            gid = f"e{zi}{tier[:2]}"
            names = ", ".join(s.node.address for s in group[:3]) + (", …" if len(group) > 3 else "")
            text = f"{len(group)} {tier} subnet{'s' if len(group) != 1 else ''}: {names}"
            lines.append(f'      {gid}["{mermaid_text(text, 140)}"]')
            lines.append(f"      class {gid} collapsed")
            for s in group:
                subnet_ids[s.node.id] = gid
        lines.append("    end")
    for node, sids in sorted(vpc.spanning, key=lambda x: x[0].id):
        nid = d.node_id(node.id)
        zones_of = sorted({vpc.subnets[s].zone for s in sids})
        text = mermaid_text(f"{_label(node)} (in {len(sids)} subnets, {len(zones_of)} AZs)", 120)
        shape = _shape(node, nid).replace(mermaid_text(_label(node)), text, 1)
        lines.append(f"    {shape}")
        placed[node.id] = node
    lines.append("  end")
    # internet gateway
    for igw in vpc.igws.values():
        d.edges.append((inet, d.node_id(igw.id), "", "plain"))
    # security-group edges between placed resources, and from the internet
    members: dict[str, list[Node]] = defaultdict(list)
    for n in placed.values():
        for g in _groups_of(model, n):
            members[g.id].append(n)
    merged: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule in model.sg_rules("ingress"):
        if rule.group is None or rule.group.id not in members:
            continue
        for peer in rule.peers:
            sources: list[str] = []
            if peer.anywhere:
                sources = [inet]
            elif peer.kind == "security_group" and peer.value.node is not None:
                sources = [d.node_id(n.id) for n in members.get(peer.value.node.id, [])]
            for target in members[rule.group.id]:
                target_id = d.node_id(target.id)
                for src_id in sources:
                    if src_id != target_id:
                        merged[(src_id, target_id)].append(rule.ports_text())
    exposed_ids = {d.node_id(n.id) for n in placed.values() if (n.scope, n.address) in exposed}
    for (src_id, dst_id), ports in sorted(merged.items()):
        label = ", ".join(sorted(set(ports)))
        style = (
            "exposed"
            if src_id == inet and dst_id in exposed_ids
            else ("internet" if src_id == inet else "sg")
        )
        d.edges.append((src_id, dst_id, label, style))
    # NET009 paths: internet -> hops -> resource, through placed nodes
    placed_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in placed.values():
        placed_at[(n.scope, n.address)].append(n.id)
    for f in net009:
        hops = [h.address for h in f.code_flow if h.address] + [f.address]
        chain = [
            inet,
            *dict.fromkeys(
                d.node_id(placed_id) for a in hops for placed_id in placed_at[(f.scope, a)]
            ),
        ]
        for a, b in itertools.pairwise(chain):
            if not any(e[0] == a and e[1] == b for e in d.edges):
                d.edges.append((a, b, "exposure path", "exposed"))
            else:
                d.edges = [
                    (s, t, lab, "exposed" if (s, t) == (a, b) else st) for s, t, lab, st in d.edges
                ]
    shown = d.edges[:MAX_EDGES] if len(d.edges) > MAX_EDGES else d.edges
    hidden = len(d.edges) - len(shown)
    red: list[int] = []
    for i, (src_id, dst_id, label, style) in enumerate(shown):
        arrow = {"exposed": "==>", "internet": "-.->"}.get(style, "-->")
        text = f'|"{mermaid_text(label)}"|' if label else ""
        lines.append(f"  {src_id} {arrow}{text} {dst_id}")
        if style == "exposed":
            red.append(i)
    for nid in sorted(exposed_ids, key=lambda x: int(x[1:])):
        lines.append(f"  class {nid} exposed")
    if red:
        lines.append(f"  linkStyle {','.join(str(i) for i in red)} stroke:#d00,stroke-width:3px")
    if summarised:
        note = (
            f"{summarised} resources are summarised: instances of one resource block in one "
            "subnet are drawn as one box with their count"
        )
        lines.append(f'  summary["{mermaid_text(note, 200)}"]')
        lines.append("  class summary collapsed")
    return lines, hidden, summarised


def fitted_vpc_diagram(
    ctx: EvidenceContext,
    model: NetworkModel,
    vpc: _Vpc,
    exposed: set[tuple[str, str]],
    net009: list[Finding],
) -> tuple[list[str], int, int]:
    """:func:`_vpc_diagram` within :data:`MAX_DIAGRAM_CHARS` (GitHub renders no Mermaid
    diagram over 50,000 characters): repeated blocks grouped from 5 instances, then from 2,
    then at most a few boxes a subnet."""
    result = _vpc_diagram(ctx, model, vpc, exposed, net009)
    for group_at, max_boxes in ((2, None), (2, 12), (2, 4), (2, 1)):
        if len("\n".join(result[0])) <= MAX_DIAGRAM_CHARS:
            break
        result = _vpc_diagram(ctx, model, vpc, exposed, net009, group_at, max_boxes)
    return result


def _diagrams(ctx: EvidenceContext, model: NetworkModel) -> dict[str, str]:
    exposed, net009 = _exposure(ctx)
    vpcs, unplaced = _collect(ctx, model)
    out = ["# Network diagram", ""]
    out.append(
        "One diagram per VPC, drawn from the code: subnets grouped by availability zone and "
        "marked public (default route to an internet gateway) or private, what is placed in "
        "each subnet, and the security-group rules between them (solid: admitted from another "
        "security group; dotted: a rule admitting the internet, which reaches the resource "
        "only through a public subnet and a public address). Subnets that hold no resource of their own are collapsed "
        "into one box per zone and tier; resources spread over several subnets are drawn "
        "once, at the VPC level, and their subnets are listed under the diagram. Internet exposure paths (NET009 findings) are drawn in red. "
        "Evidence for CC6.6 (checklist G, Network Isolation); every rule is listed in "
        + ctx.pack.pack_link(DIAGRAM, FIREWALL, "firewall-rules.md")
        + "."
    )
    out.append("")
    if not vpcs:
        out.append("No VPC or subnet is declared in the scanned code.")
        out.append("")

    def vpc_key(k: str) -> tuple[bool, str]:
        node = vpcs[k].node
        return (node is None, node.id if node is not None else k)

    for vid in sorted(vpcs, key=vpc_key):
        vpc = vpcs[vid]
        title = vpc.node.address if vpc.node is not None else "subnets whose VPC is not resolved"
        out.append(f"## {md(title)}")
        out.append("")
        if vpc.node is not None:
            out.append(
                f"Declared at {ctx.pack.link(DIAGRAM, first_line(vpc.node))} (scope {code(vpc.node.scope, table=False)})."
            )
            out.append("")
        lines, hidden, summarised = fitted_vpc_diagram(ctx, model, vpc, exposed, net009)
        out.append("```mermaid")
        out.extend(lines)
        out.append("```")
        out.append("")
        if summarised:
            out.append(
                f"{summarised} resources are drawn inside summary boxes (instances of one "
                "resource block in one subnet, shown with their count) to keep the diagram "
                "readable and within GitHub's 50,000-character limit for Mermaid; each is "
                "listed in " + ctx.pack.pack_link(DIAGRAM, FIREWALL, "firewall-rules.md") + "."
            )
            out.append("")
        if hidden:
            out.append(f"{hidden} more edges are not drawn; see the firewall rules.")
            out.append("")
        if vpc.spanning:
            out.append("Resources spread over several subnets:")
            out.append("")
            span_rows = []
            for node, sids in sorted(vpc.spanning, key=lambda x: x[0].id):
                subnets = [vpc.subnets[sid] for sid in sids]
                span_rows.append(
                    [
                        ctx.pack.link(DIAGRAM, first_line(node), node.address),
                        md(LABELS.get(node.kind, node.kind)),
                        md(
                            ", ".join(
                                f"{sub.node.address} ({sub.tier}, {sub.zone})"
                                for sub in sorted(subnets, key=lambda x: node_sort_key(x.node))
                            )
                        ),
                    ]
                )
            out.extend(table(["Resource", "Kind", "Subnets (tier, zone)"], span_rows))
            out.append("")
        n_pub = sum(1 for s in vpc.subnets.values() if s.tier == "public")
        out.append(
            f"{len(vpc.subnets)} subnets ({n_pub} public) in "
            f"{len({s.zone for s in vpc.subnets.values()})} zones."
        )
        out.append("")
        paths = [
            f
            for f in net009
            if any(
                (f.scope, f.address) == (r.scope, r.address)
                for s in vpc.subnets.values()
                for r in s.residents
            )
            or any((f.scope, f.address) == (n.scope, n.address) for n, _ in vpc.spanning)
        ]
        if paths:
            out.append("Internet exposure paths:")
            out.append("")
            for f in sorted(paths, key=lambda f: f.sort_key()):
                out.append(f"- {ctx.pack.link(DIAGRAM, f.range, f.address)}: {md(f.message)}")
            out.append("")
    if unplaced:
        out.append("## Not placed in a subnet of the code")
        out.append("")
        out.append(
            "Instances and data stores whose subnets are not declared here or cannot be resolved."
        )
        out.append("")
        for n in sorted(unplaced, key=lambda n: (n.scope, node_sort_key(n))):
            out.append(
                f"- {md(LABELS.get(n.kind, n.kind))}: {ctx.pack.link(DIAGRAM, first_line(n), n.address)}"
            )
        out.append("")
    return {DIAGRAM: "\n".join(out)}


def render(ctx: EvidenceContext) -> dict[str, str]:
    model = network_model(ctx.graph)
    files = _firewall(ctx, model)
    files.update(_diagrams(ctx, model))
    return files

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.network import NAT, Target, Targets, network_model

from ._shared import CHECKLIST, TSC, zones_text


@rule(
    id="AVL008",
    slug="nat-gateway-single-az",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::EC2::NatGateway", what="NAT gateways"),
    control="Private subnets in several zones do not depend on one NAT gateway.",
    graph=True,
    fix={
        "terraform": "Create one NAT gateway per availability zone and route each zone's private "
        "subnets through the NAT gateway of their own zone.",
        "cloudformation": "Create one AWS::EC2::NatGateway per availability zone and give each "
        "zone's private route table a default route to its own NAT gateway.",
    },
)
def nat_gateway_single_az(ctx: Context) -> Iterator[Report]:
    """Private subnets in several zones depend on one NAT gateway.

    What it checks:
        For each VPC, the private subnets whose route table sends `0.0.0.0/0`
        to a NAT gateway (inline `route` blocks, `aws_route`,
        `AWS::EC2::Route`; explicit associations, else the main table). When
        they all use the same NAT gateway and lie in two or more distinct
        availability zones (as resolved for AVL003), the NAT gateway is
        reported, with the subnets as related locations. A zonal NAT gateway
        (the default `availability_mode`/`AvailabilityMode`) lives in one zone:
        its zone's outage cuts every other zone's private subnets off from the
        internet. A regional NAT gateway (`availability_mode = "regional"`)
        spans zones and passes. Unknown routes, targets, modes or zones are not
        reported; a NAT gateway outside the configuration cannot be named and
        is not reported.
    Why it matters for SOC 2:
        Checklist F and TSC A1.2 ask that a single zone failure not take down
        the other zones' workloads; AWS recommends a NAT gateway per zone.
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
        - https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/nat_gateway
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-natgateway.html
    """
    model = network_model(ctx.graph)
    groups: dict[str, list[tuple[Node, Node | str | None]]] = defaultdict(list)
    unsure: set[str] = set()
    for s in ctx.graph.nodes("AWS::EC2::Subnet"):
        vpc = model.vpc_of(s)
        key = vpc.id if vpc is not None else f"{s.scope}::?"
        routed, route = model.nat_route(s)
        if routed is None:
            unsure.add(key)
            continue
        if routed and route is not None:
            groups[key].append((s, route.target))
    for key, members in sorted(groups.items()):
        nats = {t.id if isinstance(t, Node) else f"literal:{t}" for _, t in members}
        if len(nats) != 1:
            continue
        nat = members[0][1]
        if not isinstance(nat, Node) or nat.kind != NAT or nat.meta.get("count_unknown"):
            continue
        mode = nat.attr(tf="availability_mode", cfn="AvailabilityMode")
        if mode.unknown:
            yield from ctx.unresolved(nat, mode)
            continue
        if mode.present and str(mode.value).lower() == "regional":
            continue  # a regional NAT gateway spans the zones itself
        if key in unsure:
            yield from ctx.unresolved(nat, (), "the routes of the VPC's other subnets")
            continue
        subnets = [s for s, _ in members]
        span = model.zone_span(Targets(tuple(Target((), node=n) for n in subnets), True, True))
        if span.lower < 2:
            if span.upper is None or span.upper >= 2:
                yield from ctx.unresolved(nat, (), "the private subnets' availability zones")
            continue
        names = ", ".join(s.address for s in subnets[:6]) + (" ..." if len(subnets) > 6 else "")
        yield ctx.finding(
            nat,
            (),
            f"{nat.address}: private subnets {names} in {span.lower} availability zones"
            f"{zones_text(span)} all route 0.0.0.0/0 through this one NAT gateway; "
            "an outage of its zone cuts the others off",
            related=[RelatedRef(s, (), f"private subnet {s.address}") for s in subnets],
        )

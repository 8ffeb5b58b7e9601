from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.network import CLASSIC_LB, LB
from soc2lint.views.populations import LBS

from ._shared import CHECKLIST, TSC, check_spread


@rule(
    id="AVL004",
    slug="lb-multi-az",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(*LBS, what="load balancers"),
    control="Load balancers span several Availability Zones.",
    graph=True,
    fix={
        "terraform": "Give the load balancer `subnets` (or `subnet_mapping`) in at least two "
        "availability zones.",
        "cloudformation": "Give the load balancer `Subnets` (or `SubnetMappings`) in at least two "
        "availability zones.",
    },
)
def lb_multi_az(ctx: Context) -> Iterator[Report]:
    """Load balancer is placed in a single availability zone.

    What it checks:
        Application, network and gateway load balancers (`aws_lb`/`aws_alb`
        `subnets` or `subnet_mapping`; `AWS::ElasticLoadBalancingV2::LoadBalancer`
        `Subnets` or `SubnetMappings`) and classic load balancers (`aws_elb`,
        `AWS::ElasticLoadBalancing::LoadBalancer`: `subnets`/`Subnets` or
        `availability_zones`/`AvailabilityZones`) whose subnets or zones are
        fewer than two distinct availability zones, resolved through the graph
        as for AVL003. Unknown subnets or zones are not reported.
    Why it matters for SOC 2:
        Checklist F and TSC A1.2: a load balancer node exists only in the zones
        it is enabled in; with one zone, that zone's outage takes the entry
        point down with it.
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#availability-zones
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html
    """
    yield from check_spread(
        ctx, (LB, CLASSIC_LB), {LB: "load balancer:", CLASSIC_LB: "classic load balancer:"}
    )

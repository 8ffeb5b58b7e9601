from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.network import ASG, ECS_SERVICE, EKS_NODEGROUP

from ._shared import CHECKLIST, TSC, check_spread


@rule(
    id="AVL003",
    slug="compute-multi-az",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::AutoScaling::AutoScalingGroup",
        "AWS::EKS::Nodegroup",
        "AWS::ECS::Service",
        what="auto scaling groups, EKS node groups and ECS services",
    ),
    control="Compute groups span several Availability Zones.",
    graph=True,
    fix={
        "terraform": "Give `vpc_zone_identifier` / `subnet_ids` / `network_configuration.subnets` "
        "subnets in at least two availability zones.",
        "cloudformation": "Give `VPCZoneIdentifier` / `Subnets` / `AwsvpcConfiguration.Subnets` "
        "subnets in at least two availability zones.",
    },
)
def compute_multi_az(ctx: Context) -> Iterator[Report]:
    """Compute group runs in a single availability zone.

    What it checks:
        Auto scaling groups (`vpc_zone_identifier`/`VPCZoneIdentifier`, or
        `availability_zones`/`AvailabilityZones`), EKS managed node groups
        (`subnet_ids`/`Subnets`) and ECS services in awsvpc mode
        (`network_configuration.subnets`/
        `NetworkConfiguration.AwsvpcConfiguration.Subnets`) whose subnets lie
        in fewer than two distinct availability zones. Zones are read from the
        subnets through the graph: literal names or zone IDs, or indexes of
        `data.aws_availability_zones` / `Fn::GetAZs` (distinct indexes are
        distinct zones). A single subnet is always one zone. Subnet lists or
        zones that cannot be resolved (a variable, an imported value, literal
        subnet IDs) are unknown.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover) and TSC A1.2: capacity in one zone
        goes down with the zone; spreading the group across zones is what lets
        it recover without intervention.
    References:
        - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/availability_zones
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getavailabilityzones.html
    """
    yield from check_spread(
        ctx,
        (ASG, EKS_NODEGROUP, ECS_SERVICE),
        {
            ASG: "auto scaling group:",
            EKS_NODEGROUP: "node group:",
            ECS_SERVICE: "ECS service:",
        },
    )

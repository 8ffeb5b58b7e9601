"""Multi-AZ rules answered through the network model (AVL003, AVL004, AVL008).

Subnets' availability zones come from :mod:`soc2lint.views.network`
(``zone_of``/``zone_span``): literal names and zone IDs, and indexes into
``data.aws_availability_zones`` or ``Fn::GetAZs``, distinct indexes counting as
distinct zones (RULES.md clarification). A zone or a subnet list that cannot
be resolved is unknown, never a failure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.network import (
    ASG,
    CLASSIC_LB,
    ECS_SERVICE,
    EKS_NODEGROUP,
    LB,
    NAT,
    NetworkModel,
    Target,
    Targets,
    ZoneSpan,
    network_model,
    span_of_zones,
    zone_label,
)

CHECKLIST = "F. Multi-AZ / Failover"
TSC = ("A1.2",)


def _zones_text(span: ZoneSpan) -> str:
    if not span.zones:
        return ""
    return " (" + ", ".join(zone_label(z) for z in span.zones) + ")"


def _subnet_names(targets: Targets) -> str:
    names = [n.address for n in targets.nodes] + list(dict.fromkeys(targets.literals))
    return ", ".join(names[:6]) + (" ..." if len(names) > 6 else "")


def _literal_zones(attr: Attr) -> ZoneSpan | None:
    """Zones written by name (`availability_zones`), None when unknown."""
    if attr.unknown:
        return None
    values = attr.value if isinstance(attr.value, list) else [attr.value]
    if any(not isinstance(v, str) for v in values):
        return span_of_zones([None] * len(values), len(values) or None)
    return span_of_zones([("name", v) for v in values], len(set(values)))


def _placement(model: NetworkModel, node: Node) -> tuple[Attr, Targets, ZoneSpan] | None:
    """Where a group, node group, service or load balancer places its members."""
    subnets = model.subnets_of(node)
    if subnets.written and subnets.attr is not None:
        return subnets.attr, subnets, model.zone_span(subnets)
    zones = node.attr(tf="availability_zones", cfn="AvailabilityZones")
    if node.kind in (ASG, CLASSIC_LB) and zones.present:
        span = _literal_zones(zones)
        if span is None:
            return zones, Targets((), False, True, zones), ZoneSpan(0, None)
        return zones, Targets((), True, True, zones), span
    return None


def _check_spread(ctx: Context, kinds: tuple[str, ...], what: dict[str, str]) -> Iterator[Report]:
    model = network_model(ctx.graph)
    for node in ctx.graph.nodes(kinds):
        placed = _placement(model, node)
        if placed is None:
            continue
        attr, subnets, span = placed
        verdict = span.fewer_than_two
        if verdict is None:
            yield from ctx.unresolved(node, attr, "the availability zones of its subnets")
            continue
        if not verdict:
            continue
        n = span.upper if span.upper is not None else span.lower
        label = what.get(node.kind, "resource")
        listed = _subnet_names(subnets)
        where = f"its subnets ({listed})" if listed else "its zones"
        yield ctx.finding(
            node,
            attr,
            f"{node.address}: {label} {where} lie in {n} availability zone"
            f"{'' if n == 1 else 's'}{_zones_text(span)}; one zone outage takes it down",
            related=[RelatedRef(s, (), f"subnet {s.address}") for s in subnets.nodes],
        )


# --------------------------------------------------------------------------
# AVL003
# --------------------------------------------------------------------------


@rule(
    id="AVL003",
    slug="compute-multi-az",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Give `vpc_zone_identifier` / `subnet_ids` / `network_configuration.subnets` "
        "subnets in at least two availability zones.",
        "cloudformation": "Give `VPCZoneIdentifier` / `Subnets` / `AwsvpcConfiguration.Subnets` "
        "subnets in at least two availability zones.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_subnet" "app" {
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.1.0/24"
                  availability_zone = "eu-west-1a"
                }

                resource "aws_autoscaling_group" "app" {
                  name                = "app"
                  min_size            = 2
                  max_size            = 4
                  vpc_zone_identifier = [aws_subnet.app.id]

                  launch_template {
                    id = "lt-0123456789abcdef0"
                  }
                }
                """,
                address="aws_autoscaling_group.app",
                line=11,
            ),
            bad(
                {
                    "main.tf": """
                    module "workers" {
                      source = "./modules/nodes"
                      azs    = ["us-east-1a", "us-east-1a"]
                    }
                    """,
                    "modules/nodes/main.tf": """
                    variable "azs" {
                      type = list(string)
                    }

                    resource "aws_subnet" "nodes" {
                      count             = length(var.azs)
                      vpc_id            = "vpc-0123456789abcdef0"
                      cidr_block        = "10.0.${count.index}.0/24"
                      availability_zone = var.azs[count.index]
                    }

                    resource "aws_eks_node_group" "workers" {
                      cluster_name    = "main"
                      node_group_name = "workers"
                      node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
                      subnet_ids      = aws_subnet.nodes[*].id

                      scaling_config {
                        desired_size = 2
                        max_size     = 3
                        min_size     = 1
                      }
                    }
                    """,
                },
                address="module.workers.aws_eks_node_group.workers",
                line=16,
                file="modules/nodes/main.tf",
                note="two subnets, one zone",
            ),
            bad(
                """
                resource "aws_autoscaling_group" "legacy" {
                  min_size           = 1
                  max_size           = 2
                  availability_zones = ["us-east-1a"]
                  launch_configuration = "legacy-lc"
                }
                """,
                address="aws_autoscaling_group.legacy",
                line=4,
            ),
        ],
        good=[
            good(
                """
                data "aws_availability_zones" "available" {
                  state = "available"
                }

                resource "aws_subnet" "app" {
                  count             = 2
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.${count.index}.0/24"
                  availability_zone = data.aws_availability_zones.available.names[count.index]
                }

                resource "aws_autoscaling_group" "app" {
                  min_size            = 2
                  max_size            = 4
                  vpc_zone_identifier = aws_subnet.app[*].id

                  launch_template {
                    id = "lt-0123456789abcdef0"
                  }
                }
                """,
                note="distinct indexes of data.aws_availability_zones are distinct zones",
            ),
            good(
                """
                variable "private_subnets" {
                  type = list(string)
                }

                resource "aws_ecs_service" "api" {
                  name            = "api"
                  cluster         = "main"
                  task_definition = "api:1"
                  desired_count   = 2

                  network_configuration {
                    subnets = var.private_subnets
                  }
                }
                """,
                note="subnets from a variable: unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  SubnetA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.1.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  Service:
                    Type: AWS::ECS::Service
                    Properties:
                      Cluster: main
                      TaskDefinition: api:1
                      DesiredCount: 2
                      LaunchType: FARGATE
                      NetworkConfiguration:
                        AwsvpcConfiguration:
                          Subnets: [!Ref SubnetA]
                """,
                address="Service",
                line=17,
            ),
            bad(
                """
                Resources:
                  SubnetA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.1.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  SubnetB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.2.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  Group:
                    Type: AWS::AutoScaling::AutoScalingGroup
                    Properties:
                      MinSize: "2"
                      MaxSize: "4"
                      VPCZoneIdentifier: [!Ref SubnetA, !Ref SubnetB]
                      LaunchTemplate:
                        LaunchTemplateId: lt-0123456789abcdef0
                        Version: "1"
                """,
                address="Group",
                line=19,
                note="the same GetAZs index twice",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  SubnetA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.1.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  SubnetB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.2.0/24
                      AvailabilityZone: !Select [1, !GetAZs ""]
                  Nodes:
                    Type: AWS::EKS::Nodegroup
                    Properties:
                      ClusterName: main
                      NodeRole: arn:aws:iam::123456789012:role/nodes
                      Subnets: [!Ref SubnetA, !Ref SubnetB]
                """
            ),
            good(
                """
                Resources:
                  Group:
                    Type: AWS::AutoScaling::AutoScalingGroup
                    Properties:
                      MinSize: "2"
                      MaxSize: "4"
                      VPCZoneIdentifier: !Split [",", !ImportValue app-subnets]
                """
            ),
        ],
    ),
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
    How to fix:
        Terraform: list subnets from at least two zones in
        `vpc_zone_identifier`, `subnet_ids` or `network_configuration.subnets`.
        CloudFormation: the same in `VPCZoneIdentifier`, `Subnets` or
        `AwsvpcConfiguration.Subnets`.
    References:
        - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/availability_zones
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getavailabilityzones.html
    """
    yield from _check_spread(
        ctx,
        (ASG, EKS_NODEGROUP, ECS_SERVICE),
        {
            ASG: "auto scaling group:",
            EKS_NODEGROUP: "node group:",
            ECS_SERVICE: "ECS service:",
        },
    )


# --------------------------------------------------------------------------
# AVL004
# --------------------------------------------------------------------------


@rule(
    id="AVL004",
    slug="lb-multi-az",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Give the load balancer `subnets` (or `subnet_mapping`) in at least two "
        "availability zones.",
        "cloudformation": "Give the load balancer `Subnets` (or `SubnetMappings`) in at least two "
        "availability zones.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_subnet" "public_a" {
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.0.0/24"
                  availability_zone = "eu-central-1a"
                }

                resource "aws_lb" "ingress" {
                  name               = "ingress"
                  load_balancer_type = "network"

                  subnet_mapping {
                    subnet_id = aws_subnet.public_a.id
                  }
                }
                """,
                address="aws_lb.ingress",
                line=12,
            ),
            bad(
                """
                variable "zones" {
                  default = ["us-west-2b"]
                }

                resource "aws_elb" "legacy" {
                  name               = "legacy"
                  availability_zones = var.zones

                  listener {
                    lb_port           = 443
                    lb_protocol       = "https"
                    instance_port     = 8080
                    instance_protocol = "http"
                  }
                }
                """,
                address="aws_elb.legacy",
                line=7,
            ),
        ],
        good=[
            good(
                """
                resource "aws_subnet" "public" {
                  count             = 2
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.${count.index}.0/24"
                  availability_zone = ["eu-central-1a", "eu-central-1b"][count.index]
                }

                resource "aws_lb" "web" {
                  name    = "web"
                  subnets = aws_subnet.public[*].id
                }
                """
            ),
            good(
                """
                resource "aws_lb" "web" {
                  name    = "web"
                  subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
                }
                """,
                note="subnets outside the configuration: zones unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Parameters:
                  Zone:
                    Type: String
                    Default: us-east-1a
                Resources:
                  OnlySubnet:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.0.0/24
                      AvailabilityZone: !Ref Zone
                  Nlb:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Type: network
                      Subnets: [!Ref OnlySubnet]
                """,
                address="Nlb",
                line=16,
            ),
            bad(
                """
                Resources:
                  Classic:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: [eu-west-1a]
                      Listeners:
                        - LoadBalancerPort: "80"
                          InstancePort: "80"
                          Protocol: HTTP
                """,
                address="Classic",
                line=5,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  SubnetA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.1.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  SubnetB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: vpc-0123456789abcdef0
                      CidrBlock: 10.0.2.0/24
                      AvailabilityZone: !Select [1, !GetAZs ""]
                  Alb:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      SubnetMappings:
                        - SubnetId: !Ref SubnetA
                        - SubnetId: !Ref SubnetB
                """
            ),
            good(
                """
                Resources:
                  Alb:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Subnets: !Split [",", !ImportValue public-subnets]
                """
            ),
        ],
    ),
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
    How to fix:
        Terraform: list subnets in two or more zones in `subnets` /
        `subnet_mapping` (`availability_zones` for a classic ELB).
        CloudFormation: `Subnets` / `SubnetMappings` (`AvailabilityZones` for a
        classic load balancer).
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#availability-zones
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html
    """
    yield from _check_spread(
        ctx, (LB, CLASSIC_LB), {LB: "load balancer:", CLASSIC_LB: "classic load balancer:"}
    )


# --------------------------------------------------------------------------
# AVL008
# --------------------------------------------------------------------------


@rule(
    id="AVL008",
    slug="nat-gateway-single-az",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Create one NAT gateway per availability zone and route each zone's private "
        "subnets through the NAT gateway of their own zone.",
        "cloudformation": "Create one AWS::EC2::NatGateway per availability zone and give each "
        "zone's private route table a default route to its own NAT gateway.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_subnet" "private" {
                  count             = 2
                  vpc_id            = aws_vpc.main.id
                  cidr_block        = "10.0.${count.index + 10}.0/24"
                  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
                }

                resource "aws_nat_gateway" "shared" {
                  allocation_id = "eipalloc-0123456789abcdef0"
                  subnet_id     = "subnet-0123456789abcdef0"
                }

                resource "aws_route_table" "private" {
                  vpc_id = aws_vpc.main.id
                  route {
                    cidr_block     = "0.0.0.0/0"
                    nat_gateway_id = aws_nat_gateway.shared.id
                  }
                }

                resource "aws_route_table_association" "private" {
                  count          = 2
                  subnet_id      = aws_subnet.private[count.index].id
                  route_table_id = aws_route_table.private.id
                }
                """,
                address="aws_nat_gateway.shared",
                line=12,
            ),
            bad(
                {
                    "main.tf": """
                    module "network" {
                      source             = "./modules/network"
                      single_nat_gateway = true
                    }
                    """,
                    "modules/network/main.tf": """
                    variable "single_nat_gateway" {
                      type    = bool
                      default = false
                    }

                    locals {
                      azs      = ["us-east-1a", "us-east-1b", "us-east-1c"]
                      nat_count = var.single_nat_gateway ? 1 : length(local.azs)
                    }

                    resource "aws_vpc" "this" {
                      cidr_block = "10.0.0.0/16"
                    }

                    resource "aws_subnet" "private" {
                      count             = length(local.azs)
                      vpc_id            = aws_vpc.this.id
                      cidr_block        = "10.0.${count.index}.0/24"
                      availability_zone = local.azs[count.index]
                    }

                    resource "aws_nat_gateway" "this" {
                      count         = local.nat_count
                      allocation_id = "eipalloc-0123456789abcdef0"
                      subnet_id     = "subnet-0123456789abcdef0"
                    }

                    resource "aws_route_table" "private" {
                      count  = length(local.azs)
                      vpc_id = aws_vpc.this.id
                    }

                    resource "aws_route" "private_nat" {
                      count                  = length(local.azs)
                      route_table_id         = aws_route_table.private[count.index].id
                      destination_cidr_block = "0.0.0.0/0"
                      nat_gateway_id         = aws_nat_gateway.this[local.nat_count == 1 ? 0 : count.index].id
                    }

                    resource "aws_route_table_association" "private" {
                      count          = length(local.azs)
                      subnet_id      = aws_subnet.private[count.index].id
                      route_table_id = aws_route_table.private[count.index].id
                    }
                    """,
                },
                address="module.network.aws_nat_gateway.this[0]",
                line=22,
                file="modules/network/main.tf",
                note="the single-NAT switch of a VPC module",
            ),
        ],
        good=[
            good(
                """
                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_subnet" "private" {
                  count             = 2
                  vpc_id            = aws_vpc.main.id
                  cidr_block        = "10.0.${count.index + 10}.0/24"
                  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
                }

                resource "aws_nat_gateway" "zone" {
                  count         = 2
                  allocation_id = "eipalloc-0123456789abcdef0"
                  subnet_id     = "subnet-0123456789abcdef0"
                }

                resource "aws_route_table" "private" {
                  count  = 2
                  vpc_id = aws_vpc.main.id
                  route {
                    cidr_block     = "0.0.0.0/0"
                    nat_gateway_id = aws_nat_gateway.zone[count.index].id
                  }
                }

                resource "aws_route_table_association" "private" {
                  count          = 2
                  subnet_id      = aws_subnet.private[count.index].id
                  route_table_id = aws_route_table.private[count.index].id
                }
                """
            ),
            good(
                """
                variable "azs" {
                  type = list(string)
                }

                resource "aws_subnet" "private" {
                  count             = 2
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.${count.index + 10}.0/24"
                  availability_zone = var.azs[count.index]
                }

                resource "aws_nat_gateway" "shared" {
                  allocation_id = "eipalloc-0123456789abcdef0"
                  subnet_id     = "subnet-0123456789abcdef0"
                }

                resource "aws_route_table" "private" {
                  vpc_id = "vpc-0123456789abcdef0"
                  route {
                    cidr_block     = "0.0.0.0/0"
                    nat_gateway_id = aws_nat_gateway.shared.id
                  }
                }

                resource "aws_route_table_association" "private" {
                  count          = 2
                  subnet_id      = aws_subnet.private[count.index].id
                  route_table_id = aws_route_table.private.id
                }
                """,
                note="the subnets' zones are unknown",
            ),
            good(
                """
                resource "aws_subnet" "private" {
                  count             = 2
                  vpc_id            = "vpc-0123456789abcdef0"
                  cidr_block        = "10.0.${count.index + 10}.0/24"
                  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
                }

                resource "aws_nat_gateway" "regional" {
                  vpc_id            = "vpc-0123456789abcdef0"
                  availability_mode = "regional"
                }

                resource "aws_route_table" "private" {
                  vpc_id = "vpc-0123456789abcdef0"
                  route {
                    cidr_block     = "0.0.0.0/0"
                    nat_gateway_id = aws_nat_gateway.regional.id
                  }
                }

                resource "aws_route_table_association" "private" {
                  count          = 2
                  subnet_id      = aws_subnet.private[count.index].id
                  route_table_id = aws_route_table.private.id
                }
                """,
                note="a regional NAT gateway spans the zones",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  PrivateA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.10.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  PrivateB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.11.0/24
                      AvailabilityZone: !Select [1, !GetAZs ""]
                  Nat:
                    Type: AWS::EC2::NatGateway
                    Properties:
                      AllocationId: eipalloc-0123456789abcdef0
                      SubnetId: subnet-0123456789abcdef0
                  PrivateRoutes:
                    Type: AWS::EC2::RouteTable
                    Properties:
                      VpcId: !Ref Vpc
                  NatRoute:
                    Type: AWS::EC2::Route
                    Properties:
                      RouteTableId: !Ref PrivateRoutes
                      DestinationCidrBlock: 0.0.0.0/0
                      NatGatewayId: !Ref Nat
                  AssocA:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateA
                      RouteTableId: !Ref PrivateRoutes
                  AssocB:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateB
                      RouteTableId: !Ref PrivateRoutes
                """,
                address="Nat",
                line=18,
            ),
            bad(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  PrivateA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.10.0/24
                      AvailabilityZone: eu-west-1a
                  PrivateB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.11.0/24
                      AvailabilityZone: eu-west-1b
                  Nat:
                    Type: AWS::EC2::NatGateway
                    Properties:
                      AllocationId: eipalloc-0123456789abcdef0
                      SubnetId: subnet-0123456789abcdef0
                  RoutesA:
                    Type: AWS::EC2::RouteTable
                    Properties:
                      VpcId: !Ref Vpc
                  RoutesB:
                    Type: AWS::EC2::RouteTable
                    Properties:
                      VpcId: !Ref Vpc
                  NatRouteA:
                    Type: AWS::EC2::Route
                    Properties:
                      RouteTableId: !Ref RoutesA
                      DestinationCidrBlock: 0.0.0.0/0
                      NatGatewayId: !Ref Nat
                  NatRouteB:
                    Type: AWS::EC2::Route
                    Properties:
                      RouteTableId: !Ref RoutesB
                      DestinationCidrBlock: 0.0.0.0/0
                      NatGatewayId: !Ref Nat
                  AssocA:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateA
                      RouteTableId: !Ref RoutesA
                  AssocB:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateB
                      RouteTableId: !Ref RoutesB
                """,
                address="Nat",
                line=18,
                note="two route tables, one NAT gateway",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  PrivateA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.10.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  NatA:
                    Type: AWS::EC2::NatGateway
                    Properties:
                      AllocationId: eipalloc-0123456789abcdef0
                      SubnetId: subnet-0123456789abcdef0
                  RoutesA:
                    Type: AWS::EC2::RouteTable
                    Properties:
                      VpcId: !Ref Vpc
                  NatRouteA:
                    Type: AWS::EC2::Route
                    Properties:
                      RouteTableId: !Ref RoutesA
                      DestinationCidrBlock: 0.0.0.0/0
                      NatGatewayId: !Ref NatA
                  AssocA:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateA
                      RouteTableId: !Ref RoutesA
                """,
                note="private subnets in one zone only",
            ),
            good(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  PrivateA:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.10.0/24
                      AvailabilityZone: !Select [0, !GetAZs ""]
                  PrivateB:
                    Type: AWS::EC2::Subnet
                    Properties:
                      VpcId: !Ref Vpc
                      CidrBlock: 10.0.11.0/24
                      AvailabilityZone: !Select [1, !GetAZs ""]
                  PrivateRoutes:
                    Type: AWS::EC2::RouteTable
                    Properties:
                      VpcId: !Ref Vpc
                  NatRoute:
                    Type: AWS::EC2::Route
                    Properties:
                      RouteTableId: !Ref PrivateRoutes
                      DestinationCidrBlock: 0.0.0.0/0
                      NatGatewayId: !ImportValue shared-nat
                  AssocA:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateA
                      RouteTableId: !Ref PrivateRoutes
                  AssocB:
                    Type: AWS::EC2::SubnetRouteTableAssociation
                    Properties:
                      SubnetId: !Ref PrivateB
                      RouteTableId: !Ref PrivateRoutes
                """,
                note="an imported NAT gateway: not in this configuration",
            ),
        ],
    ),
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
    How to fix:
        Terraform: one `aws_nat_gateway` per zone (terraform-aws-modules/vpc:
        `one_nat_gateway_per_az = true`, `single_nat_gateway = false`) and one
        private route table per zone pointing at its own gateway.
        CloudFormation: one `AWS::EC2::NatGateway` per zone and per-zone
        private route tables.
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
            f"{_zones_text(span)} all route 0.0.0.0/0 through this one NAT gateway; "
            "an outage of its zone cuts the others off",
            related=[RelatedRef(s, (), f"private subnet {s.address}") for s in subnets],
        )


RULES: tuple[Rule, ...] = (compute_multi_az, lb_multi_az, nat_gateway_single_az)

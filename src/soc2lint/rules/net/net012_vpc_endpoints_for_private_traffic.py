from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views.network import SUBNET
from soc2lint.views.populations import VPCS

from ._shared import CHECKLIST, TSC, _model


@rule(
    id="NET012",
    slug="vpc-endpoints-for-private-traffic",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=VPCS,
    control="VPCs with private subnets reach S3 through a VPC endpoint.",
    graph=True,
    fix={
        "terraform": 'Add `aws_vpc_endpoint` with `service_name = "com.amazonaws.<region>.s3"` '
        "(Gateway) for the VPC and associate it with the private route tables.",
        "cloudformation": "Add `AWS::EC2::VPCEndpoint` with `ServiceName: "
        "!Sub com.amazonaws.${AWS::Region}.s3` and the private `RouteTableIds`.",
    },
)
def vpc_endpoints_for_private_traffic(ctx: Context) -> Iterator[Report]:
    """VPC with private subnets has no S3 VPC endpoint.

    What it checks:
        Every VPC that has at least one private subnet in the configuration (a
        subnet whose route table has no `0.0.0.0/0`/`::/0` route to an
        internet gateway) and no `aws_vpc_endpoint`/`AWS::EC2::VPCEndpoint`
        for the S3 service (`com.amazonaws.<region>.s3`; an endpoint's type
        defaults to Gateway). An interface endpoint for S3 also counts. An
        endpoint whose VPC or service cannot be resolved makes the answer
        unknown. The checklist also names KMS and CloudWatch; only S3 is
        required here, the gateway endpoint being free.
    Why it matters for SOC 2:
        Checklist G asks that traffic to AWS services stay on the AWS network;
        without an endpoint, private subnets reach S3 through a NAT gateway and
        the internet path (CC6.6, CC6.7).
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
    """
    model = _model(ctx)
    private_by_vpc: dict[str, list[Node]] = defaultdict(list)
    vpcs: dict[str, Node] = {}
    for s in ctx.graph.nodes(SUBNET):
        vpc = model.vpc_of(s)
        if vpc is None or s.meta.get("count_unknown"):
            continue  # a subnet with an unknown count may not exist
        if model.internet_route(s).public is False:
            private_by_vpc[vpc.id].append(s)
            vpcs[vpc.id] = vpc
    for vid, subnets in sorted(private_by_vpc.items()):
        vpc = vpcs[vid]
        found, complete = model.s3_endpoints_of(vpc)
        if found:
            continue
        if not complete:
            yield from ctx.unresolved(vpc, (), "the VPC's endpoints")
            continue
        names = ", ".join(s.address for s in subnets[:4]) + (" ..." if len(subnets) > 4 else "")
        yield ctx.finding(
            vpc,
            (),
            f"{vpc.address}: private subnets ({names}) have no S3 VPC endpoint: they can "
            "reach S3 only through a NAT gateway and S3's public endpoint",
            related=[RelatedRef(s, (), f"private subnet {s.address}") for s in subnets[:10]],
        )

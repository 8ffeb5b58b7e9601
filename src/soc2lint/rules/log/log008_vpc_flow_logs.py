from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.logging import VPC, flow_logs
from soc2lint.views.modules import configured_elsewhere
from soc2lint.views.populations import VPCS

from ._shared import MONITORING


@rule(
    id="LOG008",
    slug="vpc-flow-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=VPCS,
    control="Every VPC has a flow log.",
    graph=True,
    fix={
        "terraform": "Add an `aws_flow_log` with `vpc_id` set to this VPC.",
        "cloudformation": "Add an `AWS::EC2::FlowLog` with `ResourceType: VPC` and "
        "`ResourceId: !Ref` this VPC.",
    },
)
def vpc_flow_logs(ctx: Context) -> Iterator[Report]:
    """VPC has no flow log.

    What it checks:
        Every `aws_vpc` / `AWS::EC2::VPC` must be captured by a VPC-level flow
        log (`aws_flow_log` with `vpc_id`; `AWS::EC2::FlowLog` with
        `ResourceType: VPC`), matched by reference (also through local modules),
        by the VPC's ID as a plan knows it, or by literal ID. Subnet- and
        interface-level flow logs do not count. A flow log whose VPC cannot be
        resolved, one that may not exist (unknown `count` or `Condition`), or a
        module that was not loaded and receives the VPC makes the answer
        unknown. The finding names the VPC.
    Why it matters for SOC 2:
        Flow logs are the record of network traffic an investigation needs
        (checklist C, CC7.2): without them there is no evidence of what reached
        or left the network.
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-create-flow-log.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log
    """
    index = flow_logs(ctx.graph)
    for vpc in ctx.graph.nodes(VPC):
        attached = index.of(vpc)
        if any(not fl.may_not_exist for fl in attached):
            continue
        if attached or vpc.scope in index.uncertain_scopes or configured_elsewhere(ctx.graph, vpc):
            yield from ctx.unresolved(vpc, (), "a flow log that may capture this VPC")
            continue
        yield ctx.finding(vpc, (), f"{vpc.address}: no flow log captures this VPC's traffic")

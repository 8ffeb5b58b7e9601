from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, describe_value
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.network import (
    ASG,
    INSTANCE,
    LAUNCH_CONFIGURATION,
    LAUNCH_TEMPLATE,
    NetworkModel,
    Targets,
)
from soc2lint.views.populations import INSTANCES

from ._shared import CHECKLIST, TSC, _model


def _launch_users(model: NetworkModel, node: Node) -> list[Node]:
    """Auto scaling groups that launch from a template or configuration."""
    return [a for a in model.graph.referrers(node, ASG)]


@rule(
    id="NET008",
    slug="instance-public-ip",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(*INSTANCES, what="instances, launch templates and launch configurations"),
    control="Instances get no public IP address.",
    graph=True,
    fix={
        "terraform": "Set `associate_public_ip_address = false` (in `network_interfaces` for "
        "launch templates) and reach instances with SSM Session Manager or a bastion.",
        "cloudformation": "Set `AssociatePublicIpAddress: false` on the network interface (or "
        "launch configuration) and reach instances with SSM Session Manager.",
    },
)
def instance_public_ip(ctx: Context) -> Iterator[Report]:
    """Instance gets a public IP address.

    What it checks:
        EC2 instances, launch templates (`network_interfaces`/
        `NetworkInterfaces[].AssociatePublicIpAddress`) and launch
        configurations with `associate_public_ip_address = true`; and, through
        the graph, those without the setting that launch into a subnet with
        `map_public_ip_on_launch = true` (the instance's subnet, or the subnets
        of the auto scaling groups using the template or configuration). An
        explicit `false` on the instance, or in the launch template it names
        (`launch_template` / `LaunchTemplate`), wins over the subnet's mapping
        (EC2 uses the network interface's setting when given); an instance whose
        template sets `true` is reported on the template. Subnets default to not mapping
        public IPs (`MapPublicIpOnLaunch` default false). Unknown values and
        unresolvable subnets are not reported.
    Why it matters for SOC 2:
        Checklist G asks that servers not be directly reachable from the
        internet; administrative access should go through SSM Session Manager
        or a bastion (CC6.6).
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-network-iface-embedded.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-subnet.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-launchtemplate-networkinterface.html
    """
    model = _model(ctx)
    for node in ctx.graph.nodes((INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION)):
        flag, attr = model.public_ip(node)
        if flag is True and attr is not None:
            yield ctx.finding(
                node,
                attr,
                f"{node.address}: `{attr.path_str}` is {describe_value(attr.value)}: instances "
                "get a public IP address",
            )
            continue
        if flag is False:
            continue
        if attr is not None:
            yield from ctx.unresolved(node, attr)
            continue
        if node.kind == INSTANCE:
            # not written on the instance: its launch template's setting applies
            # (a template that sets true is reported on the template itself)
            inherited, _template = model.instance_template_public_ip(node)
            if inherited in ("true", "false"):
                continue
            if inherited == "unknown":
                yield from ctx.unresolved(
                    node, node.attr(tf="launch_template", cfn="LaunchTemplate")
                )
                continue
        # not written: the subnet's mapping decides
        subnet_sources: list[tuple[Node, Targets]] = []
        if node.kind == INSTANCE:
            subnet_sources.append((node, model.subnets_of(node)))
        else:
            if node.kind == LAUNCH_TEMPLATE:
                own = model.subnets_of(node)
                if own.written:
                    subnet_sources.append((node, own))
            for asg in _launch_users(model, node):
                subnet_sources.append((asg, model.subnets_of(asg)))
        for via, subnets in subnet_sources:
            mapped = [s for s in subnets.nodes if model.subnet_maps_public_ip(s)]
            if not mapped:
                continue
            s = mapped[0]
            at = node.attr(tf="subnet_id", cfn="SubnetId") if via is node else node.attr(())
            through = "" if via is node else f" (through {via.address})"
            mapping = node.spelled(tf="map_public_ip_on_launch", cfn="MapPublicIpOnLaunch")
            opt_out = node.spelled(
                tf="associate_public_ip_address = false", cfn="AssociatePublicIpAddress: false"
            )
            yield ctx.finding(
                node,
                at,
                f"{node.address}: launches into {s.address}{through}, which has `{mapping}` "
                f"true, and does not set `{opt_out}`: instances get a public IP address",
                related=(
                    RelatedRef(s, (), f"subnet {s.address} maps public IPs"),
                    *([RelatedRef(via, (), f"used by {via.address}")] if via is not node else []),
                ),
            )
            break

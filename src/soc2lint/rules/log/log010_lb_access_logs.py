from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity, describe_value, to_bool
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import ALB_ACCESS_LOGS, CLASSIC_ELB_ACCESS_LOGS
from soc2lint.views.logging import elbv2_attribute
from soc2lint.views.populations import LBS

from ._shared import MONITORING

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"


ELB = "AWS::ElasticLoadBalancing::LoadBalancer"


def _lb_type(node: Node) -> Attr:
    return node.attr(tf="load_balancer_type", cfn="Type")


def _elbv2_access_logs(ctx: Context, lb: Node) -> Iterator[Report]:
    if lb.language == "cloudformation":
        attrs = lb.attr("LoadBalancerAttributes")
        if attrs.unknown:
            yield from ctx.unresolved(lb, attrs)
            return
        value = elbv2_attribute(lb, "access_logs.s3.enabled")
        if value is None:
            yield ctx.finding(
                lb,
                (),
                f"{lb.address}: access logs are not enabled (no `access_logs.s3.enabled` "
                "load balancer attribute; the default is false)",
            )
            return
        if value.unknown:
            yield from ctx.unresolved(lb, value)
            return
        if to_bool(value.value) is False:
            yield ctx.finding(
                lb,
                value,
                f"{lb.address}: access logs are disabled (`access_logs.s3.enabled` is "
                f"{describe_value(value.value)})",
            )
        return
    block = lb.attr("access_logs")
    if "access_logs" in (lb.meta.get("dynamic_unknown") or ()) or block.unknown:
        yield from ctx.unresolved(lb, block)
        return
    if block.missing or block.value == []:
        yield ctx.finding(lb, block, f"{lb.address}: no `access_logs` block: access logs are off")
        return
    r = ALB_ACCESS_LOGS.read(lb)
    enabled = r.attr
    if r.ok is None:
        yield from ctx.unresolved(lb, enabled)
    elif r.ok is False:
        detail = (
            "`access_logs.enabled` is not set (the provider's default is false, even with a bucket)"
            if not r.written
            else f"`access_logs.enabled` is {describe_value(enabled.value)}"
        )
        yield ctx.finding(
            lb,
            enabled,
            f"{lb.address}: access logs are off: {detail}",
        )


def _elb_access_logs(ctx: Context, lb: Node) -> Iterator[Report]:
    block = lb.attr(tf="access_logs", cfn="AccessLoggingPolicy")
    if "access_logs" in (lb.meta.get("dynamic_unknown") or ()) or block.unknown:
        yield from ctx.unresolved(lb, block)
        return
    name = block.path_str
    if block.missing or block.value == []:
        yield ctx.finding(lb, block, f"{lb.address}: no `{name}`: access logs are off")
        return
    # Terraform: enabled defaults to true; CloudFormation: Enabled is required
    r = CLASSIC_ELB_ACCESS_LOGS.read(lb)
    if r.ok is None:
        yield from ctx.unresolved(lb, r.attr)
    elif r.ok is False:
        yield ctx.finding(
            lb,
            r.attr,
            f"{lb.address}: access logs are disabled "
            f"(`{lb.spelled(tf='enabled', cfn='Enabled')}` is {describe_value(r.attr.value)})",
        )


@rule(
    id="LOG010",
    slug="lb-access-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=of_kinds(*LBS, what="load balancers"),
    control="Application and classic load balancers write access logs.",
    fix={
        "terraform": "Add `access_logs { bucket = ..., enabled = true }` to the load balancer.",
        "cloudformation": 'Add the `access_logs.s3.enabled: "true"` and '
        "`access_logs.s3.bucket` load balancer attributes (classic: `AccessLoggingPolicy` "
        "with `Enabled: true`).",
    },
)
def lb_access_logs(ctx: Context) -> Iterator[Report]:
    """Load balancer does not write access logs.

    What it checks:
        Application load balancers (`aws_lb`/`aws_alb` whose
        `load_balancer_type` is absent or `application`;
        `AWS::ElasticLoadBalancingV2::LoadBalancer` whose `Type` is absent or
        `application`) need `access_logs { enabled = true }`: the provider
        documents `enabled` as false by default, even when a bucket is given.
        In CloudFormation the `access_logs.s3.enabled` load balancer attribute
        must be `true` (default false). Classic load balancers (`aws_elb`,
        `AWS::ElasticLoadBalancing::LoadBalancer`) need an `access_logs` block
        (its `enabled` defaults to true) or an `AccessLoggingPolicy` with
        `Enabled: true`. Network and gateway load balancers are outside the
        rule, as RULES.md names application and classic ones.
    Why it matters for SOC 2:
        Access logs are the record of who called the application and what was
        answered, which incident investigation needs (checklist C, CC7.2).
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
        - https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_AccessLog.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb#access_logs
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elb#access_logs
    """
    for lb in ctx.graph.nodes(ELBV2):
        t = _lb_type(lb)
        if t.unknown:
            yield from ctx.unresolved(lb, t)
            continue
        if t.present and str(t.value).lower() != "application":
            ctx.not_applicable(lb, f"a {str(t.value).lower()} load balancer has no access logs")
            continue
        yield from _elbv2_access_logs(ctx, lb)
    for lb in ctx.graph.nodes(ELB):
        yield from _elb_access_logs(ctx, lb)

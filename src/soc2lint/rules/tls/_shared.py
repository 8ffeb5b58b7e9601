"""Code several TLS rules share."""

from __future__ import annotations

from typing import Any

from soc2lint.model import Attr, Node
from soc2lint.rule import Context

CHECKLIST = "B. Data in Transit"


TSC = ("CC6.7",)


LISTENER = "AWS::ElasticLoadBalancingV2::Listener"


ALB = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def _upper(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) else None


def listener_protocol(ctx: Context, listener: Node) -> tuple[Attr, str | None]:
    """The listener's protocol, upper-case; None when it cannot be known.

    Terraform's ``aws_lb_listener`` defaults ``protocol`` to HTTP on an
    application load balancer, so an absent protocol on a listener of a known
    ALB is HTTP.
    """
    a = listener.attr(tf="protocol", cfn="Protocol")
    if a.present:
        return a, _upper(a.value) if a.known else None
    if listener.language == "terraform":
        lbs = ctx.graph.targets(listener, ALB, via="load_balancer_arn")
        if len(lbs) == 1:
            lb_type = lbs[0].attr("load_balancer_type")
            if lb_type.missing or _upper(lb_type.value) == "APPLICATION":
                return a, "HTTP"
    return a, None

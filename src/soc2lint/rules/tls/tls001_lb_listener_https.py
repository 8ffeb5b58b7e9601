from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import MISSING, Node, Severity, Unknown, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views import tls

from ._shared import CHECKLIST, LISTENER, TSC, _upper, listener_protocol

CLASSIC_ELB = tls.CLASSIC_ELB


def _dynamic_unknown(node: Node, block: str) -> bool:
    return block in (node.meta.get("dynamic_unknown") or ())


def _redirects_to_https(listener: Node) -> tuple[bool | None, str]:
    """(does a default action redirect to HTTPS?, the action types seen)."""
    actions = listener.attr(tf="default_action", cfn="DefaultActions")
    if actions.unknown or _dynamic_unknown(listener, "default_action"):
        return None, "unknown"
    if not isinstance(actions.value, list) or not actions.value:
        return None, "none"
    unknown = False
    types: list[str] = []
    for action in actions.value:
        if not isinstance(action, dict):
            unknown = True
            continue
        kind = action.get(listener.spelled(tf="type", cfn="Type"))
        if not isinstance(kind, str):
            unknown = True
            continue
        types.append(kind)
        if kind.lower() != "redirect":
            continue
        if listener.language == "terraform":  # a nested block: a list of one mapping
            redirect = action.get("redirect")
            config = redirect[0] if isinstance(redirect, list) and redirect else redirect
            protocol = config.get("protocol", MISSING) if isinstance(config, dict) else config
        else:
            config = action.get("RedirectConfig")
            protocol = config.get("Protocol", MISSING) if isinstance(config, dict) else config
        if isinstance(protocol, Unknown) or (
            protocol is not MISSING and not isinstance(protocol, str)
        ):
            unknown = True
        elif isinstance(protocol, str) and protocol.upper() == "HTTPS":
            return True, kind
    return (None if unknown else False), ", ".join(types) or "none"


@rule(
    id="TLS001",
    slug="lb-listener-https",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        what="load balancer listeners and classic load balancers",
    ),
    control="Load balancer listeners serve traffic over TLS only.",
    fix={
        "terraform": (
            'Serve the listener over HTTPS (`protocol = "HTTPS"` with `certificate_arn` and '
            "`ssl_policy`), or make its `default_action` a `redirect` with "
            '`redirect { protocol = "HTTPS", port = "443", status_code = "HTTP_301" }`; '
            'on `aws_elb` use `lb_protocol = "https"`.'
        ),
        "cloudformation": (
            "Use `Protocol: HTTPS` with `Certificates` and `SslPolicy`, or make the default action "
            "`Type: redirect` with `RedirectConfig: {Protocol: HTTPS, Port: '443', StatusCode: "
            "HTTP_301}`; on a classic load balancer use `Protocol: HTTPS` listeners."
        ),
    },
)
def lb_listener_https(ctx: Context) -> Iterator[Report]:
    """Load balancer listener accepts plain HTTP.

    What it checks:
        Application load balancer listeners (`aws_lb_listener`, `aws_alb_listener`,
        `AWS::ElasticLoadBalancingV2::Listener`) whose protocol is HTTP, unless a
        default action redirects to HTTPS (`type = "redirect"` with
        `redirect { protocol = "HTTPS" }` / `RedirectConfig.Protocol: HTTPS`); a
        redirect that does not name HTTPS keeps the request's scheme and fails.
        Classic load balancers (`aws_elb` `listener[].lb_protocol`,
        `AWS::ElasticLoadBalancing::LoadBalancer` `Listeners[].Protocol`) fail for
        every HTTP listener. Terraform's `aws_lb_listener` defaults `protocol` to
        HTTP on an application load balancer, so an absent protocol counts as HTTP
        there. Network load balancer TCP/UDP/TLS listeners are out of scope; a
        protocol that cannot be resolved is unknown.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" requires encryption in transit for every
        client connection; an HTTP listener sends requests, cookies and tokens in
        clear text, which fails CC6.7 (protecting information during transmission).
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_listener
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elb
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancing-loadbalancer-listeners.html
    """
    for listener in ctx.graph.nodes(LISTENER):
        a, protocol = listener_protocol(ctx, listener)
        if protocol is None:
            if a.present:
                yield from ctx.unresolved(listener, a)
            continue
        if protocol != "HTTP":
            continue
        redirects, types = _redirects_to_https(listener)
        if redirects is None:
            yield from ctx.unresolved(
                listener,
                (listener.spelled(tf="default_action", cfn="DefaultActions"),),
                "the default action",
            )
            continue
        if redirects:
            continue
        port = listener.get(tf="port", cfn="Port")
        shown = f" on port {port}" if isinstance(port, int | str) else ""
        written = (
            "`protocol` is not set (HTTP by default)" if a.missing else f'`{a.path_str}` is "HTTP"'
        )
        yield ctx.finding(
            listener,
            a,
            f"{listener.address}: listener{shown} serves plain HTTP ({written}) and its default "
            f"action ({types}) is not a redirect to HTTPS",
        )
    for elb in ctx.graph.nodes(CLASSIC_ELB):
        key = elb.spelled(tf="lb_protocol", cfn="Protocol")
        port_key = elb.spelled(tf="lb_port", cfn="LoadBalancerPort")
        listeners = elb.attrs_at((elb.spelled(tf="listener", cfn="Listeners"), "*"))
        for entry in listeners:
            if not isinstance(entry.value, dict):
                if isinstance(entry.value, Unknown):
                    yield from ctx.unresolved(elb, entry, "a listener")
                continue
            protocol_attr = entry.child(key)
            if protocol_attr.unknown:
                yield from ctx.unresolved(elb, protocol_attr)
                continue
            if _upper(protocol_attr.value) != "HTTP":
                continue
            port = entry.value.get(port_key)
            shown = f" on port {port}" if isinstance(port, int | str) else ""
            yield ctx.finding(
                elb,
                protocol_attr,
                f"{elb.address}: classic load balancer listener{shown} accepts plain HTTP "
                f"(`{key}` is {describe_value(protocol_attr.value)})",
            )

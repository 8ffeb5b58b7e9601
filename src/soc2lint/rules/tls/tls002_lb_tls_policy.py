from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views import tls

from ._shared import CHECKLIST, LISTENER, TSC, listener_protocol


@rule(
    id="TLS002",
    slug="lb-tls-policy",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "aws_load_balancer_policy",
        what="HTTPS/TLS listeners, classic load balancers and their policies",
    ),
    control="HTTPS/TLS listeners accept TLS 1.2 or later only.",
    fix={
        "terraform": (
            'Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or another TLS 1.2+ '
            "policy) on the listener; on a classic load balancer attach an "
            "`aws_load_balancer_policy` with a `Reference-Security-Policy` of "
            "`ELBSecurityPolicy-TLS-1-2-2017-01` through `aws_load_balancer_listener_policy`."
        ),
        "cloudformation": (
            "Set `SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06` (or another TLS 1.2+ policy); on "
            "a classic load balancer add an `SSLNegotiationPolicyType` policy with "
            "`Reference-Security-Policy: ELBSecurityPolicy-TLS-1-2-2017-01` and name it in the "
            "listener's `PolicyNames`."
        ),
    },
)
def lb_tls_policy(ctx: Context) -> Iterator[Report]:
    """Load balancer HTTPS/TLS listener accepts TLS versions below 1.2.

    What it checks:
        HTTPS and TLS listeners of application and network load balancers whose
        `ssl_policy` / `SslPolicy` is a security policy that accepts TLS 1.0 or 1.1
        (`ELBSecurityPolicy-2016-08`, `-2015-05`, `-TLS-1-0-2015-04`,
        `-TLS-1-1-2017-01`, `-FS-2018-06`, `-FS-1-1-2019-08`,
        `-TLS13-1-0-2021-06`, `-TLS13-1-1-2021-06` and their FIPS/PQ variants),
        or that set no policy: AWS documents that a listener created through the
        API, the CLI, CloudFormation or the CDK without a policy gets
        `ELBSecurityPolicy-2016-08` (only the console picks a TLS 1.2+ policy), and
        the Terraform provider sends none. Classic load balancers: an HTTPS/SSL
        listener with no SSL negotiation policy uses `ELBSecurityPolicy-2016-08`
        too; a policy attached through `aws_load_balancer_policy` +
        `aws_load_balancer_listener_policy` (or `aws_lb_ssl_negotiation_policy`, or
        CloudFormation `Policies` + `Listeners[].PolicyNames`) fails when its
        `Reference-Security-Policy` is such a policy or when it enables
        `Protocol-SSLv3`, `Protocol-TLSv1` or `Protocol-TLSv1.1`; the finding then
        names the policy resource, where the fix goes. Policy names soc2lint does
        not know, and values that cannot be resolved, are not findings.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" asks for TLS 1.2 or later. TLS 1.0 and 1.1
        are deprecated (RFC 8996) and allow downgrade attacks, so a listener that
        accepts them does not protect data in transmission (CC6.7).
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-config-update.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_listener
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/load_balancer_listener_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-elb-policy.html
    """
    for listener in ctx.graph.nodes(LISTENER):
        _, protocol = listener_protocol(ctx, listener)
        if protocol not in ("HTTPS", "TLS"):
            ctx.not_applicable(
                listener,
                f"not an HTTPS or TLS listener ({protocol})"
                if protocol
                else "its protocol could not be determined",
            )
            continue
        policy = listener.attr(tf="ssl_policy", cfn="SslPolicy")
        name = policy.path_str
        if policy.missing:
            yield ctx.finding(
                listener,
                policy,
                f"{listener.address}: {protocol} listener sets no `{name}`, so it gets "
                f"{tls.ELB_DEFAULT_POLICY}, which accepts TLS 1.0",
            )
            continue
        if not policy.known:
            yield from ctx.unresolved(listener, policy)
            continue
        if tls.elb_policy_allows_legacy_tls(policy.value):
            lowest = tls.elb_policy_lowest_tls(str(policy.value).strip())
            yield ctx.finding(
                listener,
                policy,
                f"{listener.address}: {protocol} listener `{name}` is "
                f"{describe_value(policy.value)}, which accepts {lowest}",
            )

    reported: set[tuple[str, tuple[Any, ...]]] = set()
    for classic in tls.classic_listeners(ctx.graph):
        elb = classic.elb
        if not classic.policies:
            if classic.unknown:
                yield from ctx.unresolved(
                    elb, classic.path, "the listener's SSL negotiation policy"
                )
                continue
            port = classic.port
            shown = f" on port {port}" if isinstance(port, int | str) else ""
            yield ctx.finding(
                elb,
                classic.path,
                f"{elb.address}: {classic.protocol} listener{shown} has no SSL negotiation "
                f"policy, so it uses {tls.ELB_DEFAULT_POLICY}, which accepts TLS 1.0",
            )
            continue
        for pol in classic.policies:
            verdict, path, what = pol.legacy()
            if verdict is None:
                yield from ctx.unresolved(pol.node, path, "the SSL negotiation policy")
                continue
            if not verdict:
                continue
            key = (pol.node.id, path)
            if key in reported:
                continue
            reported.add(key)
            related = (
                [RelatedRef(elb, classic.path, f"listener of {elb.address}")]
                if pol.node is not elb
                else []
            )
            yield ctx.finding(
                pol.node,
                path,
                f"{pol.node.address}: SSL negotiation policy for the {classic.protocol} listener "
                f"of {elb.address} accepts TLS below 1.2 ({what})",
                related=related,
            )

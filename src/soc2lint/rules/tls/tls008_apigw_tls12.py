from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity, describe_value
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.views import tls
from soc2lint.views.populations import sam_api_domains

from ._shared import CHECKLIST, TSC


@rule(
    id="TLS008",
    slug="apigw-tls12",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=from_view(
        sam_api_domains,
        kinds=("AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName"),
        what="API Gateway custom domains (a SAM API's `Domain` included)",
    ),
    control="API Gateway custom domains require TLS 1.2 or later.",
    fix={
        "terraform": (
            'Set `security_policy = "TLS_1_2"` (or an enhanced policy such as '
            '`"SecurityPolicy_TLS13_1_2_2021_06"`) on `aws_api_gateway_domain_name`, and '
            '`domain_name_configuration { security_policy = "TLS_1_2" }` on '
            "`aws_apigatewayv2_domain_name`."
        ),
        "cloudformation": (
            "Set `SecurityPolicy: TLS_1_2` on `AWS::ApiGateway::DomainName` and in every "
            "`DomainNameConfigurations` entry of `AWS::ApiGatewayV2::DomainName`."
        ),
    },
)
def apigw_tls12(ctx: Context) -> Iterator[Report]:
    """API Gateway custom domain accepts TLS 1.0.

    What it checks:
        `aws_api_gateway_domain_name` `security_policy`,
        `aws_apigatewayv2_domain_name` `domain_name_configuration.security_policy`,
        `AWS::ApiGateway::DomainName` `SecurityPolicy` and
        `AWS::ApiGatewayV2::DomainName` `DomainNameConfigurations[].SecurityPolicy`:
        a finding when the policy is `TLS_1_0`, the only policy that accepts TLS 1.0
        and 1.1. `TLS_1_2` and the enhanced policies introduced in 2025
        (`SecurityPolicy_TLS13_1_3_2025_09`, `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09`,
        `SecurityPolicy_TLS12_2018_EDGE`...) all require TLS 1.2+ and pass. An absent
        policy passes: API Gateway documents `TLS_1_2` as the default security
        policy of new Regional, edge-optimized and private custom domain names
        (RULES.md's "not TLS_1_2" is read as "accepts TLS below 1.2"). Unknown values
        are not findings.  SAM `AWS::Serverless::Api` and `AWS::Serverless::HttpApi` create
        their custom domain from `Domain` (`Domain.SecurityPolicy`), checked likewise.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" asks for TLS 1.2+; TLS 1.0 is deprecated and
        lets an attacker downgrade API clients' connections (CC6.7).
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_domain_name
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_domain_name
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-domainname.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigatewayv2-domainname-domainnameconfiguration.html
    """
    for dom in ctx.graph.nodes("AWS::ApiGateway::DomainName"):
        yield from _apigw_policy(ctx, dom, [dom.attr(tf="security_policy", cfn="SecurityPolicy")])
    for dom in ctx.graph.nodes("AWS::ApiGatewayV2::DomainName"):
        attrs = dom.attrs_at(
            tf="domain_name_configuration[].security_policy",
            cfn="DomainNameConfigurations[].SecurityPolicy",
        )
        yield from _apigw_policy(ctx, dom, attrs)
    # SAM: the domain name an `Api` / `HttpApi` creates from its `Domain` property
    for api in sam_api_domains(ctx.graph):
        yield from _apigw_policy(ctx, api, [api.attr("Domain.SecurityPolicy")])


def _apigw_policy(ctx: Context, dom: Node, attrs: list[Attr]) -> Iterator[Report]:
    for a in attrs:
        if a.missing:
            continue
        if a.unknown:
            yield from ctx.unresolved(dom, a)
            continue
        if tls.apigw_policy_allows_legacy_tls(a.value):
            yield ctx.finding(
                dom,
                a,
                f"{dom.address}: custom domain `{dom.spelled(tf='security_policy', cfn='SecurityPolicy')}` "
                f"is {describe_value(a.value)}, which accepts TLS 1.0 and 1.1",
            )

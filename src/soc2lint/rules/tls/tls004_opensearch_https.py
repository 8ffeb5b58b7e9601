from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value, to_bool
from soc2lint.rule import Context, Report, rule
from soc2lint.settings import OPENSEARCH_NODE_TO_NODE
from soc2lint.views import tls
from soc2lint.views.populations import SEARCH, SEARCH_DOMAINS

from ._shared import CHECKLIST, TSC


@rule(
    id="TLS004",
    slug="opensearch-https",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=SEARCH_DOMAINS,
    control="OpenSearch domains enforce HTTPS with TLS 1.2 or later.",
    fix={
        "terraform": (
            "Add `domain_endpoint_options { enforce_https = true, tls_security_policy = "
            '"Policy-Min-TLS-1-2-PFS-2023-10" }` and `node_to_node_encryption { enabled = true }`.'
        ),
        "cloudformation": (
            "Set `DomainEndpointOptions: {EnforceHTTPS: true, TLSSecurityPolicy: "
            "Policy-Min-TLS-1-2-PFS-2023-10}` and `NodeToNodeEncryptionOptions: {Enabled: true}`."
        ),
    },
)
def opensearch_https(ctx: Context) -> Iterator[Report]:
    """OpenSearch domain does not enforce HTTPS with TLS 1.2 between clients and nodes.

    What it checks:
        `aws_opensearch_domain`, `aws_elasticsearch_domain`,
        `AWS::OpenSearchService::Domain` and `AWS::Elasticsearch::Domain`, one
        finding per problem, at its attribute: HTTPS not enforced
        (`domain_endpoint_options.enforce_https` / `DomainEndpointOptions.EnforceHTTPS`
        false, or no endpoint options at all: the service accepts HTTP unless told
        otherwise; inside a written Terraform block the provider defaults
        `enforce_https` to true); a `tls_security_policy` that accepts TLS 1.0/1.1
        (`Policy-Min-TLS-1-0-2019-07`); node-to-node encryption not enabled
        (`node_to_node_encryption.enabled` / `NodeToNodeEncryptionOptions.Enabled`,
        default false). An absent TLS policy passes: OpenSearch Service now applies
        `Policy-Min-TLS-1-2-2019-07` when none is given (the AWS CDK changed its
        own default to match in 2025), and RULES.md's "below TLS 1.2" is about the
        policy in effect.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": search domains often hold logs with personal
        data; HTTP endpoints, TLS 1.0 and unencrypted traffic between nodes expose
        it in transmission (CC6.7).
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html
        - https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DomainEndpointOptions.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-opensearchservice-domain-domainendpointoptions.html
        - https://github.com/aws/aws-cdk/issues/34658
    """
    for dom in ctx.graph.nodes(SEARCH):
        # the provider defaults enforce_https to true inside a written block; the API,
        # and so a domain without the block, to false
        tf = dom.language == "terraform"
        options = dom.attr(tf="domain_endpoint_options", cfn="DomainEndpointOptions")
        enforce = dom.attr(
            tf="domain_endpoint_options.enforce_https", cfn="DomainEndpointOptions.EnforceHTTPS"
        )
        enforce_name = dom.spelled(tf="enforce_https", cfn="EnforceHTTPS")
        if options.unknown or enforce.unknown:
            yield from ctx.unresolved(dom, enforce if enforce.unknown else options)
        elif enforce.missing:
            if not (tf and options.present):
                yield ctx.finding(
                    dom,
                    enforce,
                    f"{dom.address}: HTTPS is not enforced (`{enforce_name}` is not set, default false)",
                )
        elif to_bool(enforce.value) is False:
            yield ctx.finding(
                dom,
                enforce,
                f"{dom.address}: HTTPS is not enforced (`{enforce_name}` is {describe_value(enforce.value)})",
            )
        policy = dom.attr(
            tf="domain_endpoint_options.tls_security_policy",
            cfn="DomainEndpointOptions.TLSSecurityPolicy",
        )
        if policy.unknown:
            yield from ctx.unresolved(dom, policy)
        elif policy.known and tls.opensearch_policy_allows_legacy_tls(policy.value):
            yield ctx.finding(
                dom,
                policy,
                f"{dom.address}: `{dom.spelled(tf='tls_security_policy', cfn='TLSSecurityPolicy')}` is "
                f"{describe_value(policy.value)}, which accepts TLS 1.0 and 1.1",
            )
        n2n = OPENSEARCH_NODE_TO_NODE.read(dom)
        if n2n.attr.unknown:
            yield from ctx.unresolved(dom, n2n.attr)
        elif n2n.ok is False:
            name = OPENSEARCH_NODE_TO_NODE.spelled(dom)
            yield ctx.finding(
                dom,
                n2n.attr,
                f"{dom.address}: node-to-node encryption is off (`{name}` is {n2n.shown})",
            )

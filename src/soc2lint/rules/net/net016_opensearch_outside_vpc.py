from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, Unknown, document
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.views.populations import (
    SEARCH,
    opensearch_serverless_network_policies,
)

from ._shared import CHECKLIST, TSC


@rule(
    id="NET016",
    slug="opensearch-outside-vpc",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=from_view(
        opensearch_serverless_network_policies,
        kinds=SEARCH,
        what="OpenSearch/Elasticsearch domains, OpenSearch Serverless network policies",
    ),
    control="OpenSearch domains are placed in a VPC.",
    fix={
        "terraform": "Add `vpc_options { subnet_ids = [...] security_group_ids = [...] }`.",
        "cloudformation": "Add `VPCOptions` with `SubnetIds` and `SecurityGroupIds`.",
    },
)
def opensearch_outside_vpc(ctx: Context) -> Iterator[Report]:
    """OpenSearch domain has a public endpoint (no VPC options).

    What it checks:
        `aws_opensearch_domain`/`aws_elasticsearch_domain` without a
        `vpc_options` block, and `AWS::OpenSearchService::Domain`/
        `AWS::Elasticsearch::Domain` without `VPCOptions`. Without them the
        domain gets a public endpoint, guarded only by its access policy. A
        `dynamic "vpc_options"` over an unknown collection is unknown.
        OpenSearch Serverless collections have no VPC options: their network
        security policy (`aws_opensearchserverless_security_policy`,
        `AWS::OpenSearchServerless::SecurityPolicy` of type `network`) decides, and
        a rule set with `AllowFromPublic: true` that covers collections (not only
        dashboards) fails.
    Why it matters for SOC 2:
        Checklist G keeps data stores in private networks (CC6.6); a public
        search endpoint depends on a single resource policy for its
        protection.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-opensearchservice-domain.html
    """
    for d in ctx.graph.nodes(("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")):
        a = d.attr(tf="vpc_options", cfn="VPCOptions")
        if a.unknown or "vpc_options" in set(d.meta.get("dynamic_unknown") or ()):
            yield from ctx.unresolved(d, a, "`vpc_options`")
            continue
        if a.present and not (isinstance(a.value, list) and not a.value):
            continue
        yield ctx.finding(
            d,
            (),
            f"{d.address}: no `{d.spelled(tf='vpc_options', cfn='VPCOptions')}`: "
            "the domain has a public endpoint",
        )
    for policy in opensearch_serverless_network_policies(ctx.graph):
        yield from _serverless_network_policy(ctx, policy)


def _serverless_network_policy(ctx: Context, policy: Node) -> Iterator[Report]:
    """A network policy whose rule set opens collections to the internet (AllowFromPublic)."""
    kind = policy.attr(tf="type", cfn="Type")
    if kind.unknown:
        yield from ctx.unresolved(policy, kind)
        return
    if not isinstance(kind.value, str) or kind.value.lower() != "network":
        return
    a = policy.attr(tf="policy", cfn="Policy")
    doc = document(a.value)
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        if a.unknown:
            yield from ctx.unresolved(policy, a)
        return
    for i, rule_set in enumerate(doc):
        if not isinstance(rule_set, dict):
            continue
        public = rule_set.get("AllowFromPublic")
        if isinstance(public, Unknown):
            yield from ctx.unresolved(policy, (*a.path, i, "AllowFromPublic"))
            continue
        if public is not True:
            continue
        rules = rule_set.get("Rules")
        types = (
            [r.get("ResourceType") for r in rules if isinstance(r, dict)]
            if isinstance(rules, list)
            else []
        )
        if types and all(isinstance(t, str) and t.lower() == "dashboard" for t in types):
            continue  # only the dashboards endpoint
        yield ctx.finding(
            policy,
            (*a.path, i, "AllowFromPublic"),
            f"{policy.address}: the network policy allows access from the public internet "
            "(`AllowFromPublic: true`): its collections have a public endpoint",
        )

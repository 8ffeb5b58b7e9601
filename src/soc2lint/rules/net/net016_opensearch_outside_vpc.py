from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import SEARCH_DOMAINS

from ._shared import CHECKLIST, TSC


@rule(
    id="NET016",
    slug="opensearch-outside-vpc",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=SEARCH_DOMAINS,
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

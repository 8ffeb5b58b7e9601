from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, Unknown, describe_value
from soc2lint.rule import Context, Report, rule

from ._shared import CHECKLIST, _flag, int_attr


@rule(
    id="AVL005",
    slug="opensearch-zone-awareness",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "In `cluster_config` set `zone_awareness_enabled = true` (with "
            "`zone_awareness_config { availability_zone_count = 2 }` or 3) and "
            "`instance_count` of at least 2."
        ),
        "cloudformation": (
            "In `ClusterConfig` set `ZoneAwarenessEnabled: true` (with "
            "`ZoneAwarenessConfig.AvailabilityZoneCount`) and `InstanceCount` of at least 2."
        ),
    },
)
def opensearch_zone_awareness(ctx: Context) -> Iterator[Report]:
    """OpenSearch domain is not spread over Availability Zones.

    What it checks:
        OpenSearch and Elasticsearch domains (`aws_opensearch_domain`,
        `aws_elasticsearch_domain`, `AWS::OpenSearchService::Domain`,
        `AWS::Elasticsearch::Domain`) must enable zone awareness
        (`cluster_config.zone_awareness_enabled`, `ClusterConfig.ZoneAwarenessEnabled`
        or `ElasticsearchClusterConfig.ZoneAwarenessEnabled`; default false) and
        run at least two data nodes (`instance_count` / `InstanceCount`, default 1).
        One finding per domain: zone awareness first, then the node count.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: without zone awareness all
        shards and their replicas sit in one Availability Zone, so an AZ outage
        takes the domain (and whatever depends on search or logs) down.
    How to fix:
        Terraform: in `cluster_config`, `zone_awareness_enabled = true`,
        `zone_awareness_config { availability_zone_count = 2 }` (or 3) and
        `instance_count` ≥ 2 (a multiple of the AZ count).
        CloudFormation: `ClusterConfig.ZoneAwarenessEnabled: true`,
        `ZoneAwarenessConfig.AvailabilityZoneCount` and `InstanceCount` ≥ 2.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain#zone_awareness_enabled
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-opensearchservice-domain-clusterconfig.html
    """
    for dom in ctx.graph.nodes(("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")):
        if dom.language == "terraform":
            conf_name = "cluster_config"
            za_name, count_name = "zone_awareness_enabled", "instance_count"
        else:
            conf_name = (
                "ElasticsearchClusterConfig"
                if dom.kind == "AWS::Elasticsearch::Domain"
                else "ClusterConfig"
            )
            za_name, count_name = "ZoneAwarenessEnabled", "InstanceCount"
        conf = dom.attr(conf_name)
        if conf.unknown:
            yield from ctx.unresolved(dom, conf)
            continue
        za = conf.child(za_name)
        flag = _flag(za)
        if flag is None:
            yield from ctx.unresolved(dom, za)
            continue
        if not flag:
            shown = "not set (default false)" if za.missing else describe_value(za.value)
            yield ctx.finding(
                dom,
                za,
                f"{dom.address}: zone awareness is off: `{za_name}` is {shown}",
            )
            continue
        count_a = conf.child(count_name)
        count = int_attr(count_a)
        if isinstance(count, Unknown):
            yield from ctx.unresolved(dom, count_a)
            continue
        n = 1 if count is None else count
        if n < 2:
            shown = "not set (default 1)" if count is None else str(n)
            yield ctx.finding(
                dom,
                count_a,
                f"{dom.address}: `{count_name}` is {shown}; at least two data nodes "
                "are needed to spread the domain over Availability Zones",
            )

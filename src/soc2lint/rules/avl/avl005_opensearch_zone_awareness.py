from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import (
    ELASTICSEARCH_INSTANCE_COUNT,
    ELASTICSEARCH_ZONE_AWARENESS,
    OPENSEARCH_INSTANCE_COUNT,
    OPENSEARCH_SERVERLESS_STANDBY,
    OPENSEARCH_ZONE_AWARENESS,
    pick,
)
from soc2lint.views.populations import SEARCH

from ._shared import CHECKLIST


@rule(
    id="AVL005",
    slug="opensearch-zone-awareness",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=of_kinds(
        *SEARCH,
        "AWS::OpenSearchServerless::Collection",
        what="OpenSearch/Elasticsearch domains, OpenSearch Serverless collections",
    ),
    control="OpenSearch domains are spread over Availability Zones.",
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
        OpenSearch Serverless collections (`aws_opensearchserverless_collection`,
        `AWS::OpenSearchServerless::Collection`) spread over Availability Zones
        unless `standby_replicas` / `StandbyReplicas` is `DISABLED` (default
        `ENABLED`), which fails.
    Why it matters for SOC 2:
        Checklist F (Multi-AZ / Failover), TSC A1.2: without zone awareness all
        shards and their replicas sit in one Availability Zone, so an AZ outage
        takes the domain (and whatever depends on search or logs) down.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain#zone_awareness_enabled
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-opensearchservice-domain-clusterconfig.html
    """
    for coll in ctx.graph.nodes(OPENSEARCH_SERVERLESS_STANDBY.kinds):
        yield from ctx.require(
            coll,
            OPENSEARCH_SERVERLESS_STANDBY,
            "{address}: the collection has no standby replicas in another Availability "
            "Zone ({problem})",
        )
    for dom in ctx.graph.nodes(
        (*OPENSEARCH_ZONE_AWARENESS.kinds, *ELASTICSEARCH_ZONE_AWARENESS.kinds)
    ):
        zones = pick(dom, OPENSEARCH_ZONE_AWARENESS, ELASTICSEARCH_ZONE_AWARENESS)
        nodes = pick(dom, OPENSEARCH_INSTANCE_COUNT, ELASTICSEARCH_INSTANCE_COUNT)
        # both live in the cluster configuration block, read once (an unknown block
        # is reported as such)
        conf_name, za_name = zones.spelled(dom).rsplit(".", 1)
        count_name = nodes.spelled(dom).rsplit(".", 1)[1]
        conf = dom.attr(conf_name)
        if conf.unknown:
            yield from ctx.unresolved(dom, conf)
            continue
        za = zones.read_attr(conf.child(za_name))
        if za.unknown:
            yield from ctx.unresolved(dom, za.attr)
            continue
        if not za.ok:
            yield ctx.finding(
                dom, za.attr, f"{dom.address}: zone awareness is off: `{za_name}` is {za.shown}"
            )
            continue
        count = nodes.read_attr(conf.child(count_name))
        if count.unknown:
            yield from ctx.unresolved(dom, count.attr)
            continue
        if not count.ok:
            shown = count.shown if not count.written else str(count.value)
            yield ctx.finding(
                dom,
                count.attr,
                f"{dom.address}: `{count_name}` is {shown}; at least two data nodes "
                "are needed to spread the domain over Availability Zones",
            )

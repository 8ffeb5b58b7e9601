from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.logging import DISTRIBUTION, delivery_sources
from soc2lint.views.populations import CLOUDFRONT

from ._shared import MONITORING, block_state


@rule(
    id="LOG016",
    slug="cloudfront-logging",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=CLOUDFRONT,
    control="CloudFront distributions have access logging.",
    graph=True,
    fix={
        "terraform": 'Add `logging_config { bucket = "<bucket>.s3.amazonaws.com" }`, or '
        "standard logging v2 (`aws_cloudwatch_log_delivery_source` with `log_type = "
        '"ACCESS_LOGS"` for the distribution).',
        "cloudformation": "Add `DistributionConfig.Logging.Bucket`, or standard logging v2 "
        "(`AWS::Logs::DeliverySource` with `LogType: ACCESS_LOGS` for the distribution).",
    },
)
def cloudfront_logging(ctx: Context) -> Iterator[Report]:
    """CloudFront distribution has no access logging.

    What it checks:
        `aws_cloudfront_distribution` needs a `logging_config` block;
        `AWS::CloudFront::Distribution` a `DistributionConfig.Logging` (standard
        logging, legacy). CloudFront standard logging v2 counts too: a
        CloudWatch Logs delivery source with log type `ACCESS_LOGS` whose
        resource is the distribution (`aws_cloudwatch_log_delivery_source`,
        `AWS::Logs::DeliverySource`); AWS documents v2 as the current way to
        deliver access logs to S3, CloudWatch Logs or Firehose. A delivery
        source whose resource cannot be resolved makes the answer unknown.
    Why it matters for SOC 2:
        Access logs record every viewer request the edge served; without them
        there is no evidence of who fetched what (checklist C, CC7.2).
    References:
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
        - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeliverySource.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_distribution#logging_config
    """
    sources = delivery_sources(ctx.graph)
    for d in ctx.graph.nodes(DISTRIBUTION):
        a = d.attr(tf="logging_config", cfn="DistributionConfig.Logging")
        state = block_state(d, a, "logging_config")
        if state is True:
            continue
        v2 = sources.by_resource.get(d.id, [])
        if any(not s.may_not_exist for s in v2):
            continue
        if state is None or v2 or d.scope in sources.uncertain_scopes:
            yield from ctx.unresolved(d, a, "the distribution's access logging")
            continue
        yield ctx.finding(
            d,
            a,
            f"{d.address}: access logging is not enabled (no `{a.path_str}`, no log delivery)",
        )

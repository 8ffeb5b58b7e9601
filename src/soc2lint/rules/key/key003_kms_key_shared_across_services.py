from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.keys import key_index

from ._shared import CHECKLIST


@rule(
    id="KEY003",
    slug="kms-key-shared-across-services",
    severity=Severity.LOW,
    tsc=("CC6.1",),
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::KMS::Key", "AWS::KMS::ReplicaKey", what="KMS keys"),
    control="Each KMS key serves the resources of one AWS service.",
    graph=True,
    fix={
        "terraform": "Create one `aws_kms_key` per service (and environment) and point each "
        "resource's key attribute at its own service's key.",
        "cloudformation": "Create one `AWS::KMS::Key` per service (and environment) and point "
        "each resource's key property at its own service's key.",
    },
)
def kms_key_shared_across_services(ctx: Context) -> Iterator[Report]:
    """KMS key is shared by resources of different AWS services.

    What it checks:
        For each customer-managed key (`aws_kms_key`, `aws_kms_external_key`,
        `aws_kms_replica_key`, `AWS::KMS::Key`, `AWS::KMS::ReplicaKey`), the resources
        whose encryption attributes name it (by reference, by a literal ID or ARN, or
        through an `aws_kms_alias` / `AWS::KMS::Alias`, by reference or by its
        `alias/...` name). The finding is on the key when those resources belong to
        two or more AWS services; the users are listed as related locations. Key
        policies, grants, aliases and IAM policies that name the key are not uses.
        The Secrets Manager secret RDS manages for a database
        (`master_user_secret_kms_key_id`, `MasterUserSecret.KmsKeyId`) is part of that
        database's service; a separate `aws_s3_bucket_server_side_encryption_configuration`
        is its bucket's. Resources that may not exist (unknown `count`, unknown
        CloudFormation condition) are not counted.
    Why it matters for SOC 2:
        Checklist B "Key Management" asks for a separate key per service and
        environment; under CC6.1 that keeps decrypt permissions, key policies and
        CloudTrail key-usage evidence scoped to one service, and limits what one
        compromised or disabled key exposes.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
    """
    index = key_index(ctx.graph)
    for key in index.key_nodes():
        services = index.services(key)
        if len(services) < 2:
            continue
        related = [
            RelatedRef(u.user, u.path, f"{service}: {u.describe()}")
            for service, uses in services.items()
            for u in uses
        ]
        summary = "; ".join(
            f"{service} ({', '.join(sorted({u.about.address for u in uses}))})"
            for service, uses in services.items()
        )
        yield ctx.finding(
            key,
            (),
            f"{key.address}: one customer-managed key is used by {len(services)} services: "
            f"{summary}; use a separate key per service",
            related=related,
        )

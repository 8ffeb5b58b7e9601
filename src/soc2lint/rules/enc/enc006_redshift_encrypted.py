from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import REDSHIFT_ENCRYPTED

from ._shared import CHECKLIST, TSC, UNENCRYPTED


@rule(
    id="ENC006",
    slug="redshift-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::Redshift::Cluster", what="Redshift clusters"),
    control="Redshift clusters are encrypted at rest.",
    fix={
        "terraform": "Remove `encrypted = false` (the default is true) or set it to true, with "
        "`kms_key_id` for your own key.",
        "cloudformation": "Remove `Encrypted: false` (new clusters are encrypted by default) or "
        "set it to true, with `KmsKeyId`.",
    },
)
def redshift_encrypted(ctx: Context) -> Iterator[Report]:
    """Redshift cluster is explicitly not encrypted at rest.

    What it checks:
        `aws_redshift_cluster.encrypted` and `AWS::Redshift::Cluster` `Encrypted`
        set to false. An absent value passes: since 10 January 2025 Amazon Redshift
        encrypts every new provisioned cluster (with an AWS-owned key when no KMS
        key is given), and the Terraform provider changed its `encrypted` default to
        true to match (hashicorp/terraform-provider-aws#42631).

        Redshift Serverless namespaces (`aws_redshiftserverless_namespace`,
        `AWS::RedshiftServerless::Namespace`) are always encrypted and have no setting
        to check.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. A warehouse concentrates
        confidential data from many systems; an explicit `false` on an older
        cluster keeps its data and snapshots in clear on disk.
    References:
        - https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html
        - https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateCluster.html
        - https://github.com/hashicorp/terraform-provider-aws/pull/42631
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-cluster.html
    """
    for node in ctx.graph.nodes(REDSHIFT_ENCRYPTED.kinds):
        yield from ctx.require(node, REDSHIFT_ENCRYPTED, UNENCRYPTED)

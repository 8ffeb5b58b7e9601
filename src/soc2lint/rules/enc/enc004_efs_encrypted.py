from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import EFS_ENCRYPTED

from ._shared import CHECKLIST, TSC, UNENCRYPTED


@rule(
    id="ENC004",
    slug="efs-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::EFS::FileSystem", what="EFS file systems"),
    control="EFS file systems are encrypted at rest.",
    fix={
        "terraform": "Set `encrypted = true` (and `kms_key_id`) on the `aws_efs_file_system`; "
        "the file system is replaced.",
        "cloudformation": "Set `Encrypted: true` (and `KmsKeyId`) on the "
        "`AWS::EFS::FileSystem`; the file system is replaced.",
    },
)
def efs_encrypted(ctx: Context) -> Iterator[Report]:
    """EFS file system is not encrypted at rest.

    What it checks:
        `aws_efs_file_system.encrypted` and `AWS::EFS::FileSystem` `Encrypted`. Both
        default to false through the API (the console's default does not apply to
        Terraform or CloudFormation), and encryption can only be chosen at creation.

        The file system EFS replication creates (`aws_efs_replication_configuration`,
        `AWS::EFS::FileSystem` `ReplicationConfiguration`) is always encrypted (with
        `aws/elasticfilesystem` unless a key is named: KEY004's concern), so it has
        no setting for this rule.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" asks for file systems encrypted with KMS; CC6.1 and
        C1.1 expect shared file data protected at rest.
    References:
        - https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-efs-filesystem.html
    """
    for node in ctx.graph.nodes(EFS_ENCRYPTED.kinds):
        yield from ctx.require(node, EFS_ENCRYPTED, UNENCRYPTED)

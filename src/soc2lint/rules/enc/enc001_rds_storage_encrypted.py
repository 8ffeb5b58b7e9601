from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.encryption import rds_cluster_encryption, rds_instance_encryption
from soc2lint.views.populations import RDS_DATABASES

from ._shared import CHECKLIST, TSC, report


@rule(
    id="ENC001",
    slug="rds-storage-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=RDS_DATABASES,
    control="RDS database storage is encrypted at rest.",
    fix={
        "terraform": "Set `storage_encrypted = true` (and `kms_key_id` to your key) on the "
        "`aws_db_instance` / `aws_rds_cluster`; encryption cannot be turned on in place: "
        "restore an encrypted snapshot copy.",
        "cloudformation": "Set `StorageEncrypted: true` (and `KmsKeyId`) on the "
        "`AWS::RDS::DBInstance` / `AWS::RDS::DBCluster`; the change replaces the database, "
        "so migrate through an encrypted snapshot copy.",
    },
)
def rds_storage_encrypted(ctx: Context) -> Iterator[Report]:
    """RDS database storage is not encrypted at rest.

    What it checks:
        `aws_db_instance` and `aws_rds_cluster` (`storage_encrypted`), CloudFormation
        `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` (`StorageEncrypted`). A
        database instance is unencrypted by default. Not checked, because they take
        their encryption from elsewhere: cluster members (`aws_rds_cluster_instance`,
        `DBClusterIdentifier`, Aurora engines), read replicas (`replicate_source_db`,
        `SourceDBInstanceIdentifier`, `ReplicationSourceIdentifier`), restores from a
        snapshot or a point in time (`snapshot_identifier`, `DBSnapshotIdentifier`,
        `SnapshotIdentifier`, `restore_to_point_in_time`, `SourceDBClusterIdentifier`),
        secondary clusters of a global database, and Aurora Serverless v1
        (`engine_mode = "serverless"`), which is always encrypted.

        Defaults follow the documentation, which differs from the catalogue for
        Aurora: the Terraform provider documents `storage_encrypted` as false for
        provisioned clusters, but AWS encrypts every Aurora cluster created on or after
        18 February 2026 with an AWS-owned key when the setting is absent, so an Aurora
        cluster without `storage_encrypted` passes (KEY004 still asks for your own
        key); an explicit `false` is reported. Multi-AZ DB clusters (non-Aurora
        engines) and DB instances still default to unencrypted.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" asks for databases encrypted with KMS; CC6.1 and
        C1.1 expect confidential data protected against access to the storage media,
        snapshots and backups, which inherit the database's encryption.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html
        - https://aws.amazon.com/blogs/database/use-default-encryption-at-rest-for-new-amazon-aurora-clusters/
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html
    """
    for node in ctx.graph.nodes("AWS::RDS::DBInstance"):
        yield from report(ctx, node, rds_instance_encryption(node), "storage_encrypted")
    for node in ctx.graph.nodes("AWS::RDS::DBCluster"):
        yield from report(ctx, node, rds_cluster_encryption(node), "storage_encrypted")

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.encryption import cluster_encryption
from soc2lint.views.populations import DB_CLUSTER_KINDS

from ._shared import CHECKLIST, TSC, report


@rule(
    id="ENC010",
    slug="docdb-neptune-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=DB_CLUSTER_KINDS,
    control="DocumentDB and Neptune cluster storage is encrypted at rest.",
    fix={
        "terraform": "Set `storage_encrypted = true` (and `kms_key_id`) on the "
        "`aws_docdb_cluster` / `aws_neptune_cluster`; the cluster is replaced.",
        "cloudformation": "Set `StorageEncrypted: true` (and `KmsKeyId`) on the "
        "`AWS::DocDB::DBCluster` / `AWS::Neptune::DBCluster`.",
    },
)
def docdb_neptune_encrypted(ctx: Context) -> Iterator[Report]:
    """DocumentDB or Neptune cluster storage is not encrypted at rest.

    What it checks:
        `aws_docdb_cluster` and `aws_neptune_cluster` `storage_encrypted`;
        `AWS::DocDB::DBCluster` and `AWS::Neptune::DBCluster` `StorageEncrypted`.
        The API default is false. Clusters restored from a snapshot or a point in
        time, read replicas and secondary clusters of a global database inherit
        their source's encryption and are not reported.

        DocumentDB elastic clusters (`aws_docdb_elastic_cluster`,
        `AWS::DocDBElastic::Cluster`) are always encrypted at rest and have no setting
        to check.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1 (database storage, backups and
        snapshots encrypted with KMS).
    References:
        - https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html
        - https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-neptune-dbcluster.html
    """
    for node in ctx.graph.nodes(("AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")):
        yield from report(ctx, node, cluster_encryption(node), "storage_encrypted")

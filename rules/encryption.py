"""ENC rules: encryption at rest (checklist B "Data at Rest"; see ../shared/RULES.md).

Every rule here follows the services' documented defaults (cited in each
rule's References) and the inheritance rules of restores and replicas: a
resource created from a snapshot, a point in time or a replication source
takes the source's encryption, which the configuration cannot show, so it is
unknown, never a failure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Severity, Unknown, describe_value, to_bool
from soc2lint.rule import Context, Examples, Report, Rule, bad, good, rule
from soc2lint.secretnames import name_looks_secret
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._common import spelled, surely_set

CHECKLIST = "B. Data at Rest"
TSC = ("CC6.1", "C1.1")

# --------------------------------------------------------------------------
# shared predicates (also used by the KEY rules)
# --------------------------------------------------------------------------

State = Literal["encrypted", "unencrypted", "unknown", "exempt"]


@dataclass(frozen=True)
class Decision:
    """Whether a resource is encrypted at rest, and the attribute that decides it."""

    state: State
    attr: Attr | None = None
    #: why (for messages): "default false", "inherits from a snapshot"...
    note: str = ""
    #: encrypted by a default the configuration does not spell out (an AWS-owned key)
    by_default: bool = False
    #: the attribute that makes the resource a restore or replica (its key is the source's)
    source: Attr | None = None


def written(a: Attr) -> bool:
    """Present, and not an empty string (Terraform and CloudFormation both treat "" as unset)."""
    return a.present and not (isinstance(a.value, str) and not a.value.strip())


def flag(a: Attr) -> bool | None:
    """A boolean attribute, three-valued (None: unknown or not a boolean)."""
    if a.unknown:
        return None
    return to_bool(a.value)


def inheritance(node: Node, names: Sequence[tuple[str | None, str | None]]) -> Attr | None:
    """The attribute that makes ``node`` inherit its encryption from a source, if any.

    A known, non-empty value means the resource is restored or replicated; an
    Unknown one means it may be (callers treat that as unknown).
    """
    for tf, cfn in names:
        a = node.attr(tf=tf, cfn=cfn)
        if a.unknown or (written(a) and a.value is not False):
            if isinstance(a.value, list) and not a.value:
                continue
            return a
    return None


def lower(a: Attr, default: str | None = None) -> str | None:
    """A string attribute in lower case; ``default`` when missing; None when unknown."""
    if a.missing:
        return default
    if a.unknown or not isinstance(a.value, str):
        return None
    return a.value.strip().lower()


RDS_INSTANCE_SOURCES: tuple[tuple[str | None, str | None], ...] = (
    ("replicate_source_db", "SourceDBInstanceIdentifier"),
    (None, "SourceDbiResourceId"),
    (None, "SourceDBInstanceAutomatedBackupsArn"),
    (None, "SourceDBClusterIdentifier"),
    ("snapshot_identifier", "DBSnapshotIdentifier"),
    ("restore_to_point_in_time", None),
)

RDS_CLUSTER_SOURCES: tuple[tuple[str | None, str | None], ...] = (
    ("snapshot_identifier", "SnapshotIdentifier"),
    ("restore_to_point_in_time", "SourceDBClusterIdentifier"),
    (None, "SourceDbClusterResourceId"),
    ("replication_source_identifier", "ReplicationSourceIdentifier"),
    ("global_cluster_identifier", "GlobalClusterIdentifier"),
)

DOCDB_NEPTUNE_SOURCES: tuple[tuple[str | None, str | None], ...] = (
    ("snapshot_identifier", "SnapshotIdentifier"),
    ("restore_to_point_in_time", "SourceDBClusterIdentifier"),
    ("replication_source_identifier", None),
    ("global_cluster_identifier", None),
)


def rds_instance_member(node: Node) -> bool:
    """An Aurora (or other cluster) member instance: encryption is the cluster's."""
    if node.type == "aws_rds_cluster_instance":
        return True
    cluster = node.attr(tf=None, cfn="DBClusterIdentifier")
    if written(cluster) or cluster.unknown:
        return True
    engine = lower(node.attr(tf="engine", cfn="Engine"), "")
    return bool(engine and engine.startswith("aurora"))


def rds_instance_encryption(node: Node) -> Decision:
    """Storage encryption of an ``AWS::RDS::DBInstance`` (not for cluster members)."""
    if rds_instance_member(node):
        return Decision("exempt", note="a cluster member: the cluster's setting applies")
    enc = node.attr(tf="storage_encrypted", cfn="StorageEncrypted")
    value = flag(enc)
    source = inheritance(node, RDS_INSTANCE_SOURCES)
    if value is True:
        return Decision("encrypted", enc, source=source)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may inherit from a source", source=source)
        return Decision("exempt", source, "inherits the source's encryption", source=source)
    if enc.missing:
        return Decision("unencrypted", enc, "is not set (default false)")
    if value is None:
        return Decision("unknown", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


def is_aurora_serverless_v1(node: Node) -> bool | None:
    mode = lower(node.attr(tf="engine_mode", cfn="EngineMode"), "provisioned")
    if mode is None:
        return None
    return mode == "serverless"


def rds_cluster_encryption(node: Node) -> Decision:
    """Storage encryption of an ``AWS::RDS::DBCluster`` (Aurora or Multi-AZ DB cluster)."""
    enc = node.attr(tf="storage_encrypted", cfn="StorageEncrypted")
    value = flag(enc)
    source = inheritance(node, RDS_CLUSTER_SOURCES)
    if value is True:
        return Decision("encrypted", enc, source=source)
    serverless = is_aurora_serverless_v1(node)
    if serverless:
        return Decision(
            "encrypted", enc, "Aurora Serverless v1 is always encrypted", True, source=source
        )
    if serverless is None:
        return Decision("unknown", node.attr(tf="engine_mode", cfn="EngineMode"))
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may inherit from a source", source=source)
        return Decision("exempt", source, "inherits the source's encryption", source=source)
    if enc.missing:
        engine = lower(node.attr(tf="engine", cfn="Engine"), "aurora")
        if engine is None:
            return Decision("unknown", node.attr(tf="engine", cfn="Engine"))
        if engine.startswith("aurora"):
            # AWS encrypts every new Aurora cluster (created on or after 18 February
            # 2026) with an AWS-owned key when StorageEncrypted is not given.
            return Decision("encrypted", enc, "new Aurora clusters are encrypted by default", True)
        return Decision("unencrypted", enc, "is not set (default false)")
    if value is None:
        return Decision("unknown", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


def cluster_encryption(node: Node) -> Decision:
    """DocumentDB / Neptune cluster storage encryption (default false)."""
    enc = node.attr(tf="storage_encrypted", cfn="StorageEncrypted")
    value = flag(enc)
    if value is True:
        return Decision("encrypted", enc)
    source = inheritance(node, DOCDB_NEPTUNE_SOURCES)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may inherit from a source", source=source)
        return Decision("exempt", source, "inherits the source's encryption", source=source)
    if enc.missing:
        return Decision("unencrypted", enc, "is not set (default false)")
    if value is None:
        return Decision("unknown", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


def simple_flag(node: Node, tf: str, cfn: str, *, default: bool = False) -> Decision:
    enc = node.attr(tf=tf, cfn=cfn)
    if enc.missing:
        if default:
            return Decision("encrypted", enc, "default true", True)
        return Decision("unencrypted", enc, "is not set (default false)")
    value = flag(enc)
    if value is None:
        return Decision("unknown", enc)
    if value:
        return Decision("encrypted", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


# ---- EBS ---------------------------------------------------------------------

EBS_DEFAULT = "aws_ebs_encryption_by_default"


def ebs_default_encryption(graph: ResourceGraph) -> bool | None:
    """Does the scanned configuration turn on EBS encryption by default?

    True when an ``aws_ebs_encryption_by_default`` (``enabled`` defaults to
    true) certainly exists with ``enabled`` true, in any scope: it is an
    account/region setting.  None when one may (unknown count or value).
    """

    def build(g: ResourceGraph) -> bool | None:
        result: bool | None = False
        for n in g.nodes(EBS_DEFAULT):
            a = n.attr("enabled")
            on = True if a.missing else flag(a)
            if on is True and not n.meta.get("count_unknown"):
                return True
            if on is None or (on and n.meta.get("count_unknown")):
                result = None
        return result

    out: bool | None = graph.view("enc.ebs_default", build)
    return out


def volume_encryption(node: Node) -> Decision:
    """An ``AWS::EC2::Volume`` (without the account default)."""
    enc = node.attr(tf="encrypted", cfn="Encrypted")
    value = flag(enc)
    source = inheritance(
        node, (("snapshot_id", "SnapshotId"), ("source_volume_id", "SourceVolumeId"))
    )
    if value is True:
        return Decision("encrypted", enc, source=source)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may be created from a snapshot", source=source)
        return Decision("exempt", source, "inherits the snapshot's encryption", source=source)
    if enc.missing:
        return Decision("unencrypted", enc, "is not set (default false)")
    if value is None:
        return Decision("unknown", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


@dataclass(frozen=True)
class Device:
    """A declared EBS device of an instance, launch template or launch configuration."""

    node: Node
    block: Attr  # the device's EBS settings block (Terraform block / CFN ``Ebs`` mapping)
    encrypted: Attr
    snapshot: Attr
    #: the block comes from a dynamic block with an unknown for_each (may not exist)
    templated: bool = False


def blocks(parent: Node | Attr, name: str) -> list[Attr]:
    """The nested blocks ``name`` of a node or block, each as an Attr.

    HCL gives a list of blocks; ``.tf.json`` may give one object; an unknown
    value (a dynamic block over an unknown collection) is returned as is.
    """
    a = parent.attr(name) if isinstance(parent, Node) else parent.child(name)
    if isinstance(a.value, dict) or a.unknown:
        return [a]
    if isinstance(a.value, list):
        return [Attr(a.node, (*a.path, i), v) for i, v in enumerate(a.value)]
    return []


def _tf_devices(node: Node, names: Sequence[str], *, nested_ebs: bool) -> Iterator[Device]:
    dynamic = set(node.meta.get("dynamic_unknown") or ())
    for name in names:
        for block in blocks(node, name):
            templated = name in dynamic
            if block.unknown:
                yield Device(node, block, block, block, True)
                continue
            if not isinstance(block.value, dict):
                continue
            if nested_ebs:
                for ebs in blocks(block, "ebs"):
                    if ebs.unknown:
                        yield Device(node, ebs, ebs, ebs, True)
                        continue
                    yield Device(
                        node,
                        ebs,
                        ebs.child("encrypted"),
                        ebs.child("snapshot_id"),
                        templated or f"{name}.ebs" in dynamic or "ebs" in dynamic,
                    )
            else:
                yield Device(
                    node, block, block.child("encrypted"), block.child("snapshot_id"), templated
                )


def _cfn_devices(node: Node, base: str) -> Iterator[Device]:
    for mapping in node.attrs_at(f"{base}[]"):
        if isinstance(mapping.value, Unknown):
            yield Device(node, mapping, mapping, mapping)
            continue
        ebs = mapping.child("Ebs")
        if not ebs.present:
            continue  # instance store (VirtualName) or NoDevice
        yield Device(node, ebs, ebs.child("Encrypted"), ebs.child("SnapshotId"))


def ebs_devices(node: Node) -> Iterator[Device]:
    """Declared EBS devices of instances, launch templates and launch configurations."""
    if node.language == "terraform":
        if node.kind == "AWS::EC2::LaunchTemplate":
            yield from _tf_devices(node, ("block_device_mappings",), nested_ebs=True)
        else:
            yield from _tf_devices(
                node, ("root_block_device", "ebs_block_device"), nested_ebs=False
            )
        return
    if node.kind == "AWS::EC2::LaunchTemplate":
        yield from _cfn_devices(node, "LaunchTemplateData.BlockDeviceMappings")
    else:
        yield from _cfn_devices(node, "BlockDeviceMappings")


def device_encryption(dev: Device) -> Decision:
    if dev.block.unknown:
        return Decision("unknown", dev.block)
    value = flag(dev.encrypted)
    if value is True:
        return Decision("encrypted", dev.encrypted)
    if dev.snapshot.unknown or written(dev.snapshot):
        if dev.snapshot.unknown:
            return Decision("unknown", dev.snapshot, "may be created from a snapshot")
        return Decision("exempt", dev.snapshot, "inherits the snapshot's encryption")
    if dev.encrypted.missing:
        if dev.templated:
            return Decision("unknown", dev.block, "a dynamic block that may be empty")
        name = "encrypted" if dev.node.language == "terraform" else "Encrypted"
        # missing inside a written device: the finding names the attribute, so the
        # engine points at the resource (RULES.md "Location")
        return Decision("unencrypted", dev.encrypted, f"`{name}` is not set (default false)")
    if value is None:
        return Decision("unknown", dev.encrypted)
    name = "encrypted" if dev.node.language == "terraform" else "Encrypted"
    return Decision(
        "unencrypted", dev.encrypted, f"`{name}` is {describe_value(dev.encrypted.value)}"
    )


INSTANCE_KINDS = (
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
)


def _where(a: Attr) -> str:
    return a.path_str or "the resource"


# --------------------------------------------------------------------------
# ENC001
# --------------------------------------------------------------------------


@rule(
    id="ENC001",
    slug="rds-storage-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `storage_encrypted = true` (and `kms_key_id` to your key) on the "
        "`aws_db_instance` / `aws_rds_cluster`; encryption cannot be turned on in place: "
        "restore an encrypted snapshot copy.",
        "cloudformation": "Set `StorageEncrypted: true` (and `KmsKeyId`) on the "
        "`AWS::RDS::DBInstance` / `AWS::RDS::DBCluster`; the change replaces the database, "
        "so migrate through an encrypted snapshot copy.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "main" {
                  identifier        = "orders"
                  engine            = "postgres"
                  instance_class    = "db.t4g.medium"
                  allocated_storage = 20
                  username          = "app"
                  manage_master_user_password = true
                }
                """,
                address="aws_db_instance.main",
                line=1,
                note="storage_encrypted defaults to false",
            ),
            bad(
                {
                    "main.tf": """
                    variable "encrypt_storage" {
                      type    = bool
                      default = true
                    }

                    resource "aws_db_instance" "main" {
                      identifier        = "orders"
                      engine            = "mysql"
                      instance_class    = "db.t4g.medium"
                      allocated_storage = 20
                      storage_encrypted = var.encrypt_storage
                    }
                    """,
                    "terraform.tfvars": """
                    encrypt_storage = false
                    """,
                },
                address="aws_db_instance.main",
                line=11,
                note="terraform.tfvars overrides the variable's default",
            ),
            bad(
                {
                    "main.tf": """
                    module "db" {
                      source  = "./modules/db"
                      name    = "billing"
                      encrypt = false
                    }
                    """,
                    "modules/db/main.tf": """
                    variable "name" {}
                    variable "encrypt" {
                      default = true
                    }

                    resource "aws_rds_cluster" "this" {
                      cluster_identifier          = var.name
                      engine                      = "postgres"
                      db_cluster_instance_class   = "db.m6gd.large"
                      storage_type                = "io1"
                      allocated_storage           = 100
                      iops                        = 1000
                      master_username             = "app"
                      manage_master_user_password = true
                      storage_encrypted           = var.encrypt
                    }
                    """,
                },
                address="module.db.aws_rds_cluster.this",
                file="modules/db/main.tf",
                line=15,
                note="a Multi-AZ DB cluster through a local module input",
            ),
            bad(
                """
                variable "environment" {
                  default = "dev"
                }

                resource "aws_rds_cluster" "app" {
                  cluster_identifier          = "app"
                  engine                      = "aurora-postgresql"
                  master_username             = "app"
                  manage_master_user_password = true
                  storage_encrypted           = var.environment == "prod"
                }
                """,
                address="aws_rds_cluster.app",
                line=10,
                note="encryption only in prod: false here",
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "db" {
                  description         = "orders database"
                  enable_key_rotation = true
                }

                resource "aws_db_instance" "main" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                  kms_key_id                  = aws_kms_key.db.arn
                }

                resource "aws_db_instance" "replica" {
                  identifier          = "orders-replica"
                  replicate_source_db = aws_db_instance.main.identifier
                  instance_class      = "db.t4g.medium"
                }
                """,
                note="a read replica inherits the source's encryption",
            ),
            good(
                """
                resource "aws_rds_cluster" "aurora" {
                  cluster_identifier          = "app"
                  engine                      = "aurora-mysql"
                  master_username             = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                }

                resource "aws_rds_cluster_instance" "member" {
                  count              = 2
                  cluster_identifier = aws_rds_cluster.aurora.id
                  instance_class     = "db.r6g.large"
                  engine             = aws_rds_cluster.aurora.engine
                }

                resource "aws_rds_cluster" "legacy" {
                  cluster_identifier = "reports"
                  engine             = "aurora-postgresql"
                  engine_mode        = "serverless"
                  master_username    = "app"
                  master_password    = var.password
                }

                variable "password" {
                  sensitive = true
                }
                """,
                note="members are exempt; Aurora Serverless v1 is always encrypted",
            ),
            good(
                """
                variable "snapshot" {
                  type = string
                }

                resource "aws_db_instance" "restored" {
                  identifier          = "orders-restored"
                  instance_class      = "db.t4g.medium"
                  snapshot_identifier = var.snapshot
                }

                variable "encrypted" {
                  type = bool
                }

                resource "aws_db_instance" "other" {
                  identifier        = "other"
                  engine            = "postgres"
                  instance_class    = "db.t4g.medium"
                  allocated_storage = 20
                  username          = "app"
                  storage_encrypted = var.encrypted
                  manage_master_user_password = true
                }
                """,
                note="a snapshot restore inherits; a variable without a value is unknown",
            ),
            good(
                """
                resource "aws_rds_cluster" "aurora" {
                  cluster_identifier          = "app"
                  engine                      = "aurora-postgresql"
                  master_username             = "app"
                  manage_master_user_password = true
                }
                """,
                note="new Aurora clusters are encrypted by default (AWS-owned key)",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "20"
                      MasterUsername: app
                      ManageMasterUserPassword: true
                """,
                address="Database",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Environment:
                    Type: String
                    Default: dev
                Conditions:
                  IsProd: !Equals [!Ref Environment, prod]
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: mysql
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "20"
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      StorageEncrypted: !If [IsProd, true, false]
                """,
                address="Database",
                line=16,
            ),
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-mysql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      StorageEncrypted: false
                """,
                address="Cluster",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-postgresql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      StorageEncrypted: true
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-postgresql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                  Replica:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      SourceDBInstanceIdentifier: orders-primary
                      DBInstanceClass: db.t4g.medium
                """,
                note="a member instance and a read replica inherit",
            ),
            good(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "20"
                      MasterUsername: app
                      ManageMasterUserPassword: true
                      StorageEncrypted: !ImportValue shared-storage-encrypted
                  Restored:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      DBSnapshotIdentifier: orders-2024-01-01
                      DBInstanceClass: db.t4g.medium
                """,
                note="an imported value is unknown; a snapshot restore inherits",
            ),
        ],
    ),
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
    How to fix:
        Terraform: `storage_encrypted = true` and `kms_key_id = aws_kms_key.db.arn`.
        CloudFormation: `StorageEncrypted: true` and `KmsKeyId: !Ref DbKey`. An
        existing database cannot be encrypted in place: copy a snapshot with
        encryption and restore it.
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
        yield from _report(ctx, node, rds_instance_encryption(node), "storage_encrypted")
    for node in ctx.graph.nodes("AWS::RDS::DBCluster"):
        yield from _report(ctx, node, rds_cluster_encryption(node), "storage_encrypted")


def _report(
    ctx: Context, node: Node, d: Decision, tf_name: str, extra: str = ""
) -> Iterator[Report]:
    """Turn a decision into a finding (unencrypted) or an unresolved note (unknown)."""
    if d.state == "unknown" and d.attr is not None:
        if d.attr is d.source and surely_set(d.attr, ctx.graph):
            return  # a restore or replica of a resource: it inherits
        yield from ctx.unresolved(node, d.attr)
    elif d.state == "unencrypted":
        attr = d.attr or node.attr(tf_name)
        name = attr.path_str or tf_name
        yield ctx.finding(
            node,
            attr,
            f"{node.address}: `{name}` {d.note}; the data is not encrypted at rest{extra}",
        )


# --------------------------------------------------------------------------
# ENC002
# --------------------------------------------------------------------------


@rule(
    id="ENC002",
    slug="ebs-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": 'Set `encrypted = true` on the volume or block device (`"true"` in a '
        "launch template's `ebs` block), or turn on `aws_ebs_encryption_by_default` for the "
        "account and region.",
        "cloudformation": "Set `Encrypted: true` on the `AWS::EC2::Volume` or in the "
        "`BlockDeviceMappings[].Ebs` of the instance, launch template or launch configuration.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 100
                }
                """,
                address="aws_ebs_volume.data",
                line=1,
            ),
            bad(
                """
                resource "aws_instance" "web" {
                  ami           = "ami-0c55b159cbfafe1f0"
                  instance_type = "t3.micro"

                  root_block_device {
                    volume_size = 30
                  }
                }
                """,
                address="aws_instance.web",
                line=1,
                note="a declared root device without encrypted = true",
            ),
            bad(
                """
                variable "encrypt_volumes" {
                  type    = string
                  default = "false"
                }

                resource "aws_launch_template" "app" {
                  name_prefix   = "app-"
                  image_id      = "ami-0c55b159cbfafe1f0"
                  instance_type = "m6i.large"

                  block_device_mappings {
                    device_name = "/dev/xvda"
                    ebs {
                      volume_size = 50
                      encrypted   = var.encrypt_volumes
                    }
                  }
                }
                """,
                address="aws_launch_template.app",
                line=15,
            ),
            bad(
                {
                    "main.tf": """
                    module "worker" {
                      source    = "./modules/worker"
                      disk_size = 200
                    }
                    """,
                    "modules/worker/main.tf": """
                    variable "disk_size" {}

                    resource "aws_launch_configuration" "this" {
                      name_prefix   = "worker-"
                      image_id      = "ami-0c55b159cbfafe1f0"
                      instance_type = "c6i.large"

                      ebs_block_device {
                        device_name = "/dev/sdf"
                        volume_size = var.disk_size
                        encrypted   = false
                      }
                    }
                    """,
                },
                address="module.worker.aws_launch_configuration.this",
                file="modules/worker/main.tf",
                line=11,
            ),
        ],
        good=[
            good(
                """
                resource "aws_ebs_encryption_by_default" "this" {}

                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 100
                }
                """,
                note="account-level EBS encryption by default (enabled defaults to true)",
            ),
            good(
                """
                resource "aws_instance" "web" {
                  ami           = "ami-0c55b159cbfafe1f0"
                  instance_type = "t3.micro"
                }

                resource "aws_ebs_volume" "restored" {
                  availability_zone = "eu-west-1a"
                  snapshot_id       = "snap-0123456789abcdef0"
                }

                resource "aws_launch_template" "app" {
                  image_id = "ami-0c55b159cbfafe1f0"

                  block_device_mappings {
                    device_name = "/dev/xvda"
                    ebs {
                      encrypted   = "true"
                      volume_size = 50
                    }
                  }
                }
                """,
                note="no declared device: the AMI's mapping applies; snapshots inherit",
            ),
            good(
                """
                variable "encrypted" {
                  type = bool
                }

                resource "aws_instance" "db" {
                  ami           = "ami-0c55b159cbfafe1f0"
                  instance_type = "r6i.large"

                  root_block_device {
                    encrypted = var.encrypted
                  }

                  ebs_block_device {
                    device_name = "/dev/sdf"
                    encrypted   = true
                    kms_key_id  = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                  }
                }
                """,
                note="a variable without a value is unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  DataVolume:
                    Type: AWS::EC2::Volume
                    Properties:
                      AvailabilityZone: eu-west-1a
                      Size: 100
                      Encrypted: false
                """,
                address="DataVolume",
                line=7,
            ),
            bad(
                """
                Resources:
                  Web:
                    Type: AWS::EC2::Instance
                    Properties:
                      ImageId: ami-0c55b159cbfafe1f0
                      InstanceType: t3.micro
                      BlockDeviceMappings:
                        - DeviceName: /dev/xvda
                          Ebs:
                            VolumeSize: 30
                """,
                address="Web",
                line=2,
            ),
            bad(
                """
                Parameters:
                  EncryptVolumes:
                    Type: String
                    AllowedValues: ["true", "false"]
                    Default: "false"
                Conditions:
                  Encrypt: !Equals [!Ref EncryptVolumes, "true"]
                Resources:
                  Template:
                    Type: AWS::EC2::LaunchTemplate
                    Properties:
                      LaunchTemplateData:
                        ImageId: ami-0c55b159cbfafe1f0
                        BlockDeviceMappings:
                          - DeviceName: /dev/xvda
                            Ebs:
                              VolumeSize: 50
                              Encrypted: !If [Encrypt, true, false]
                """,
                address="Template",
                line=18,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Config:
                    Type: AWS::AutoScaling::LaunchConfiguration
                    Properties:
                      ImageId: ami-0c55b159cbfafe1f0
                      InstanceType: c6i.large
                      BlockDeviceMappings:
                        - DeviceName: /dev/xvda
                          Ebs:
                            VolumeSize: 50
                            Encrypted: true
                        - DeviceName: /dev/sdb
                          VirtualName: ephemeral0
                  Restored:
                    Type: AWS::EC2::Volume
                    Properties:
                      AvailabilityZone: eu-west-1a
                      SnapshotId: snap-0123456789abcdef0
                """,
                note="instance-store devices have no EBS setting; snapshots inherit",
            ),
            good(
                """
                Resources:
                  DataVolume:
                    Type: AWS::EC2::Volume
                    Properties:
                      AvailabilityZone: eu-west-1a
                      Size: 100
                      Encrypted: !ImportValue platform-ebs-encrypted
                  Web:
                    Type: AWS::EC2::Instance
                    Properties:
                      ImageId: ami-0c55b159cbfafe1f0
                      InstanceType: t3.micro
                """,
                note="an imported value is unknown; no declared device takes the AMI's",
            ),
        ],
    ),
)
def ebs_encrypted(ctx: Context) -> Iterator[Report]:
    """EBS volume or block device is not encrypted at rest.

    What it checks:
        `aws_ebs_volume.encrypted`, the `root_block_device` / `ebs_block_device` blocks
        of `aws_instance` and `aws_launch_configuration`, `aws_launch_template`
        `block_device_mappings[].ebs[].encrypted` (a string there: `"true"`), and
        CloudFormation `AWS::EC2::Volume` `Encrypted` and
        `BlockDeviceMappings[].Ebs.Encrypted` of `AWS::EC2::Instance`,
        `AWS::EC2::LaunchTemplate` (`LaunchTemplateData`) and
        `AWS::AutoScaling::LaunchConfiguration`. A declared device without
        `encrypted = true` fails at that device. Not reported: an instance that
        declares no device at all (the AMI's block device mapping applies),
        instance-store devices, and volumes or devices created from a snapshot
        (they inherit its encryption). Nothing is reported when the scanned
        configuration, in any of its roots, turns on `aws_ebs_encryption_by_default`
        (whose `enabled` defaults to true): every new volume in that account and
        region is then encrypted.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" asks for EBS volumes encrypted with KMS; CC6.1 and
        C1.1 expect data on disks and their snapshots protected from access outside
        the instance.
    How to fix:
        Terraform: `encrypted = true` (with `kms_key_id`) on the volume or device, or
        `resource "aws_ebs_encryption_by_default" "this" {}` in the account baseline.
        CloudFormation: `Encrypted: true` (with `KmsKeyId`) on the volume or the
        `Ebs` mapping.
    References:
        - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
        - https://docs.aws.amazon.com/ebs/latest/userguide/work-with-ebs-encr.html#encryption-by-default
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_encryption_by_default
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_volume
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-volume.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html
    """
    default = ebs_default_encryption(ctx.graph)
    if default is True:
        return
    for node in ctx.graph.nodes("AWS::EC2::Volume"):
        d = volume_encryption(node)
        if d.state == "unencrypted" and default is None:
            d = Decision("unknown", d.attr)
        yield from _report(ctx, node, d, "encrypted")
    for node in ctx.graph.nodes(INSTANCE_KINDS):
        for dev in ebs_devices(node):
            d = device_encryption(dev)
            if d.state == "unknown" and d.attr is not None:
                yield from ctx.unresolved(node, d.attr)
            elif d.state == "unencrypted" and d.attr is not None:
                if default is None:
                    yield from ctx.unresolved(node, d.attr, "EBS encryption by default")
                    continue
                yield ctx.finding(
                    node,
                    d.attr,
                    f"{node.address}: EBS device `{dev.block.path_str}` {d.note}; the volume "
                    "is not encrypted at rest and the configuration does not turn on EBS "
                    "encryption by default",
                )


# --------------------------------------------------------------------------
# ENC003
# --------------------------------------------------------------------------


@rule(
    id="ENC003",
    slug="s3-bucket-encryption-explicit",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket "
        '(`sse_algorithm = "aws:kms"` with your key, or `"AES256"`).',
        "cloudformation": "Add `BucketEncryption.ServerSideEncryptionConfiguration` with "
        "`ServerSideEncryptionByDefault` to the bucket.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }
                """,
                address="aws_s3_bucket.reports",
                line=1,
            ),
            bad(
                """
                variable "sse_enabled" {
                  default = false
                }

                resource "aws_s3_bucket" "exports" {
                  bucket = "acme-exports"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
                  count  = var.sse_enabled ? 1 : 0
                  bucket = aws_s3_bucket.exports.id

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm = "aws:kms"
                    }
                  }
                }
                """,
                address="aws_s3_bucket.exports",
                line=5,
                note="the encryption resource is switched off (count 0)",
            ),
        ],
        good=[
            good(
                """
                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
                  bucket = "acme-reports"

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm = "AES256"
                    }
                  }
                }
                """,
                note="linked by the bucket's literal name",
            ),
            good(
                """
                variable "bucket_name" {
                  type = string
                }

                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }

                resource "aws_s3_bucket" "legacy" {
                  bucket = "acme-legacy"

                  server_side_encryption_configuration {
                    rule {
                      apply_server_side_encryption_by_default {
                        sse_algorithm = "aws:kms"
                      }
                    }
                  }
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "any" {
                  bucket = var.bucket_name

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm = "AES256"
                    }
                  }
                }
                """,
                note="inline legacy block; a configuration for an unknown bucket may be data's",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: acme-reports
                """,
                address="Reports",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Encrypt:
                    Type: String
                    Default: "no"
                Conditions:
                  WantEncryption: !Equals [!Ref Encrypt, "yes"]
                Resources:
                  Exports:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketEncryption: !If
                        - WantEncryption
                        - ServerSideEncryptionConfiguration:
                            - ServerSideEncryptionByDefault:
                                SSEAlgorithm: aws:kms
                        - !Ref AWS::NoValue
                """,
                address="Exports",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketEncryption:
                        ServerSideEncryptionConfiguration:
                          - ServerSideEncryptionByDefault:
                              SSEAlgorithm: AES256
                """
            ),
            good(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketEncryption: !ImportValue shared-bucket-encryption
                """,
                note="an imported value is unknown",
            ),
        ],
    ),
)
def s3_bucket_encryption_explicit(ctx: Context) -> Iterator[Report]:
    """S3 bucket declares no default encryption.

    What it checks:
        Every `aws_s3_bucket` / `AWS::S3::Bucket` must declare default server-side
        encryption: the inline `server_side_encryption_configuration` block, an
        `aws_s3_bucket_server_side_encryption_configuration` for it (matched by
        reference or by the bucket's name), or CloudFormation `BucketEncryption`.
        When a separate encryption resource cannot be attributed to a bucket (its
        `bucket` is unknown) the buckets of that root are not reported.
    Why it matters for SOC 2:
        Low severity: since 5 January 2023 S3 applies SSE-S3 to every new object
        when nothing is declared, so data is encrypted. The checklist (B "Data at
        Rest") and auditors under CC6.1 and C1.1 still expect the control to be
        declared, reviewable and tied to a chosen key.
    How to fix:
        Terraform: add `aws_s3_bucket_server_side_encryption_configuration` with
        `sse_algorithm = "aws:kms"` and `kms_master_key_id`, or `"AES256"`.
        CloudFormation: add `BucketEncryption` with a `ServerSideEncryptionByDefault`
        rule.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-bucketencryption.html
    """
    for view in bucket_views(ctx.graph):
        settings = view.encryption()
        if settings:
            if any(s.value is UNKNOWN_SETTING for s in settings):
                yield from ctx.unresolved(view.bucket, (), "its default encryption")
            continue
        b = view.bucket
        name = "server_side_encryption_configuration" if view.is_terraform else "BucketEncryption"
        yield ctx.finding(
            b,
            (),
            f"{b.address}: no default encryption is declared ({name} or an encryption "
            "configuration resource); S3 has applied SSE-S3 to new objects by default since "
            "January 2023, but the control should be declared with the key you choose",
        )


# --------------------------------------------------------------------------
# ENC004
# --------------------------------------------------------------------------


@rule(
    id="ENC004",
    slug="efs-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `encrypted = true` (and `kms_key_id`) on the `aws_efs_file_system`; "
        "the file system is replaced.",
        "cloudformation": "Set `Encrypted: true` (and `KmsKeyId`) on the "
        "`AWS::EFS::FileSystem`; the file system is replaced.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_efs_file_system" "shared" {
                  creation_token   = "shared"
                  performance_mode = "generalPurpose"
                }
                """,
                address="aws_efs_file_system.shared",
                line=1,
            ),
            bad(
                {
                    "main.tf": """
                    module "storage" {
                      source  = "./modules/efs"
                      encrypt = false
                    }
                    """,
                    "modules/efs/main.tf": """
                    variable "encrypt" {
                      type    = bool
                      default = true
                    }

                    resource "aws_efs_file_system" "this" {
                      creation_token = "app"
                      encrypted      = var.encrypt
                    }
                    """,
                },
                address="module.storage.aws_efs_file_system.this",
                file="modules/efs/main.tf",
                line=8,
            ),
        ],
        good=[
            good(
                """
                resource "aws_efs_file_system" "shared" {
                  creation_token = "shared"
                  encrypted      = true
                }
                """
            ),
            good(
                """
                variable "encrypted" {
                  type = bool
                }

                resource "aws_efs_file_system" "shared" {
                  creation_token = "shared"
                  encrypted      = var.encrypted
                }
                """,
                note="a variable without a value is unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      PerformanceMode: generalPurpose
                """,
                address="Shared",
                line=2,
            ),
            bad(
                """
                Parameters:
                  EncryptFileSystem:
                    Type: String
                    Default: "false"
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: !Ref EncryptFileSystem
                """,
                address="Shared",
                line=9,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: true
                      KmsKeyId: alias/efs
                """
            ),
            good(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: !ImportValue efs-encrypted
                """
            ),
        ],
    ),
)
def efs_encrypted(ctx: Context) -> Iterator[Report]:
    """EFS file system is not encrypted at rest.

    What it checks:
        `aws_efs_file_system.encrypted` and `AWS::EFS::FileSystem` `Encrypted`. Both
        default to false through the API (the console's default does not apply to
        Terraform or CloudFormation), and encryption can only be chosen at creation.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" asks for file systems encrypted with KMS; CC6.1 and
        C1.1 expect shared file data protected at rest.
    How to fix:
        Terraform: `encrypted = true` and `kms_key_id = aws_kms_key.efs.arn`.
        CloudFormation: `Encrypted: true` and `KmsKeyId`. Both replace the file
        system: copy the data to the new one (AWS DataSync).
    References:
        - https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-efs-filesystem.html
    """
    for node in ctx.graph.nodes("AWS::EFS::FileSystem"):
        yield from _report(ctx, node, simple_flag(node, "encrypted", "Encrypted"), "encrypted")


# --------------------------------------------------------------------------
# ENC005
# --------------------------------------------------------------------------


def elasticache_encryption(node: Node) -> Decision:
    """At-rest encryption of a Redis/Valkey replication group (exempt: other engines)."""
    engine_attr = node.attr(tf="engine", cfn="Engine")
    engine = lower(engine_attr, "redis")
    enc = node.attr(tf="at_rest_encryption_enabled", cfn="AtRestEncryptionEnabled")
    value = flag(enc)
    if value is True:
        return Decision("encrypted", enc)
    if engine is None:
        return Decision("unknown", engine_attr)
    if engine not in ("redis", "valkey"):
        return Decision("exempt", engine_attr)
    if enc.missing:
        source = inheritance(node, (("global_replication_group_id", "GlobalReplicationGroupId"),))
        if source is not None:
            return Decision("unknown" if source.unknown else "exempt", source, source=source)
        if engine == "valkey":
            return Decision("encrypted", enc, "Valkey encrypts at rest by default", True)
        return Decision("unencrypted", enc, "is not set (default false for Redis OSS)")
    if value is None:
        return Decision("unknown", enc)
    return Decision("unencrypted", enc, f"is {describe_value(enc.value)}")


@rule(
    id="ENC005",
    slug="elasticache-at-rest-encryption",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `at_rest_encryption_enabled = true` (and `kms_key_id`) on the "
        "`aws_elasticache_replication_group`; it can only be chosen at creation.",
        "cloudformation": "Set `AtRestEncryptionEnabled: true` (and `KmsKeyId`) on the "
        "`AWS::ElastiCache::ReplicationGroup`; it can only be chosen at creation.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id = "sessions"
                  description          = "session store"
                  engine               = "redis"
                  node_type            = "cache.t4g.small"
                  num_cache_clusters   = 2
                }
                """,
                address="aws_elasticache_replication_group.sessions",
                line=1,
            ),
            bad(
                """
                variable "at_rest" {
                  default = false
                }

                resource "aws_elasticache_replication_group" "cache" {
                  replication_group_id       = "cache"
                  description                = "cache"
                  node_type                  = "cache.r7g.large"
                  at_rest_encryption_enabled = var.at_rest
                }
                """,
                address="aws_elasticache_replication_group.cache",
                line=9,
                note="engine defaults to redis",
            ),
        ],
        good=[
            good(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id       = "sessions"
                  description                = "session store"
                  engine                     = "redis"
                  node_type                  = "cache.t4g.small"
                  at_rest_encryption_enabled = true
                }

                resource "aws_elasticache_replication_group" "valkey" {
                  replication_group_id = "queue"
                  description          = "queue"
                  engine               = "valkey"
                  node_type            = "cache.t4g.small"
                }
                """,
                note="Valkey defaults to encrypted",
            ),
            good(
                """
                variable "engine" {
                  type = string
                }

                resource "aws_elasticache_replication_group" "cache" {
                  replication_group_id = "cache"
                  description          = "cache"
                  engine               = var.engine
                  node_type            = "cache.t4g.small"
                }
                """,
                note="an unknown engine may be Valkey",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: session store
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      NumCacheClusters: 2
                      AtRestEncryptionEnabled: false
                """,
                address="Sessions",
                line=9,
            ),
            bad(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: session store
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                """,
                address="Sessions",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: session store
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      AtRestEncryptionEnabled: true
                  Queue:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: queue
                      Engine: valkey
                      CacheNodeType: cache.t4g.small
                """
            ),
            good(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: session store
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      AtRestEncryptionEnabled: !ImportValue cache-encryption
                """
            ),
        ],
    ),
)
def elasticache_at_rest_encryption(ctx: Context) -> Iterator[Report]:
    """ElastiCache Redis/Valkey replication group is not encrypted at rest.

    What it checks:
        `aws_elasticache_replication_group` `at_rest_encryption_enabled` and
        `AWS::ElastiCache::ReplicationGroup` `AtRestEncryptionEnabled`, for the
        Redis OSS and Valkey engines (`engine` defaults to `redis`). Documented
        defaults: false for Redis OSS, true for Valkey. A secondary member of a
        global datastore (`global_replication_group_id`) takes the global
        datastore's setting and is not reported when the attribute is absent.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Caches hold sessions, tokens
        and copies of database rows; their snapshots and swap must be encrypted
        like the database they front.
    How to fix:
        Terraform: `at_rest_encryption_enabled = true` with `kms_key_id`.
        CloudFormation: `AtRestEncryptionEnabled: true` with `KmsKeyId`. The
        setting cannot change after creation: create a new group from a backup.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html
    """
    for node in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        yield from _report(ctx, node, elasticache_encryption(node), "at_rest_encryption_enabled")


# --------------------------------------------------------------------------
# ENC006
# --------------------------------------------------------------------------


@rule(
    id="ENC006",
    slug="redshift-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Remove `encrypted = false` (the default is true) or set it to true, with "
        "`kms_key_id` for your own key.",
        "cloudformation": "Remove `Encrypted: false` (new clusters are encrypted by default) or "
        "set it to true, with `KmsKeyId`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier          = "warehouse"
                  node_type                   = "ra3.xlplus"
                  number_of_nodes             = 2
                  master_username             = "admin"
                  manage_master_password      = true
                  encrypted                   = false
                }
                """,
                address="aws_redshift_cluster.warehouse",
                line=7,
            ),
            bad(
                """
                variable "encrypt_warehouse" {
                  type    = bool
                  default = false
                }

                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier     = "warehouse"
                  node_type              = "ra3.xlplus"
                  master_username        = "admin"
                  manage_master_password = true
                  encrypted              = var.encrypt_warehouse
                }
                """,
                address="aws_redshift_cluster.warehouse",
                line=11,
            ),
        ],
        good=[
            good(
                """
                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier     = "warehouse"
                  node_type              = "ra3.xlplus"
                  master_username        = "admin"
                  manage_master_password = true
                }
                """,
                note="new clusters are encrypted by default (provider default true)",
            ),
            good(
                """
                variable "encrypted" {
                  type = bool
                }

                resource "aws_redshift_cluster" "warehouse" {
                  cluster_identifier     = "warehouse"
                  node_type              = "ra3.xlplus"
                  master_username        = "admin"
                  manage_master_password = true
                  encrypted              = var.encrypted
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: multi-node
                      NodeType: ra3.xlplus
                      NumberOfNodes: 2
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      Encrypted: false
                """,
                address="Warehouse",
                line=11,
            ),
            bad(
                """
                Parameters:
                  Stage:
                    Type: String
                    Default: test
                Conditions:
                  Production: !Equals [!Ref Stage, production]
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      Encrypted: !If [Production, true, false]
                """,
                address="Warehouse",
                line=16,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                """
            ),
            good(
                """
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: analytics
                      MasterUsername: admin
                      ManageMasterPassword: true
                      Encrypted: !ImportValue warehouse-encrypted
                """
            ),
        ],
    ),
)
def redshift_encrypted(ctx: Context) -> Iterator[Report]:
    """Redshift cluster is explicitly not encrypted at rest.

    What it checks:
        `aws_redshift_cluster.encrypted` and `AWS::Redshift::Cluster` `Encrypted`
        set to false. An absent value passes: since 10 January 2025 Amazon Redshift
        encrypts every new provisioned cluster (with an AWS-owned key when no KMS
        key is given), and the Terraform provider changed its `encrypted` default to
        true to match (hashicorp/terraform-provider-aws#42631).
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. A warehouse concentrates
        confidential data from many systems; an explicit `false` on an older
        cluster keeps its data and snapshots in clear on disk.
    How to fix:
        Terraform: remove `encrypted = false` or set it to true, with `kms_key_id`.
        CloudFormation: remove `Encrypted: false` or set it to true, with `KmsKeyId`.
        Redshift migrates an existing cluster to encryption when modified.
    References:
        - https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html
        - https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateCluster.html
        - https://github.com/hashicorp/terraform-provider-aws/pull/42631
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-cluster.html
    """
    for node in ctx.graph.nodes("AWS::Redshift::Cluster"):
        yield from _report(
            ctx, node, simple_flag(node, "encrypted", "Encrypted", default=True), "encrypted"
        )


# --------------------------------------------------------------------------
# ENC007
# --------------------------------------------------------------------------


@rule(
    id="ENC007",
    slug="opensearch-encrypted-at-rest",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Add `encrypt_at_rest { enabled = true }` (with `kms_key_id`) to the domain.",
        "cloudformation": "Set `EncryptionAtRestOptions: {Enabled: true}` (with `KmsKeyId`) on "
        "the domain.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_opensearch_domain" "logs" {
                  domain_name    = "logs"
                  engine_version = "OpenSearch_2.13"

                  cluster_config {
                    instance_type = "r6g.large.search"
                  }
                }
                """,
                address="aws_opensearch_domain.logs",
                line=1,
            ),
            bad(
                """
                variable "encrypt" {
                  default = false
                }

                resource "aws_elasticsearch_domain" "search" {
                  domain_name           = "search"
                  elasticsearch_version = "7.10"

                  encrypt_at_rest {
                    enabled = var.encrypt
                  }
                }
                """,
                address="aws_elasticsearch_domain.search",
                line=10,
            ),
        ],
        good=[
            good(
                """
                resource "aws_opensearch_domain" "logs" {
                  domain_name    = "logs"
                  engine_version = "OpenSearch_2.13"

                  encrypt_at_rest {
                    enabled = true
                  }
                }
                """
            ),
            good(
                """
                variable "encrypt" {
                  type = bool
                }

                resource "aws_opensearch_domain" "logs" {
                  domain_name = "logs"

                  encrypt_at_rest {
                    enabled = var.encrypt
                  }
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      EncryptionAtRestOptions:
                        Enabled: false
                """,
                address="Logs",
                line=7,
            ),
            bad(
                """
                Resources:
                  Search:
                    Type: AWS::Elasticsearch::Domain
                    Properties:
                      ElasticsearchVersion: "7.10"
                """,
                address="Search",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      EncryptionAtRestOptions:
                        Enabled: true
                        KmsKeyId: alias/search
                """
            ),
            good(
                """
                Resources:
                  Logs:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      EncryptionAtRestOptions:
                        Enabled: !ImportValue search-encryption
                """
            ),
        ],
    ),
)
def opensearch_encrypted_at_rest(ctx: Context) -> Iterator[Report]:
    """OpenSearch / Elasticsearch domain is not encrypted at rest.

    What it checks:
        `aws_opensearch_domain` / `aws_elasticsearch_domain`
        `encrypt_at_rest.enabled`, and `AWS::OpenSearchService::Domain` /
        `AWS::Elasticsearch::Domain` `EncryptionAtRestOptions.Enabled`.
        Encryption at rest is an option that is off unless enabled.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Indexes, logs, swap files and
        automated snapshots of the domain are only encrypted with this option.
    How to fix:
        Terraform: `encrypt_at_rest { enabled = true, kms_key_id = ... }`.
        CloudFormation: `EncryptionAtRestOptions: {Enabled: true, KmsKeyId: ...}`.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticsearch_domain
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-opensearchservice-domain-encryptionatrestoptions.html
    """
    for node in ctx.graph.nodes(("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")):
        d = simple_flag(node, "encrypt_at_rest.enabled", "EncryptionAtRestOptions.Enabled")
        yield from _report(ctx, node, d, "encrypt_at_rest.enabled")


# --------------------------------------------------------------------------
# ENC008
# --------------------------------------------------------------------------


@rule(
    id="ENC008",
    slug="sqs-encrypted",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Remove `sqs_managed_sse_enabled = false`, or set `kms_master_key_id`.",
        "cloudformation": "Remove `SqsManagedSseEnabled: false`, or set `KmsMasterKeyId`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_sqs_queue" "jobs" {
                  name                    = "jobs"
                  sqs_managed_sse_enabled = false
                }
                """,
                address="aws_sqs_queue.jobs",
                line=3,
            ),
            bad(
                """
                variable "sse" {
                  default = false
                }

                resource "aws_sqs_queue" "jobs" {
                  name                    = "jobs"
                  sqs_managed_sse_enabled = var.sse
                }
                """,
                address="aws_sqs_queue.jobs",
                line=7,
            ),
        ],
        good=[
            good(
                """
                resource "aws_sqs_queue" "jobs" {
                  name = "jobs"
                }

                resource "aws_sqs_queue" "events" {
                  name                    = "events"
                  sqs_managed_sse_enabled = false
                  kms_master_key_id       = "alias/events"
                }
                """,
                note="SSE-SQS is on by default; a KMS key replaces it",
            ),
            good(
                """
                variable "sse" {
                  type = bool
                }

                resource "aws_sqs_queue" "jobs" {
                  name                    = "jobs"
                  sqs_managed_sse_enabled = var.sse
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Jobs:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: jobs
                      SqsManagedSseEnabled: false
                """,
                address="Jobs",
                line=6,
            ),
            bad(
                """
                Parameters:
                  Encrypt:
                    Type: String
                    Default: "false"
                Resources:
                  Jobs:
                    Type: AWS::SQS::Queue
                    Properties:
                      SqsManagedSseEnabled: !Ref Encrypt
                """,
                address="Jobs",
                line=9,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Jobs:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: jobs
                  Events:
                    Type: AWS::SQS::Queue
                    Properties:
                      KmsMasterKeyId: alias/aws/sqs
                """
            ),
            good(
                """
                Resources:
                  Jobs:
                    Type: AWS::SQS::Queue
                    Properties:
                      SqsManagedSseEnabled: !ImportValue queue-sse
                """
            ),
        ],
    ),
)
def sqs_encrypted(ctx: Context) -> Iterator[Report]:
    """SQS queue has server-side encryption explicitly turned off.

    What it checks:
        `aws_sqs_queue` with `sqs_managed_sse_enabled = false` and no
        `kms_master_key_id`; `AWS::SQS::Queue` with `SqsManagedSseEnabled: false`
        and no `KmsMasterKeyId`. Queues encrypt messages with SSE-SQS by default
        (since 2022 for new queues), so only an explicit opt-out fails.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Messages often carry personal
        data between services and sit in the queue for up to 14 days.
    How to fix:
        Terraform: remove `sqs_managed_sse_enabled = false` or set
        `kms_master_key_id`. CloudFormation: remove `SqsManagedSseEnabled: false` or
        set `KmsMasterKeyId`.
    References:
        - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
    """
    for node in ctx.graph.nodes("AWS::SQS::Queue"):
        key = node.attr(tf="kms_master_key_id", cfn="KmsMasterKeyId")
        if written(key) or key.unknown:
            continue
        sse = node.attr(tf="sqs_managed_sse_enabled", cfn="SqsManagedSseEnabled")
        if sse.missing:
            continue
        value = flag(sse)
        if value is None:
            yield from ctx.unresolved(node, sse)
        elif value is False:
            name = spelled(node, "sqs_managed_sse_enabled", "SqsManagedSseEnabled")
            key_name = spelled(node, "kms_master_key_id", "KmsMasterKeyId")
            yield ctx.finding(
                node,
                sse,
                f"{node.address}: `{name}` is {describe_value(sse.value)} and no "
                f"`{key_name}` is set; messages are stored unencrypted",
            )


# --------------------------------------------------------------------------
# ENC009
# --------------------------------------------------------------------------


@rule(
    id="ENC009",
    slug="sns-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `kms_master_key_id` on the `aws_sns_topic` (your key, or "
        "`alias/aws/sns`).",
        "cloudformation": "Set `KmsMasterKeyId` on the `AWS::SNS::Topic`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_sns_topic" "alerts" {
                  name = "alerts"
                }
                """,
                address="aws_sns_topic.alerts",
                line=1,
            ),
            bad(
                """
                variable "topic_key" {
                  default = ""
                }

                resource "aws_sns_topic" "alerts" {
                  name              = "alerts"
                  kms_master_key_id = var.topic_key
                }
                """,
                address="aws_sns_topic.alerts",
                line=7,
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "sns" {
                  enable_key_rotation = true
                }

                resource "aws_sns_topic" "alerts" {
                  name              = "alerts"
                  kms_master_key_id = aws_kms_key.sns.id
                }
                """
            ),
            good(
                """
                variable "topic_key" {
                  type = string
                }

                resource "aws_sns_topic" "alerts" {
                  name              = "alerts"
                  kms_master_key_id = var.topic_key
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                    Properties:
                      TopicName: alerts
                """,
                address="Alerts",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Encrypt:
                    Type: String
                    Default: "no"
                Conditions:
                  UseKey: !Equals [!Ref Encrypt, "yes"]
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                    Properties:
                      TopicName: alerts
                      KmsMasterKeyId: !If [UseKey, alias/aws/sns, !Ref AWS::NoValue]
                """,
                address="Alerts",
                line=12,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                    Properties:
                      TopicName: alerts
                      KmsMasterKeyId: alias/aws/sns
                """
            ),
            good(
                """
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                    Properties:
                      KmsMasterKeyId: !ImportValue alerts-key
                """
            ),
        ],
    ),
)
def sns_encrypted(ctx: Context) -> Iterator[Report]:
    """SNS topic is not encrypted with a KMS key.

    What it checks:
        `aws_sns_topic.kms_master_key_id` and `AWS::SNS::Topic` `KmsMasterKeyId`.
        SNS has no default server-side encryption: without a key, messages are
        stored unencrypted until delivered.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Notifications carry alert
        details, order events and personal data.
    How to fix:
        Terraform: `kms_master_key_id = aws_kms_key.sns.id` (or `alias/aws/sns`).
        CloudFormation: `KmsMasterKeyId: !Ref SnsKey`. A customer-managed key must
        allow the publishing services (CloudWatch, EventBridge) in its policy.
    References:
        - https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
    """
    for node in ctx.graph.nodes("AWS::SNS::Topic"):
        key = node.attr(tf="kms_master_key_id", cfn="KmsMasterKeyId")
        if key.unknown:
            if not surely_set(key, ctx.graph):
                yield from ctx.unresolved(node, key)
            continue
        if written(key):
            continue
        name = spelled(node, "kms_master_key_id", "KmsMasterKeyId")
        shown = "is not set" if key.missing else f"is {describe_value(key.value)}"
        yield ctx.finding(
            node, key, f"{node.address}: `{name}` {shown}; messages are stored unencrypted"
        )


# --------------------------------------------------------------------------
# ENC010
# --------------------------------------------------------------------------


@rule(
    id="ENC010",
    slug="docdb-neptune-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `storage_encrypted = true` (and `kms_key_id`) on the "
        "`aws_docdb_cluster` / `aws_neptune_cluster`; the cluster is replaced.",
        "cloudformation": "Set `StorageEncrypted: true` (and `KmsKeyId`) on the "
        "`AWS::DocDB::DBCluster` / `AWS::Neptune::DBCluster`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_docdb_cluster" "catalog" {
                  cluster_identifier          = "catalog"
                  engine                      = "docdb"
                  master_username             = "app"
                  manage_master_user_password = true
                }
                """,
                address="aws_docdb_cluster.catalog",
                line=1,
            ),
            bad(
                """
                variable "encrypted" {
                  default = false
                }

                resource "aws_neptune_cluster" "graph" {
                  cluster_identifier = "graph"
                  engine             = "neptune"
                  storage_encrypted  = var.encrypted
                }
                """,
                address="aws_neptune_cluster.graph",
                line=8,
            ),
        ],
        good=[
            good(
                """
                resource "aws_docdb_cluster" "catalog" {
                  cluster_identifier          = "catalog"
                  master_username             = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                }

                resource "aws_neptune_cluster" "restored" {
                  cluster_identifier  = "graph"
                  snapshot_identifier = "graph-final"
                }
                """
            ),
            good(
                """
                variable "encrypted" {
                  type = bool
                }

                resource "aws_neptune_cluster" "graph" {
                  cluster_identifier = "graph"
                  storage_encrypted  = var.encrypted
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Catalog:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: app
                      MasterUserPassword: "{{resolve:secretsmanager:catalog:SecretString:password}}"
                """,
                address="Catalog",
                line=2,
            ),
            bad(
                """
                Resources:
                  Graph:
                    Type: AWS::Neptune::DBCluster
                    Properties:
                      DBClusterIdentifier: graph
                      StorageEncrypted: false
                """,
                address="Graph",
                line=6,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Graph:
                    Type: AWS::Neptune::DBCluster
                    Properties:
                      StorageEncrypted: true
                  Catalog:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      SnapshotIdentifier: catalog-final
                """
            ),
            good(
                """
                Resources:
                  Graph:
                    Type: AWS::Neptune::DBCluster
                    Properties:
                      StorageEncrypted: !ImportValue graph-encrypted
                """
            ),
        ],
    ),
)
def docdb_neptune_encrypted(ctx: Context) -> Iterator[Report]:
    """DocumentDB or Neptune cluster storage is not encrypted at rest.

    What it checks:
        `aws_docdb_cluster` and `aws_neptune_cluster` `storage_encrypted`;
        `AWS::DocDB::DBCluster` and `AWS::Neptune::DBCluster` `StorageEncrypted`.
        The API default is false. Clusters restored from a snapshot or a point in
        time, read replicas and secondary clusters of a global database inherit
        their source's encryption and are not reported.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1 (database storage, backups and
        snapshots encrypted with KMS).
    How to fix:
        Terraform: `storage_encrypted = true` with `kms_key_id`. CloudFormation:
        `StorageEncrypted: true` with `KmsKeyId`. Encryption is chosen at creation:
        restore a snapshot into a new encrypted cluster.
    References:
        - https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html
        - https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-neptune-dbcluster.html
    """
    for node in ctx.graph.nodes(("AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")):
        yield from _report(ctx, node, cluster_encryption(node), "storage_encrypted")


# --------------------------------------------------------------------------
# ENC011
# --------------------------------------------------------------------------


@rule(
    id="ENC011",
    slug="kinesis-stream-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": 'Set `encryption_type = "KMS"` and `kms_key_id` (your key or '
        "`alias/aws/kinesis`) on the `aws_kinesis_stream`.",
        "cloudformation": "Add `StreamEncryption: {EncryptionType: KMS, KeyId: ...}` to the "
        "`AWS::Kinesis::Stream`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_kinesis_stream" "clicks" {
                  name             = "clicks"
                  retention_period = 24

                  stream_mode_details {
                    stream_mode = "ON_DEMAND"
                  }
                }
                """,
                address="aws_kinesis_stream.clicks",
                line=1,
            ),
            bad(
                """
                variable "stream_encryption" {
                  default = "NONE"
                }

                resource "aws_kinesis_stream" "clicks" {
                  name            = "clicks"
                  shard_count     = 2
                  encryption_type = var.stream_encryption
                }
                """,
                address="aws_kinesis_stream.clicks",
                line=8,
            ),
        ],
        good=[
            good(
                """
                resource "aws_kinesis_stream" "clicks" {
                  name            = "clicks"
                  shard_count     = 2
                  encryption_type = "KMS"
                  kms_key_id      = "alias/aws/kinesis"
                }
                """
            ),
            good(
                """
                variable "stream_encryption" {
                  type = string
                }

                resource "aws_kinesis_stream" "clicks" {
                  name            = "clicks"
                  shard_count     = 2
                  encryption_type = var.stream_encryption
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Clicks:
                    Type: AWS::Kinesis::Stream
                    Properties:
                      ShardCount: 2
                """,
                address="Clicks",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Encrypt:
                    Type: String
                    Default: "false"
                Conditions:
                  Encrypted: !Equals [!Ref Encrypt, "true"]
                Resources:
                  Clicks:
                    Type: AWS::Kinesis::Stream
                    Properties:
                      ShardCount: 2
                      StreamEncryption: !If
                        - Encrypted
                        - EncryptionType: KMS
                          KeyId: alias/aws/kinesis
                        - !Ref AWS::NoValue
                """,
                address="Clicks",
                line=12,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Clicks:
                    Type: AWS::Kinesis::Stream
                    Properties:
                      ShardCount: 2
                      StreamEncryption:
                        EncryptionType: KMS
                        KeyId: alias/aws/kinesis
                """
            ),
            good(
                """
                Resources:
                  Clicks:
                    Type: AWS::Kinesis::Stream
                    Properties:
                      ShardCount: 2
                      StreamEncryption: !ImportValue clicks-encryption
                """
            ),
        ],
    ),
)
def kinesis_stream_encrypted(ctx: Context) -> Iterator[Report]:
    """Kinesis data stream is not encrypted with KMS.

    What it checks:
        `aws_kinesis_stream.encryption_type` (default `NONE`) must be `KMS`;
        `AWS::Kinesis::Stream` must have `StreamEncryption` with
        `EncryptionType: KMS`.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Records stay in the stream for
        the retention period (up to a year) and are unencrypted at rest without
        server-side encryption.
    How to fix:
        Terraform: `encryption_type = "KMS"` and `kms_key_id`. CloudFormation:
        `StreamEncryption: {EncryptionType: KMS, KeyId: !Ref StreamKey}`.
    References:
        - https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kinesis_stream
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html
    """
    for node in ctx.graph.nodes("AWS::Kinesis::Stream"):
        if node.language == "terraform":
            a = node.attr("encryption_type")
            value = lower(a, "none")
        else:
            se = node.attr("StreamEncryption")
            if se.missing:
                yield ctx.finding(
                    node,
                    se,
                    f"{node.address}: `StreamEncryption` is not set; records are stored "
                    "unencrypted",
                )
                continue
            a = se if se.unknown else se.child("EncryptionType")
            value = lower(a, "none")
        if value is None:
            yield from ctx.unresolved(node, a)
        elif value != "kms":
            shown = "is not set (default NONE)" if a.missing else f"is {describe_value(a.value)}"
            yield ctx.finding(
                node,
                a,
                f"{node.address}: `{a.path_str or 'encryption_type'}` {shown}; expected KMS",
            )


# --------------------------------------------------------------------------
# ENC012
# --------------------------------------------------------------------------


@rule(
    id="ENC012",
    slug="eks-secrets-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": 'Add `encryption_config { resources = ["secrets"]  provider { key_arn = '
        "aws_kms_key.eks.arn } }` to the `aws_eks_cluster`.",
        "cloudformation": "Add `EncryptionConfig: [{Resources: [secrets], Provider: {KeyArn: "
        "...}}]` to the `AWS::EKS::Cluster`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_eks_cluster" "main" {
                  name     = "main"
                  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }
                }
                """,
                address="aws_eks_cluster.main",
                line=1,
            ),
            bad(
                {
                    "main.tf": """
                    module "eks" {
                      source              = "./modules/eks"
                      encrypted_resources = []
                    }
                    """,
                    "modules/eks/main.tf": """
                    variable "encrypted_resources" {
                      type    = list(string)
                      default = ["secrets"]
                    }

                    resource "aws_eks_cluster" "this" {
                      name     = "platform"
                      role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

                      vpc_config {
                        subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                      }

                      encryption_config {
                        resources = var.encrypted_resources
                        provider {
                          key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                        }
                      }
                    }
                    """,
                },
                address="module.eks.aws_eks_cluster.this",
                file="modules/eks/main.tf",
                line=15,
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "eks" {
                  enable_key_rotation = true
                }

                resource "aws_eks_cluster" "main" {
                  name     = "main"
                  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }

                  encryption_config {
                    resources = ["secrets"]
                    provider {
                      key_arn = aws_kms_key.eks.arn
                    }
                  }
                }
                """
            ),
            good(
                """
                variable "encrypted_resources" {
                  type = list(string)
                }

                resource "aws_eks_cluster" "main" {
                  name     = "main"
                  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d"]
                  }

                  encryption_config {
                    resources = var.encrypted_resources
                    provider {
                      key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    }
                  }
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                """,
                address="Cluster",
                line=2,
            ),
            bad(
                """
                Parameters:
                  EncryptSecrets:
                    Type: String
                    Default: "no"
                Conditions:
                  Encrypt: !Equals [!Ref EncryptSecrets, "yes"]
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      EncryptionConfig: !If
                        - Encrypt
                        - - Resources: [secrets]
                            Provider:
                              KeyArn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
                        - !Ref AWS::NoValue
                """,
                address="Cluster",
                line=14,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      EncryptionConfig:
                        - Resources: [secrets]
                          Provider:
                            KeyArn: !GetAtt Key.Arn
                """
            ),
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d]
                      EncryptionConfig: !ImportValue eks-encryption-config
                """
            ),
        ],
    ),
)
def eks_secrets_encrypted(ctx: Context) -> Iterator[Report]:
    """EKS cluster does not encrypt Kubernetes secrets with your KMS key.

    What it checks:
        `aws_eks_cluster` must have an `encryption_config` whose `resources` include
        `secrets` (with `provider.key_arn`); `AWS::EKS::Cluster` an
        `EncryptionConfig` entry whose `Resources` include `secrets`. Since
        March 2025 EKS applies default envelope encryption to all Kubernetes API
        data of clusters on Kubernetes 1.28 or later, but with an AWS-owned key that
        you cannot audit, restrict or revoke; the control asks for envelope
        encryption of secrets with a customer-managed KMS key.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" and "Key Management"; CC6.1 and C1.1. Kubernetes
        secrets hold database passwords and tokens; with your own key, decrypting
        them requires a KMS permission you grant and CloudTrail records.
    How to fix:
        Terraform: `encryption_config { resources = ["secrets"] provider { key_arn =
        aws_kms_key.eks.arn } }`. CloudFormation: `EncryptionConfig: [{Resources:
        [secrets], Provider: {KeyArn: !GetAtt EksKey.Arn}}]`. It can be added to an
        existing cluster but not removed.
    References:
        - https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
        - https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-cluster.html
    """
    for node in ctx.graph.nodes("AWS::EKS::Cluster"):
        configs = node.attr(tf="encryption_config", cfn="EncryptionConfig")
        if configs.unknown:
            yield from ctx.unresolved(node, configs)
            continue
        entries = blocks(
            node, "encryption_config" if node.language == "terraform" else "EncryptionConfig"
        )
        if not entries:
            name = spelled(node, "encryption_config", "EncryptionConfig")
            yield ctx.finding(
                node,
                configs,
                f"{node.address}: no `{name}`; Kubernetes secrets are not envelope-encrypted "
                "with a KMS key you control",
            )
            continue
        dynamic = "encryption_config" in (node.meta.get("dynamic_unknown") or ())
        covered = False
        unknown_seen = dynamic
        last: Attr = entries[0]
        for entry in entries:
            res = entry.child("resources" if node.language == "terraform" else "Resources")
            last = res if res.present else entry
            if entry.unknown or res.unknown:
                unknown_seen = True
                continue
            values: list[Any] = res.value if isinstance(res.value, list) else [res.value]
            if "secrets" in values:
                covered = True
                break
            if any(isinstance(v, Unknown) for v in values):
                unknown_seen = True
        if covered:
            continue
        if unknown_seen:
            yield from ctx.unresolved(node, last)
            continue
        yield ctx.finding(
            node,
            last,
            f"{node.address}: `{last.path_str}` is {describe_value(last.value)}; "
            'it does not include "secrets", so Kubernetes secrets are not envelope-encrypted '
            "with a KMS key you control",
        )


# --------------------------------------------------------------------------
# ENC013
# --------------------------------------------------------------------------


@rule(
    id="ENC013",
    slug="secret-in-plaintext-parameter",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": 'Set `type = "SecureString"` (with `key_id`) on the `aws_ssm_parameter`, '
        "or keep the secret in Secrets Manager.",
        "cloudformation": "CloudFormation cannot create SecureString parameters: keep the secret "
        "in an `AWS::SecretsManager::Secret` (or create the SecureString outside the template and "
        "read it with a `{{resolve:ssm-secure:...}}` dynamic reference).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_ssm_parameter" "db_password" {
                  name  = "/orders/prod/db_password"
                  type  = "String"
                  value = random_password.db.result
                }

                resource "random_password" "db" {
                  length = 32
                }
                """,
                address="aws_ssm_parameter.db_password",
                line=3,
            ),
            bad(
                """
                variable "env" {
                  type = string
                }

                resource "aws_ssm_parameter" "db_password" {
                  name  = "/orders/${var.env}/db_password"
                  type  = "String"
                  value = "changeme"
                }
                """,
                address="aws_ssm_parameter.db_password",
                line=7,
                note="the environment is unknown, but every name it gives ends in db_password",
            ),
            bad(
                {
                    "main.tf": """
                    module "config" {
                      source = "./modules/param"
                      name   = "/payments/stripe/api_key"
                      value  = var.stripe_key
                    }

                    variable "stripe_key" {
                      sensitive = true
                    }
                    """,
                    "modules/param/main.tf": """
                    variable "name" {}
                    variable "value" {}
                    variable "type" {
                      default = "String"
                    }

                    resource "aws_ssm_parameter" "this" {
                      name  = var.name
                      type  = var.type
                      value = var.value
                    }
                    """,
                },
                address="module.config.aws_ssm_parameter.this",
                file="modules/param/main.tf",
                line=9,
            ),
        ],
        good=[
            good(
                """
                resource "aws_ssm_parameter" "db_password" {
                  name   = "/orders/prod/db_password"
                  type   = "SecureString"
                  key_id = "alias/orders"
                  value  = var.db_password
                }

                resource "aws_ssm_parameter" "db_password_arn" {
                  name  = "/orders/prod/db_password_arn"
                  type  = "String"
                  value = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders-db"
                }

                variable "db_password" {
                  sensitive = true
                }
                """,
                note="a name that refers to a secret is not a secret",
            ),
            good(
                """
                variable "param_name" {
                  type = string
                }

                resource "aws_ssm_parameter" "setting" {
                  name  = var.param_name
                  type  = "String"
                  value = "blue"
                }

                resource "aws_ssm_parameter" "region" {
                  name  = "/orders/prod/region"
                  type  = "String"
                  value = "eu-west-1"
                }
                """,
                note="an unknown name cannot be judged",
            ),
            good(
                """
                variable "env" {
                  type = string
                }

                resource "aws_ssm_parameter" "db_password_arn" {
                  name  = "/orders/${var.env}/db_password_arn"
                  type  = "String"
                  value = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db"
                }

                resource "aws_ssm_parameter" "prefixed" {
                  name  = "/orders/${var.env}token"
                  type  = "String"
                  value = "blue"
                }
                """,
                note="a templated name that refers to a secret, or whose last word is not known",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  ApiToken:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Name: /payments/prod/api_token
                      Type: String
                      Value: "{{resolve:secretsmanager:payments:SecretString:token}}"
                """,
                address="ApiToken",
                line=5,
            ),
            bad(
                """
                Parameters:
                  Stage:
                    Type: String
                    Default: prod
                Resources:
                  DbPassword:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Name: !Sub /orders/${Stage}/db-password
                      Type: String
                      Value: changeme
                """,
                address="DbPassword",
                line=9,
            ),
            bad(
                """
                Resources:
                  ApiKey:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Name: !Sub /${AWS::StackName}/api-key
                      Type: String
                      Value: changeme
                """,
                address="ApiKey",
                line=5,
                note="the stack name is unknown, but the name ends in api-key",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  DbSecret:
                    Type: AWS::SecretsManager::Secret
                    Properties:
                      Name: /orders/prod/db
                      GenerateSecretString:
                        SecretStringTemplate: '{"username": "app"}'
                        GenerateStringKey: password
                  DbSecretArn:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Name: /orders/prod/db_password_secret_arn
                      Type: String
                      Value: !Ref DbSecret
                """
            ),
            good(
                """
                Resources:
                  Setting:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Name: !ImportValue setting-name
                      Type: String
                      Value: blue
                  Region:
                    Type: AWS::SSM::Parameter
                    Properties:
                      Type: String
                      Value: eu-west-1
                """
            ),
        ],
    ),
)
def secret_in_plaintext_parameter(ctx: Context) -> Iterator[Report]:
    """SSM parameter with a secret-looking name is stored as plain text.

    What it checks:
        `aws_ssm_parameter` whose `name` looks like a secret (password, secret,
        token, API key, private key, credentials... by
        `soc2lint.secretnames.looks_secret`) and whose `type` is not `SecureString`.
        CloudFormation `AWS::SSM::Parameter` with such a `Name` always fails:
        CloudFormation can only create `String` and `StringList` parameters.
        Names that only refer to a secret (`db_password_arn`, `token_ttl`) and
        names that cannot be resolved are not reported, except a templated name
        whose literal end looks like a secret whatever the interpolation gives
        (`"/${var.env}/db_password"`, `format("/%s/db_password", var.env)`,
        `join("/", [var.env, "db_password"])`, `!Sub /${Stage}/api-token`,
        `!Join ["/", [!Ref Stage, api-token]]`).
    Why it matters for SOC 2:
        Checklist B "Data at Rest" and "No key hardcoding"; CC6.1 and C1.1. A
        `String` parameter is readable by anyone with `ssm:GetParameter`, is not
        encrypted with KMS and shows in the console and in CloudTrail responses.
    How to fix:
        Terraform: `type = "SecureString"` with `key_id`, or move the secret to
        Secrets Manager. CloudFormation: create an `AWS::SecretsManager::Secret`
        (or create the SecureString parameter outside the stack and reference it
        with `{{resolve:ssm-secure:name}}`).
    References:
        - https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssm_parameter
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html
    """
    for node in ctx.graph.nodes("AWS::SSM::Parameter"):
        name = node.attr(tf="name", cfn="Name")
        if not name_looks_secret(name.value):
            continue
        shown_name = (
            name.value.expr if isinstance(name.value, Unknown) else describe_value(name.value)
        )
        if node.language == "cloudformation":
            t = node.attr("Type")
            yield ctx.finding(
                node,
                name,
                f"{node.address}: parameter {shown_name} looks like a secret "
                f"but is a {describe_value(t.value) if t.known else 'String'} parameter; "
                "CloudFormation cannot create SecureString parameters, keep it in Secrets "
                "Manager",
            )
            continue
        t = node.attr("type")
        if t.unknown:
            yield from ctx.unresolved(node, t)
            continue
        if t.known and t.value == "SecureString":
            continue
        shown = "is not set" if t.missing else f"is {describe_value(t.value)}"
        yield ctx.finding(
            node,
            t if t.present else name,
            f"{node.address}: parameter {shown_name} looks like a secret but "
            f"`type` {shown}; use SecureString",
        )


RULES: tuple[Rule, ...] = (
    rds_storage_encrypted,
    ebs_encrypted,
    s3_bucket_encryption_explicit,
    efs_encrypted,
    elasticache_at_rest_encryption,
    redshift_encrypted,
    opensearch_encrypted_at_rest,
    sqs_encrypted,
    sns_encrypted,
    docdb_neptune_encrypted,
    kinesis_stream_encrypted,
    eks_secrets_encrypted,
    secret_in_plaintext_parameter,
)

__all__ = [
    "RULES",
    "Decision",
    "cluster_encryption",
    "ebs_default_encryption",
    "rds_cluster_encryption",
    "rds_instance_encryption",
    "volume_encryption",
]

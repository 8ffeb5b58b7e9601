"""Whether a resource is encrypted at rest, and which attribute decides it.

The ENC rules report from these decisions, KEY004 asks them which resources
encrypt at all, and the evidence pack prints them.  They follow the services'
documented defaults (cited in each rule's References) and the inheritance of
restores and replicas: a resource created from a snapshot, a point in time or
a replication source takes the source's encryption, which the configuration
cannot show, so it is unknown (or exempt), never a failure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from ..graph import ResourceGraph
from ..model import Attr, Node, Unknown
from ..record import record
from ..settings import (
    DOCDB_NEPTUNE_STORAGE_ENCRYPTED,
    EBS_ENCRYPTION_BY_DEFAULT,
    EBS_VOLUME_ENCRYPTED,
    ELASTICACHE_AT_REST_ENCRYPTED,
    RDS_STORAGE_ENCRYPTED,
    Reading,
)
from . import per_node
from .databases import is_cluster_member

State = Literal["encrypted", "unencrypted", "unknown", "exempt"]


@record(frozen=True)
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
    return is_cluster_member(node)


@per_node
def rds_instance_encryption(node: Node) -> Decision:
    """Storage encryption of an ``AWS::RDS::DBInstance`` (not for cluster members)."""
    if rds_instance_member(node):
        return Decision("exempt", note="a cluster member: the cluster's setting applies")
    r = RDS_STORAGE_ENCRYPTED.read(node)
    source = inheritance(node, RDS_INSTANCE_SOURCES)
    if r.ok:
        return Decision("encrypted", r.attr, source=source)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may inherit from a source", source=source)
        return Decision("exempt", source, "inherits the source's encryption", source=source)
    return _failing(r)


def _failing(r: Reading) -> Decision:
    """A reading that does not pass: unknown, or unencrypted (``is not set (default false)``)."""
    if r.ok is None:
        return Decision("unknown", r.attr)
    return Decision("unencrypted", r.attr, f"is {r.shown}")


def is_aurora_serverless_v1(node: Node) -> bool | None:
    mode = lower(node.attr(tf="engine_mode", cfn="EngineMode"), "provisioned")
    if mode is None:
        return None
    return mode == "serverless"


def rds_cluster_encryption(node: Node) -> Decision:
    """Storage encryption of an ``AWS::RDS::DBCluster`` (Aurora or Multi-AZ DB cluster)."""
    r = RDS_STORAGE_ENCRYPTED.read(node)
    enc = r.attr
    source = inheritance(node, RDS_CLUSTER_SOURCES)
    if r.ok:
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
    return _failing(r)


def cluster_encryption(node: Node) -> Decision:
    """DocumentDB / Neptune cluster storage encryption (default false)."""
    r = DOCDB_NEPTUNE_STORAGE_ENCRYPTED.read(node)
    if r.ok:
        return Decision("encrypted", r.attr)
    source = inheritance(node, DOCDB_NEPTUNE_SOURCES)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may inherit from a source", source=source)
        return Decision("exempt", source, "inherits the source's encryption", source=source)
    return _failing(r)


def ebs_default_encryption(graph: ResourceGraph) -> bool | None:
    """Does the scanned configuration turn on EBS encryption by default?

    True when an ``aws_ebs_encryption_by_default`` (``enabled`` defaults to
    true) certainly exists with ``enabled`` true, in any scope: it is an
    account/region setting.  None when one may (unknown count or value).
    """

    def build(g: ResourceGraph) -> bool | None:
        result: bool | None = False
        for n in g.nodes(EBS_ENCRYPTION_BY_DEFAULT.kinds):
            on = EBS_ENCRYPTION_BY_DEFAULT.read(n).ok
            if on is True and not n.meta.get("count_unknown"):
                return True
            if on is None or (on and n.meta.get("count_unknown")):
                result = None
        return result

    out: bool | None = graph.view("enc.ebs_default", build)
    return out


def volume_encryption(node: Node) -> Decision:
    """An ``AWS::EC2::Volume`` (without the account default)."""
    r = EBS_VOLUME_ENCRYPTED.read(node)
    source = inheritance(
        node, (("snapshot_id", "SnapshotId"), ("source_volume_id", "SourceVolumeId"))
    )
    if r.ok:
        return Decision("encrypted", r.attr, source=source)
    if source is not None:
        if source.unknown:
            return Decision("unknown", source, "may be created from a snapshot", source=source)
        return Decision("exempt", source, "inherits the snapshot's encryption", source=source)
    return _failing(r)


@record(frozen=True)
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


def tf_devices(node: Node, names: Sequence[str], *, nested_ebs: bool) -> Iterator[Device]:
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


def cfn_devices(node: Node, base: str) -> Iterator[Device]:
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
            yield from tf_devices(node, ("block_device_mappings",), nested_ebs=True)
        else:
            yield from tf_devices(node, ("root_block_device", "ebs_block_device"), nested_ebs=False)
        return
    if node.kind == "AWS::EC2::LaunchTemplate":
        yield from cfn_devices(node, "LaunchTemplateData.BlockDeviceMappings")
    else:
        yield from cfn_devices(node, "BlockDeviceMappings")


def device_encryption(dev: Device) -> Decision:
    if dev.block.unknown:
        return Decision("unknown", dev.block)
    r = EBS_VOLUME_ENCRYPTED.read_attr(dev.encrypted)
    if r.ok:
        return Decision("encrypted", dev.encrypted)
    if dev.snapshot.unknown or written(dev.snapshot):
        if dev.snapshot.unknown:
            return Decision("unknown", dev.snapshot, "may be created from a snapshot")
        return Decision("exempt", dev.snapshot, "inherits the snapshot's encryption")
    if dev.encrypted.missing and dev.templated:
        return Decision("unknown", dev.block, "a dynamic block that may be empty")
    if r.ok is None:
        return Decision("unknown", dev.encrypted)
    # named as written in the device (missing inside a written device: the finding
    # names the attribute, so the engine points at the resource, RULES.md "Location")
    name = EBS_VOLUME_ENCRYPTED.spelled(dev.node)
    return Decision("unencrypted", dev.encrypted, f"`{name}` is {r.shown}")


INSTANCE_KINDS = (
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
)


def elasticache_encryption(node: Node) -> Decision:
    """At-rest encryption of a Redis/Valkey replication group (exempt: other engines)."""
    engine_attr = node.attr(tf="engine", cfn="Engine")
    engine = lower(engine_attr, "redis")
    r = ELASTICACHE_AT_REST_ENCRYPTED.read(node)
    enc = r.attr
    if r.ok:
        return Decision("encrypted", enc)
    if engine is None:
        return Decision("unknown", engine_attr)
    if engine not in ("redis", "valkey"):
        return Decision("exempt", engine_attr, f"the {engine} engine has no at-rest encryption")
    if enc.missing:
        source = inheritance(node, (("global_replication_group_id", "GlobalReplicationGroupId"),))
        if source is not None:
            if source.unknown:
                return Decision("unknown", source, source=source)
            return Decision(
                "exempt",
                source,
                "a global datastore member: the primary's setting applies",
                source=source,
            )
        if engine == "valkey":
            return Decision("encrypted", enc, "Valkey encrypts at rest by default", True)
    return _failing(r)


def store_encryption(node: Node) -> Decision | None:
    """The ENC rules' at-rest decision for the stores the evidence pack describes in
    detail (RDS instances and clusters, ElastiCache replication groups); None for others."""
    if node.kind == "AWS::RDS::DBInstance":
        return rds_instance_encryption(node)
    if node.kind == "AWS::RDS::DBCluster":
        return rds_cluster_encryption(node)
    if node.kind == "AWS::ElastiCache::ReplicationGroup":
        return elasticache_encryption(node)
    return None

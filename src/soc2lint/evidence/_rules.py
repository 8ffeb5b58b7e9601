"""The rules' own predicates the evidence pack reuses.

The pack must judge a resource exactly as its rule does (which RDS instance is
a cluster member, which fields hold passwords, when a default encrypts), so it
asks the same code: :mod:`soc2lint.views.encryption` and the SEC family's
shared helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Node, Path
from ..views import encryption as enc
from ..views.encryption import Decision


@dataclass(frozen=True)
class EncryptionDecision:
    """:class:`soc2lint.views.encryption.Decision`, as the pack needs it."""

    state: str  # encrypted / unencrypted / unknown / exempt
    by_default: bool
    note: str
    inherits: bool  # restored or replicated: the source's encryption applies


def _decision(d: Decision) -> EncryptionDecision:
    return EncryptionDecision(
        state=str(d.state),
        by_default=bool(d.by_default),
        note=str(d.note),
        inherits=d.source is not None,
    )


def rds_instance_member(node: Node) -> bool:
    """An Aurora (or other cluster) member instance: encryption is the cluster's (ENC001)."""
    return enc.rds_instance_member(node)


def encryption_decision(node: Node) -> EncryptionDecision | None:
    """The ENC rules' decision for RDS instances and clusters and ElastiCache groups."""
    if node.kind == "AWS::RDS::DBInstance":
        return _decision(enc.rds_instance_encryption(node))
    if node.kind == "AWS::RDS::DBCluster":
        return _decision(enc.rds_cluster_encryption(node))
    if node.kind == "AWS::ElastiCache::ReplicationGroup":
        return _decision(enc.elasticache_encryption(node))
    return None


def password_fields(attrs: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """The password fields SEC003 reads in a resource's attributes."""
    from ..rules.sec._shared import password_fields as fields

    for path, value in fields(attrs, ()):
        yield tuple(path), value


def looks_password(name: str) -> bool:
    """A variable or parameter name SEC003 treats as a password."""
    from ..secretnames import looks_password as looks

    return looks(name)

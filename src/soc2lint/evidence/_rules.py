"""The rule modules' own predicates the evidence pack reuses, with types.

The rules are installed as ``soc2lint.rules`` from a separate directory that
mypy checks on its own, so they are imported here once, untyped, and exposed
through typed wrappers: the pack must judge a resource exactly as its rule
does (which RDS instance is a cluster member, which fields hold passwords,
when a default encrypts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Node, Path


@dataclass(frozen=True)
class EncryptionDecision:
    """``soc2lint.rules.encryption.Decision``, as the pack needs it."""

    state: str  # encrypted / unencrypted / unknown / exempt
    by_default: bool
    note: str
    inherits: bool  # restored or replicated: the source's encryption applies


def _encryption() -> Any:
    from soc2lint.rules import encryption  # type: ignore[import-not-found,unused-ignore]

    return encryption


def _secrets() -> Any:
    from soc2lint.rules import secrets  # type: ignore[import-not-found,unused-ignore]

    return secrets


def _decision(d: Any) -> EncryptionDecision:
    return EncryptionDecision(
        state=str(d.state),
        by_default=bool(d.by_default),
        note=str(d.note),
        inherits=d.source is not None,
    )


def rds_instance_member(node: Node) -> bool:
    """An Aurora (or other cluster) member instance: encryption is the cluster's (ENC001)."""
    return bool(_encryption().rds_instance_member(node))


def encryption_decision(node: Node) -> EncryptionDecision | None:
    """The ENC rules' decision for RDS instances and clusters and ElastiCache groups."""
    enc = _encryption()
    if node.kind == "AWS::RDS::DBInstance":
        return _decision(enc.rds_instance_encryption(node))
    if node.kind == "AWS::RDS::DBCluster":
        return _decision(enc.rds_cluster_encryption(node))
    if node.kind == "AWS::ElastiCache::ReplicationGroup":
        return _decision(enc.elasticache_encryption(node))
    return None


def password_fields(attrs: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """The password fields SEC003 reads in a resource's attributes."""
    for path, value in _secrets()._password_fields(attrs, ()):
        yield tuple(path), value


def looks_password(name: str) -> bool:
    """A variable or parameter name SEC003 treats as a password."""
    return bool(_secrets().looks_password(name))

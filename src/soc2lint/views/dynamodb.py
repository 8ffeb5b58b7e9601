"""DynamoDB tables and their replicas in other Regions (global tables).

A global table keeps one replica per Region, and three settings rules read
belong to each replica, not to the table: point-in-time recovery
(BAK002), deletion protection (AVL006) and the KMS key (KEY004).  They are
written in three places:

* CloudFormation ``AWS::DynamoDB::GlobalTable``: every replica, the stack's
  own Region included, is an entry of ``Replicas`` with its own
  ``PointInTimeRecoverySpecification``, ``DeletionProtectionEnabled`` and
  ``SSESpecification.KMSMasterKeyId``; the table-wide ``SSESpecification``
  only says whether a KMS key is used at all.
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html
* Terraform ``aws_dynamodb_table`` ``replica`` blocks: the table's own
  settings cover the table in the provider's Region only; each block has
  ``point_in_time_recovery``, ``deletion_protection_enabled`` (both default
  false) and ``kms_key_arn`` (absent: the AWS-managed key
  ``alias/aws/dynamodb``).
  https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#replica
* Terraform ``aws_dynamodb_table_replica`` (global tables version
  2019.11.21): the same three arguments, on a resource of its own that names
  its table in ``global_table_arn``.
  https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table_replica

``aws_dynamodb_global_table`` (version 2017.11.29) only joins tables that
are ``aws_dynamodb_table`` resources of their own, checked as such: it holds
none of these settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..graph import ResourceGraph
from ..model import Attr, Node, Path, Unknown, parse_path
from ..record import record
from ..settings import DYNAMODB_SSE

TABLE = "AWS::DynamoDB::Table"
GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"
TF_TABLE_REPLICA = "aws_dynamodb_table_replica"
#: the kinds a replica's settings are written on
REPLICA_KINDS = (TABLE, GLOBAL_TABLE, TF_TABLE_REPLICA)


@record(frozen=True)
class Replica:
    """One replica of a global table: where its settings are written.

    ``node`` holds them, under ``path`` (``("Replicas", 1)``, ``("replica", 0)``;
    ``()`` for an ``aws_dynamodb_table_replica``).  ``region`` is the Region as
    written (an Unknown or None when it is not known).
    """

    node: Node
    path: Path
    region: Any

    def attr(self, *, tf: str, cfn: str) -> Attr:
        """The replica's attribute spelled ``tf`` / ``cfn`` (dotted), missing when not written."""
        name = self.node.spelled(tf=tf, cfn=cfn)
        return self.node.attr((*self.path, *parse_path(name)))

    def at(self, a: Attr) -> Path:
        """Where a finding about ``a`` points: the attribute when written, else the replica."""
        return a.path if a.present or not self.path else self.path

    @property
    def label(self) -> str:
        """The replica as messages name it: ``replica in eu-west-1``."""
        if isinstance(self.region, str) and self.region:
            return f"replica in {self.region}"
        return "replica"


def replicas(graph: ResourceGraph) -> Iterator[Replica]:
    """Every replica whose settings the configuration writes, in graph order."""
    for node in graph.nodes((TABLE, GLOBAL_TABLE, TF_TABLE_REPLICA)):
        yield from replicas_of(node)


def replicas_of(node: Node) -> Iterator[Replica]:
    if node.kind == TF_TABLE_REPLICA:
        yield Replica(node, (), node.get("region"))
        return
    if node.kind == GLOBAL_TABLE:
        name = "Replicas"
    elif node.kind == TABLE and node.language == "terraform":
        name = "replica"
    else:
        return
    entries = node.attrs.get(name)
    if not isinstance(entries, list):
        return
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue  # an Unknown entry: nothing can be read from it
        region = entry.get("Region" if node.kind == GLOBAL_TABLE else "region_name")
        yield Replica(node, (name, i), region)


def replicated_table(graph: ResourceGraph, replica: Node) -> Node | None:
    """The ``aws_dynamodb_table`` an ``aws_dynamodb_table_replica`` replicates, when found."""
    found = graph.targets(replica, TABLE, via="global_table_arn")
    return found[0] if len(found) == 1 else None


def sse_enabled(table: Node) -> bool | None:
    """Whether a table or global table uses a KMS key (not the AWS-owned key); None: unknown."""
    r = DYNAMODB_SSE.read(table)
    if isinstance(table.attr(tf="server_side_encryption", cfn="SSESpecification").value, Unknown):
        return None
    return r.ok


__all__ = [
    "GLOBAL_TABLE",
    "REPLICA_KINDS",
    "TABLE",
    "TF_TABLE_REPLICA",
    "Replica",
    "replicas",
    "replicas_of",
    "replicated_table",
    "sse_enabled",
]

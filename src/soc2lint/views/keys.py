"""Who uses which KMS key, and which key each encrypted resource uses.

Two questions, answered once per graph (KEY003, KEY004 and the evidence pack
share the answers):

* **Users of a key.** For every customer-managed key in the configuration
  (``AWS::KMS::Key``, which covers ``aws_kms_key`` and ``aws_kms_external_key``,
  and ``AWS::KMS::ReplicaKey``), the resources whose encryption attributes name
  it: by reference (``kms_key_id = aws_kms_key.k.arn``, ``!GetAtt Key.Arn``), by
  a literal ID or ARN the engine could match (``literal`` edges, see
  :mod:`soc2lint.links`), or through an alias (``alias/app`` or a reference to an
  ``aws_kms_alias`` / ``AWS::KMS::Alias``, followed to its ``target_key_id`` /
  ``TargetKeyId``).  Key policies, grants, aliases, IAM policies and policy
  documents inside resources are not "use": they grant access, they encrypt
  nothing.

* **The key of a resource.** For an encrypted resource, whether the key its
  attribute names is a customer-managed key of the configuration, an
  AWS-managed key (``alias/aws/...``, or nothing named: the service default),
  a key named but outside the configuration, or unknown (a variable without a
  value, an unresolved data source).

Services are :func:`soc2lint.kinds.service_of` of the resource the use is
about, with the spellings of one AWS service unified (``elasticsearch`` and
``opensearchservice``; ``ebs`` and ``ec2``; Terraform's ``db`` and ``rds``).
A separate ``aws_s3_bucket_server_side_encryption_configuration`` is about its
bucket.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import field
from typing import Any, Literal

from ..graph import ResourceGraph
from ..kinds import service_of
from ..model import MISSING, Edge, Node, Path, Unknown, format_path
from ..record import record
from .s3 import bucket_views

KEY_KINDS = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey")
ALIAS_KIND = "AWS::KMS::Alias"
#: what a resource's key attribute can point at
_KEYS_AND_ALIASES = frozenset((*KEY_KINDS, ALIAS_KIND))

#: Terraform data sources that look a key up; ``alias/aws/...`` names an AWS-managed key
_KEY_DATA_SOURCES = {"data.aws_kms_alias": "name", "data.aws_kms_key": "key_id"}

#: the last attribute name of an encryption-key attribute (normalised: lower case, no ``_``)
_KEYISH = re.compile(r"kms|key|encryption")

#: path components that mean the value is not the resource's own encryption key
_NOT_ENCRYPTION = re.compile(
    r"polic|environment|variables|tags|containerdefinitions|userdata|metadata|parameters|"
    r"^json$|outputs|definition"
)

_SERVICE_ALIASES = {
    "elasticsearch": "opensearchservice",
    "opensearch": "opensearchservice",
    "es": "opensearchservice",
    "ebs": "ec2",
    "db": "rds",
    "cloudwatch": "logs",
}

Status = Literal["customer", "aws_managed", "default", "named", "unknown"]


def normalise_service(service: str) -> str:
    return _SERVICE_ALIASES.get(service, service)


def node_service(node: Node) -> str:
    """The AWS service a node belongs to, one spelling per service."""
    return normalise_service(service_of(node.kind, node.type))


def is_aws_managed_name(value: str) -> bool:
    """``alias/aws/s3`` or an alias ARN ``arn:aws:kms:...:alias/aws/s3``."""
    v = value.strip()
    return v.startswith("alias/aws/") or ":alias/aws/" in v


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


@functools.lru_cache(maxsize=4096)  # edges share their paths, and templates repeat them
def is_encryption_key_path(path: Path) -> bool:
    """An attribute path that names the resource's own encryption key.

    The last attribute name must be about a key (``kms_key_id``, ``KmsKeyId``,
    ``key_arn``, ``encryption_key``...) and nothing on the way may be a policy,
    environment variables, tags or similar containers where an ARN is data,
    not configuration of the resource's encryption.
    """
    names = [_norm(p) for p in path if isinstance(p, str)]
    if not names or not _KEYISH.search(names[-1]):
        return False
    return not any(_NOT_ENCRYPTION.search(n) for n in names)


def _excluded_user(node: Node) -> bool:
    if node.category != "resource":
        return True
    k = node.kind
    return (
        k.startswith(("AWS::KMS::", "AWS::IAM::", "aws_kms_", "aws_iam_"))
        or k in KEY_KINDS
        or k == "AWS::CloudFormation::Stack"
    )


@record(frozen=True)
class KeyUse:
    """``user`` names ``key`` at attribute ``path`` (directly or through ``alias``)."""

    key: Node
    user: Node
    path: Path
    via: Literal["reference", "literal", "alias"]
    alias: Node | None = None
    #: the resource the use is about (the bucket of an SSE configuration resource)
    subject: Node | None = None

    @property
    def about(self) -> Node:
        return self.subject or self.user

    @property
    def service(self) -> str:
        return node_service(self.about)

    @property
    def uncertain(self) -> bool:
        """The user may not exist (unknown count / condition): no proof of use."""
        return self.user.may_not_exist

    def describe(self) -> str:
        where = format_path(self.path)
        alias = f" via {self.alias.address}" if self.alias is not None else ""
        return f"{self.user.address} `{where}`{alias}"


@record(frozen=True)
class KeyChoice:
    """Which key an encrypted resource uses at one attribute.

    ``status``:

    * ``customer``: a customer-managed key of the configuration (``keys``);
    * ``named``: a key is named but it is not in the configuration (an ARN, an
      alias without a matching alias resource): assumed customer-managed;
    * ``aws_managed``: ``alias/aws/...`` (directly or through a data source);
    * ``default``: no key named, the service's default key applies;
    * ``unknown``: the value cannot be resolved.
    """

    status: Status
    node: Node
    path: Path
    value: Any = MISSING
    keys: tuple[Node, ...] = ()

    @property
    def customer_managed(self) -> bool:
        return self.status in ("customer", "named")


@record
class KeyIndex:
    """The key-usage view of one graph (see the module docstring)."""

    graph: ResourceGraph
    _uses: dict[str, list[KeyUse]] = field(default_factory=lambda: defaultdict(list))
    _alias_targets: dict[str, list[Node]] = field(default_factory=dict)
    _subjects: dict[str, Node] = field(default_factory=dict)

    # ---- queries -----------------------------------------------------------

    def key_nodes(self) -> list[Node]:
        return self.graph.nodes(KEY_KINDS)

    def uses(self, key: Node) -> list[KeyUse]:
        """Every use of ``key``, in a stable order."""
        return list(self._uses.get(key.id, ()))

    def services(self, key: Node, *, certain_only: bool = True) -> dict[str, list[KeyUse]]:
        """Uses of ``key`` grouped by AWS service."""
        out: dict[str, list[KeyUse]] = defaultdict(list)
        for u in self.uses(key):
            if certain_only and u.uncertain:
                continue
            out[u.service].append(u)
        return dict(sorted(out.items()))

    def alias_targets(self, alias: Node) -> list[Node]:
        return list(self._alias_targets.get(alias.id, ()))

    def choice(self, node: Node, path: Path) -> KeyChoice:
        """Which key ``node`` names at ``path`` (see :class:`KeyChoice`)."""
        value: Any = node.attrs
        for p in path:
            if isinstance(value, dict) and isinstance(p, str):
                value = value.get(p, MISSING)
            elif isinstance(value, list) and isinstance(p, int) and 0 <= p < len(value):
                value = value[p]
            elif isinstance(value, Unknown):
                break
            else:
                value = MISSING
                break
        if value is MISSING or value is None or (isinstance(value, str) and not value.strip()):
            return KeyChoice("default", node, path, value)
        keys = self._keys_named_at(node, path)
        if isinstance(value, str):
            if is_aws_managed_name(value):
                return KeyChoice("aws_managed", node, path, value)
            if keys:
                return KeyChoice("customer", node, path, value, tuple(keys))
            return KeyChoice("named", node, path, value)
        if isinstance(value, Unknown):
            if keys:
                return KeyChoice("customer", node, path, value, tuple(keys))
            if self._aws_managed_lookup(node, value):
                return KeyChoice("aws_managed", node, path, value)
            if self._alias_named(node, path, value):
                return KeyChoice("named", node, path, value)
            return KeyChoice("unknown", node, path, value)
        return KeyChoice("unknown", node, path, value)

    # ---- helpers -----------------------------------------------------------

    def _keys_named_at(self, node: Node, path: Path) -> list[Node]:
        out: dict[str, Node] = {}
        edges = self.graph.edges(node, "out", kind=_KEYS_AND_ALIASES, edge_kind=("ref", "literal"))
        for e, other in edges:
            kind = other.kind
            if kind in KEY_KINDS:
                if _path_within(e.src_path, path):
                    out.setdefault(other.id, other)
            elif kind == ALIAS_KIND and _path_within(e.src_path, path):
                for k in self._alias_targets.get(other.id, ()):
                    out.setdefault(k.id, k)
        return sorted(out.values(), key=lambda n: n.id)

    def _alias_named(self, node: Node, path: Path, value: Unknown) -> bool:
        """The value refers to an alias resource whose target is outside the configuration."""
        for e, _other in self.graph.edges(
            node, "out", kind=ALIAS_KIND, edge_kind=("ref", "literal")
        ):
            if _path_within(e.src_path, path):
                return True
        for ref in value.refs:
            target = self.graph.find(node.scope, ref)
            if target is not None and target.kind == ALIAS_KIND:
                return True
        return False

    def _aws_managed_lookup(self, node: Node, value: Unknown) -> bool:
        """The value comes from ``data "aws_kms_alias"``/``"aws_kms_key"`` of ``alias/aws/...``."""
        for ref in value.refs:
            target = self.graph.find(node.scope, _data_address(ref))
            if target is None:
                continue
            attr = _KEY_DATA_SOURCES.get(target.kind)
            if attr is None:
                continue
            name = target.attrs.get(attr)
            if isinstance(name, str) and is_aws_managed_name(name):
                return True
        return False


def _data_address(ref: str) -> str:
    """``data.aws_kms_alias.s3.target_key_arn`` -> ``data.aws_kms_alias.s3`` (addresses only)."""
    parts = ref.split(".")
    if "data" in parts:
        i = parts.index("data")
        return ".".join(parts[: i + 3])
    return ref


def _path_within(src: Path, path: Path) -> bool:
    """An edge's attribute path ``src`` and an attribute ``path`` name the same attribute.

    Attribute names must agree (one a prefix of the other: a reference from an
    unknown container stops short of the leaf); list indexes must agree where
    both paths have them.
    """
    a_names = [p for p in src if isinstance(p, str)]
    b_names = [p for p in path if isinstance(p, str)]
    n = min(len(a_names), len(b_names))
    if n == 0 or a_names[:n] != b_names[:n]:
        return False
    a_idx = [p for p in src if isinstance(p, int)]
    b_idx = [p for p in path if isinstance(p, int)]
    m = min(len(a_idx), len(b_idx))
    return a_idx[:m] == b_idx[:m]


def _build(graph: ResourceGraph) -> KeyIndex:
    index = KeyIndex(graph)
    # the bucket each S3 configuration resource is about
    for view in bucket_views(graph):
        for nodes in view.linked.values():
            for cfg in nodes:
                index._subjects.setdefault(cfg.id, view.bucket)
    # aliases -> their target keys
    for alias in graph.nodes(ALIAS_KIND):
        targets = [
            k
            for e, k in graph.edges(alias, "out", kind=KEY_KINDS, edge_kind=("ref", "literal"))
            if _first_name(e.src_path) in ("target_key_id", "TargetKeyId", "target_key_arn")
        ]
        index._alias_targets[alias.id] = sorted({k.id: k for k in targets}.values(), key=_by_id)
    seen: set[tuple[str, str, Path, str | None]] = set()

    def add(key: Node, user: Node, e: Edge, via: Any, alias: Node | None) -> None:
        sig = (key.id, user.id, e.src_path, alias.id if alias is not None else None)
        if sig in seen:
            return
        seen.add(sig)
        index._uses[key.id].append(
            KeyUse(
                key=key,
                user=user,
                path=e.src_path,
                via=via,
                alias=alias,
                subject=index._subjects.get(user.id),
            )
        )

    for key in graph.nodes(KEY_KINDS):
        for e, user in graph.edges(key, "in", edge_kind=("ref", "literal")):
            if _excluded_user(user) or not is_encryption_key_path(e.src_path):
                continue
            add(key, user, e, "reference" if e.kind == "ref" else "literal", None)
    for alias in graph.nodes(ALIAS_KIND):
        targets = index._alias_targets.get(alias.id, [])
        if not targets:
            continue
        for e, user in graph.edges(alias, "in", edge_kind=("ref", "literal")):
            if _excluded_user(user) or not is_encryption_key_path(e.src_path):
                continue
            for key in targets:
                add(key, user, e, "alias", alias)
    for uses in index._uses.values():
        uses.sort(key=lambda u: (u.user.id, u.path.__repr__(), u.alias.id if u.alias else ""))
    return index


def _first_name(path: Path) -> str:
    for p in path:
        if isinstance(p, str):
            return p
    return ""


def _by_id(n: Node) -> str:
    return n.id


def key_index(graph: ResourceGraph) -> KeyIndex:
    """The key-usage view of ``graph`` (built once, shared)."""
    result: KeyIndex = graph.view("keys.usage", _build)
    return result


def users_by_service(uses: Iterable[KeyUse]) -> dict[str, list[KeyUse]]:
    out: dict[str, list[KeyUse]] = defaultdict(list)
    for u in uses:
        out[u.service].append(u)
    return dict(sorted(out.items()))


__all__ = [
    "ALIAS_KIND",
    "KEY_KINDS",
    "KeyChoice",
    "KeyIndex",
    "KeyUse",
    "is_aws_managed_name",
    "is_encryption_key_path",
    "key_index",
    "node_service",
    "normalise_service",
    "users_by_service",
]

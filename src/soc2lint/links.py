"""Literal links: edges for resources named by string instead of by reference.

Terraform users write ``bucket = "acme-logs"`` on an ``aws_s3_bucket_versioning``
as often as ``bucket = aws_s3_bucket.logs.id``; CloudFormation users write
ARNs by hand.  This pass adds ``literal`` edges from an attribute whose known
string value names another node of the same scope:

* by name, when the attribute's key says what it names (``bucket``,
  ``role``, ``log_group_name``, ``DBParameterGroupName``...) and a node of the
  matching kind has that name;
* by ARN, in any attribute, when the ARN's service and resource part match a
  node's name (``arn:aws:s3:::acme-logs/*`` -> the bucket ``acme-logs``);
* by ID or ARN known in a plan (``vpc-0abc...``) in any attribute.

A name computed from unknown values matches an equal one: the same known text
around the same unknowns (the same variable, parameter or pseudo parameter,
the same data source attribute), ``"${local.prefix}-trail"`` in a trail and
in a bucket, or ``!Sub ${AWS::AccountId}-trail-logs`` in both (see
:func:`name_key`); names built from different unknowns never match.

Two limits keep a name from linking what it does not name:

* **accounts and Regions.** A Terraform resource names things in the account
  and Region of its provider configuration: a name links only to a node of the
  same provider configuration, or of one with the same account settings
  (``assume_role``, ``profile``, ``allowed_account_ids``...) and, for regional
  resources (everything but IAM and S3), the same ``region``.  S3 bucket names
  are global and always link; an exact ID or ARN is unique and always links.
* **references win.** An attribute whose reference already resolves to a
  resource (``kms_master_key_id = aws_kms_alias.app.name``) is not linked again
  by its value to other resources of that kind: :func:`without_overridden`
  drops those edges.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .model import Edge, Node, Path, Unknown

#: kind -> (Terraform name attribute, CloudFormation name property)
NAME_ATTRS: dict[str, tuple[str, str]] = {
    "AWS::S3::Bucket": ("bucket", "BucketName"),
    "AWS::IAM::Role": ("name", "RoleName"),
    "AWS::IAM::User": ("name", "UserName"),
    "AWS::IAM::Group": ("name", "GroupName"),
    "AWS::IAM::ManagedPolicy": ("name", "ManagedPolicyName"),
    "AWS::IAM::InstanceProfile": ("name", "InstanceProfileName"),
    "AWS::Logs::LogGroup": ("name", "LogGroupName"),
    "AWS::SNS::Topic": ("name", "TopicName"),
    "AWS::SQS::Queue": ("name", "QueueName"),
    "AWS::KMS::Alias": ("name", "AliasName"),
    "AWS::DynamoDB::Table": ("name", "TableName"),
    "AWS::RDS::DBInstance": ("identifier", "DBInstanceIdentifier"),
    "AWS::RDS::DBCluster": ("cluster_identifier", "DBClusterIdentifier"),
    "AWS::RDS::DBParameterGroup": ("name", "DBParameterGroupName"),
    "AWS::RDS::DBClusterParameterGroup": ("name", "DBClusterParameterGroupName"),
    "AWS::RDS::DBSubnetGroup": ("name", "DBSubnetGroupName"),
    "AWS::DocDB::DBCluster": ("cluster_identifier", "DBClusterIdentifier"),
    "AWS::Neptune::DBCluster": ("cluster_identifier", "DBClusterIdentifier"),
    "AWS::Lambda::Function": ("function_name", "FunctionName"),
    "AWS::ECS::Cluster": ("name", "ClusterName"),
    "AWS::EKS::Cluster": ("name", "Name"),
    "AWS::CloudTrail::Trail": ("name", "TrailName"),
    "AWS::ElastiCache::ReplicationGroup": ("replication_group_id", "ReplicationGroupId"),
    "AWS::ElastiCache::SubnetGroup": ("name", "CacheSubnetGroupName"),
    "AWS::SecretsManager::Secret": ("name", "Name"),
    "AWS::Backup::BackupVault": ("name", "BackupVaultName"),
    "AWS::OpenSearchService::Domain": ("domain_name", "DomainName"),
    "AWS::Elasticsearch::Domain": ("domain_name", "DomainName"),
    "AWS::Kinesis::Stream": ("name", "Name"),
    "AWS::Redshift::Cluster": ("cluster_identifier", "ClusterIdentifier"),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("name", "Name"),
    "AWS::EC2::SecurityGroup": ("name", "GroupName"),
}

#: normalised attribute key -> kinds a plain name in it may refer to
KEY_KINDS: dict[str, tuple[str, ...]] = {}


def _key(*names: str) -> Iterator[str]:
    for n in names:
        yield n.replace("_", "").lower()


for _k in _key(
    "bucket",
    "bucket_name",
    "target_bucket",
    "s3_bucket_name",
    "s3_bucket",
    "BucketName",
    "DestinationBucketName",
    "TargetBucket",
    "S3BucketName",
    "log_bucket",
    "access_logs_bucket",
):
    KEY_KINDS[_k] = ("AWS::S3::Bucket",)
for _k in _key("role", "roles", "role_name", "RoleName", "Roles", "iam_role"):
    KEY_KINDS[_k] = ("AWS::IAM::Role",)
for _k in _key("user", "users", "user_name", "UserName", "Users"):
    KEY_KINDS[_k] = ("AWS::IAM::User",)
for _k in _key("group", "groups", "group_name", "Groups"):
    KEY_KINDS[_k] = ("AWS::IAM::Group",)
for _k in _key("log_group_name", "LogGroupName", "log_group", "cloud_watch_logs_group_name"):
    KEY_KINDS[_k] = ("AWS::Logs::LogGroup",)
for _k in _key("table_name", "TableName"):
    KEY_KINDS[_k] = ("AWS::DynamoDB::Table",)
for _k in _key("parameter_group_name", "db_parameter_group_name", "DBParameterGroupName"):
    KEY_KINDS[_k] = ("AWS::RDS::DBParameterGroup",)
for _k in _key("db_cluster_parameter_group_name", "DBClusterParameterGroupName"):
    KEY_KINDS[_k] = ("AWS::RDS::DBClusterParameterGroup",)
for _k in _key("db_subnet_group_name", "DBSubnetGroupName"):
    KEY_KINDS[_k] = ("AWS::RDS::DBSubnetGroup",)
for _k in _key("cluster_identifier", "DBClusterIdentifier"):
    KEY_KINDS[_k] = ("AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")
for _k in _key("function_name", "FunctionName"):
    KEY_KINDS[_k] = ("AWS::Lambda::Function",)
for _k in _key(
    "kms_key_id",
    "kms_key_arn",
    "kms_master_key_id",
    "KmsKeyId",
    "KmsKeyArn",
    "KMSMasterKeyID",
    "KmsMasterKeyId",
    "key_id",
    "KeyId",
    "kms_key",
    "master_key_id",
    "key_arn",
    "KeyArn",
    "encryption_key",
    "EncryptionKey",
    "encryption_key_arn",
    "EncryptionKeyArn",
    "KMSKeyId",
    "KMSKeyArn",
    "performance_insights_kms_key_id",
    "PerformanceInsightsKMSKeyId",
    "master_user_secret_kms_key_id",
    "DataVolumeKMSKeyId",
    "encryption_at_rest_kms_key_arn",
):
    KEY_KINDS[_k] = ("AWS::KMS::Alias",)
for _k in _key("topic_arn", "topic", "TopicName"):
    KEY_KINDS[_k] = ("AWS::SNS::Topic",)
for _k in _key("subnet_group_name", "CacheSubnetGroupName"):
    KEY_KINDS[_k] = ("AWS::ElastiCache::SubnetGroup", "AWS::RDS::DBSubnetGroup")
for _k in _key("security_groups", "SecurityGroups"):
    KEY_KINDS[_k] = ("AWS::EC2::SecurityGroup",)

#: ARN service -> (kinds, resource-part prefixes before the name)
ARN_SERVICES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "s3": (("AWS::S3::Bucket",), ("",)),
    "iam": (
        (
            "AWS::IAM::Role",
            "AWS::IAM::User",
            "AWS::IAM::Group",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::InstanceProfile",
        ),
        ("role/", "user/", "group/", "policy/", "instance-profile/"),
    ),
    "logs": (("AWS::Logs::LogGroup",), ("log-group:",)),
    "sns": (("AWS::SNS::Topic",), ("",)),
    "sqs": (("AWS::SQS::Queue",), ("",)),
    "kms": (("AWS::KMS::Alias",), ("alias/",)),
    "dynamodb": (("AWS::DynamoDB::Table",), ("table/",)),
    "rds": (
        (
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::RDS::DBParameterGroup",
            "AWS::RDS::DBClusterParameterGroup",
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        ),
        ("db:", "cluster:", "pg:", "cluster-pg:"),
    ),
    "lambda": (("AWS::Lambda::Function",), ("function:",)),
    "secretsmanager": (("AWS::SecretsManager::Secret",), ("secret:",)),
    "cloudtrail": (("AWS::CloudTrail::Trail",), ("trail/",)),
    "es": (("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"), ("domain/",)),
    "kinesis": (("AWS::Kinesis::Stream",), ("stream/",)),
    "backup": (("AWS::Backup::BackupVault",), ("backup-vault:",)),
    "ecs": (("AWS::ECS::Cluster",), ("cluster/",)),
    "eks": (("AWS::EKS::Cluster",), ("cluster/",)),
    "redshift": (("AWS::Redshift::Cluster",), ("cluster:",)),
    "elasticache": (("AWS::ElastiCache::ReplicationGroup",), ("replicationgroup:",)),
}

_ID_ATTRS = ("id", "arn", "Arn")
#: the partition may be an unknown part (``arn:${data.aws_partition.p.partition}:s3:::x``)
_ARN_RE = re.compile(r"^arn:[^:]*:([a-z0-9-]+):[^:]*:[^:]*:(.+)$")


def node_names(node: Node) -> list[str]:
    """The literal strings a node can be named by: its name argument, and a known id/ARN."""
    out: list[str] = []
    spec = NAME_ATTRS.get(node.kind)
    if spec is not None:
        v = node.get(tf=spec[0], cfn=spec[1])
        if isinstance(v, str) and v:
            out.append(v)
    for a in _ID_ATTRS:
        v = node.attrs.get(a)
        if isinstance(v, str) and v:
            out.append(v)
    return out


#: attribute key -> the kinds a plain name in it may refer to (KEY_KINDS by raw key)
_KINDS_OF_KEY: dict[Any, tuple[str, ...]] = {}


def _kinds_of(key: Any) -> tuple[str, ...]:
    kinds = _KINDS_OF_KEY.get(key)
    if kinds is None:
        kinds = KEY_KINDS.get(key.replace("_", "").lower(), ()) if isinstance(key, str) else ()
        if len(_KINDS_OF_KEY) < 100_000:  # attribute names repeat: remember them
            _KINDS_OF_KEY[key] = kinds
    return kinds


def _candidates(
    value: dict[Any, Any] | list[Any],
    path: list[Any],
    kinds: tuple[str, ...],
    by_exact: dict[str, list[Node]],
    templated_names: bool,
    out: list[tuple[Path, str | Unknown, tuple[str, ...]]],
    depth: int,
) -> None:
    """The strings under ``value`` that may name a node, with their path and the kinds the
    last attribute key says they name: an exact ID or ARN of a node, an ARN, a string
    in a name attribute (``bucket``, ``RoleName``); an unknown string with a template
    when it is an ARN, or in a name attribute while some node's name is unknown too.
    A list, not a generator, paths built only for what is found, and a container's
    strings looked at in its own loop: every string of every node goes through here."""
    if depth >= 40:
        return
    is_dict = isinstance(value, dict)
    items: Iterable[tuple[Any, Any]] = (
        value.items() if isinstance(value, dict) else enumerate(value)
    )
    known = _KINDS_OF_KEY
    for k, v in items:
        if is_dict:
            key_kinds = known.get(k)  # _kinds_of(k), its memo read without a call
            if key_kinds is None:
                key_kinds = _kinds_of(k)
        else:
            key_kinds = kinds
        if isinstance(v, str):
            if len(v) <= 2048 and (key_kinds or v in by_exact or v.startswith("arn:")):
                out.append(((*path, k), v, key_kinds))
        elif isinstance(v, dict | list):
            path.append(k)
            _candidates(v, path, key_kinds, by_exact, templated_names, out, depth + 1)
            path.pop()
        elif isinstance(v, Unknown):
            template = v.template
            if template is not None and (
                template[0].startswith("arn:") or (templated_names and key_kinds)
            ):
                out.append(((*path, k), v, key_kinds))


_HOLE_OPEN = "\ue000"
_HOLE_CLOSE = "\ue001"


def name_key(value: Any, names: dict[str, int]) -> str | None:
    """A name as the linker compares it: a known string is itself; an unknown string
    with a template (``"${local.prefix}-trail"``, ``!Sub ${AWS::AccountId}-trail``) is
    its known text with each unknown part replaced by a marker numbered after the
    part's identity (``names`` numbers them, one table per scope).  Two equal keys
    name the same thing after deploy; different unknowns never give equal keys."""
    if isinstance(value, str):
        return value or None
    template = value.template if isinstance(value, Unknown) else None
    if template is None:
        return None
    out = [template[0]]
    for i in range(1, len(template), 2):
        number = names.setdefault(template[i], len(names))
        out.append(f"{_HOLE_OPEN}{number}{_HOLE_CLOSE}{template[i + 1]}")
    key = "".join(out)
    return key if len(key) <= 2048 else None


def _arn_name_candidates(arn: str) -> tuple[str, list[str]] | None:
    m = _ARN_RE.match(arn)
    if not m:
        return None
    service, resource = m.group(1), m.group(2)
    spec = ARN_SERVICES.get(service)
    if spec is None:
        return None
    names: list[str] = []
    for prefix in spec[1]:
        if prefix and not resource.startswith(prefix):
            continue
        rest = resource[len(prefix) :]
        if service == "s3":
            rest = rest.split("/", 1)[0]
        elif service == "iam":
            rest = rest.rsplit("/", 1)[-1]
        elif service == "logs":
            rest = rest.removesuffix(":*")
        elif service == "secretsmanager":
            names.append(rest)
            rest = re.sub(r"-[A-Za-z0-9]{6}$", "", rest)
        elif service == "kms":
            # an alias is named "alias/x" in configuration; its ARN ends ":alias/x"
            names.append(f"alias/{rest}")
        names.append(rest)
    return service, names


#: a literal matching more nodes than this is ambiguous and links none: names are
#: unique in AWS, and 10 000 buckets of one name made 100 million edges (gigabytes)
MAX_TARGETS = 32


#: kinds whose names are global: one bucket name in the whole partition
_GLOBAL_NAMES = frozenset({"AWS::S3::Bucket"})
#: kinds whose names are per account, not per Region
_ACCOUNT_NAMES = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::User",
        "AWS::IAM::Group",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
    }
)
#: provider arguments that choose the account the provider acts in
_ACCOUNT_ARGS = (
    "assume_role",
    "assume_role_with_web_identity",
    "profile",
    "allowed_account_ids",
    "forbidden_account_ids",
    "access_key",
    "shared_credentials_files",
    "shared_config_files",
)


def _provider_places(nodes: Iterable[Node]) -> dict[str, tuple[str, str]]:
    """Provider configuration address -> (account settings, Region) as comparable text."""
    out: dict[str, tuple[str, str]] = {}
    for n in nodes:
        if n.category != "provider":
            continue
        account = repr([(a, _plain(n.attrs[a])) for a in _ACCOUNT_ARGS if a in n.attrs])
        out[n.address] = (account, repr(_plain(n.attrs.get("region"))))
    return out


def _plain(value: Any) -> Any:
    """A value as comparable text (an unknown by its expression)."""
    if isinstance(value, Unknown):
        return ("unknown", value.expr)
    if isinstance(value, dict):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def same_place(src: Node, dst: Node, places: dict[str, tuple[str, str]]) -> bool:
    """May a name written on ``src`` mean ``dst``: the same account (and Region for
    regional kinds), as far as their provider configurations say."""
    if dst.kind in _GLOBAL_NAMES:
        return True
    a = src.meta.get("provider")
    b = dst.meta.get("provider")
    if a == b:
        return True
    # a configuration that is not declared (the implicit default) sets no account or Region
    default = ("[]", repr(None))
    pa = places.get(str(a), default) if a else default
    pb = places.get(str(b), default) if b else default
    if pa[0] != pb[0]:
        return False
    return dst.kind in _ACCOUNT_NAMES or pa[1] == pb[1]


Resolved = dict[tuple[str, Path], set[str]]


def resolved_attributes(refs: Iterable[Edge], node_of: Callable[[str], Node | None]) -> Resolved:
    """(node id, attribute path) -> kinds of the resources its reference resolves to."""
    resolved: Resolved = {}
    for e in refs:
        if e.kind != "ref":
            continue
        dst = node_of(e.dst)
        if dst is not None and dst.category == "resource":
            resolved.setdefault((e.src, e.src_path), set()).add(dst.kind)
    return resolved


def without_overridden(
    literal: Iterable[Edge], resolved: Resolved, node_of: Callable[[str], Node | None]
) -> list[Edge]:
    """Literal edges minus those from an attribute whose reference already resolves to a
    resource of the same kind (:func:`resolved_attributes`): ``kms_key_id =
    aws_kms_alias.app.name`` means that alias, not every alias of the same name.  A
    reference to something else the value is built from (an account ID in
    ``"${local.prefix}-trail"``) does not stop the name from linking."""
    if not resolved:
        return list(literal)
    out: list[Edge] = []
    for e in literal:
        kinds = resolved.get((e.src, e.src_path))
        if kinds:
            dst = node_of(e.dst)
            if dst is not None and dst.kind in kinds:
                continue  # the reference names one of these: the name adds nothing
        out.append(e)
    return out


def literal_edges(nodes: Iterable[Node]) -> list[Edge]:
    """``literal`` edges between nodes of the same scope (see the module docstring)."""
    return [e for edges in literal_edges_by_scope(nodes).values() for e in edges]


def literal_edges_by_scope(nodes: Iterable[Node]) -> dict[str, list[Edge]]:
    """:func:`literal_edges` by scope, scopes in the order their first resource comes.

    Edges never cross scopes, so a front end may compute a scope's edges
    when it evaluates it (and cache them with it).
    """
    by_scope: dict[str, list[Node]] = defaultdict(list)
    providers: list[Node] = []
    for n in nodes:
        if n.category in ("resource", "data"):
            by_scope[n.scope].append(n)
        elif n.category == "provider":
            providers.append(n)
    places = _provider_places(providers)
    out: dict[str, list[Edge]] = {}
    for scope, scope_nodes in by_scope.items():
        edges: list[Edge] = []
        out[scope] = edges
        # (kind, name) -> nodes ; exact id/arn -> nodes
        by_name: dict[tuple[str, str], list[Node]] = defaultdict(list)
        by_exact: dict[str, list[Node]] = defaultdict(list)
        #: identities of unknown parts of names (see name_key), numbered in this scope
        names: dict[str, int] = {}
        templated_names = False
        for n in scope_nodes:
            spec = NAME_ATTRS.get(n.kind)
            if spec is not None:
                name = n.get(tf=spec[0], cfn=spec[1])
                key = name_key(name, names)
                if key is not None:
                    by_name[(n.kind, key)].append(n)
                    templated_names = templated_names or not isinstance(name, str)
            for a in _ID_ATTRS:
                v = n.attrs.get(a)
                if isinstance(v, str) and len(v) > 4:
                    by_exact[v].append(n)
        # a name many nodes share names none of them (dropped before any lookup, or
        # every one of those nodes would collect all the others: quadratic)
        by_name = defaultdict(list, {k: v for k, v in by_name.items() if len(v) <= MAX_TARGETS})
        by_exact = defaultdict(list, {k: v for k, v in by_exact.items() if len(v) <= MAX_TARGETS})
        if not by_name and not by_exact:
            continue
        for src in scope_nodes:
            found_at: list[tuple[Path, str | Unknown, tuple[str, ...]]] = []
            _candidates(src.attrs, [], (), by_exact, templated_names, found_at, 0)
            for path, found, kinds in found_at:
                if isinstance(found, str):
                    s = found
                else:
                    key = name_key(found, names)
                    if key is None:
                        continue
                    s = key
                targets: list[Node] = []
                targets.extend(by_exact.get(s, ()))
                named: list[Node] = []
                if s.startswith("arn:"):
                    parsed = _arn_name_candidates(s)
                    if parsed is not None:
                        service, candidates = parsed
                        for kind in ARN_SERVICES[service][0]:
                            for nm in candidates:
                                named.extend(by_name.get((kind, nm), ()))
                else:
                    for kind in kinds:
                        named.extend(by_name.get((kind, s), ()))
                targets.extend(t for t in named if same_place(src, t, places))
                if len(targets) > MAX_TARGETS and len({t.id for t in targets}) > MAX_TARGETS:
                    continue  # a name many nodes share names none of them
                seen: set[str] = set()
                for dst in targets:
                    if dst.id == src.id or dst.id in seen:
                        continue
                    seen.add(dst.id)
                    edges.append(Edge(src.id, dst.id, "literal", path, None))
    return out

"""IAM policy documents, however they are written, as one typed model.

A policy reaches the graph as a dict (CloudFormation, ``jsonencode``), a JSON
string (heredoc, ``file()``, ``data.aws_iam_policy_document.x.json``), or an
Unknown.  :func:`parse_document` turns any of them into a
:class:`PolicyDocument` of :class:`Statement` objects that keep where each
statement is written, with every element normalised to lists and unknown
parts kept as :class:`~soc2lint.model.Unknown` (never guessed).

:func:`policy_documents` enumerates every document in the graph with its
purpose (``identity``, ``trust`` or ``resource``), the node where it is
written (where a fix goes) and the attribute path.  When a Terraform policy
attribute refers to a ``data "aws_iam_policy_document"``, the document is the
data source's (it is where the statements are written).

Action matching follows IAM: case-insensitive, ``*`` and ``?`` wildcards in
both the policy's action and the action asked about.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Node, Path, Range, Unknown

Purpose = Literal["identity", "trust", "resource"]


@dataclass(frozen=True)
class Statement:
    """One statement; list elements are strings or Unknown, None when the element is absent."""

    effect: str | Unknown  # "Allow" / "Deny"
    actions: tuple[str | Unknown, ...] | Unknown | None
    not_actions: tuple[str | Unknown, ...] | Unknown | None
    resources: tuple[str | Unknown, ...] | Unknown | None
    not_resources: tuple[str | Unknown, ...] | Unknown | None
    #: {"AWS": (...), "Service": (...), "Federated": (...), "CanonicalUser": (...)} or "*"
    principals: dict[str, tuple[str | Unknown, ...]] | str | Unknown | None
    not_principals: dict[str, tuple[str | Unknown, ...]] | str | Unknown | None
    #: {"Bool": {"aws:SecureTransport": ["false"]}, ...}; Unknown; None when absent
    conditions: dict[str, dict[str, Any]] | Unknown | None
    sid: str | None
    node: Node
    #: attribute path of this statement on ``node`` (for locations)
    path: Path
    index: int

    @property
    def allows(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "allow"

    @property
    def denies(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "deny"

    @property
    def range(self) -> Range:
        return self.node.location_of(self.path)

    @property
    def has_condition(self) -> bool | None:
        """True/False, or None when the condition block is unknown."""
        if isinstance(self.conditions, Unknown):
            return None
        return bool(self.conditions)

    def condition_values(self, operator_prefix: str, key: str) -> list[Any] | None:
        """Values of condition ``key`` under operators starting with ``operator_prefix``.

        Operators and keys compare case-insensitively (``Bool``, ``BoolIfExists``).
        Returns None when the conditions are unknown.
        """
        if isinstance(self.conditions, Unknown):
            return None
        out: list[Any] = []
        for op, body in (self.conditions or {}).items():
            if not isinstance(op, str) or not op.lower().startswith(operator_prefix.lower()):
                continue
            if not isinstance(body, dict):
                continue
            for k, v in body.items():
                if isinstance(k, str) and k.lower() == key.lower():
                    out.extend(v if isinstance(v, list) else [v])
        return out


@dataclass
class PolicyDocument:
    node: Node
    path: Path
    purpose: Purpose
    statements: list[Statement] = field(default_factory=list)
    #: the whole document could not be resolved
    unknown: Unknown | None = None
    #: the node the document is about (the role, the bucket, the key...), when different
    subject: Node | None = None

    @property
    def range(self) -> Range:
        return self.node.location_of(self.path)


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------


def _as_tuple(v: Any) -> tuple[str | Unknown, ...] | Unknown | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list | tuple):
        out: list[str | Unknown] = []
        for x in v:
            if isinstance(x, str | Unknown):
                out.append(x)
            elif isinstance(x, list | tuple):
                out.extend(y if isinstance(y, str | Unknown) else str(y) for y in x)
            elif x is not None:
                out.append(str(x))
        return tuple(out)
    return (str(v),)


def _principals(v: Any) -> dict[str, tuple[str | Unknown, ...]] | str | Unknown | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        out: dict[str, tuple[str | Unknown, ...]] = {}
        for k, vals in v.items():
            t = _as_tuple(vals)
            if isinstance(t, Unknown):
                out[str(k)] = (t,)
            elif t is not None:
                out[str(k)] = t
        return out
    return Unknown(repr(v))


def _get(d: dict[str, Any], *keys: str) -> Any:
    """A key of a statement, matched case-insensitively (IAM is lenient about case)."""
    for k in keys:
        if k in d:
            return d[k]
    lowered = {str(k).lower(): v for k, v in d.items()}
    for k in keys:
        if k.lower() in lowered:
            return lowered[k.lower()]
    return MISSING


def decode_policy(value: Any) -> Any:
    """A policy value as a dict/list/Unknown: JSON strings are decoded; bad JSON is Unknown."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return MISSING
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return Unknown("policy JSON that does not parse")
    return value


def parse_document(
    value: Any, node: Node, path: Path, purpose: Purpose, subject: Node | None = None
) -> PolicyDocument:
    """A policy value (dict, JSON string, list of statements, Unknown) as a PolicyDocument."""
    doc = PolicyDocument(node=node, path=path, purpose=purpose, subject=subject)
    data = decode_policy(value)
    if isinstance(data, Unknown):
        doc.unknown = data
        return doc
    if data is MISSING or data is None:
        return doc
    stmts: Any
    stmt_path: Path
    if isinstance(data, dict):
        stmts = _get(data, "Statement")
        stmt_path = (*path, "Statement")
    elif isinstance(data, list):
        stmts, stmt_path = data, path
    else:
        doc.unknown = Unknown(f"policy of type {type(data).__name__}")
        return doc
    if isinstance(stmts, Unknown):
        doc.unknown = stmts
        return doc
    if isinstance(stmts, dict):
        stmts = [stmts]
        single = True
    else:
        single = False
    if not isinstance(stmts, list):
        return doc
    for i, s in enumerate(stmts):
        p: Path = stmt_path if single else (*stmt_path, i)
        if isinstance(s, Unknown):
            doc.statements.append(Statement(s, s, None, s, None, s, None, s, None, node, p, i))
            continue
        if not isinstance(s, dict):
            continue
        effect = _get(s, "Effect")
        conditions = _get(s, "Condition")
        if conditions is MISSING or conditions is None:
            cond: dict[str, dict[str, Any]] | Unknown | None = None
        elif isinstance(conditions, Unknown):
            cond = conditions
        elif isinstance(conditions, dict):
            cond = {str(k): (v if isinstance(v, dict) else {}) for k, v in conditions.items()}
        else:
            cond = Unknown(repr(conditions))
        sid = _get(s, "Sid")
        doc.statements.append(
            Statement(
                effect=effect if isinstance(effect, str | Unknown) else Unknown(repr(effect)),
                actions=_as_tuple(_get(s, "Action")),
                not_actions=_as_tuple(_get(s, "NotAction")),
                resources=_as_tuple(_get(s, "Resource")),
                not_resources=_as_tuple(_get(s, "NotResource")),
                principals=_principals(_get(s, "Principal")),
                not_principals=_principals(_get(s, "NotPrincipal")),
                conditions=cond,
                sid=sid if isinstance(sid, str) else None,
                node=node,
                path=p,
                index=i,
            )
        )
    return doc


# --------------------------------------------------------------------------
# action and principal matching
# --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(text.lower()))


def action_matches(policy_action: str, action: str) -> bool:
    """Does the policy's action (maybe with wildcards) cover ``action`` (maybe with wildcards)?

    ``s3:Get*`` covers ``s3:GetObject``; ``iam:Pass*`` covers ``iam:PassRole``;
    ``*`` covers everything.  When ``action`` itself has wildcards, it is
    covered when the policy's pattern covers every action it could match:
    approximated by matching the pattern literally (``s3:*`` covers ``s3:Get*``).
    """
    pa = policy_action.strip()
    a = action.strip()
    if pa == "*":
        return True
    return bool(_pattern(pa).fullmatch(a.lower()))


def allows_action(stmt: Statement, action: str) -> bool | None:
    """Does an Allow statement grant ``action``?  None when unknown.

    ``NotAction`` grants everything it does not list.
    """
    if stmt.actions is not None:
        if isinstance(stmt.actions, Unknown):
            return None
        hit = any(isinstance(x, str) and action_matches(x, action) for x in stmt.actions)
        if hit:
            return True
        return None if any(isinstance(x, Unknown) for x in stmt.actions) else False
    if stmt.not_actions is not None:
        if isinstance(stmt.not_actions, Unknown):
            return None
        excluded = any(isinstance(x, str) and action_matches(x, action) for x in stmt.not_actions)
        if excluded:
            return False
        return None if any(isinstance(x, Unknown) for x in stmt.not_actions) else True
    return False


def is_wildcard_resource(resources: Any) -> bool | None:
    """True when the resources are ``*`` (any element); None when unknown."""
    if resources is None:
        return False
    if isinstance(resources, Unknown):
        return None
    if any(isinstance(r, str) and r.strip() == "*" for r in resources):
        return True
    return None if any(isinstance(r, Unknown) for r in resources) else False


def covers_all_resources(stmt: Statement) -> bool | None:
    """Resource ``*``, or ``NotResource`` (which grants everything it does not list)."""
    if stmt.resources is not None:
        return is_wildcard_resource(stmt.resources)
    if stmt.not_resources is not None:
        return None if isinstance(stmt.not_resources, Unknown) else True
    return False


def principal_is_public(principals: Any) -> bool | None:
    """``"*"`` or ``{"AWS": "*"}`` (or ``*`` inside the AWS list)."""
    if principals is None:
        return False
    if isinstance(principals, Unknown):
        return None
    if isinstance(principals, str):
        return principals.strip() == "*"
    unknown = False
    for key, vals in principals.items():
        if key.lower() not in ("aws", "*"):
            continue
        for v in vals:
            if isinstance(v, Unknown):
                unknown = True
            elif v.strip() == "*":
                return True
    return None if unknown else False


def service_principals(principals: Any) -> list[str]:
    if not isinstance(principals, dict):
        return []
    out: list[str] = []
    for key, vals in principals.items():
        if key.lower() == "service":
            out.extend(v for v in vals if isinstance(v, str))
    return out


# --------------------------------------------------------------------------
# where documents live
# --------------------------------------------------------------------------

#: kind -> [(tf path, cfn path, purpose)]; "[]" descends into every list element
DOCUMENT_ATTRS: dict[str, list[tuple[str | None, str | None, Purpose]]] = {
    "AWS::IAM::ManagedPolicy": [("policy", "PolicyDocument", "identity")],
    "AWS::IAM::Policy": [(None, "PolicyDocument", "identity")],
    "AWS::IAM::RolePolicy": [("policy", "PolicyDocument", "identity")],
    "AWS::IAM::UserPolicy": [("policy", "PolicyDocument", "identity")],
    "AWS::IAM::GroupPolicy": [("policy", "PolicyDocument", "identity")],
    "AWS::IAM::Role": [
        ("assume_role_policy", "AssumeRolePolicyDocument", "trust"),
        ("inline_policy[].policy", "Policies[].PolicyDocument", "identity"),
    ],
    "AWS::IAM::User": [(None, "Policies[].PolicyDocument", "identity")],
    "AWS::IAM::Group": [(None, "Policies[].PolicyDocument", "identity")],
    "AWS::S3::Bucket": [("policy", None, "resource")],
    "AWS::S3::BucketPolicy": [("policy", "PolicyDocument", "resource")],
    "AWS::KMS::Key": [("policy", "KeyPolicy", "resource")],
    "aws_kms_key_policy": [("policy", None, "resource")],
    "AWS::SQS::Queue": [("policy", None, "resource")],
    "AWS::SQS::QueuePolicy": [("policy", "PolicyDocument", "resource")],
    "AWS::SNS::Topic": [("policy", None, "resource")],
    "AWS::SNS::TopicPolicy": [("policy", "PolicyDocument", "resource")],
    "AWS::SecretsManager::ResourcePolicy": [("policy", "ResourcePolicy", "resource")],
    "AWS::SecretsManager::Secret": [("policy", None, "resource")],
    "aws_opensearch_domain_policy": [("access_policies", None, "resource")],
    "aws_elasticsearch_domain_policy": [("access_policies", None, "resource")],
    "AWS::OpenSearchService::Domain": [("access_policies", "AccessPolicies", "resource")],
    "AWS::Elasticsearch::Domain": [("access_policies", "AccessPolicies", "resource")],
    "AWS::ECR::Repository": [(None, "RepositoryPolicyText", "resource")],
    "data.aws_iam_policy_document": [("json", None, "identity")],
}

POLICY_DOCUMENT_DATA = "data.aws_iam_policy_document"


def _from_data_source(graph: ResourceGraph, node: Node, path: Path) -> list[Node]:
    via = ".".join(p for p in path if isinstance(p, str))
    return graph.targets(node, POLICY_DOCUMENT_DATA, via=via)


def _documents_of(graph: ResourceGraph, node: Node) -> Iterator[PolicyDocument]:
    for tf, cfn, purpose in DOCUMENT_ATTRS.get(node.kind, ()):
        for a in node.attrs_at(tf=tf, cfn=cfn):
            if a.missing:
                continue
            # a Terraform policy written in a data source: the statements live there
            if node.language == "terraform" and node.category != "data":
                sources = _from_data_source(graph, node, a.path)
                if len(sources) == 1:
                    data = sources[0]
                    doc = data_document(data, purpose, subject=node)
                    if doc is not None:
                        yield doc
                        continue
            yield parse_document(a.value, node, a.path, purpose)


def data_document(
    data: Node, purpose: Purpose, subject: Node | None = None
) -> PolicyDocument | None:
    """The document of a ``data "aws_iam_policy_document"``, located at its statement blocks."""
    value = data.attrs.get("document", data.attrs.get("json", MISSING))
    if value is MISSING:
        return None
    doc = parse_document(value, data, ("json",), purpose, subject=subject)
    # point statements at the statement blocks when their count lines up
    blocks = data.attrs.get("statement")
    if isinstance(blocks, list) and len(blocks) == len(doc.statements):
        doc.statements = [
            Statement(**{**s.__dict__, "path": ("statement", i)})
            for i, s in enumerate(doc.statements)
        ]
    return doc


def _build(graph: ResourceGraph) -> list[PolicyDocument]:
    docs: list[PolicyDocument] = []
    used_data: set[str] = set()
    for kind in DOCUMENT_ATTRS:
        if kind == POLICY_DOCUMENT_DATA:
            continue
        for node in graph.nodes(kind, category=None):
            for d in _documents_of(graph, node):
                if d.node.kind == POLICY_DOCUMENT_DATA:
                    if d.node.id in used_data:
                        continue
                    used_data.add(d.node.id)
                docs.append(d)
    # data documents used by nothing in the graph are still checked as identity policies
    for data in graph.nodes(POLICY_DOCUMENT_DATA, category="data"):
        if data.id in used_data:
            continue
        purpose: Purpose = "identity"
        referrers = graph.referrers(data)
        if any(r.kind == "AWS::IAM::Role" for r in referrers):
            purpose = "trust"
        elif any(r.kind in _RESOURCE_POLICY_KINDS for r in referrers):
            purpose = "resource"
        found = data_document(data, purpose)
        if found is not None:
            docs.append(found)
    return docs


_RESOURCE_POLICY_KINDS = frozenset(
    k for k, specs in DOCUMENT_ATTRS.items() if any(p == "resource" for _, _, p in specs)
)


def policy_documents(
    graph: ResourceGraph, purpose: Purpose | Sequence[Purpose] | None = None
) -> list[PolicyDocument]:
    """Every policy document of the graph (built once), optionally of one purpose."""
    docs: list[PolicyDocument] = graph.view("policy.documents", _build)
    if purpose is None:
        return docs
    wanted = {purpose} if isinstance(purpose, str) else set(purpose)
    return [d for d in docs if d.purpose in wanted]


def statements(docs: Iterable[PolicyDocument]) -> Iterator[Statement]:
    for d in docs:
        yield from d.statements

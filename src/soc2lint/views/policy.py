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
data source's (it is where the statements are written); statements the data
source takes from ``source_policy_documents``/``override_policy_documents``
are located in the data source that wrote them.  Sources read: IAM managed,
inline and role/user/group policies, role ``inline_policy`` blocks and
CloudFormation ``Policies``, trust policies, SSO permission-set inline
policies, SAM ``Policies`` (inline statements and the policy templates of
``data/sam_policy_templates.json``; managed policy names and ARNs are
attachments, see :mod:`soc2lint.views.iam`), resource policies (S3, KMS,
SQS, SNS, Secrets Manager, OpenSearch, ECR, EFS) and Lambda permissions
(as a one-statement resource policy).  :func:`documents_of` answers "which
documents does this resource carry".

Action matching follows IAM: case-insensitive, ``*`` and ``?`` wildcards in
both the policy's action and the action asked about.  Resource coverage
("does this statement apply to every role?") uses the ARN formats of the
IAM action database (:mod:`soc2lint.views.iam_actions`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field, replace
from functools import cache, lru_cache
from pathlib import Path as FilePath
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Node, PartialValue, Path, Range, Unknown, known_structure
from ..record import record
from . import iam_actions

Purpose = Literal["identity", "trust", "resource"]


@record(frozen=True)
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


@record
class PolicyDocument:
    """A policy document, where it is written and what it is for."""

    node: Node
    path: Path
    purpose: Purpose
    statements: list[Statement] = field(default_factory=list)
    #: the whole document could not be resolved
    unknown: Unknown | None = None
    #: the node the document is about (the role, the bucket, the key...), when different
    subject: Node | None = None
    #: the SAM policy template the statements come from, when they do
    template: str | None = None
    #: per action: denied everywhere, and the first statement allowing it (see
    #: denied_everywhere, first_allowing): rules ask for every statement of a document,
    #: and a generated policy of thousands of statements must not cost their square
    _denied: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)
    _first_allowing: dict[str, Statement | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def range(self) -> Range:
        return self.node.location_of(self.path)

    @property
    def holder(self) -> Node:
        """The resource that uses the document (the role, the bucket...), else where it is written."""
        return self.subject or self.node


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
    return _Keys(d).get(*keys)


#: the keys of a policy and its statements as IAM spells them (each lower-cases differently)
_IAM_KEYS = frozenset(
    (
        "Version",
        "Id",
        "Statement",
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    )
)


class _Keys:
    """:func:`_get` for several keys of one mapping (its lowered keys made once)."""

    __slots__ = ("data", "exact", "lowered")

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        # every key spelled as IAM does (almost always): one of them not found as
        # spelled is not there in another case either
        self.exact = _IAM_KEYS.issuperset(data)
        self.lowered: dict[str, Any] | None = None

    def get(self, *keys: str) -> Any:
        d = self.data
        for k in keys:
            if k in d:
                return d[k]
        if self.exact and _IAM_KEYS.issuperset(keys):
            return MISSING
        lowered = self.lowered
        if lowered is None:
            lowered = self.lowered = {str(k).lower(): v for k, v in d.items()}
        for k in keys:
            low = k.lower()
            if low in lowered:
                return lowered[low]
        return MISSING


def decode_policy(value: Any) -> Any:
    """A policy value as a dict/list/Unknown: JSON strings are decoded; bad JSON is Unknown.

    A partly known ``jsonencode(...)`` (:class:`~soc2lint.model.PartialValue`) gives its
    known structure, with Unknown where parts are not known.
    """
    if isinstance(value, PartialValue) and isinstance(value.value, dict | list | PartialValue):
        return known_structure(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return MISSING
        try:
            return json.loads(text)
        except (ValueError, RecursionError):  # ValueError: also integers of 4300+ digits
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
        get = _Keys(s).get
        effect = get("Effect")
        conditions = get("Condition")
        if conditions is MISSING or conditions is None:
            cond: dict[str, dict[str, Any]] | Unknown | None = None
        elif isinstance(conditions, Unknown):
            cond = conditions
        elif isinstance(conditions, dict):
            cond = {str(k): (v if isinstance(v, dict) else {}) for k, v in conditions.items()}
        else:
            cond = Unknown(repr(conditions))
        sid = get("Sid")
        doc.statements.append(
            Statement(
                effect=effect if isinstance(effect, str | Unknown) else Unknown(repr(effect)),
                actions=_as_tuple(get("Action")),
                not_actions=_as_tuple(get("NotAction")),
                resources=_as_tuple(get("Resource")),
                not_resources=_as_tuple(get("NotResource")),
                principals=_principals(get("Principal")),
                not_principals=_principals(get("NotPrincipal")),
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
    key = (policy_action, action)
    hit = _MATCHES.get(key)
    if hit is None:
        pa = policy_action.strip()
        hit = pa == "*" or bool(_pattern(pa).fullmatch(action.strip().lower()))
        if len(_MATCHES) >= 200_000:
            _MATCHES.clear()
        _MATCHES[key] = hit
    return hit


#: (policy action, action) -> action_matches: rules ask the same pairs over and over
_MATCHES: dict[tuple[str, str], bool] = {}


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


def _may_be_anything(value: Unknown) -> bool:
    """Could this unknown value turn out to be ``*`` (or any wildcard)?

    Not when it is an ARN template (``arn:aws:iam::${account}:root``), and not when it
    derives only from resources or data sources (``data.aws_caller_identity.x.account_id``,
    ``aws_iam_role.app.arn``): those are one fixed value after deploy.
    """
    template = value.template
    if template and isinstance(template[0], str) and template[0] and "*" not in template[0]:
        return False
    expr = (value.expr or "").strip().strip("\"'").strip()
    if expr.lower().startswith("arn:") and "*" not in expr.split("${", 1)[0]:
        return False
    refs = value.refs
    return not (
        refs and all(r.startswith("data.") or re.match(r"^aws_[a-z0-9_]+\.", r) for r in refs)
    )


def principal_is_public(principals: Any) -> bool | None:
    """``"*"`` or ``{"AWS": "*"}`` (or ``*`` inside the AWS list); None when an unknown
    principal could be ``*`` (an ARN template or a resource's attribute cannot)."""
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
                unknown = unknown or _may_be_anything(v)
            elif v.strip() == "*":
                return True
    return None if unknown else False


#: condition keys that make a statement to principal ``*`` non-public when they hold fixed
#: values (S3's "The meaning of public", Access Analyzer; RULES.md "Public policies")
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:userid",
        "kms:calleraccount",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)

#: operators that restrict a key to the values listed (``...IfExists`` lets a request
#: without the key through; negated operators admit everything else)
_FIXED_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)


def _public_wide_cidr(text: str) -> bool:
    """0.0.0.0/0, ::/0 and anything close: an IPv4 range wider than /8, IPv6 wider than /16."""
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return True  # not a range S3 would read as one
    return net.prefixlen < (8 if net.version == 4 else 16)


def _fixed(key: str, value: Any) -> bool | None:
    """A fixed value of a restricting key (no wildcard, no policy variable); None: unknown."""
    if isinstance(value, Unknown):
        return None if _may_be_anything(value) else True
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if "*" in text or "?" in text or "${" in text:
        return False
    if key == "aws:sourceip":
        return not _public_wide_cidr(text)
    return True


def public_verdict(stmt: Statement) -> tuple[bool | None, list[str]]:
    """Is an Allow statement open to the public, and the condition keys that did not restrict it.

    Public: principal ``*`` (or ``{"AWS": "*"}``) unless a condition restricts who can
    use it to fixed values of :data:`RESTRICTING_KEYS`, S3's own definition of a
    non-public policy.  Conditions on other keys (``aws:SecureTransport``,
    ``aws:Referer``, ``aws:CurrentTime``, ``s3:prefix``...) do not.  None when an
    unknown principal or condition decides.
    """
    if not stmt.allows:
        return (None if isinstance(stmt.effect, Unknown) else False), []
    public = principal_is_public(stmt.principals)
    if public is not True:
        return public, []
    if isinstance(stmt.conditions, Unknown):
        return None, []
    others: list[str] = []
    unknown = False
    for op, body in (stmt.conditions or {}).items():
        operator = str(op).lower()
        for key, values in body.items() if isinstance(body, dict) else ():
            low = str(key).lower()
            if low not in RESTRICTING_KEYS or operator not in _FIXED_OPERATORS:
                others.append(str(key))
                continue
            if low == "aws:sourceip" and operator != "ipaddress":
                others.append(str(key))
                continue
            items = values if isinstance(values, list) else [values]
            verdicts = [_fixed(low, v) for v in items]
            if items and all(v is True for v in verdicts):
                return False, []
            if any(v is None for v in verdicts) and not any(v is False for v in verdicts):
                unknown = True
            else:
                others.append(str(key))
    if unknown:
        return None, []
    return True, list(dict.fromkeys(others))


def public_unknown(stmt: Statement) -> Unknown | None:
    """The unknown value that keeps :func:`public_verdict` from deciding (for --strict)."""
    if isinstance(stmt.effect, Unknown):
        return stmt.effect
    p = stmt.principals
    if isinstance(p, Unknown):
        return p
    if isinstance(p, dict):
        for vals in p.values():
            for v in vals:
                if isinstance(v, Unknown) and _may_be_anything(v):
                    return v
    c = stmt.conditions
    if isinstance(c, Unknown):
        return c
    for body in (c or {}).values():
        for v in body.values() if isinstance(body, dict) else ():
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, Unknown):
                    return x
    return None


def service_principals(principals: Any) -> list[str]:
    if not isinstance(principals, dict):
        return []
    out: list[str] = []
    for key, vals in principals.items():
        if key.lower() == "service":
            out.extend(v for v in vals if isinstance(v, str))
    return out


# --------------------------------------------------------------------------
# resource coverage (with the IAM action database)
# --------------------------------------------------------------------------

_TEMPLATE_VAR = re.compile(r"\$\{[^{}]*\}")
_HOLE = "\x00"


def arn_pattern(value: str | Unknown) -> str | None:
    """A resource as a pattern: a string as written, or an ARN template whose unknown parts
    lie only in the partition, region or account fields (``arn:aws:iam::${account}:role/*``).

    None when the value cannot be read as a pattern (the resource part itself is unknown).
    """
    if isinstance(value, str):
        return value
    expr = value.expr or ""
    start = expr.find("arn:")
    if start < 0:
        return None
    text = expr[start:].strip().rstrip("\"'")
    if '"' in text or "'" in text or " " in text:
        return None
    text = _TEMPLATE_VAR.sub(_HOLE, text)
    parts = text.split(":", 5)
    if len(parts) != 6 or _HOLE in parts[2] or _HOLE in parts[5] or "${" in text:
        return None
    return ":".join([*(p.replace(_HOLE, "*") for p in parts[:5]), parts[5]])


def resource_covers_type(stmt: Statement, service: str, resource_type: str) -> bool | None:
    """Does the statement apply to every resource of this type?  None when unknown.

    ``Resource: "*"`` or an ARN pattern covering the type (``arn:aws:iam::*:role/*``);
    ``NotResource`` covers everything it does not list (unless what it lists covers the
    whole type).
    """
    if stmt.resources is not None:
        unknown = False
        items = (stmt.resources,) if isinstance(stmt.resources, Unknown) else stmt.resources
        for r in items:
            pattern = arn_pattern(r)
            if pattern is None:
                unknown = True
            elif iam_actions.arn_covers_type(pattern, service, resource_type):
                return True
        return None if unknown else False
    if stmt.not_resources is not None:
        excluded = stmt.not_resources
        for r in (excluded,) if isinstance(excluded, Unknown) else excluded:
            pattern = arn_pattern(r)
            if pattern is None:
                return None
            if iam_actions.arn_covers_type(pattern, service, resource_type):
                return False
        return True
    return False


def action_targets(action: str) -> tuple[str, tuple[str, ...]]:
    """(service, resource types) of a known action; ("", ()) when unknown."""
    info = iam_actions.lookup(action)
    if info is None:
        return "", ()
    return info.service, info.resource_types


def allowed_on_every_target(stmt: Statement, action: str) -> bool | None:
    """An Allow statement grants ``action`` on every resource the action can act on."""
    if not stmt.allows:
        return False
    granted = allows_action(stmt, action)
    if granted is not True:
        return granted
    service, types = action_targets(action)
    if not types:
        # not scoped by resource (or not in the database): any resource element grants it
        return covers_all_resources(stmt) if not service else True
    results = [resource_covers_type(stmt, service, t) for t in types]
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def denies_when_false(stmt: Statement, key: str) -> bool | None:
    """A ``Deny`` conditioned on the boolean ``key`` being false (``Bool``/``BoolIfExists``),
    such as ``aws:SecureTransport`` or ``aws:MultiFactorAuthPresent``.  None when unknown."""
    if isinstance(stmt.effect, Unknown):
        return None
    if not stmt.denies:
        return False
    values = stmt.condition_values("Bool", key)
    if values is None:
        return None
    return any(v is False or (isinstance(v, str) and v.strip().lower() == "false") for v in values)


def denied_everywhere(doc: PolicyDocument, action: str) -> bool:
    """An unconditional Deny in the same document removes ``action`` on every resource."""
    hit = doc._denied.get(action)
    if hit is None:
        hit = any(
            s.denies
            and s.has_condition is False
            and allows_action(s, action) is True
            and covers_all_resources(s) is True
            for s in doc.statements
        )
        doc._denied[action] = hit
    return hit


def first_allowing(doc: PolicyDocument, action: str) -> Statement | None:
    """The first Allow statement of ``doc`` that grants ``action`` for sure (memoised)."""
    if action not in doc._first_allowing:
        doc._first_allowing[action] = next(
            (s for s in doc.statements if s.allows and allows_action(s, action) is True), None
        )
    return doc._first_allowing[action]


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
    "aws_ssoadmin_permission_set_inline_policy": [("inline_policy", None, "identity")],
    "AWS::SSO::PermissionSet": [(None, "InlinePolicy", "identity")],
    "AWS::S3::Bucket": [("policy", None, "resource")],
    "AWS::S3::BucketPolicy": [("policy", "PolicyDocument", "resource")],
    "AWS::KMS::Key": [("policy", "KeyPolicy", "resource")],
    "AWS::KMS::ReplicaKey": [("policy", "KeyPolicy", "resource")],
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
    "aws_ecr_repository_policy": [("policy", None, "resource")],
    "aws_efs_file_system_policy": [("policy", None, "resource")],
    "AWS::EFS::FileSystem": [(None, "FileSystemPolicy", "resource")],
}

#: SAM resources whose ``Policies`` build the role SAM creates (kind they are read as)
SAM_POLICY_KINDS = ("AWS::Lambda::Function", "AWS::StepFunctions::StateMachine")
LAMBDA_PERMISSION = "AWS::Lambda::Permission"
POLICY_DOCUMENT_DATA = "data.aws_iam_policy_document"
_DATA_SOURCES = ("source_policy_documents", "override_policy_documents")


def is_sam(node: Node) -> bool:
    return node.language == "cloudformation" and (
        str(node.meta.get("sam_type") or node.type).startswith("AWS::Serverless::")
    )


SAM_TEMPLATES_FILE = (
    FilePath(__file__).resolve().parent.parent / "data" / "sam_policy_templates.json"
)


@cache
def sam_policy_templates() -> dict[str, list[dict[str, Any]]]:
    """SAM policy template name -> its statements (from ``data/sam_policy_templates.json``)."""
    text = SAM_TEMPLATES_FILE.read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)["templates"]
    return data


def sam_policy_entries(node: Node) -> list[tuple[Path, Any]]:
    """The ``Policies`` entries of a SAM function/state machine that SAM turns into its role.

    Empty when the resource names its own ``Role`` (SAM then ignores ``Policies``).
    """
    if not is_sam(node) or node.kind not in SAM_POLICY_KINDS:
        return []
    role = node.attrs.get("Role", node.attrs.get("RoleArn", MISSING))
    if role is not MISSING and role is not None:
        return []
    value = node.attrs.get("Policies", MISSING)
    if value is MISSING or value is None:
        return []
    if isinstance(value, list):
        return [(("Policies", i), v) for i, v in enumerate(value)]
    return [(("Policies",), value)]


def _sam_documents(node: Node) -> Iterator[PolicyDocument]:
    for path, entry in sam_policy_entries(node):
        if isinstance(entry, str):
            continue  # a managed policy name or ARN: an attachment, not a document
        if isinstance(entry, Unknown):
            yield PolicyDocument(node=node, path=path, purpose="identity", unknown=entry)
            continue
        if not isinstance(entry, dict):
            continue
        if "Statement" in entry:
            yield parse_document(entry, node, path, "identity")
            continue
        if len(entry) != 1:
            yield PolicyDocument(node, path, "identity", unknown=Unknown("SAM policy entry"))
            continue
        name = str(next(iter(entry)))
        template = sam_policy_templates().get(name)
        tpath: Path = (*path, name)
        if template is None:
            yield PolicyDocument(
                node, tpath, "identity", unknown=Unknown(f"SAM policy template {name}")
            )
            continue
        doc = parse_document({"Statement": template}, node, tpath, "identity")
        doc.template = name
        doc.statements = [replace(s, path=tpath) for s in doc.statements]
        yield doc


def _lambda_permission_document(node: Node) -> PolicyDocument:
    """An ``aws_lambda_permission``/``AWS::Lambda::Permission`` as a one-statement resource policy."""
    principal = node.attr(tf="principal", cfn="Principal")
    action = node.attr(tf="action", cfn="Action")
    cond: dict[str, dict[str, Any]] = {}
    for tf, cfn, op, key in (
        ("source_arn", "SourceArn", "ArnLike", "aws:SourceArn"),
        ("source_account", "SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("principal_org_id", "PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        (
            "function_url_auth_type",
            "FunctionUrlAuthType",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
    ):
        a = node.attr(tf=tf, cfn=cfn)
        if a.present:
            cond.setdefault(op, {})[key] = a.value
    p: Any = principal.value if principal.present else None
    if isinstance(p, str) and p.strip() != "*":
        p = {"Service" if p.endswith((".amazonaws.com", ".amazonaws.com.cn")) else "AWS": p}
    stmt = {
        "Effect": "Allow",
        "Action": action.value if action.present else "lambda:InvokeFunction",
        "Resource": node.get(tf="function_name", cfn="FunctionName", default="*"),
        "Principal": p,
        "Condition": cond or None,
    }
    doc = parse_document({"Statement": [stmt]}, node, (), "resource")
    doc.statements = [replace(s, path=principal.path) for s in doc.statements]
    return doc


def _canon(value: Any) -> Any:
    """A statement in a canonical form, to recognise it after the provider re-rendered it."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canon(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        items = [_canon(v) for v in value]
        if len(items) == 1:
            return items[0]
        return ("__list__", *sorted(items, key=repr))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unknown):
        return ("__unknown__", value.expr)
    return value


def _data_value(data: Node) -> tuple[Any, Path]:
    if "document" in data.attrs:
        return data.attrs["document"], ("document",)
    return data.attrs.get("json", MISSING), ("json",)


def data_document(
    graph: ResourceGraph | None,
    data: Node,
    purpose: Purpose,
    subject: Node | None = None,
    _seen: frozenset[str] = frozenset(),
) -> PolicyDocument | None:
    """The document of a ``data "aws_iam_policy_document"``, located at its statement blocks.

    Statements that come from ``source_policy_documents``/``override_policy_documents``
    are located where they are written: in the other data source when they come
    from one, else at the attribute that brings them in.
    """
    value, path = _data_value(data)
    if value is MISSING:
        return None
    doc = parse_document(value, data, path, purpose, subject=subject)
    if path == ("json",):
        # an older shape: statements located by counting the blocks
        blocks = data.attrs.get("statement")
        if isinstance(blocks, list) and len(blocks) == len(doc.statements):
            doc.statements = [
                replace(s, path=("statement", i)) for i, s in enumerate(doc.statements)
            ]
        return doc
    foreign = [s for s in doc.statements if s.path not in data.locations]
    if not foreign:
        return doc
    candidates: list[tuple[Any, Statement]] = []
    if graph is not None and data.id not in _seen:
        for attr in _DATA_SOURCES:
            for other in graph.targets(data, POLICY_DOCUMENT_DATA, via=attr):
                other_doc = data_document(graph, other, purpose, _seen=_seen | {data.id})
                if other_doc is None:
                    continue
                raw = _raw_statements(other_doc)
                candidates.extend(zip(raw, other_doc.statements, strict=False))
    raw_mine = _raw_statements(doc)
    fallback = next((a for a in _DATA_SOURCES if a in data.attrs), path[0])
    out: list[Statement] = []
    for raw, s in zip(raw_mine, doc.statements, strict=False):
        if s.path in data.locations:
            out.append(s)
            continue
        key = _canon(raw)
        match = next((o for r, o in candidates if _canon(r) == key), None)
        if match is not None:
            out.append(replace(s, node=match.node, path=match.path))
        else:
            out.append(replace(s, path=(fallback, "Statement", s.index)))
    doc.statements = out
    return doc


def _raw_statements(doc: PolicyDocument) -> list[Any]:
    value = decode_policy(_data_value(doc.node)[0])
    if isinstance(value, dict):
        stmts = value.get("Statement", [])
        if isinstance(stmts, dict):
            return [stmts]
        if isinstance(stmts, list):
            return stmts
    return [None] * len(doc.statements)


def _data_for(graph: ResourceGraph, node: Node, path: Path, value: Any) -> Node | None:
    """The ``data "aws_iam_policy_document"`` a Terraform policy attribute takes its value from."""
    if isinstance(value, PartialValue):
        return None  # a partly known jsonencode(...): its own structure is the document
    via = ".".join(p for p in path if isinstance(p, str))
    sources = graph.targets(node, POLICY_DOCUMENT_DATA, via=via)
    if len(sources) == 1:
        only = sources[0]
        if isinstance(value, Unknown) or value == only.attrs.get("json"):
            return only
        return None
    if isinstance(value, str):
        same = [d for d in sources if d.attrs.get("json") == value]
        if len(same) == 1:
            return same[0]
    return None


@record
class PolicyIndex:
    """Every document of the graph, once, and the documents each holder carries."""

    documents: list[PolicyDocument] = field(default_factory=list)
    #: holder node id -> documents written on it or in the data source it points at
    by_holder: dict[str, list[PolicyDocument]] = field(default_factory=dict)


def _holder_documents(graph: ResourceGraph, node: Node) -> Iterator[PolicyDocument]:
    if node.kind == LAMBDA_PERMISSION:
        yield _lambda_permission_document(node)
        return
    if node.kind in SAM_POLICY_KINDS:
        yield from _sam_documents(node)
    for tf, cfn, purpose in DOCUMENT_ATTRS.get(node.kind, ()):
        for a in node.attrs_at(tf=tf, cfn=cfn):
            if a.missing:
                continue
            if node.language == "terraform":
                data = _data_for(graph, node, a.path, a.value)
                if data is not None:
                    doc = data_document(graph, data, purpose, subject=node)
                    if doc is not None:
                        yield doc
                        continue
            yield parse_document(a.value, node, a.path, purpose)


def _infer_purpose(doc: PolicyDocument) -> Purpose:
    """The purpose of a policy document no resource in the configuration uses."""
    with_principal = [s for s in doc.statements if s.principals is not None]
    if not with_principal:
        return "identity"
    trust = all(
        isinstance(s.actions, tuple)
        and s.actions
        and all(isinstance(x, str) and x.lower().startswith("sts:assumerole") for x in s.actions)
        for s in with_principal
    )
    return "trust" if trust else "resource"


def _build_index(graph: ResourceGraph) -> PolicyIndex:
    index = PolicyIndex()
    used_data: set[str] = set()
    kinds = [*DOCUMENT_ATTRS, *SAM_POLICY_KINDS, LAMBDA_PERMISSION]
    for kind in dict.fromkeys(kinds):
        for node in graph.nodes(kind, category=None):
            if node.category not in ("resource", "data"):
                continue
            for d in _holder_documents(graph, node):
                index.by_holder.setdefault(node.id, []).append(d)
                if d.node.kind == POLICY_DOCUMENT_DATA:
                    if d.node.id in used_data:
                        continue
                    used_data.add(d.node.id)
                index.documents.append(d)
    # data documents no resource uses are still checked, with the purpose their content shows;
    # those that only feed another data document reach the rules through it
    for data in graph.nodes(POLICY_DOCUMENT_DATA, category="data"):
        if data.id in used_data:
            continue
        feeds = any(graph.referrers(data, POLICY_DOCUMENT_DATA, via=attr) for attr in _DATA_SOURCES)
        if feeds:
            continue
        if any(r.category == "resource" for r in graph.referrers(data)):
            # used by a resource this model does not read as a policy holder (an
            # Organizations SCP, an IoT policy...): not an IAM identity or resource policy
            continue
        found = data_document(graph, data, "identity")
        if found is None:
            continue
        found.purpose = _infer_purpose(found)
        index.documents.append(found)
    return index


def policy_index(graph: ResourceGraph) -> PolicyIndex:
    result: PolicyIndex = graph.view("policy.index", _build_index)
    return result


def policy_documents(
    graph: ResourceGraph, purpose: Purpose | Sequence[Purpose] | None = None
) -> list[PolicyDocument]:
    """Every policy document of the graph (built once), optionally of one purpose."""
    docs = policy_index(graph).documents
    if purpose is None:
        return docs
    wanted = {purpose} if isinstance(purpose, str) else set(purpose)
    return [d for d in docs if d.purpose in wanted]


def documents_of(graph: ResourceGraph, holder: Node) -> list[PolicyDocument]:
    """The documents written on ``holder`` (or in the data source its attribute points at)."""
    return policy_index(graph).by_holder.get(holder.id, [])


def statements(docs: Iterable[PolicyDocument]) -> Iterator[Statement]:
    for d in docs:
        yield from d.statements

"""Who holds which policy: IAM principals, their policies and how they get them.

One query answers "what can this principal do" for the IAM rules and the
evidence pack: :func:`iam_view` builds, once per graph, every :class:`Grant`
(a policy that applies to a role, user or group, with the resource where it
is written, which is where a fix goes), group memberships, console login
profiles and the compute that runs as each role.

Grants come from every place they can be written:

* inline: ``aws_iam_role_policy``/``aws_iam_user_policy``/``aws_iam_group_policy``,
  role ``inline_policy`` blocks, CloudFormation ``Policies`` of roles, users and
  groups, ``AWS::IAM::RolePolicy``/``UserPolicy``/``GroupPolicy``,
  ``AWS::IAM::Policy`` with ``Roles``/``Users``/``Groups``;
* attached: ``aws_iam_{role,user,group}_policy_attachment``,
  ``aws_iam_policy_attachment`` (``users``/``roles``/``groups``),
  ``managed_policy_arns`` and ``aws_iam_role_policy_attachments_exclusive``,
  ``ManagedPolicyArns``, ``AWS::IAM::ManagedPolicy`` with ``Roles``/``Users``/``Groups``;
* SAM ``Policies`` of functions and state machines (the role SAM creates):
  managed policy names or ARNs, inline statements, policy templates.

The policy an attachment points at is resolved to the ``aws_iam_policy`` /
``AWS::IAM::ManagedPolicy`` of the configuration (by reference or by ARN), to
an AWS managed policy by name (``arn:aws:iam::aws:policy/AdministratorAccess``,
``data "aws_iam_policy"`` with that name or ARN, a SAM managed policy name),
or stays unknown.  A principal that cannot be resolved stays unknown too: a
grant whose user is unknown might apply to any user of its scope.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import field
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Edge, Node, Path, Unknown
from ..record import record
from .policy import (
    PolicyDocument,
    Statement,
    arn_pattern,
    covers_all_resources,
    documents_of,
    is_sam,
    sam_policy_entries,
)

ROLE = "AWS::IAM::Role"
USER = "AWS::IAM::User"
GROUP = "AWS::IAM::Group"
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"
IAM_POLICY = "AWS::IAM::Policy"
DATA_IAM_POLICY = "data.aws_iam_policy"

PrincipalKind = Literal["role", "user", "group"]
PRINCIPAL_KINDS: dict[PrincipalKind, str] = {"role": ROLE, "user": USER, "group": GROUP}

#: AWS managed policies that make their holder an administrator (IAM006)
ADMIN_MANAGED_POLICIES = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")

_AWS_MANAGED_ARN = re.compile(r"^arn:[a-z0-9-]+:iam::aws:policy/(?:.*/)?([^/]+)$")


@record(frozen=True)
class PolicyRef:
    """What a grant gives: documents of the configuration, an AWS managed policy, or unknown."""

    documents: tuple[PolicyDocument, ...] = ()
    aws_managed: str | None = None
    #: the ARN or name as written, when known
    written: str | None = None
    #: the customer managed policy node, when it is in the configuration
    policy_node: Node | None = None
    unknown: Unknown | None = None

    @property
    def known(self) -> bool:
        if self.unknown is not None:
            return False
        return all(d.unknown is None for d in self.documents)

    def describe(self) -> str:
        if self.aws_managed:
            return f"AWS managed policy {self.aws_managed}"
        if self.policy_node is not None:
            return self.policy_node.address
        if self.written:
            return self.written
        if self.documents:
            return "an inline policy"
        return "an unresolved policy"


@record(frozen=True)
class Grant:
    """A policy that applies to a principal, and where that is written."""

    principal_kind: PrincipalKind
    #: the role/user/group node; None when the principal is not in the configuration or unknown
    principal: Node | None
    #: the principal's name as written when it is not a node (a literal, or Unknown)
    principal_name: Any
    #: where the grant is written (where the fix goes) and the attribute that grants
    source: Node
    path: Path
    #: the attribute naming the principal on ``source`` (``users[0]``), when separate
    principal_path: Path
    #: "inline", "attached", "managed_policy_arns", "SAM Policies"
    how: str
    policy: PolicyRef

    @property
    def principal_label(self) -> str:
        if self.principal is not None:
            return self.principal.address
        if isinstance(self.principal_name, str):
            return f'"{self.principal_name}"'
        return f"(unresolved: {getattr(self.principal_name, 'expr', '') or 'unknown'})"


@record(frozen=True)
class RoleUse:
    """Compute that runs as a role."""

    kind: Literal["Lambda", "ECS task", "EC2 instance profile"]
    node: Node
    path: Path


@record
class IamView:
    """Every grant of the configuration and the IAM facts around it (see the module)."""

    grants: list[Grant] = field(default_factory=list)
    by_principal: dict[str, list[Grant]] = field(default_factory=lambda: defaultdict(list))
    #: (scope, principal kind) -> grants whose principal is unknown (could be any of the scope)
    unresolved: dict[tuple[str, str], list[Grant]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: user id -> group nodes it belongs to
    groups_of_user: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    #: users with a membership whose group cannot be resolved
    unknown_membership: set[str] = field(default_factory=set)
    #: scopes with a membership whose user cannot be resolved
    unresolved_membership_scopes: set[str] = field(default_factory=set)
    #: user id -> (node, path) of its login profile(s)
    login_profiles: dict[str, list[tuple[Node, Path]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: role id -> compute using it
    role_uses: dict[str, list[RoleUse]] = field(default_factory=lambda: defaultdict(list))

    # ---- queries ------------------------------------------------------------

    def grants_of(self, principal: Node) -> list[Grant]:
        """Grants written for this principal itself."""
        return list(self.by_principal.get(principal.id, ()))

    def effective_grants(self, user: Node) -> tuple[list[Grant], bool]:
        """A user's grants, directly and through its groups; and whether that list is complete.

        Incomplete when a grant or a membership of the user's scope cannot be
        attributed, or a group of the user is unknown.
        """
        out = self.grants_of(user)
        complete = user.id not in self.unknown_membership
        if self.unresolved.get((user.scope, "user")):
            complete = False
        if user.scope in self.unresolved_membership_scopes:
            complete = False
        groups = self.groups_of_user.get(user.id, [])
        for g in groups:
            out.extend(self.grants_of(g))
        if groups and self.unresolved.get((user.scope, "group")):
            complete = False
        return out, complete


# --------------------------------------------------------------------------
# admin-equivalent access
# --------------------------------------------------------------------------


def is_full_admin_statement(stmt: Statement) -> bool | None:
    """``Allow`` of every action (``*``, ``*:*`` or ``NotAction``) on every resource (IAM001)."""
    if not stmt.allows:
        return None if isinstance(stmt.effect, Unknown) else False
    if stmt.actions is not None:
        if isinstance(stmt.actions, Unknown):
            return None
        everything = any(isinstance(a, str) and a.strip() in ("*", "*:*") for a in stmt.actions)
        if not everything:
            return None if any(isinstance(a, Unknown) for a in stmt.actions) else False
    elif stmt.not_actions is None:
        return False
    elif isinstance(stmt.not_actions, Unknown):
        return None
    return covers_all_resources(stmt)


def grant_is_admin(grant: Grant) -> bool | None:
    """Admin-equivalent: an admin AWS managed policy or a full-admin statement (IAM001/IAM006)."""
    ref = grant.policy
    if ref.aws_managed is not None:
        return ref.aws_managed in ADMIN_MANAGED_POLICIES
    if ref.unknown is not None:
        return None
    unknown = False
    for doc in ref.documents:
        if doc.unknown is not None:
            unknown = True
            continue
        for s in doc.statements:
            verdict = is_full_admin_statement(s)
            if verdict is True:
                return True
            if verdict is None:
                unknown = True
    return None if unknown else False


def denies_without_mfa(stmt: Statement) -> bool | None:
    """A ``Deny`` that applies when ``aws:MultiFactorAuthPresent`` is false (Bool/BoolIfExists)."""
    if not stmt.denies:
        return None if isinstance(stmt.effect, Unknown) else False
    values = stmt.condition_values("Bool", "aws:MultiFactorAuthPresent")
    if values is None:
        return None
    return any((isinstance(v, str) and v.strip().lower() == "false") or v is False for v in values)


def grant_denies_without_mfa(grant: Grant) -> bool | None:
    ref = grant.policy
    if ref.aws_managed is not None:
        return False  # no AWS managed policy denies access without MFA
    if ref.unknown is not None:
        return None
    unknown = False
    for doc in ref.documents:
        if doc.unknown is not None:
            unknown = True
            continue
        for s in doc.statements:
            v = denies_without_mfa(s)
            if v is True:
                return True
            if v is None:
                unknown = True
    return None if unknown else False


# --------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------


def _out_edges(
    graph: ResourceGraph, node: Node, kind: str | Iterable[str]
) -> list[tuple[Edge, Node]]:
    return graph.edges(node, "out", kind=kind, edge_kind=("ref", "literal"))


def _edges_at(edges: list[tuple[Edge, Node]], path: Path) -> list[Node]:
    """Targets of edges whose source path starts with ``path`` (list indexes compared too)."""
    n = len(path)
    seen: dict[str, Node] = {}
    for e, other in edges:
        if tuple(e.src_path[:n]) == tuple(path):
            seen.setdefault(other.id, other)
    return list(seen.values())


def _elements(node: Node, key: str) -> list[tuple[Path, Any]]:
    """The elements of a list attribute (or the attribute itself when it is a scalar)."""
    value = node.attrs.get(key, MISSING)
    if value is MISSING or value is None:
        return []
    if isinstance(value, list):
        return [((key, i), v) for i, v in enumerate(value)]
    return [((key,), value)]


def _principals_at(
    graph: ResourceGraph, node: Node, key: str, kind: PrincipalKind
) -> list[tuple[Path, Node | None, Any]]:
    """(path, principal node or None, value as written) for every element of ``key``."""
    edges = _out_edges(graph, node, PRINCIPAL_KINDS[kind])
    out: list[tuple[Path, Node | None, Any]] = []
    for path, value in _elements(node, key):
        targets = _edges_at(edges, path)
        if isinstance(value, Unknown) and not targets and len(path) == 1 and value.refs:
            # a whole list from a reference: one element per target
            targets = _edges_at(edges, (key,))
        if targets:
            out.extend((path, t, value) for t in targets)
        else:
            out.append((path, None, value))
    return out


def resolve_policy_arn(graph: ResourceGraph, node: Node, path: Path, value: Any) -> PolicyRef:
    """What a ``policy_arn``/``ManagedPolicyArns`` element (or SAM policy name) points at."""
    written = value if isinstance(value, str) else None
    if isinstance(value, str):
        m = _AWS_MANAGED_ARN.match(value.strip())
        if m:  # the account "aws": an AWS managed policy, whatever else is named alike
            return PolicyRef(aws_managed=m.group(1), written=value)
    edges = _out_edges(graph, node, (MANAGED_POLICY, DATA_IAM_POLICY))
    for target in _edges_at(edges, path):
        if target.kind == MANAGED_POLICY:
            return PolicyRef(
                documents=tuple(documents_of(graph, target)), written=written, policy_node=target
            )
        # data "aws_iam_policy": a policy looked up in the account, by ARN or by name
        arn = target.attrs.get("arn")
        name = target.attrs.get("name")
        if isinstance(arn, str):
            m = _AWS_MANAGED_ARN.match(arn)
            if m:
                return PolicyRef(aws_managed=m.group(1), written=arn)
        if isinstance(name, str) and name in ADMIN_MANAGED_POLICIES:
            return PolicyRef(aws_managed=name, written=name)
        return PolicyRef(unknown=Unknown(target.address, (target.address,)), written=written)
    if isinstance(value, str):
        m = _AWS_MANAGED_ARN.match(value.strip())
        if m:
            return PolicyRef(aws_managed=m.group(1), written=value)
        if not value.startswith("arn:") and is_sam(node) and re.fullmatch(r"[\w+=,.@-]+", value):
            return PolicyRef(aws_managed=value, written=value)
        return PolicyRef(unknown=Unknown(value), written=value)
    if isinstance(value, Unknown):
        # "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess":
        # whatever the partition, the account "aws" names an AWS managed policy
        pattern = arn_pattern(value)
        if pattern is not None and pattern.startswith("arn:*:"):
            m = _AWS_MANAGED_ARN.match("arn:aws:" + pattern[len("arn:*:") :])
            if m:
                return PolicyRef(aws_managed=m.group(1), written=value.expr)
        return PolicyRef(unknown=value)
    return PolicyRef(unknown=Unknown(repr(value)))


class _Builder:
    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.view = IamView()

    def add(
        self,
        kind: PrincipalKind,
        principal: Node | None,
        name: Any,
        source: Node,
        path: Path,
        principal_path: Path,
        how: str,
        policy: PolicyRef,
    ) -> None:
        g = Grant(kind, principal, name, source, path, principal_path, how, policy)
        self.view.grants.append(g)
        if principal is not None:
            self.view.by_principal[principal.id].append(g)
        elif not isinstance(name, str):
            self.view.unresolved[(source.scope, kind)].append(g)

    def nodes(self, kind: str) -> list[Node]:
        return [n for n in self.graph.nodes(kind)]

    # ---- inline policies ----------------------------------------------------

    def inline_resources(self) -> None:
        for kind, pkind, tf, cfn in (
            ("AWS::IAM::RolePolicy", "role", "role", "RoleName"),
            ("AWS::IAM::UserPolicy", "user", "user", "UserName"),
            ("AWS::IAM::GroupPolicy", "group", "group", "GroupName"),
        ):
            for node in self.nodes(kind):
                key = tf if node.language == "terraform" else cfn
                docs = tuple(d for d in documents_of(self.graph, node) if d.purpose == "identity")
                ref = PolicyRef(documents=docs)
                doc_path: Path = (
                    ("policy",) if node.language == "terraform" else ("PolicyDocument",)
                )
                for ppath, target, value in _principals_at(self.graph, node, key, pkind):  # type: ignore[arg-type]
                    self.add(pkind, target, value, node, doc_path, ppath, "inline", ref)  # type: ignore[arg-type]

    def inline_on_principals(self) -> None:
        for pkind, kind in PRINCIPAL_KINDS.items():
            for node in self.nodes(kind):
                for doc in documents_of(self.graph, node):
                    if doc.purpose != "identity" or doc.holder is not node:
                        continue
                    path = doc.path if doc.node is node else self._data_path(node, doc)
                    self.add(
                        pkind, node, None, node, path, (), "inline", PolicyRef(documents=(doc,))
                    )

    def policies_with_principals(self) -> None:
        for kind in (IAM_POLICY, MANAGED_POLICY):
            for node in self.nodes(kind):
                if node.language != "cloudformation":
                    continue
                docs = tuple(d for d in documents_of(self.graph, node) if d.purpose == "identity")
                how = "inline" if kind == IAM_POLICY else "attached"
                ref = PolicyRef(
                    documents=docs, policy_node=node if kind == MANAGED_POLICY else None
                )
                for pkind, key in (("role", "Roles"), ("user", "Users"), ("group", "Groups")):
                    for ppath, target, value in _principals_at(self.graph, node, key, pkind):  # type: ignore[arg-type]
                        self.add(pkind, target, value, node, ("PolicyDocument",), ppath, how, ref)  # type: ignore[arg-type]

    def _data_path(self, node: Node, doc: PolicyDocument) -> Path:
        """The attribute of ``node`` that takes its policy from the data source ``doc`` is in."""
        for e, other in self.graph.edges(node, "out", kind=doc.node.kind):
            if other.id == doc.node.id and e.src_path[:1] != ("assume_role_policy",):
                return tuple(e.src_path)
        return ()

    # ---- attachments --------------------------------------------------------

    def attachments(self) -> None:
        for tf_type, pkind in (
            ("aws_iam_role_policy_attachment", "role"),
            ("aws_iam_user_policy_attachment", "user"),
            ("aws_iam_group_policy_attachment", "group"),
        ):
            for node in self.nodes(tf_type):
                a = node.attr("policy_arn")
                if a.missing:
                    continue
                ref = resolve_policy_arn(self.graph, node, a.path, a.value)
                for ppath, target, value in _principals_at(self.graph, node, pkind, pkind):  # type: ignore[arg-type]
                    self.add(pkind, target, value, node, a.path, ppath, "attached", ref)  # type: ignore[arg-type]
        for node in self.nodes("aws_iam_policy_attachment"):
            a = node.attr("policy_arn")
            if a.missing:
                continue
            ref = resolve_policy_arn(self.graph, node, a.path, a.value)
            for pkind, key in (("role", "roles"), ("user", "users"), ("group", "groups")):
                for ppath, target, value in _principals_at(self.graph, node, key, pkind):  # type: ignore[arg-type]
                    self.add(pkind, target, value, node, a.path, ppath, "attached", ref)  # type: ignore[arg-type]
        for node in self.nodes("aws_iam_role_policy_attachments_exclusive"):
            targets = _principals_at(self.graph, node, "role_name", "role")
            for path, value in _elements(node, "policy_arns"):
                ref = resolve_policy_arn(self.graph, node, path, value)
                for ppath, target, name in targets:
                    self.add("role", target, name, node, path, ppath, "attached", ref)
        for pkind, kind in PRINCIPAL_KINDS.items():
            for node in self.nodes(kind):
                key = "managed_policy_arns" if node.language == "terraform" else "ManagedPolicyArns"
                for path, value in _elements(node, key):
                    ref = resolve_policy_arn(self.graph, node, path, value)
                    self.add(pkind, node, None, node, path, (), "managed_policy_arns", ref)

    def sam(self) -> None:
        for kind in ("AWS::Lambda::Function", "AWS::StepFunctions::StateMachine"):
            for node in self.nodes(kind):
                entries = sam_policy_entries(node)
                if not entries:
                    continue
                docs = documents_of(self.graph, node)
                for path, value in entries:
                    if isinstance(value, str):
                        ref = resolve_policy_arn(self.graph, node, path, value)
                    else:
                        mine = tuple(d for d in docs if d.path[: len(path)] == path)
                        ref = PolicyRef(documents=mine)
                    self.add("role", node, None, node, path, (), "SAM Policies", ref)

    # ---- groups, login profiles, compute ------------------------------------

    def memberships(self) -> None:
        v = self.view

        def member(
            user: Node | None, user_value: Any, group: Node | None, group_value: Any, scope: str
        ) -> None:
            if user is None:
                if not isinstance(user_value, str):
                    v.unresolved_membership_scopes.add(scope)
                return
            if group is None:
                if not isinstance(group_value, str):
                    v.unknown_membership.add(user.id)
                return
            if group.id not in {g.id for g in v.groups_of_user[user.id]}:
                v.groups_of_user[user.id].append(group)

        for node in self.nodes("aws_iam_group_membership"):
            groups = _principals_at(self.graph, node, "group", "group")
            for _, user, uval in _principals_at(self.graph, node, "users", "user"):
                for _, group, gval in groups:
                    member(user, uval, group, gval, node.scope)
        for node in self.nodes("aws_iam_user_group_membership"):
            users = _principals_at(self.graph, node, "user", "user")
            for _, group, gval in _principals_at(self.graph, node, "groups", "group"):
                for _, user, uval in users:
                    member(user, uval, group, gval, node.scope)
        for node in self.nodes("AWS::IAM::UserToGroupAddition"):
            groups = _principals_at(self.graph, node, "GroupName", "group")
            for _, user, uval in _principals_at(self.graph, node, "Users", "user"):
                for _, group, gval in groups:
                    member(user, uval, group, gval, node.scope)
        for node in self.nodes(USER):
            if node.language != "cloudformation":
                continue
            groups_attr = node.attrs.get("Groups", MISSING)
            if isinstance(groups_attr, Unknown) and not _principals_at(
                self.graph, node, "Groups", "group"
            ):
                v.unknown_membership.add(node.id)
            for _, group, gval in _principals_at(self.graph, node, "Groups", "group"):
                member(node, None, group, gval, node.scope)

    def logins(self) -> None:
        for node in self.nodes("aws_iam_user_login_profile"):
            for _, user, _value in _principals_at(self.graph, node, "user", "user"):
                if user is not None:
                    self.view.login_profiles[user.id].append((node, ()))
        for node in self.nodes(USER):
            if node.language == "cloudformation":
                a = node.attr("LoginProfile")
                if a.present and not isinstance(a.value, Unknown):
                    self.view.login_profiles[node.id].append((node, a.path))

    def compute(self) -> None:
        uses: list[
            tuple[str, Literal["Lambda", "ECS task", "EC2 instance profile"], tuple[str, ...]]
        ] = [
            ("AWS::Lambda::Function", "Lambda", ("role", "Role")),
            (
                "AWS::ECS::TaskDefinition",
                "ECS task",
                ("execution_role_arn", "task_role_arn", "ExecutionRoleArn", "TaskRoleArn"),
            ),
            ("AWS::IAM::InstanceProfile", "EC2 instance profile", ("role", "Roles")),
        ]
        for kind, label, keys in uses:
            for node in self.nodes(kind):
                edges = _out_edges(self.graph, node, ROLE)
                for key in keys:
                    if key not in node.attrs:
                        continue
                    for role in _edges_at(edges, (key,)):
                        if not any(u.node.id == node.id for u in self.view.role_uses[role.id]):
                            self.view.role_uses[role.id].append(RoleUse(label, node, (key,)))


def _build(graph: ResourceGraph) -> IamView:
    b = _Builder(graph)
    b.inline_resources()
    b.inline_on_principals()
    b.policies_with_principals()
    b.attachments()
    b.sam()
    b.memberships()
    b.logins()
    b.compute()
    return b.view


def iam_view(graph: ResourceGraph) -> IamView:
    """Principals, their grants, memberships, login profiles and role uses (built once)."""
    result: IamView = graph.view("iam.principals", _build)
    return result


#: where a role or user names its permissions boundary
_BOUNDARY_ATTRS = ("permissions_boundary", "PermissionsBoundary")


def boundary_only_policies(graph: ResourceGraph) -> frozenset[str]:
    """Ids of customer managed policies that serve as a permissions boundary and grant nothing.

    A boundary caps what a role or user may do; its ``Allow *`` grants nothing.
    A policy counts only when some role or user names it as its boundary and no
    grant attaches it; when a grant in its scope attaches a policy that cannot be
    resolved, it may be that one, and it does not count.
    """

    def build(g: ResourceGraph) -> frozenset[str]:
        policies = g.nodes(MANAGED_POLICY)
        if not policies:
            return frozenset()
        view = iam_view(g)
        attached: set[str] = set()
        unresolved_scopes: set[str] = set()
        for grant in view.grants:
            attached.add(grant.source.id)
            if grant.policy.policy_node is not None:
                attached.add(grant.policy.policy_node.id)
            elif grant.policy.unknown is not None:
                unresolved_scopes.add(grant.source.scope)
        out: set[str] = set()
        for policy in policies:
            if policy.id in attached or policy.scope in unresolved_scopes:
                continue
            if any(g.referrers(policy, via=attr) for attr in _BOUNDARY_ATTRS):
                out.add(policy.id)
        return frozenset(out)

    result: frozenset[str] = graph.view("iam.boundary_only", build)
    return result


__all__ = [
    "ADMIN_MANAGED_POLICIES",
    "Grant",
    "IamView",
    "PolicyRef",
    "RoleUse",
    "boundary_only_policies",
    "denies_without_mfa",
    "grant_denies_without_mfa",
    "grant_is_admin",
    "iam_view",
    "is_full_admin_statement",
    "resolve_policy_arn",
]

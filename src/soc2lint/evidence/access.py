"""access-control/iam-principals.{md,csv}: every user, group and role, from the IAM view.

Trust comes from the role's trust policy (principals of its ``Allow``
statements), users are described by console access and access keys, groups
by their members.  Policies and admin-equivalence come from
:mod:`soc2lint.views.iam` (the same grants IAM001-IAM010 read): a principal is
admin-equivalent when a grant gives it an admin AWS managed policy or a
full-admin statement, directly or (users) through a group; *unknown* when a
grant cannot be resolved or cannot be attributed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Node, Unknown, format_path
from ..record import record
from ..views.iam import PRINCIPAL_KINDS, Grant, grant_is_admin, iam_view
from ..views.policy import documents_of, is_sam
from .common import columns_doc, csv_text, describe, first_line, location, md, node_sort_key, table
from .context import EvidenceContext

MD = "access-control/iam-principals.md"
CSV = "access-control/iam-principals.csv"

COLUMNS = (
    ("kind", "`user`, `group` or `role` (`role (SAM)` for the role SAM creates for a function)"),
    ("address", "the resource address (Terraform) or logical ID (CloudFormation)"),
    ("scope", "the Terraform root or CloudFormation template it belongs to"),
    ("location", "file:line where it is declared"),
    (
        "trust",
        "roles: who may assume it (service, account or federated principals, `*` for anyone); users: console login and access keys; groups: members",
    ),
    (
        "attached_policies",
        "managed policies attached to it (AWS managed by name, customer managed by address or ARN), `;`-separated",
    ),
    (
        "inline_policies",
        "inline policies, by the resource (and attribute) they are written in, `;`-separated",
    ),
    (
        "admin_equivalent",
        "`yes`, `no` or `unknown`: holds AdministratorAccess, IAMFullAccess, PowerUserAccess or an Allow of `*` on `*` (users: also through their groups)",
    ),
    (
        "findings",
        "rule IDs of the findings that name it or list it as related, `(excepted)` when suppressed, `;`-separated",
    ),
)


@record(frozen=True)
class PrincipalRow:
    node: Node
    kind: str
    trust: str
    attached: list[str]
    inline: list[str]
    admin: bool | None
    findings: list[str]


def _trust(ctx: EvidenceContext, role: Node) -> str:
    if is_sam(role):
        return (
            "Service: lambda.amazonaws.com (SAM)"
            if role.kind == "AWS::Lambda::Function"
            else "Service: states.amazonaws.com (SAM)"
        )
    parts: list[str] = []
    docs = [d for d in documents_of(ctx.graph, role) if d.purpose == "trust"]
    if not docs:
        return "no trust policy"
    for doc in docs:
        if doc.unknown is not None:
            parts.append(f"unresolved ({doc.unknown.expr})")
            continue
        for s in doc.statements:
            if not s.allows:
                continue
            p = s.principals
            cond = " (with condition)" if s.has_condition else ""
            if isinstance(p, Unknown):
                parts.append(f"unresolved principal{cond}")
            elif isinstance(p, str):
                parts.append(f"{p}{cond}")
            elif isinstance(p, dict):
                for key in sorted(p):
                    vals = ", ".join(describe(v) for v in p[key])
                    parts.append(f"{key}: {vals}{cond}")
    return "; ".join(dict.fromkeys(parts)) or "no Allow statement"


def _user_trust(ctx: EvidenceContext, user: Node) -> str:
    view = iam_view(ctx.graph)
    console = "console login" if view.login_profiles.get(user.id) else "no console login"
    keys = [n for n in ctx.graph.referrers(user, "AWS::IAM::AccessKey") if n.category == "resource"]
    text = f"{console}; {len(keys)} access key{'s' if len(keys) != 1 else ''} in code"
    groups = view.groups_of_user.get(user.id, [])
    if groups:
        text += "; groups: " + ", ".join(sorted(g.address for g in groups))
    return text


def _group_trust(ctx: EvidenceContext, group: Node) -> str:
    view = iam_view(ctx.graph)
    members = sorted(
        uid.split("::", 1)[1]
        for uid, groups in view.groups_of_user.items()
        if any(g.id == group.id for g in groups)
    )
    return "members: " + (", ".join(members) if members else "none in code")


def _policies(grants: Iterable[Grant]) -> tuple[list[str], list[str]]:
    attached: list[str] = []
    inline: list[str] = []
    for g in grants:
        if g.how == "inline" or (
            g.how == "SAM Policies" and not g.policy.written and not g.policy.aws_managed
        ):
            where = g.source.address
            if g.principal is not None and g.source.id == g.principal.id and g.path:
                where = f"{where} {format_path(g.path)}"
            inline.append(where)
        else:
            attached.append(g.policy.describe())
    return sorted(set(attached)), sorted(set(inline))


def _admin(grants: Iterable[Grant], complete: bool = True) -> bool | None:
    verdict: bool | None = False
    for g in grants:
        v = grant_is_admin(g)
        if v is True:
            return True
        if v is None:
            verdict = None
    if verdict is False and not complete:
        return None
    return verdict


def principal_rows(ctx: EvidenceContext) -> list[PrincipalRow]:
    view = iam_view(ctx.graph)
    rows: list[PrincipalRow] = []
    for label, kind in PRINCIPAL_KINDS.items():
        for node in ctx.graph.nodes(kind):
            if label == "user":
                grants, complete = view.effective_grants(node)
                trust = _user_trust(ctx, node)
            else:
                grants = view.grants_of(node)
                complete = not view.unresolved.get((node.scope, label))
                trust = _trust(ctx, node) if label == "role" else _group_trust(ctx, node)
            attached, inline = _policies(view.grants_of(node))
            rows.append(
                PrincipalRow(
                    node,
                    label,
                    trust,
                    attached,
                    inline,
                    _admin(grants, complete),
                    ctx.rule_ids_touching(node),
                )
            )
    # the roles SAM creates for functions and state machines with Policies
    seen = {r.node.id for r in rows}
    for g in view.grants:
        n = g.principal
        if n is None or n.id in seen or not is_sam(n):
            continue
        seen.add(n.id)
        grants = view.grants_of(n)
        attached, inline = _policies(grants)
        rows.append(
            PrincipalRow(
                n,
                "role (SAM)",
                _trust(ctx, n),
                attached,
                inline,
                _admin(grants),
                ctx.rule_ids_touching(n),
            )
        )
    rows.sort(key=lambda r: (r.kind, r.node.scope, node_sort_key(r.node)))
    return rows


def _external_grants(ctx: EvidenceContext) -> list[Grant]:
    """Grants to principals that are not in the configuration (named, or unresolved)."""
    view = iam_view(ctx.graph)
    out = [g for g in view.grants if g.principal is None]
    out.sort(key=lambda g: (g.source.scope, node_sort_key(g.source), repr(g.path)))
    return out


def render(ctx: EvidenceContext) -> dict[str, str]:
    rows = principal_rows(ctx)
    yn = {True: "yes", False: "no", None: "unknown"}
    csv_rows = [
        [
            r.kind,
            r.node.address,
            r.node.scope,
            location(first_line(r.node)),
            r.trust,
            "; ".join(r.attached),
            "; ".join(r.inline),
            yn[r.admin],
            "; ".join(r.findings),
        ]
        for r in rows
    ]
    out = ["# IAM principals", ""]
    out.append(
        "Every IAM user, group and role declared in the scanned code (and the role SAM creates "
        "for each function or state machine with `Policies`), how it is trusted, the policies "
        "it holds, whether that amounts to administrator access, and the findings that "
        "concern it. Evidence for CC6.1, CC6.2 and CC6.3 (least privilege, access "
        "registration)."
    )
    out.append("")
    admins = [r for r in rows if r.admin is True]
    unknown = [r for r in rows if r.admin is None]
    out.append(
        f"{len(rows)} principal{'s' if len(rows) != 1 else ''}: "
        f"{sum(1 for r in rows if r.kind == 'user')} users, "
        f"{sum(1 for r in rows if r.kind == 'group')} groups, "
        f"{sum(1 for r in rows if r.kind.startswith('role'))} roles; "
        f"{len(admins)} admin-equivalent, {len(unknown)} undetermined."
    )
    out.append("")
    if rows:
        md_rows = [
            [
                md(r.kind),
                ctx.pack.link(MD, first_line(r.node), r.node.address),
                md(r.trust),
                md("; ".join(r.attached)) or "none",
                md("; ".join(r.inline)) or "none",
                yn[r.admin],
                md(", ".join(r.findings)) or "none",
            ]
            for r in rows
        ]
        out.extend(
            table(
                [
                    "Kind",
                    "Principal",
                    "Trust",
                    "Attached policies",
                    "Inline policies",
                    "Admin-equivalent",
                    "Findings",
                ],
                md_rows,
            )
        )
        out.append("")
    ext = _external_grants(ctx)
    if ext:
        out.append("## Grants to principals outside this code")
        out.append("")
        out.append(
            "Policies the code attaches to users, groups or roles that it does not declare "
            "(named literally, or by a value that cannot be resolved)."
        )
        out.append("")
        out.extend(
            table(
                ["Principal", "Kind", "Policy", "Written in"],
                [
                    [
                        md(g.principal_label),
                        g.principal_kind,
                        md(g.policy.describe()),
                        ctx.pack.link(MD, g.source.location_of(g.path), g.source.address),
                    ]
                    for g in ext
                ],
            )
        )
        out.append("")
    out.append("## Columns of iam-principals.csv")
    out.append("")
    out.extend(columns_doc(COLUMNS))
    out.append("")
    return {MD: "\n".join(out), CSV: csv_text([c for c, _ in COLUMNS], csv_rows)}

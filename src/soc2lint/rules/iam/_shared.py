"""Code several IAM rules share."""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.rule import Context
from soc2lint.views.iam import boundary_only_policies
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    allows_action,
    denied_everywhere,
    policy_index,
    resource_covers_type,
)

from .._common import documents

CHECKLIST = "A. Least Privilege"


TSC = ("CC6.1", "CC6.2", "CC6.3")


def boundary_only(ctx: Context, doc: PolicyDocument) -> bool:
    """Every policy carrying the document only serves as a permissions boundary."""
    boundaries = boundary_only_policies(ctx.graph)
    if not boundaries:
        return False
    holders = [
        holder_id
        for holder_id, docs in policy_index(ctx.graph).by_holder.items()
        if any(d.node.id == doc.node.id for d in docs)
    ]
    return bool(holders) and all(h in boundaries for h in holders)


def identity_statements(ctx: Context) -> Iterator[tuple[PolicyDocument, Statement | None]]:
    """(document, statement) of identity policies; statement None: the document is unknown.

    Policies that only serve as permissions boundaries grant nothing and are left out.
    """
    for doc, judge in documents(ctx, "identity"):
        if boundary_only(ctx, doc):
            continue
        if not judge:
            yield doc, None
            continue
        for s in doc.statements:
            yield doc, s


def passrole_everywhere(doc: PolicyDocument, stmt: Statement) -> bool | None:
    """The statement allows iam:PassRole on every role (and no Deny in the document removes it)."""
    if not stmt.allows:
        return False
    granted = allows_action(stmt, "iam:PassRole")
    if granted is not True:
        return granted
    covers = resource_covers_type(stmt, "iam", "role")
    if covers is not True:
        return covers
    return not denied_everywhere(doc, "iam:PassRole")

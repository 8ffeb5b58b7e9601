"""Shared helpers of the IAM and resource-policy rules (statements, labels, unknowns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.views.policy import PolicyDocument, Statement, policy_documents


def label(stmt: Statement) -> str:
    """How a message names a statement: its Sid, else its position."""
    if stmt.sid:
        return f'statement "{stmt.sid}"'
    return f"statement #{stmt.index}"


def holder_note(doc: PolicyDocument, stmt: Statement) -> str:
    """`` (policy of aws_iam_role.app)`` when the statement is written elsewhere than its holder."""
    holder = doc.holder
    if holder.id == stmt.node.id:
        return ""
    return f" (used by {holder.address})"


def related_holder(doc: PolicyDocument, stmt: Statement) -> list[RelatedRef]:
    holder = doc.holder
    if holder.id == stmt.node.id:
        return []
    return [RelatedRef(holder, (), f"the policy is used by {holder.address}")]


def quoted(values: Any) -> str:
    items = [v for v in (values or ()) if isinstance(v, str)]
    return ", ".join(f'"{v}"' for v in items)


def documents(
    ctx: Context, purpose: str, holder_kinds: tuple[str, ...] | None = None
) -> Iterator[tuple[PolicyDocument, bool]]:
    """Documents of a purpose, with whether they can be judged (known, certain to exist).

    Unknown documents and documents on nodes that may not exist yield
    ``(doc, False)`` so the rule can report them under ``--strict`` only.
    """
    for doc in policy_documents(ctx.graph, purpose):  # type: ignore[arg-type]
        if holder_kinds is not None and doc.holder.kind not in holder_kinds:
            continue
        judge = doc.unknown is None and not doc.node.may_not_exist and not doc.holder.may_not_exist
        yield doc, judge


def unresolved_document(ctx: Context, doc: PolicyDocument) -> Iterator[Report]:
    what = "the policy document"
    if doc.unknown is not None and doc.unknown.expr:
        what = f"the policy document ({doc.unknown.expr})"
    yield from ctx.unresolved(doc.node, doc.path, what)

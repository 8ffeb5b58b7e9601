"""Helpers rules of several families share.

* ``surely_set`` for values that are unknown before apply;
* how IAM, KEY002, NET011 and TLS007 messages name policy statements and
  their holders (``label``, ``holder_note``, ``documents``...), and which
  statements of a resource policy allow the public (``public_allows``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Path, Unknown
from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    policy_documents,
    public_unknown,
    public_verdict,
)


def surely_set(a: Attr, graph: ResourceGraph) -> bool:
    """An unknown value that certainly exists: it derives only from resources or data sources.

    ``aws_kms_key.k.arn`` or ``!GetAtt Key.Arn`` is unknown before apply but never
    null; a value that also depends on a variable or parameter may be.
    """
    value = a.value
    if not isinstance(value, Unknown) or not value.refs:
        return False
    for ref in value.refs:
        target = graph.find(a.node.scope, ref)
        if target is None and "." in ref:
            target = graph.find(a.node.scope, ref.rsplit(".", 1)[0])
        if target is None or target.category not in ("resource", "data"):
            return False
    return True


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
    """Documents of a purpose, with whether they can be judged (known).

    Unknown documents yield ``(doc, False)`` so the rule can report them under
    ``--strict`` only.  A document on a node that may not exist is judged like
    one that exists (RULES.md, "Resources that may not exist").
    """
    for doc in policy_documents(ctx.graph, purpose):  # type: ignore[arg-type]
        if holder_kinds is not None and doc.holder.kind not in holder_kinds:
            continue
        judge = doc.unknown is None
        yield doc, judge


def unresolved_document(ctx: Context, doc: PolicyDocument) -> Iterator[Report]:
    what = "the policy document"
    if doc.unknown is not None and doc.unknown.expr:
        what = f"the policy document ({doc.unknown.expr})"
    yield from ctx.unresolved(doc.node, doc.path, what)


def public_allows(
    ctx: Context, holder_kinds: tuple[str, ...]
) -> Iterator[tuple[PolicyDocument, Statement | None, bool]]:
    """(doc, statement, unresolved) for Allow statements open to the public.

    Public as S3 defines it (:func:`~soc2lint.views.policy.public_verdict`): principal
    ``*`` unless a condition restricts who can use it to fixed values of
    ``aws:SourceArn``, ``aws:SourceAccount``, ``aws:PrincipalOrgID``... (NET011, KEY002
    and IAM008 share this one decision).
    """
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "resource", holder_kinds):
        if not judge:
            yield doc, None, True
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen:
                continue
            verdict, _ = public_verdict(stmt)
            if verdict is None:
                seen.add(key)
                yield doc, stmt, True
            elif verdict:
                seen.add(key)
                yield doc, stmt, False


def public_condition_note(stmt: Statement) -> str:
    """How a message says why a public statement's conditions do not make it private."""
    _, others = public_verdict(stmt)
    if not others:
        return "with no condition"
    keys = ", ".join(f"`{k}`" for k in others[:4])
    return f"with a condition on {keys} only, which does not limit who can use it"


def unresolved_public(ctx: Context, stmt: Statement) -> Iterator[Report]:
    """Under --strict: the principal or condition that decides whether the statement is public."""
    yield from ctx.unresolved(
        stmt.node,
        stmt.path,
        f"the principal or condition of {label(stmt)}",
        value=public_unknown(stmt),
    )


def actions_text(stmt: Statement) -> str:
    if isinstance(stmt.actions, tuple):
        return quoted(stmt.actions)
    if stmt.not_actions is not None:
        return "every action but NotAction"
    return "unknown actions"

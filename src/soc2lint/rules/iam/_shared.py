"""Code several IAM rules share."""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.rule import Context
from soc2lint.views.policy import PolicyDocument, Statement

from .._common import documents
from ._claims import boundary_only_doc

CHECKLIST = "A. Least Privilege"


TSC = ("CC6.1", "CC6.2", "CC6.3")


def boundary_only(ctx: Context, doc: PolicyDocument) -> bool:
    """Every policy carrying the document only serves as a permissions boundary."""
    return boundary_only_doc(ctx.graph, doc)


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

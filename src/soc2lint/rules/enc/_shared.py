"""Code several ENC rules share."""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node
from soc2lint.rule import Context, Report
from soc2lint.views.encryption import Decision

from .._common import surely_set

CHECKLIST = "B. Data at Rest"


TSC = ("CC6.1", "C1.1")

#: the message of a storage that is not encrypted (Context.require)
UNENCRYPTED = "{address}: {problem}; the data is not encrypted at rest"


def report(
    ctx: Context, node: Node, d: Decision, tf_name: str, extra: str = ""
) -> Iterator[Report]:
    """Turn a decision into a finding (unencrypted) or an unresolved note (unknown)."""
    if d.state == "unknown" and d.attr is not None:
        if d.attr is d.source and surely_set(d.attr, ctx.graph):
            return  # a restore or replica of a resource: it inherits
        yield from ctx.unresolved(node, d.attr)
    elif d.state == "exempt" and d.note:
        ctx.not_applicable(node, d.note)
    elif d.state == "unencrypted":
        attr = d.attr or node.attr(tf_name)
        name = attr.path_str or tf_name
        yield ctx.finding(
            node,
            attr,
            f"{node.address}: `{name}` {d.note}; the data is not encrypted at rest{extra}",
        )

"""Helpers every rule family uses: three-valued checks of one attribute.

The most common rule shape is "this attribute must be true (or one of these
values); when it is not written, the service default applies".  These
helpers give that shape one implementation with the project's semantics:

* a known value that fails -> a finding at the attribute;
* a missing attribute whose default fails -> a finding at the resource's first line;
* an unknown value -> no finding (a low one under ``--strict``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Unknown, describe_value, to_bool
from soc2lint.rule import Context, Report


def spelled(node: Node, tf: str | None, cfn: str | None) -> str:
    """The attribute's name in the node's language, for messages."""
    name = tf if node.language == "terraform" else cfn
    return name or (tf or cfn or "")


def check_true(
    ctx: Context,
    node: Node,
    *,
    tf: str | None,
    cfn: str | None,
    default: bool = False,
    what: str,
) -> Iterator[Report]:
    """Report when the boolean attribute is (or defaults to) false.

    ``what`` completes the message: "<address> <what>: <attr> is false".
    """
    a = node.attr(tf=tf, cfn=cfn)
    name = spelled(node, tf, cfn)
    if a.missing:
        if not default:
            yield ctx.finding(
                node, a, f"{node.address} {what}: `{name}` is not set (default false)"
            )
        return
    if a.unknown:
        yield from ctx.unresolved(node, a)
        return
    value = to_bool(a.value)
    if value is None:
        yield from ctx.unresolved(node, a)
        return
    if not value:
        yield ctx.finding(node, a, f"{node.address} {what}: `{name}` is {describe_value(a.value)}")


def check_value(
    ctx: Context,
    node: Node,
    *,
    tf: str | None,
    cfn: str | None,
    ok: Callable[[Any], bool],
    default: Any = None,
    what: str,
    expected: str,
) -> Iterator[Report]:
    """Report when the attribute's value (or its default when missing) fails ``ok``.

    ``default=None`` means a missing attribute is not a finding.
    """
    a = node.attr(tf=tf, cfn=cfn)
    name = spelled(node, tf, cfn)
    if a.missing:
        if default is not None and not ok(default):
            yield ctx.finding(
                node,
                a,
                f"{node.address} {what}: `{name}` is not set (default "
                f"{describe_value(default)}); expected {expected}",
            )
        return
    if a.unknown:
        yield from ctx.unresolved(node, a)
        return
    if not ok(a.value):
        yield ctx.finding(
            node,
            a,
            f"{node.address} {what}: `{name}` is {describe_value(a.value)}; expected {expected}",
        )


def first_present(node: Node, *candidates: tuple[str | None, str | None]) -> Attr:
    """The first of several (tf, cfn) spellings that is written, else the first one missing."""
    attrs = [node.attr(tf=tf, cfn=cfn) for tf, cfn in candidates]
    for a in attrs:
        if a.present:
            return a
    return attrs[0]


def known_strings(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


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


def existence_unknown(ctx: Context, node: Node) -> Iterator[Report]:
    """Under --strict, say that the node may not exist; nothing otherwise."""
    path = ("@count",) if node.language == "terraform" else ("@Condition",)
    yield from ctx.unresolved(node, path, "whether the resource is created")

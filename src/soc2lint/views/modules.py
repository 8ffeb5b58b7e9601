"""Parts of the configuration that were not read: module calls, nested stacks, pre-processor modules.

Terraform module calls carry ``meta["loaded"] = False`` when their source
could not be read (a remote module without ``.terraform``); so do
CloudFormation pre-processor modules (``Type: !Rain::Module x.yaml``), which
another tool expands before deploy.  A CloudFormation stack resource that
contains nothing was not loaded either (a remote ``TemplateURL``).  Whatever
they create is unknown: a resource they receive (by reference, or by a name
equal to the resource's own) may be configured inside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..graph import ResourceGraph
from ..model import Node, Unknown


def unloaded_modules(graph: ResourceGraph) -> list[Node]:
    """Module calls, pre-processor modules and nested stacks whose contents were not loaded."""

    def build(g: ResourceGraph) -> list[Node]:
        out = [n for n in g.nodes("module", category="module") if n.meta.get("loaded") is False]
        for stack in g.nodes("AWS::CloudFormation::Stack"):
            if not g.edges(stack, "out", edge_kind="contains"):
                out.append(stack)
        return out

    result: list[Node] = graph.view("logging.unloaded_modules", build)
    return result


def _values(value: Any, depth: int = 0) -> Iterator[Any]:
    """Every scalar (strings, Unknowns) inside a module's inputs."""
    if depth > 20:
        return
    if isinstance(value, dict):
        for v in value.values():
            yield from _values(v, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _values(v, depth + 1)
    elif isinstance(value, (str, Unknown)):
        yield value


def unloaded_receivers(graph: ResourceGraph, node: Node, name: Any = None) -> list[Node]:
    """Unloaded modules (same scope) that receive ``node``: by reference, or by its ``name``.

    ``name`` is the node's own name (a bucket name, say): an input equal to it,
    a literal or the same unresolved expression (``!Sub ${AppName}-logs``), passes
    the resource to the module by name.
    """
    unloaded = unloaded_modules(graph)
    if not unloaded:
        return []
    ids = {n.id for n in unloaded}
    out = [n for n in graph.referrers(node) if n.id in ids]
    if isinstance(name, Unknown) or (isinstance(name, str) and name):
        seen = {n.id for n in out}
        for m in unloaded:
            if m.scope != node.scope or m.id in seen:
                continue
            if any(v == name for v in _values(m.attrs)):
                out.append(m)
    return out


__all__ = ["unloaded_modules", "unloaded_receivers"]

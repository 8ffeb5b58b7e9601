"""Parts of the configuration that were not read: module calls, nested stacks, pre-processor modules.

Terraform module calls carry ``meta["loaded"] = False`` when their source
could not be read (a remote module without ``.terraform``); so do
CloudFormation pre-processor modules (``Type: !Rain::Module x.yaml``), which
another tool expands before deploy.  A CloudFormation stack resource that
contains nothing was not loaded either (a remote ``TemplateURL``).  Whatever
they create is unknown: a resource they receive (a reference to it, or its own
name, ID or ARN, as an input or an element of one) may be configured inside
them; a string merely built from it (``"${aws_s3_bucket.b.arn}/*"``) cannot.
"""

from __future__ import annotations

import re
from typing import Any

from ..graph import ResourceGraph
from ..links import node_names
from ..model import Node, PartialValue, Unknown


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


#: an expression that is a reference and nothing else: ``aws_s3_bucket.b.id``,
#: ``module.x.bucket[0]``, ``!Ref Bucket``, ``!GetAtt Bucket.Arn``
_PLAIN_REFERENCE = re.compile(
    r"[A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^\]\[]*\])*|!Ref [\w:.-]+|!GetAtt [\w:.-]+"
)
_ARN = re.compile(r"^arn:[a-z0-9-]*:[a-z0-9-]+:[^:]*:[^:]*:(.+)$")


def _is_arn_of(text: str, names: set[str]) -> bool:
    """An ARN naming exactly one of ``names`` (``arn:aws:s3:::logs``, not ``...:::logs/*``)."""
    m = _ARN.match(text)
    if m is None:
        return False
    resource = m.group(1)
    return any(resource == n or resource.endswith(("/" + n, ":" + n)) for n in names if n)


def _passes(value: Any, node: Node, names: set[str], name: Any, depth: int = 0) -> bool:
    """Whether ``value`` is ``node`` itself, or holds it as an element of a list or map:
    a reference to it and nothing else, its name, ID or ARN, or the same unresolved
    name.  A string that only contains it (``"${aws_s3_bucket.b.arn}/*"``,
    ``arn:aws:s3:::logs/*``, ``"s3://logs/flow"``) does not pass the node itself."""
    if depth > 20:
        return False
    if isinstance(value, PartialValue) and isinstance(value.value, dict | list):
        return _passes(value.value, node, names, name, depth + 1)
    if isinstance(value, Unknown):
        if isinstance(name, Unknown) and value == name:
            return True
        return node.address in value.refs and _PLAIN_REFERENCE.fullmatch(value.expr) is not None
    if isinstance(value, str):
        return value in names or (value.startswith("arn:") and _is_arn_of(value, names))
    if isinstance(value, dict):
        return any(_passes(v, node, names, name, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_passes(v, node, names, name, depth + 1) for v in value)
    return False


def unloaded_receivers(graph: ResourceGraph, node: Node, name: Any = None) -> list[Node]:
    """Unloaded modules (same scope) that receive ``node`` itself as an input: a reference
    to it, or its name (``name``: the node's own name, a bucket name, say; an unresolved
    one, ``!Sub ${AppName}-logs``, must be the same expression), ID or ARN, alone or
    as an element of a list or map.  A module that only gets a string built from it
    (an ARN with a path, ``"logs from ${aws_s3_bucket.b.id}"``) cannot configure it.
    """
    unloaded = unloaded_modules(graph)
    if not unloaded:
        return []
    ids = {n.id for n in unloaded}
    names = set(node_names(node))
    if isinstance(name, str) and name:
        names.add(name)
    out: dict[str, Node] = {}
    for edge, other in graph.edges(node, "in"):
        if (
            other.id in ids
            and other.id not in out
            and _passes(other.attr(edge.src_path).value, node, names, name)
        ):
            out[other.id] = other
    if isinstance(name, Unknown) or names:
        for m in unloaded:
            if m.scope == node.scope and m.id not in out and _passes(m.attrs, node, names, name):
                out[m.id] = m
    return [out[k] for k in sorted(out)]


def configured_elsewhere(graph: ResourceGraph, node: Node) -> bool:
    """A module or nested stack that was not loaded receives ``node``: it may configure it."""
    return bool(unloaded_receivers(graph, node))


__all__ = ["configured_elsewhere", "unloaded_modules", "unloaded_receivers"]

"""A deterministic, JSON-ready dump of an evaluated graph.

Used by ``soc2lint graph`` (debugging what the front ends understood) and by
the golden-file tests of the front ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import MISSING, Edge, Node, PartialValue, Unknown, format_path


def jsonable(value: Any, _depth: int = 0) -> Any:
    """A value with Unknowns rendered as ``{"$unknown": expr, "refs": [...]}`` (and what is
    known of a partly known value as ``"known"``)."""
    if isinstance(value, Unknown):
        out: dict[str, Any] = {"$unknown": value.expr}
        if value.refs:
            out["refs"] = list(value.refs)
        if value.secret:
            out["secret"] = True
        if isinstance(value, PartialValue) and _depth <= 100:
            # what is known of it: a document's structure, a map's known entries
            out["known"] = jsonable(value.value, _depth + 1)
            if value.encoding:
                out["encoding"] = value.encoding
        return out
    if value is MISSING:
        return {"$missing": True}
    if _depth > 100:
        return "<too deep>"
    if isinstance(value, dict):
        return {str(k): jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, _depth + 1) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def dump_node(node: Node, *, with_locations: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scope": node.scope,
        "address": node.address,
        "kind": node.kind,
        "type": node.type,
        "category": node.category,
        "language": node.language,
        "file": node.range.file,
        "line": node.range.start_line,
        "end_line": node.range.end_line,
        "attrs": jsonable(node.attrs),
    }
    meta = {k: jsonable(v) for k, v in sorted(node.meta.items()) if v not in (None, [], {}, "")}
    if meta:
        out["meta"] = meta
    if node.origins:
        out["origins"] = {
            format_path(p): {"via": o.via, "at": str(o.range) if o.range else None}
            for p, o in sorted(node.origins.items(), key=lambda kv: format_path(kv[0]))
        }
    if with_locations:
        out["locations"] = {
            format_path(p): f"{r.start_line}:{r.start_col}-{r.end_line}:{r.end_col}"
            for p, r in sorted(node.locations.items(), key=lambda kv: format_path(kv[0]))
        }
    return out


def dump_edge(edge: Edge) -> dict[str, Any]:
    out: dict[str, Any] = {
        "src": edge.src,
        "dst": edge.dst,
        "kind": edge.kind,
        "src_path": format_path(edge.src_path),
    }
    if edge.dst_attr:
        out["dst_attr"] = edge.dst_attr
    return out


def dump_graph(
    nodes: Iterable[Node], edges: Iterable[Edge], *, with_locations: bool = False
) -> dict[str, Any]:
    ns = sorted(nodes, key=lambda n: (n.scope, n.category, n.address))
    es = sorted(
        {(e.src, e.dst, e.kind, e.src_path, e.dst_attr): e for e in edges}.values(),
        key=lambda e: (e.src, e.dst, e.kind, format_path(e.src_path), e.dst_attr or ""),
    )
    return {
        "nodes": [dump_node(n, with_locations=with_locations) for n in ns],
        "edges": [dump_edge(e) for e in es],
    }

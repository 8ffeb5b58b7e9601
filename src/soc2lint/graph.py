"""The resource graph: every node of every scanned root, and the edges between them.

Rules use this facade only, so the backing can change when a benchmark says
so.  It was a networkx ``MultiDiGraph``; on a 60k-resource scan adding the
edges alone took 6 s, so it is now two adjacency dictionaries (out and in)
keyed by node id, then by the node at the other end, then by the edge key
``(kind, src_path, dst_attr)``: the same iteration order as the
``MultiDiGraph`` it replaces, at a fraction of the cost.  Nodes are indexed
by kind and by address at construction, so "all S3 buckets" or "what does
this bucket point at" are dictionary look-ups, never scans of the whole
graph.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from .model import Edge, Node, Path

Direction = Literal["out", "in", "both"]

#: an edge's identity between two nodes: (kind, src_path, dst_attr)
EdgeKey = tuple[str, Path, "str | None"]
#: node id -> node at the other end -> edge key -> edge
Adjacency = dict[str, dict[str, dict[EdgeKey, Edge]]]


class ResourceGraph:
    """Nodes of all scanned roots plus the edges between them."""

    def __init__(self, nodes: Iterable[Node] = (), edges: Iterable[Edge] = ()) -> None:
        self._out: Adjacency = {}
        self._in: Adjacency = {}
        self._nodes: dict[str, Node] = {}
        self._by_kind: dict[str, list[Node]] = defaultdict(list)
        #: nodes by category, in insertion order (rules ask for every resource often)
        self._by_category: dict[str, list[Node]] = defaultdict(list)
        self._by_scope_address: dict[tuple[str, str], Node] = {}
        self._views: dict[str, Any] = {}
        #: edges not in the adjacency tables yet: they are indexed on the first edge query
        #: (a scan whose findings all come from the findings cache never asks one)
        self._pending: list[Edge] = []
        for n in nodes:
            self.add_node(n)
        self.add_edges(edges)

    # ---- construction ------------------------------------------------------

    def add_node(self, node: Node) -> None:
        if self._pending:  # an edge is kept only between nodes present when it was added
            self._index_edges()
        node_id = node.id
        if node_id in self._nodes:
            # Two objects with one address in one scope: keep the first, the
            # front end reports duplicates itself.
            return
        self._nodes[node_id] = node
        self._by_kind[node.kind].append(node)
        self._by_category[node.category].append(node)
        self._by_scope_address[(node.scope, node.address)] = node
        if self._views:
            self._views.clear()

    def add_edges(self, edges: Iterable[Edge]) -> None:
        pending = self._pending
        before = len(pending)
        pending.extend(edges)
        if len(pending) > before and self._views:
            self._views.clear()

    def add_edge(self, edge: Edge) -> None:
        self.add_edges((edge,))

    def _index_edges(self) -> None:
        """The pending edges into the adjacency tables (the loop inlined: graphs have
        ~5 edges a node); the first edge between two nodes with one key is kept."""
        nodes, out_adj, in_adj = self._nodes, self._out, self._in
        pending, self._pending = self._pending, []
        for edge in pending:
            src, dst = edge.src, edge.dst
            if src == dst or src not in nodes or dst not in nodes:
                continue
            key: EdgeKey = (edge.kind, edge.src_path, edge.dst_attr)
            out = out_adj.get(src)
            if out is None:
                out = out_adj[src] = {dst: {key: edge}}
            else:
                keyed = out.get(dst)
                if keyed is None:
                    out[dst] = {key: edge}
                elif key in keyed:
                    continue
                else:
                    keyed[key] = edge
            inc = in_adj.get(dst)
            if inc is None:
                in_adj[dst] = {src: {key: edge}}
            else:
                back = inc.get(src)
                if back is None:
                    inc[src] = {key: edge}
                else:
                    back[key] = edge

    def _adjacency(self) -> tuple[Adjacency, Adjacency]:
        """The out and in tables, with every edge added so far."""
        if self._pending:
            self._index_edges()
        return self._out, self._in

    # ---- node queries ------------------------------------------------------

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes.values())

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def find(self, scope: str, address: str) -> Node | None:
        """The node with this address in this scope, if any."""
        return self._by_scope_address.get((scope, address))

    def nodes(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        category: str | None = "resource",
        scope: str | None = None,
        where: Callable[[Node], bool] | None = None,
    ) -> list[Node]:
        """Nodes of the given kind(s) (all kinds when None), in a stable order.

        ``category`` defaults to ``resource``; pass ``None`` for every category.
        """
        if kind is None and category is not None:
            pool: Iterable[Node] = self._by_category.get(category, ())
            category = None  # every node of the pool has it
        elif kind is None:
            pool = self._nodes.values()
        elif isinstance(kind, str):
            pool = self._by_kind.get(kind, ())
        else:
            pool = [n for k in dict.fromkeys(kind) for n in self._by_kind.get(k, ())]
        if category is None and scope is None and where is None:
            return list(pool)
        out = [
            n
            for n in pool
            if (category is None or n.category == category)
            and (scope is None or n.scope == scope)
            and (where is None or where(n))
        ]
        return out

    def kinds(self) -> list[str]:
        return sorted(k for k, v in self._by_kind.items() if v)

    def scopes(self) -> list[str]:
        return sorted({n.scope for n in self._nodes.values()})

    # ---- edge queries ------------------------------------------------------

    def edges(
        self,
        node: Node,
        direction: Direction = "out",
        *,
        kind: str | Iterable[str] | None = None,
        edge_kind: str | Iterable[str] | None = None,
        via: str | Path | None = None,
    ) -> list[tuple[Edge, Node]]:
        """Edges touching ``node`` with the node at the other end.

        ``kind`` filters the other node's kind; ``edge_kind`` the edge kind
        (``ref``, ``literal``...); ``via`` the attribute path on the source
        side: a dotted prefix (``bucket``, ``vpc_config``) matched against the
        edge's ``src_path`` ignoring list indexes.
        """
        kinds = _as_set(kind)
        ekinds = _as_set(edge_kind)
        via_t: tuple[str, ...] | None = None
        if via is not None:
            via_t = _via_names(via) if isinstance(via, str) else _names(tuple(via))
        found: list[tuple[str, Edge, Node]] = []
        out_adj, in_adj = self._adjacency()
        tables: list[Adjacency] = []
        if direction in ("out", "both"):
            tables.append(out_adj)
        if direction in ("in", "both"):
            tables.append(in_adj)
        nodes = self._nodes
        node_id = node.id
        # No self-edges are stored, so an edge met from both ends is never the same edge.
        for table in tables:
            adjacent = table.get(node_id)
            if not adjacent:
                continue
            for other_id, keyed in adjacent.items():
                other = nodes[other_id]
                if kinds is not None and other.kind not in kinds:
                    continue
                for e in keyed.values():
                    if ekinds is not None and e.kind not in ekinds:
                        continue
                    if via_t is not None and _names(e.src_path)[: len(via_t)] != via_t:
                        continue
                    found.append((other_id, e, other))
        if len(found) > 1:
            # by the other node's id (other_id is other.id), then edge kind and path
            found.sort(key=lambda t: (t[0], t[1].kind, t[1].src_path.__repr__()))
        return [(e, other) for _, e, other in found]

    def related(
        self,
        node: Node,
        kind: str | Iterable[str] | None = None,
        *,
        direction: Direction = "both",
        edge_kind: str | Iterable[str] | None = None,
        via: str | Path | None = None,
    ) -> list[Node]:
        """Distinct nodes joined to ``node`` by an edge, in a stable order."""
        seen: dict[str, Node] = {}
        for _, other in self.edges(node, direction, kind=kind, edge_kind=edge_kind, via=via):
            seen.setdefault(other.id, other)
        return list(seen.values())

    def referrers(
        self, node: Node, kind: str | Iterable[str] | None = None, *, via: str | None = None
    ) -> list[Node]:
        """Nodes that point at ``node`` (incoming edges), optionally through attribute ``via``."""
        return self.related(node, kind, direction="in", via=via)

    def targets(
        self, node: Node, kind: str | Iterable[str] | None = None, *, via: str | None = None
    ) -> list[Node]:
        """Nodes that ``node`` points at (outgoing edges), optionally from attribute ``via``."""
        return self.related(node, kind, direction="out", via=via)

    def reachable(self, node: Node, direction: Direction = "out") -> list[Node]:
        """Every node reachable from ``node`` along edges in the given direction."""
        out_adj, in_adj = self._adjacency()
        tables: list[Adjacency] = []
        if direction in ("out", "both"):
            tables.append(out_adj)
        if direction in ("in", "both"):
            tables.append(in_adj)
        seen = {node.id}
        stack = [node.id]
        while stack:
            current = stack.pop()
            for table in tables:
                for other in table.get(current, ()):
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
        seen.discard(node.id)
        return sorted((self._nodes[i] for i in seen), key=lambda n: n.id)

    def all_edges(self) -> list[Edge]:
        """Every edge, by source node in insertion order."""
        out: list[Edge] = []
        out_adj = self._adjacency()[0]
        for src in self._nodes:
            for keyed in out_adj.get(src, {}).values():
                out.extend(keyed.values())
        return out

    # ---- shared views -----------------------------------------------------

    def view(self, name: str, build: Callable[[ResourceGraph], Any]) -> Any:
        """A derived structure built once per graph and shared by every rule.

        Views such as "which resources use this key", the network model or
        backup coverage are computed on first use and cached here, so rules
        and the evidence pack never recompute them.
        """
        if name not in self._views:
            self._views[name] = build(self)
        return self._views[name]

    def drop_views(self) -> None:
        """Forget the views built so far.  They refer back to the graph; a caller that
        is done with a graph (``soc2lint history``, between commits) drops them so that
        reference counting frees the graph at once, not the cyclic collector later."""
        self._views.clear()


def _as_set(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _one(value)
    return frozenset(value)


@functools.lru_cache(maxsize=1024)
def _one(value: str) -> frozenset[str]:
    return frozenset((value,))


@functools.lru_cache(maxsize=1024)
def _via_names(via: str) -> tuple[str, ...]:
    return tuple(via.split("."))


#: an attribute path's names without list indexes, by path (edges share path objects)
_NAMES: dict[Path, tuple[str, ...]] = {}


def _names(path: Path) -> tuple[str, ...]:
    names = _NAMES.get(path)
    if names is None:
        names = tuple(p for p in path if isinstance(p, str))
        if len(_NAMES) >= 100_000:
            _NAMES.clear()
        _NAMES[path] = names
    return names

"""What the scope-local rules found, per group of parts, kept between scans.

A rule is *scope-local* (:func:`is_scope_local`) when its findings for a scope
depend on that scope's objects alone: a built-in rule that is not account-wide
(reserved rules report diagnostics, not checks).  Parts (roots, templates;
:class:`~soc2lint.frontend.Part`) joined by a graph edge form one *group*
(:func:`join_parts`), checked together.  Account-wide and plug-in rules, whose
reach is not known, run over the whole graph on every scan.

``soc2lint history`` keeps these findings in memory while a part's evaluated
source object is unchanged (:mod:`soc2lint.history.scan`).  A scan with a cache
directory keeps them on disk (:class:`FindingsCache`): one entry per group,
holding its findings and what each rule said it does not apply to
(``ctx.not_applicable``), under

* every part's result-cache identity (``Part.cache_key``: the key and manifest
  of an evaluation served from, or stored in, the front end's result cache: the
  same nodes and edges), with its scope;
* the rule settings: the selected rules, options, ``account_scope``, ``strict``
  (a finding placed in the scan's first file, for want of a place, is not kept);
* the code fingerprint (as every namespace of :mod:`soc2lint.cache`).

A scan in which a scope-local rule raised stores nothing (a rule error is not a
property of one group), and a group with a part outside the result cache is
checked on every scan.  A front end that evaluates in worker processes calls
:class:`PartChecker` there with each part it evaluated (``LoadOptions.on_part``),
which checks a part that is a group of its own into the cache: the scan then
finds it there, and the rules' work is shared by the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .cache import KeyedCache, digest
from .config import Config
from .frontend import LoadResult, Part
from .model import Finding, Node
from .record import record
from .rule import Rule, SubjectKey

#: bump when what an entry holds changes shape
FORMAT = "1"


def is_scope_local(rule: Rule) -> bool:
    """Whether a rule's findings for a scope depend on that scope's objects alone."""
    return rule.origin == "builtin" and not rule.account_scope and not rule.reserved


@record
class GroupFindings:
    """What the scope-local rules reported for one group."""

    findings: list[Finding]
    #: rule ID -> subjects the rule does not apply to -> why
    skipped: dict[str, dict[SubjectKey, str]]


class FindingsCache(KeyedCache):
    """Entries of :class:`GroupFindings` under a group's key (see the module doc)."""

    def __init__(self, directory: Path | None, settings: str) -> None:
        super().__init__(directory, "findings", FORMAT)
        self.settings = settings

    def key(self, group: Sequence[Part]) -> str | None:
        """The group's key; None when one of its parts is not in the result cache."""
        parts: list[str] = [self.settings]
        for p in group:
            if p.cache_key is None:
                return None
            parts += [p.scope, p.cache_key]
        return digest(*parts)

    def get(self, key: str) -> GroupFindings | None:
        value = super().get(key)
        return value if isinstance(value, GroupFindings) else None


def rule_settings(rules: Sequence[Rule], config: Config) -> str:
    """Everything besides the parts that the scope-local rules' findings depend on."""
    return digest(
        repr([(r.id, r.severity.value) for r in rules]),
        repr(sorted((k, repr(v)) for k, v in config.options.items())),
        repr((config.account_scope, config.strict)),
    )


@record(frozen=True)
class PartChecker:
    """Checks a part with the scope-local rules in the front end's worker process that
    evaluated it, into the findings cache (``LoadOptions.on_part``): the scan then finds
    the findings there, and the rules' work is shared by the workers."""

    cache_dir: Path
    settings: str
    config: Config
    #: the scope-local rules, and every rule the scan runs (``Context.selected``)
    rules: tuple[str, ...]
    selected: frozenset[str]

    def __call__(self, part: Part) -> None:
        if part.cache_key is None or foreign_targets(part):
            return  # not a group of its own: the scan checks it
        cache = FindingsCache(self.cache_dir, self.settings)
        key = cache.key((part,))
        if key is None or not cache.enabled or cache.get(key) is not None:
            return
        from .engine import build_graph, check_each
        from .registry import builtin_rules

        rules = [r for r in builtin_rules() if r.id in self.rules]
        load = sliced(LoadResult(files=list(part.files)), [part])
        graph = build_graph(load)
        found, _, skipped, errors = check_each(
            self.config, rules, graph, load, selected=self.selected
        )
        graph.drop_views()
        entries = None if errors else split([(part,)], found, skipped)
        if entries is not None:
            cache.put(key, entries[0])


def split(
    groups: Sequence[Sequence[Part]],
    findings: Iterable[Finding],
    skipped: Mapping[str, Mapping[SubjectKey, str]],
) -> list[GroupFindings] | None:
    """The findings and not-applicable records of a check of ``groups``, per group (in
    order); None when one of them names a scope none of the groups holds."""
    owner: dict[str, int] = {}
    placed: set[str] = set()  # scopes a configuration-wide finding is placed in
    for i, group in enumerate(groups):
        for p in group:
            owner[p.scope] = i
            placed.update(n.scope for n in p.nodes)
    out = [GroupFindings([], {}) for _ in groups]
    for f in findings:
        at = owner.get(f.scope)
        # a configuration-wide finding in a scope without nodes is placed in the scan's
        # first file: not a property of the group
        if at is None or (not f.kind and f.scope not in placed):
            return None
        out[at].findings.append(f)
    for rule_id, records in skipped.items():
        for subject, reason in records.items():
            at = owner.get(subject[0])
            if at is None:
                return None
            out[at].skipped.setdefault(rule_id, {})[subject] = reason
    return out


def loose_parts(loaded: LoadResult) -> list[Part]:
    """Nodes in no part (plans; templates evaluated outside their root), by scope, as
    parts without a source: checked again on every scan."""
    counted = sum(len(p.nodes) for p in loaded.parts)
    if counted == len(loaded.nodes):
        return []
    inside = {id(n) for p in loaded.parts for n in p.nodes}
    by_scope: dict[str, list[Node]] = {}
    for n in loaded.nodes:
        if id(n) not in inside:
            by_scope.setdefault(n.scope, []).append(n)
    ids = {scope: {n.id for n in nodes} for scope, nodes in by_scope.items()}
    out = []
    for scope, nodes in by_scope.items():
        edges = [e for e in loaded.edges if e.src in ids[scope]]
        out.append(Part(None, scope, nodes, edges, loaded.literal_edges.get(scope), ()))
    return out


def foreign_targets(part: Part) -> frozenset[str]:
    """Scopes other than its own that a part's edges point into."""
    prefix = part.scope + "::"
    return frozenset(
        e.dst.split("::", 1)[0]
        for e in part.edges
        if not e.dst.startswith(prefix) and "::" in e.dst
    )


def connected(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The indices ``0..n-1`` in the groups ``pairs`` join (union-find): each group in
    index order, the groups in the order of their first index."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(find(i), []).append(i)
    return [m for _, m in sorted(members.items())]


def join_parts(
    parts: list[Part], targets: Callable[[Part], Iterable[str]] = foreign_targets
) -> list[tuple[Part, ...]]:
    """Parts that share a scope or are joined by an edge, as groups (in parts order)."""
    by_scope: dict[str, int] = {}
    for i, p in enumerate(parts):
        by_scope.setdefault(p.scope, i)

    def pairs() -> Iterator[tuple[int, int]]:
        for i, p in enumerate(parts):
            yield i, by_scope[p.scope]
            for scope in targets(p):
                other = by_scope.get(scope)
                if other is not None:
                    yield i, other

    return [tuple(parts[i] for i in group) for group in connected(len(parts), pairs())]


def sliced(loaded: LoadResult, parts: Iterable[Part]) -> LoadResult:
    """The load restricted to ``parts`` (the files stay whole: a rule error names the
    scan's first file, as in a full scan)."""
    nodes: list[Node] = []
    edges = []
    literal = {}
    for p in parts:
        nodes.extend(p.nodes)
        edges.extend(p.edges)
        if p.literal_edges is not None:
            literal[p.scope] = p.literal_edges
    return LoadResult(nodes=nodes, edges=edges, files=loaded.files, literal_edges=literal)


__all__ = [
    "FindingsCache",
    "GroupFindings",
    "PartChecker",
    "foreign_targets",
    "is_scope_local",
    "join_parts",
    "loose_parts",
    "rule_settings",
    "sliced",
    "split",
]

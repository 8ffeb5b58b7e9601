"""What each rule evaluated, and how each subject fared: the record the evidence pack reads.

A rule declares its population (``@rule(subjects=...)``,
:class:`soc2lint.rule.Subjects`); while it runs it says which of those subjects
it does not apply to, and why (``ctx.not_applicable``; the engine keeps these in
``ScanResult.not_applicable``).  Everything else follows from the subjects and
the findings, so the record costs nothing during a scan: only the non-pass
statuses are stored, and the subject list is computed when the pack asks.

Every subject gets exactly one status:

* **fail**: an open finding names it;
* **excepted**: all its findings are suppressed (with the suppression);
* **unknown**: a finding says a value it depends on could not be resolved (the
  pack's scan reports unresolved values) and none fails;
* **not applicable**: the rule looked at it and does not apply (with the reason);
* **pass**: everything else.

A finding names the resource where the fix goes, which is sometimes not the
subject (a bucket's separate encryption resource, the variable holding a
password).  It is attributed to its own node when that is a subject, else to
the first related location that is, else to the bucket a separate S3
configuration resource belongs to; a finding that maps to no subject is still
counted, as an extra subject, and listed in :attr:`Population.unmapped`, which
the tests require to stay empty on every rule example and fixture.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from typing import Literal

from .graph import ResourceGraph
from .model import Finding, Node, Range, Suppression
from .record import record
from .rule import WHOLE, Rule, SubjectKey

Status = Literal["pass", "fail", "excepted", "unknown", "not applicable"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "excepted", "unknown", "not applicable")
_RANK: dict[Status, int] = {"pass": 0, "not applicable": 1, "unknown": 2, "excepted": 3, "fail": 4}


@record
class Subject:
    """One evaluated subject and its status."""

    key: SubjectKey
    node: Node | None
    status: Status = "pass"
    #: why: the reason it is not applicable, the finding's message, the unresolved expression
    reason: str = ""
    #: the suppression that accepts its finding (``excepted``)
    suppression: Suppression | None = None
    #: where it is (the node's first line; the finding's for configuration-wide subjects)
    range: Range | None = None

    def set(self, status: Status, reason: str, suppression: Suppression | None = None) -> None:
        if _RANK[status] > _RANK[self.status]:
            self.status = status
            self.reason = reason
            self.suppression = suppression


@record
class Population:
    """A rule's subjects and their statuses."""

    rule: Rule
    subjects: dict[SubjectKey, Subject] = field(default_factory=dict)
    #: findings that named no declared subject (must stay empty; see the tests)
    unmapped: list[Finding] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return self.rule.subjects is not None

    def count(self, status: Status) -> int:
        return sum(1 for s in self.subjects.values() if s.status == status)

    @property
    def evaluated(self) -> int:
        """Subjects the rule applies to (every subject but the not-applicable ones)."""
        return len(self.subjects) - self.count("not applicable")

    def rows(self) -> list[Subject]:
        return sorted(self.subjects.values(), key=lambda s: s.key)


def subject_keys(rule: Rule, graph: ResourceGraph) -> dict[SubjectKey, Node | None]:
    """The subjects a rule declares, of the languages it supports."""
    spec = rule.subjects
    if spec is None:
        return {}
    langs = set(rule.languages)
    out: dict[SubjectKey, Node | None] = {}
    if spec.whole:
        if any(n.language in langs for n in graph):
            out[WHOLE] = None
        return out
    if spec.per_scope:
        by_scope: dict[str, set[str]] = defaultdict(set)
        for n in graph:
            by_scope[n.scope].add(n.language)
        for scope, ls in sorted(by_scope.items()):
            if ls & langs:
                out[(scope, ".")] = None
        return out
    for n in spec.nodes(graph):
        if n.language in langs:
            out.setdefault((n.scope, n.address), n)
    return out


def _owners(graph: ResourceGraph) -> dict[SubjectKey, SubjectKey]:
    """Configuration resources -> the resource they configure (S3's separate resources)."""

    def build(g: ResourceGraph) -> dict[SubjectKey, SubjectKey]:
        from .views.s3 import bucket_views

        out: dict[SubjectKey, SubjectKey] = {}
        for view in bucket_views(g):
            b = view.bucket
            for nodes in view.linked.values():
                for cfg in nodes:
                    out.setdefault((cfg.scope, cfg.address), (b.scope, b.address))
        return out

    result: dict[SubjectKey, SubjectKey] = graph.view("population.owners", build)
    return result


def _subject_of(
    f: Finding,
    rule: Rule,
    subjects: Mapping[SubjectKey, Subject],
    owners: Mapping[SubjectKey, SubjectKey],
) -> SubjectKey | None:
    spec = rule.subjects
    if spec is not None and spec.whole:
        return WHOLE
    if spec is not None and spec.per_scope:
        return (f.scope, ".")
    key = (f.scope, f.address)
    if key in subjects:
        return key
    for rel in (*f.related, *f.code_flow):
        if rel.address and (f.scope, rel.address) in subjects:
            return (f.scope, rel.address)
    owner = owners.get(key)
    if owner is not None and owner in subjects:
        return owner
    return None


def build_population(
    rule: Rule,
    graph: ResourceGraph,
    findings: Iterable[Finding],
    not_applicable: Mapping[SubjectKey, str],
) -> Population:
    """The population record of one rule that ran (``findings``: the rule's own)."""
    pop = Population(rule)
    for key, node in subject_keys(rule, graph).items():
        pop.subjects[key] = Subject(key, node, range=node.range if node is not None else None)
    for key, reason in not_applicable.items():
        subject = pop.subjects.get(key)
        if subject is not None:
            subject.set("not applicable", reason)
    owners = _owners(graph) if pop.subjects else {}
    for f in findings:
        if f.baselined:
            continue
        mapped = _subject_of(f, rule, pop.subjects, owners)
        key = mapped if mapped is not None else (f.scope, f.address)
        if mapped is None and pop.declared:
            pop.unmapped.append(f)
        subject = pop.subjects.get(key)
        if subject is None:
            subject = pop.subjects[key] = Subject(key, graph.find(*key), range=f.range)
        elif subject.range is None:
            subject.range = f.range
        if f.unresolved:
            subject.set("unknown", f.message)
        elif f.suppressed:
            subject.set("excepted", f.message, f.suppression)
        else:
            subject.set("fail", f.message)
    return pop


def build_populations(
    graph: ResourceGraph,
    findings: Sequence[Finding],
    rules_run: Sequence[Rule],
    not_applicable: Mapping[str, Mapping[SubjectKey, str]],
) -> dict[str, Population]:
    """The population record of every non-reserved rule that ran."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule_id].append(f)
    return {
        r.id: build_population(r, graph, by_rule.get(r.id, ()), not_applicable.get(r.id, {}))
        for r in rules_run
        if not r.reserved
    }


__all__ = [
    "STATUSES",
    "Population",
    "Status",
    "Subject",
    "build_population",
    "build_populations",
    "subject_keys",
]

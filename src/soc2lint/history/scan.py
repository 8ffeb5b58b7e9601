"""Scanning one commit after another, at the cost of what each one changed.

``soc2lint history`` scans every commit of a period in one work directory.
:class:`IncrementalScanner` gives, for each, exactly what ``soc2lint scan`` of
a checkout of it gives (the replay tests compare the two on every commit),
while doing again only what the commit changed:

* **Evaluation**: the front ends keep each root's and template's evaluated
  result in a :class:`~soc2lint.cache.ResultMemo`, checked against its
  manifest through file digests that are recomputed only for the files the
  commit wrote; an unchanged root comes back as the same
  :class:`~soc2lint.frontend.Part` source object.
* **Rules**: the built-in rules that are not account-wide only relate
  resources of one scope (a root, a template): their findings for a part are
  kept while its source object is unchanged.  Parts joined by an edge are
  one group.  Account-wide rules and plug-in rules, whose reach is not
  known, run over the whole graph whenever anything changed.
* **Suppressions**: inline suppressions attach to resources in the files they
  are written in, and a module's file serves every root that calls it; so the
  parts are joined into *units* through the files they share, and each unit's
  suppressions are matched on its own (the engine's own matching), again only
  when one of its parts changed or an expiry date it holds was passed.
* **Discovery** is kept when the commit only modified files that discovery
  does not read (it reads JSON and YAML to classify them).

What cannot be split is done whole: diagnostics (parse errors, reported once
in the first root's scope) are taken from every load as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..cache import ResultMemo
from ..discover import Inventory, discover, find_root
from ..engine import (
    ScanRequest,
    build_graph,
    load_options,
    refuse_empty_by_exclude,
    run_front_ends,
    run_rules,
    settle,
)
from ..findings import dedupe, diagnostic_findings, planned, without_planned
from ..findings_cache import (
    connected,
    foreign_targets,
    is_scope_local,
    join_parts,
    loose_parts,
    sliced,
)
from ..frontend import LoadResult, Part
from ..graph import ResourceGraph
from ..model import Finding
from ..record import record
from ..rule import Rule
from ..selection import selected_rules
from ..suppressions import SuppressionEntry, apply_per_path_ignores, today
from ..system_rules import RULE_ERROR, SUPPRESSION_UNUSED

#: every this many scans, what was frozen is collected too (a structure kept for a
#: while and then dropped is freed by its reference counts, unless it holds a cycle)
FULL_COLLECTION = 50


@record
class CommitScan:
    """What scanning one commit found (the parts of a ScanResult history uses)."""

    findings: list[Finding]
    suppressions: list[SuppressionEntry]
    files: list[str]
    inventory: Inventory
    #: the rules that ran (not the reserved ones)
    rules: tuple[str, ...] = ()
    #: parts whose rules ran again, and parts kept (for the benchmark)
    checked: int = 0
    kept: int = 0

    @property
    def incomplete(self) -> bool:
        return any(f.incomplete for f in self.findings)


@record(eq=False)
class _Group:
    """Parts checked together, and the rules' findings for them."""

    parts: tuple[Part, ...]
    findings: list[Finding]


@record(eq=False)
class _Unit:
    """Groups whose suppressions are matched together, and the outcome."""

    key: tuple[int, ...]
    findings: list[Finding]
    entries: list[SuppressionEntry]
    #: every expiry date its suppressions carry, and whether it had passed
    expiries: tuple[tuple[str, bool], ...]
    #: what the key's ids stand for (held, so that no id is reused while kept)
    held: tuple[object, ...] = ()


@record
class _Plans:
    """This scan's plans beside ``.tf`` files (plan scope -> root scope) and what they
    report (:func:`soc2lint.findings.planned`)."""

    dirs: dict[str, str]
    keys: set[tuple[str, str, str, str]]

    @property
    def scopes(self) -> set[str]:
        """Units holding one of these are settled again at every scan: what the other
        side reports may have changed."""
        return set(self.dirs) | set(self.dirs.values())


@record
class _Settings:
    rules: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    account_scope: bool
    strict: bool


class IncrementalScanner:
    """Scans the states of one work directory in turn (see the module doc)."""

    def __init__(self, memo: ResultMemo) -> None:
        self.memo = memo
        self._rule_settings: _Settings | None = None
        self._groups: dict[tuple[int, ...], _Group] = {}
        self._wide: tuple[tuple[object, ...], list[Finding], tuple[object, ...]] | None = None
        self._units: dict[tuple[int, ...], _Unit] = {}
        self._unit_config: tuple[object, ...] | None = None
        self._inventory: tuple[tuple[object, ...], Inventory] | None = None
        self._part_files: dict[int, tuple[Part, frozenset[str]]] = {}
        self._foreign: dict[int, tuple[object, frozenset[str]]] = {}
        self._part_marked: dict[int, tuple[Part, frozenset[str]]] = {}
        self._directives: dict[str, bool] = {}
        self._loose: dict[tuple[str, str], _Unit] = {}
        self._plans = _Plans({}, set())
        #: seconds by stage over every scan (for the benchmark)
        self.timings: dict[str, float] = {}
        self._scans = 0

    # ---- the scan ---------------------------------------------------------------

    def scan(self, req: ScanRequest, *, structural: bool = True) -> CommitScan:
        """What ``run_scan(req)`` finds.  ``structural`` is False when, since the last
        scan, files were only modified (no file added, removed or renamed, no link, no
        JSON or YAML file): then discovery's result is kept.  The cyclic collector is
        off meanwhile, as in ``run_scan`` (the replay collects after each commit)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._scan(req, structural)
        finally:
            # the scan's cyclic garbage, now (walking only what is not frozen), before
            # the collector is on again; what lasts (the memo) is then frozen
            started = time.perf_counter()
            self._scans += 1
            if self._scans % FULL_COLLECTION == 0:
                gc.unfreeze()  # what was kept and has since been dropped, cycles too
            gc.collect()
            gc.freeze()
            self.timings["gc"] = self.timings.get("gc", 0.0) + time.perf_counter() - started
            if enabled:
                gc.enable()

    def _scan(self, req: ScanRequest, structural: bool) -> CommitScan:
        config = req.config
        on = req.today or today()
        req = dataclasses.replace(req, today=on)  # one date for every unit of this scan
        clock = _Clock(self.timings)
        rules = selected_rules(req.registry, config)
        root = find_root(list(req.paths))
        options = load_options(req, root, self.memo)
        inv = self._discover(req, root, structural)
        if inv.empty and config.exclude:
            refuse_empty_by_exclude(req, root, config)
        clock.lap("discover")
        loaded = LoadResult()
        loaded.diagnostics.extend(inv.diagnostics)
        run_front_ends(req, inv, options, loaded, {}, lambda _: None)
        clock.lap("load")

        ran = {r.id for r in rules}
        parts = list(loaded.parts) + loose_parts(loaded)
        current = {id(p.source) for p in parts if p.source is not None}
        for cache in (self._part_files, self._foreign, self._part_marked):
            for key in [k for k in cache if k not in current]:
                del cache[key]
        groups = join_parts(parts, self._foreign_targets)
        found, checked, kept = self._rule_findings(req, rules, loaded, groups)
        clock.lap("rules")
        wide = [r for r in rules if not r.reserved and not is_scope_local(r)]

        diagnostics = dedupe(
            diagnostic_findings(
                loaded.diagnostics,
                req.registry,
                allow_unloaded=config.allow_unloaded_modules,
            )
        )
        diagnostics = apply_per_path_ignores(diagnostics, config, req.registry)
        out = [f for f in diagnostics if f.rule_id in ran]
        entries: list[SuppressionEntry] = []
        if wide:
            # account-wide and plug-in findings may name any scope: one unit for all
            wide_found = self._wide_findings(req, wide, frozenset(ran), loaded, parts)
            units = [tuple(groups)]
            extra = wide_found
        else:
            # parts are joined only through files that can hold a suppression comment
            units = _units(groups, lambda g: self._marked_of(req, g))
            extra = []
        # a plan beside its root's .tf files wins (findings.plan_wins), as in run_scan;
        # the plan and the root are parts of different units, so the plan's findings
        # are gathered from every part first
        plan_dirs = {options.display(p): options.display(p.parent) for p in inv.plan_files}
        self._plans = _Plans(plan_dirs, set())
        if plan_dirs:
            every = [f for fs in found.values() for f in fs] + extra + out
            self._plans.keys.update(planned(every, plan_dirs))
            out = without_planned(out, plan_dirs, self._plans.keys)
        unit_config = (config, tuple(sorted(ran)), req.base, root)
        if unit_config != self._unit_config:
            self._unit_config = unit_config
            self._units.clear()
            self._loose.clear()
        kept_units: dict[tuple[int, ...], _Unit] = {}
        covered: set[str] = set()
        for unit in units:
            for g in unit:
                covered.update(self._files_of(g))
            # the files whose suppression comments can attach to the unit's resources
            marked = sorted(set().union(*(self._marked_of(req, g) for g in unit)))
            result = self._unit(req, unit, marked, found, extra, on, ran, root)
            kept_units[result.key] = result
            out.extend(result.findings)  # kept as they are: nothing changes them
            entries.extend(result.entries)
        # files read that no root or template holds (a configuration's file that did
        # not parse, a variable file): their suppression comments attach to nothing
        loose = sorted(set(loaded.files) - covered)
        kept_loose: dict[tuple[str, str], _Unit] = {}
        for display in loose:
            digest, result = self._loose_file(req, display, on, ran, root)
            kept_loose[(display, digest)] = result
            out.extend(result.findings)  # kept as they are: nothing changes them
            entries.extend(result.entries)
        self._loose = kept_loose
        if not units and not loose:
            result = self._unit(req, (), [], found, [], on, ran, root)
            out.extend(result.findings)  # kept as they are: nothing changes them
            entries.extend(result.entries)
        self._units = kept_units
        out, entries = _config_entries_once(out, entries)
        out = dedupe(out)
        out.sort(key=Finding.sort_key)
        clock.lap("suppressions")
        return CommitScan(
            findings=out,
            suppressions=_unique_entries(entries),
            files=sorted(set(loaded.files)),
            inventory=inv,
            rules=tuple(r.id for r in rules if not r.reserved),
            checked=checked,
            kept=kept,
        )

    # ---- discovery -------------------------------------------------------------------

    def _discover(self, req: ScanRequest, root: Path, structural: bool) -> Inventory:
        config = req.config
        key = (
            tuple(str(p) for p in req.paths),
            str(root),
            str(req.base),
            tuple(config.exclude),
            config.follow_symlinks,
        )
        held = self._inventory
        if not structural and held is not None and held[0] == key:
            return held[1]
        inv = discover(
            req.paths,
            root=root,
            base=req.base,
            excludes=config.exclude,
            follow_symlinks=config.follow_symlinks,
        )
        self._inventory = (key, inv)
        return inv

    # ---- rules --------------------------------------------------------------------

    def _rule_findings(
        self,
        req: ScanRequest,
        rules: Sequence[Rule],
        loaded: LoadResult,
        groups: list[tuple[Part, ...]],
    ) -> tuple[dict[tuple[int, ...], list[Finding]], int, int]:
        config = req.config
        settings = _Settings(
            tuple(r.id for r in rules),
            tuple(sorted((k, repr(v)) for k, v in config.options.items())),
            config.account_scope,
            config.strict,
        )
        if settings != self._rule_settings:
            self._rule_settings = settings
            self._groups.clear()
        local = [r for r in rules if is_scope_local(r)]
        out: dict[tuple[int, ...], list[Finding]] = {}
        kept: dict[tuple[int, ...], _Group] = {}
        changed: list[tuple[Part, ...]] = []
        for group in groups:
            key = _key(group)
            held = self._groups.get(key)
            if held is not None and all(p.source is not None for p in group):
                kept[key] = held
                out[key] = held.findings
            else:
                changed.append(group)
        n_kept = sum(len(g.parts) for g in kept.values())
        n_checked = sum(len(g) for g in changed)
        if changed:
            selected = frozenset(r.id for r in rules)
            for group, findings in self._check(req, local, selected, loaded, changed).items():
                key = _key(group)
                kept[key] = _Group(group, findings)
                out[key] = findings
        self._groups = kept
        return out, n_checked, n_kept

    def _check(
        self,
        req: ScanRequest,
        rules: Sequence[Rule],
        selected: frozenset[str],
        loaded: LoadResult,
        changed: list[tuple[Part, ...]],
    ) -> dict[tuple[Part, ...], list[Finding]]:
        """The findings of ``rules`` (scope-local) in each changed group; ``selected``:
        every rule the scan runs, as ``Context.selected`` in ``run_scan``."""
        out: dict[tuple[Part, ...], list[Finding]] = {g: [] for g in changed}
        if not rules:
            return out
        part = sliced(loaded, [p for g in changed for p in g])
        graph = build_graph(part)
        found, *_ = run_rules(req, rules, graph, part, selected)
        _release(graph)
        owner = {p.scope: g for g in changed for p in g}
        failed: set[str] = set()
        for f in found:
            if f.rule_id == RULE_ERROR.id:
                failed.add(f.address)  # the rule's ID: run again on each group alone
                continue
            out[owner.get(f.scope, changed[0])].append(f)
        if failed:
            retry = [r for r in rules if r.id in failed]
            for group in changed:
                alone = sliced(loaded, list(group))
                graph = build_graph(alone)
                again, *_ = run_rules(req, retry, graph, alone, selected)
                _release(graph)
                out[group].extend(again)
        return out

    def _wide_findings(
        self,
        req: ScanRequest,
        wide: Sequence[Rule],
        selected: frozenset[str],
        loaded: LoadResult,
        parts: list[Part],
    ) -> list[Finding]:
        sources = tuple(id(p.source) if p.source is not None else -1 for p in parts)
        # the rule settings too: a commit may change only the configuration
        signature = (self._rule_settings, *sources)
        held = self._wide
        if held is None or held[0] != signature or -1 in sources:
            graph = build_graph(loaded)
            found, *_ = run_rules(req, wide, graph, loaded, selected)
            _release(graph)
            held = self._wide = (signature, found, tuple(p.source for p in parts))
        return held[1]

    def _foreign_targets(self, part: Part) -> frozenset[str]:
        """Scopes other than its own that a part's edges point into (computed once per
        source object)."""
        if part.source is not None:
            held = self._foreign.get(id(part.source))
            if held is not None and held[0] is part.source:
                return held[1]
        targets = foreign_targets(part)
        if part.source is not None:
            self._foreign[id(part.source)] = (part.source, targets)
        return targets

    # ---- suppressions -------------------------------------------------------------------

    def _files_of(self, group: tuple[Part, ...]) -> frozenset[str]:
        out: set[str] = set()
        for p in group:
            if p.source is None:
                out |= {n.range.file for n in p.nodes} | set(p.files)
                continue
            held = self._part_files.get(id(p.source))
            if held is None or held[0].source is not p.source:
                files = frozenset(p.files) | {n.range.file for n in p.nodes}
                held = self._part_files[id(p.source)] = (p, frozenset(files))
            out |= held[1]
        return frozenset(out)

    def _marked_of(self, req: ScanRequest, group: tuple[Part, ...]) -> frozenset[str]:
        """The files of a group that hold the word ``soc2lint`` (a suppression comment
        needs it): only they can bring suppressions, and only they tie parts together."""
        out: set[str] = set()
        for p in group:
            held = self._part_marked.get(id(p.source)) if p.source is not None else None
            if held is not None and held[0].source is p.source:
                out |= held[1]
                continue
            marked = frozenset(f for f in self._files_of((p,)) if self._has_directive(req, f))
            if p.source is not None:
                self._part_marked[id(p.source)] = (p, marked)
            out |= marked
        return frozenset(out)

    def _has_directive(self, req: ScanRequest, display: str) -> bool:
        sources = self.memo.sources(req.config.limits.max_file_bytes)
        path = os.path.join(req.base, display)
        digest = sources.file_digest(path)
        hit = self._directives.get(digest)
        if hit is None:
            try:
                large = sources.size(path) > sources.max_bytes
                hit = large or b"soc2lint" in sources.read(path).lower()
            except OSError:
                hit = True  # when in doubt, it may
            if len(self._directives) > 100_000:
                self._directives.clear()
            self._directives[digest] = hit
        return hit

    def _unit(
        self,
        req: ScanRequest,
        unit: tuple[tuple[Part, ...], ...],
        files: list[str],
        found: dict[tuple[int, ...], list[Finding]],
        extra: list[Finding],
        on: _dt.date,
        ran: set[str],
        root: Path,
    ) -> _Unit:
        key = tuple(i for g in unit for i in _key(g))
        plans = self._plans
        volatile = (
            any(p.source is None for g in unit for p in g)
            or bool(extra)
            or any(p.scope in plans.scopes for g in unit for p in g)
        )
        held = self._units.get(key)
        if (
            held is not None
            and not volatile
            and all((e < on.isoformat()) == passed for e, passed in held.expiries)
        ):
            return held
        findings: list[Finding] = [
            dataclasses.replace(f) for g in unit for f in found.get(_key(g), ())
        ]
        findings += [dataclasses.replace(f) for f in extra]
        if plans.dirs:
            findings = without_planned(findings, plans.dirs, plans.keys)
        graph = ResourceGraph(n for g in unit for p in g for n in p.nodes)
        findings, entries = settle(req, findings, graph, files, root, ran)
        return _Unit(
            key,
            findings,
            entries,
            _expiries(entries, on),
            tuple(p.source for g in unit for p in g),
        )

    def _loose_file(
        self, req: ScanRequest, display: str, on: _dt.date, ran: set[str], root: Path
    ) -> tuple[str, _Unit]:
        """A file no part holds: its suppression comments attach to nothing."""
        digest = self.memo.sources(req.config.limits.max_file_bytes).file_digest(req.base / display)
        held = self._loose.get((display, digest))
        if held is not None and all((e < on.isoformat()) == passed for e, passed in held.expiries):
            return digest, held
        findings, entries = settle(req, [], ResourceGraph(), [display], root, ran)
        return digest, _Unit((), findings, entries, _expiries(entries, on))


class _Clock:
    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now


def _release(graph: ResourceGraph) -> None:
    """Drop the views the rules built on a graph: they refer back to it, and the cycle
    would leave the whole graph to the cyclic collector (walking it costs as much as
    the rules); without it, reference counting frees the graph at once."""
    graph.drop_views()


def _key(group: Iterable[Part]) -> tuple[int, ...]:
    return tuple(id(p.source) if p.source is not None else -id(p) for p in group)


def _expiries(entries: Iterable[SuppressionEntry], on: _dt.date) -> tuple[tuple[str, bool], ...]:
    dates = sorted({e.expires for e in entries if e.expires})
    return tuple((d, d < on.isoformat()) for d in dates)


def _config_entries_once(
    findings: list[Finding], entries: list[SuppressionEntry]
) -> tuple[list[Finding], list[SuppressionEntry]]:
    """A configuration's suppressions come with every unit, and each unit judges them on
    its own findings; as one scan sees them, an entry is used when any unit used it: its
    copies get the union of what they matched (copies: units are kept for later commits),
    and no unit reports it unused (SYS005) then."""
    used: dict[tuple[object, ...], set[str]] = {}
    for e in entries:
        if e.kind == "config":
            used.setdefault(_entry_key(e), set()).update(e.used)
    if not used:
        return findings, entries
    somewhere = {e.range for e in entries if e.kind == "config" and used[_entry_key(e)]}
    kept = [
        f for f in findings if not (f.rule_id == SUPPRESSION_UNUSED.id and f.range in somewhere)
    ]
    merged = [
        dataclasses.replace(e, used=set(used[_entry_key(e)])) if e.kind == "config" else e
        for e in entries
    ]
    return kept, merged


def _entry_key(e: SuppressionEntry) -> tuple[object, ...]:
    return (e.kind, e.range, e.tokens, e.reason, e.expires, e.target)


def _unique_entries(entries: list[SuppressionEntry]) -> list[SuppressionEntry]:
    """Each written suppression once (a configuration's entries come with every unit)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for e in entries:
        key = _entry_key(e)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _units(groups: list[tuple[Part, ...]], files_of: Any) -> list[tuple[tuple[Part, ...], ...]]:
    """Groups that share a file, joined: a suppression comment in a file attaches to the
    resources of every root using it, and one attached to none is reported once."""
    owner: dict[str, int] = {}
    pairs = [(i, owner.setdefault(f, i)) for i, g in enumerate(groups) for f in files_of(g)]
    return [tuple(groups[i] for i in unit) for unit in connected(len(groups), pairs)]


__all__ = ["CommitScan", "IncrementalScanner", "is_scope_local"]

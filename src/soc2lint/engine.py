"""The scan pipeline: discover, load, link, check, locate, suppress, sort.

Only the order of the stages lives here.  Nothing in here knows a language or
a rule: which rules run is :mod:`soc2lint.selection`, the front ends
(:mod:`soc2lint.terraform`, :mod:`soc2lint.cloudformation`) produce nodes, the
rules produce reports, :mod:`soc2lint.findings` locates them, and
:mod:`soc2lint.suppressions` applies ignores and suppressions.  A rule that
raises becomes a ``SYS002`` finding and the other rules still run.

``soc2lint history`` (:mod:`soc2lint.history.scan`) replays the same stages
commit after commit and redoes only what a commit changed; it calls the stages
through the public functions below (:func:`load_options`, :func:`run_front_ends`,
:func:`build_graph`, :func:`run_rules`, :func:`settle`,
:func:`refuse_empty_by_exclude`), so a replayed commit is scanned exactly as
``run_scan`` scans it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cdk_sources import relocate as relocate_cdk
from .config import Config
from .discover import Inventory, discover, find_root
from .errors import UsageError
from .findings import (
    dedupe,
    diagnostic_findings,
    fails,
    finding_from_report,
    plan_wins,
    rule_error_finding,
    scope_first_files,
)
from .frontend import Diagnostic, LoadOptions, LoadResult
from .graph import ResourceGraph
from .links import literal_edges_by_scope, resolved_attributes, without_overridden
from .memory import paused_gc
from .model import Finding, Node, Range, Severity
from .record import record
from .registry import Registry
from .rule import Context, Rule, SubjectKey
from .selection import selected_rules
from .suppressions import SuppressionEntry, apply_per_path_ignores, apply_suppressions
from .timings import timed

if TYPE_CHECKING:
    from .cache import ResultMemo

log = logging.getLogger("soc2lint")

__all__ = [
    "ScanRequest",
    "ScanResult",
    "UsageError",
    "build_graph",
    "check_rules",
    "load_options",
    "refuse_empty_by_exclude",
    "run_front_ends",
    "run_rules",
    "run_scan",
    "settle",
]


@record
class ScanResult:
    """What a scan found, which rules ran, and what it read."""

    findings: list[Finding]
    rules_run: list[Rule]
    registry: Registry
    graph: ResourceGraph
    files: list[str]
    root: Path
    base: Path
    suppressions: list[SuppressionEntry] = field(default_factory=list)
    inventory: Inventory | None = None
    timings: dict[str, float] = field(default_factory=dict)
    rule_timings: dict[str, float] = field(default_factory=dict)
    #: front-end cache use: roots evaluated and served from the cache, files parsed
    cache_stats: dict[str, int] = field(default_factory=dict)
    config: Config | None = None
    #: set by diff mode (soc2lint.diff.DiffInfo)
    diff: Any = None
    #: per rule that ran: the subjects it found it does not apply to, with the reason
    #: (Context.not_applicable); every other status comes from the subjects and findings
    not_applicable: dict[str, dict[SubjectKey, str]] = field(default_factory=dict)
    #: rules that raised (SYS002): their subjects were not evaluated
    rule_errors: set[str] = field(default_factory=set)

    @property
    def incomplete(self) -> bool:
        return any(f.incomplete for f in self.findings)

    @property
    def active(self) -> list[Finding]:
        """Findings that count: not suppressed, not baselined."""
        return list(self._counting())

    def _counting(self) -> Iterator[Finding]:
        return (f for f in self.findings if not f.suppressed and not f.baselined)

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def failing(
        self, threshold: Severity | None, active: list[Finding] | None = None
    ) -> list[Finding]:
        """The active findings that make the exit code 1 (:func:`fails`): every report
        that counts "at or above --fail-on" counts these.  ``active``: :attr:`active`,
        when the caller has it already."""
        return [f for f in (self.active if active is None else active) if fails(f, threshold)]

    def exit_code(self, threshold: Severity | None) -> int:
        if self.incomplete:
            return 3
        # the first failing finding decides (tens of thousands on a large scan)
        return 1 if any(fails(f, threshold) for f in self._counting()) else 0


@record
class ScanRequest:
    """What to scan and how: paths, configuration, rules and options."""

    paths: Sequence[Path]
    config: Config
    registry: Registry
    base: Path
    debug: bool = False
    cache_dir: Path | None = None
    jobs: int = 1
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    #: called with a short description at each stage (the CLI shows it on a TTY)
    progress: Callable[[str], None] | None = None
    #: the date suppression expiries are evaluated at (None: today, or SOC2LINT_TODAY;
    #: ``soc2lint history`` scans each commit as of its own date)
    today: _dt.date | None = None


def run_scan(req: ScanRequest) -> ScanResult:
    # what the front ends load, the graph, the rules' views and the findings live
    # until the scan ends: no cyclic collection while they are built (soc2lint.memory)
    with paused_gc(freeze_after=True):
        return _run_scan(req)


def _run_scan(req: ScanRequest) -> ScanResult:
    def stage(text: str) -> None:
        if req.progress is not None:
            req.progress(text)

    started = time.perf_counter()
    config = req.config
    timings: dict[str, float] = {}
    with timed(timings, "discover"):
        rules = selected_rules(req.registry, config)
        root = find_root(list(req.paths))
        options = load_options(req, root)
        if req.cache_dir is not None and req.jobs > 1:
            options = dataclasses.replace(options, on_part=_part_checker(req, rules))
        inv = discover(
            req.paths,
            root=root,
            base=req.base,
            excludes=config.exclude,
            follow_symlinks=config.follow_symlinks,
        )
        if inv.empty and config.exclude:
            refuse_empty_by_exclude(req, root, config)

    loaded = LoadResult()
    loaded.diagnostics.extend(inv.diagnostics)
    run_front_ends(req, inv, options, loaded, timings, stage)
    with timed(timings, "graph"):
        graph = build_graph(loaded)

    with timed(timings, "rules"):
        stage(f"checking {len(graph)} objects with {len(rules)} rules")
        findings, rule_timings, skipped, errors = check_rules(
            req, rules, graph, loaded, loaded.cache_stats
        )
    findings.extend(
        diagnostic_findings(
            loaded.diagnostics, req.registry, allow_unloaded=config.allow_unloaded_modules
        )
    )

    with timed(timings, "suppressions"):
        ran = {r.id for r in rules}
        plan_dirs = {options.display(p): options.display(p.parent) for p in inv.plan_files}
        findings, entries = settle(
            req, findings, graph, loaded.files, root, ran, plan_dirs=plan_dirs
        )
        findings.sort(key=Finding.sort_key)
    timings["total"] = time.perf_counter() - started
    return ScanResult(
        findings=findings,
        rules_run=rules,
        registry=req.registry,
        graph=graph,
        files=sorted(set(loaded.files)),
        root=root,
        base=req.base,
        suppressions=entries,
        inventory=inv,
        timings=timings,
        rule_timings=rule_timings,
        cache_stats=dict(loaded.cache_stats),
        config=config,
        not_applicable=skipped,
        rule_errors=errors,
    )


def load_options(req: ScanRequest, root: Path, memo: ResultMemo | None = None) -> LoadOptions:
    """What the front ends need: variables, CloudFormation parameters, limits, cache.

    ``memo`` keeps evaluated roots and templates in memory between the scans of one
    process (``soc2lint history``)."""
    config = req.config
    cfn_params: dict[str, Any] = {}
    if config.cfn_parameters:
        from .cloudformation.parameters import load_cfn_parameters

        cfn_params = load_cfn_parameters(Path(config.cfn_parameters), root)
    var_files = tuple(Path(v) for v in config.var_files)
    for vf in var_files:
        if not vf.is_file():
            raise UsageError(f"--var-file {vf}: no such file")
    return LoadOptions(
        root=root,
        base=req.base,
        var_files=var_files,
        vars=dict(config.vars),
        var_args=config.var_args,
        # TF_VAR_* only when asked (--env-vars): in CI the environment holds secrets, and
        # a value read here can reach a report (a for_each key, a resource name)
        env={
            k: v
            for k, v in req.env.items()
            if k == "TF_WORKSPACE" or (config.read_tf_var_env and k.startswith("TF_VAR_"))
        },
        cfn_parameters=cfn_params,
        workspace=config.workspace,
        limits=config.limits,
        cache_dir=req.cache_dir,
        jobs=req.jobs,
        memo=memo,
    )


def _part_checker(req: ScanRequest, rules: Sequence[Rule]) -> Callable[[Any], None] | None:
    """What checks a part in the front end's worker process that evaluated it, into the
    findings cache (:class:`soc2lint.findings_cache.PartChecker`); None without one."""
    from .cache import trusted_directory
    from .findings_cache import PartChecker, is_scope_local, rule_settings
    from .registry import builtin_rules

    local = tuple(r.id for r in rules if is_scope_local(r))
    if req.cache_dir is None or not local or not trusted_directory(req.cache_dir):
        return None
    # a worker checks with the built-in rules it imports: only when they are the scan's
    builtin = {r.id: r for r in builtin_rules()}
    if any(builtin.get(r.id) is not r for r in rules if is_scope_local(r)):
        return None
    return PartChecker(
        req.cache_dir,
        rule_settings(rules, req.config),
        req.config,
        local,
        frozenset(r.id for r in rules),
    )


def refuse_empty_by_exclude(req: ScanRequest, root: Path, config: Config) -> None:
    """``exclude`` patterns that leave nothing of what was asked to scan: an error, not a
    clean result (a change could add ``exclude = ["**"]`` and pass)."""
    whole = discover(req.paths, root=root, base=req.base, follow_symlinks=config.follow_symlinks)
    if not whole.empty:
        where = f" ({config.source.name})" if config.source is not None else ""
        raise UsageError(
            f"the configuration's exclude patterns{where} exclude every file of the scanned "
            f"paths ({', '.join(config.exclude)}); nothing would be checked"
        )


def run_front_ends(
    req: ScanRequest,
    inv: Inventory,
    options: LoadOptions,
    loaded: LoadResult,
    timings: dict[str, float],
    stage: Callable[[str], None],
) -> None:
    """Run the front ends over what discovery found, into ``loaded``."""
    n_tf = len(inv.terraform_dirs) + len(inv.plan_files)
    if n_tf:
        stage(f"reading Terraform ({n_tf} director{'ies' if n_tf != 1 else 'y'} and plans)")
    with timed(timings, "terraform"):
        if inv.terraform_dirs or inv.plan_files:
            from .terraform import load_terraform

            loaded.extend(
                _guard(
                    lambda: load_terraform(inv.terraform_dirs, inv.plan_files, options),
                    "Terraform",
                    req.debug,
                    inv.terraform_dirs + inv.plan_files,
                    options,
                )
            )
    with timed(timings, "cloudformation"):
        if inv.cfn_files:
            from .cloudformation import load_cloudformation

            stage(f"reading CloudFormation ({len(inv.cfn_files)} candidate files)")
            loaded.extend(
                _guard(
                    lambda: load_cloudformation(inv.cfn_files, options),
                    "CloudFormation",
                    req.debug,
                    inv.cfn_files,
                    options,
                )
            )
    for k, v in loaded.timings.items():
        if k not in timings:
            timings[k] = v


def build_graph(loaded: LoadResult) -> ResourceGraph:
    """The graph over every loaded node, with reference and literal edges."""
    graph = ResourceGraph(loaded.nodes, loaded.edges)
    precomputed = loaded.literal_edges
    scopes = dict.fromkeys(n.scope for n in loaded.nodes)
    computed = (
        literal_edges_by_scope(n for n in loaded.nodes if n.scope not in precomputed)
        if any(scope not in precomputed for scope in scopes)
        else {}
    )

    def node_of(node_id: str) -> Node | None:
        return graph.node(node_id) if node_id in graph else None

    literal = []
    for scope in scopes:
        scope_edges = precomputed.get(scope)
        literal.append(computed.get(scope, []) if scope_edges is None else scope_edges)
    if any(literal):
        # a reference that resolves wins over a name that matches (links.without_overridden)
        resolved = resolved_attributes(loaded.edges, node_of)
        for edges in literal:
            graph.add_edges(without_overridden(edges, resolved, node_of))
    return graph


#: what checking rules gives: findings, seconds per rule, not-applicable records per
#: rule, the rules that raised
Checked = tuple[list[Finding], dict[str, float], dict[str, dict[SubjectKey, str]], set[str]]


def check_rules(
    req: ScanRequest,
    rules: Sequence[Rule],
    graph: ResourceGraph,
    loaded: LoadResult,
    stats: dict[str, int] | None = None,
) -> Checked:
    """:func:`run_rules`; with a cache directory, what the scope-local rules found for a
    group of parts that the result cache served unchanged comes from the findings cache
    (:mod:`soc2lint.findings_cache`), and only the other groups are checked again.
    ``stats`` receives the number of groups and of groups served from the cache."""
    if req.cache_dir is None or not loaded.parts:
        return run_rules(req, rules, graph, loaded)
    from .findings_cache import (
        FindingsCache,
        GroupFindings,
        is_scope_local,
        join_parts,
        loose_parts,
        rule_settings,
        sliced,
        split,
    )

    cache = FindingsCache(req.cache_dir, rule_settings(rules, req.config))
    if not cache.enabled:
        return run_rules(req, rules, graph, loaded)
    local = [r for r in rules if is_scope_local(r)]
    local_ids = {r.id for r in local}
    groups = join_parts(list(loaded.parts) + loose_parts(loaded))
    keys = [cache.key(g) for g in groups]
    held: dict[int, GroupFindings] = {}
    for i, key in enumerate(keys):
        hit = cache.get(key) if key is not None else None
        if hit is not None:
            held[i] = hit
    if stats is not None:
        stats["findings.groups"] = len(groups)
        stats["findings.groups_cached"] = len(held)

    def store(indices: Sequence[int], checked: Checked) -> bool:
        """Keep what the scope-local rules found for ``groups[i]`` (False: it cannot be
        told apart per group, or a rule raised)."""
        found, _, skipped, errors = checked
        if errors & local_ids:
            return False
        entries = split(
            [groups[i] for i in indices],
            (f for f in found if f.rule_id in local_ids),
            {k: v for k, v in skipped.items() if k in local_ids},
        )
        if entries is None:
            return False
        for i, entry in zip(indices, entries, strict=True):
            held[i] = entry
            key = keys[i]
            if key is not None:
                cache.put(key, entry)
        return True

    if not held:  # nothing kept: every rule over the whole graph, as without a cache
        checked = run_rules(req, rules, graph, loaded)
        store(range(len(groups)), checked)
        return checked
    selected = frozenset(r.id for r in rules)
    findings, timings, skipped, errors = run_rules(
        req, [r for r in rules if not is_scope_local(r)], graph, loaded, selected
    )
    missing = [i for i in range(len(groups)) if i not in held]
    if missing:
        part = sliced(loaded, [p for i in missing for p in groups[i]])
        subgraph = build_graph(part)
        fresh = run_rules(req, local, subgraph, part, selected)
        subgraph.drop_views()  # its views refer back to it (see history/scan.py)
        if not store(missing, fresh):
            return run_rules(req, rules, graph, loaded)
        timings.update(fresh[1])
    # within a rule, in the order of the scopes (a rule reports the graph's nodes in
    # order): findings equal under Finding.sort_key keep their order of a whole check
    # (a stable sort by the scope's rank, made as one list per scope)
    by_scope: dict[str, list[Finding]] = {
        s: [] for s in dict.fromkeys(n.scope for n in loaded.nodes)
    }
    unranked: list[Finding] = []
    for i in range(len(groups)):
        for f in held[i].findings:
            by_scope.get(f.scope, unranked).append(f)
    for kept in (*by_scope.values(), unranked):
        findings.extend(kept)
    for r in local:
        records: dict[SubjectKey, str] = {}
        for i in range(len(groups)):
            records.update(held[i].skipped.get(r.id, {}))
        if records:
            skipped[r.id] = records
    return findings, timings, skipped, errors


def run_rules(
    req: ScanRequest,
    rules: Sequence[Rule],
    graph: ResourceGraph,
    loaded: LoadResult,
    selected: frozenset[str] | None = None,
) -> Checked:
    """Every rule of ``rules`` over the graph, each isolated: one that raises is a SYS002
    finding.

    Also what each rule said it does not apply to (``ctx.not_applicable``), and the
    rules that raised. ``loaded`` gives the scopes and files the findings are placed
    in; history passes the slice of a load it checks again.  ``selected``: the rules
    the scan runs, when ``rules`` is only some of them (default: ``rules``)."""
    return check_each(req.config, rules, graph, loaded, selected=selected, debug=req.debug)


def check_each(
    config: Config,
    rules: Sequence[Rule],
    graph: ResourceGraph,
    loaded: LoadResult,
    *,
    selected: frozenset[str] | None = None,
    debug: bool = False,
) -> Checked:
    """:func:`run_rules` with the rule settings of ``config`` (no scan request: what a
    worker process has)."""
    scopes = sorted({n.scope for n in loaded.nodes})
    scope_files: dict[str, str] | None = None  # made when a rule first reports
    fallback_file = sorted(loaded.files)[0] if loaded.files else "."
    findings: list[Finding] = []
    rule_timings: dict[str, float] = {}
    if selected is None:
        selected = frozenset(r.id for r in rules)
    skipped: dict[str, dict[SubjectKey, str]] = {}
    errors: set[str] = set()
    for r in rules:
        if r.reserved:
            continue
        ctx = Context(
            graph=graph,
            rule=r,
            options=config.options,
            account_scope=config.account_scope,
            strict=config.strict,
            scopes=scopes,
            selected=selected,
        )
        with timed(rule_timings, r.id):
            try:
                reports = list(r.check(ctx))
            except Exception as exc:
                if debug:
                    traceback.print_exc(file=sys.stderr)
                findings.append(rule_error_finding(r, exc, fallback_file))
                errors.add(r.id)
                continue
        if ctx.skipped:
            skipped[r.id] = ctx.skipped
        if not reports:
            continue
        if scope_files is None:
            scope_files = scope_first_files(loaded.nodes)
        for rep in reports:
            findings.append(finding_from_report(rep, r, scope_files, fallback_file, graph))
    return findings, rule_timings, skipped, errors


def settle(
    req: ScanRequest,
    findings: list[Finding],
    graph: ResourceGraph,
    files: Sequence[str],
    root: Path,
    ran: set[str],
    *,
    plan_dirs: Mapping[str, str] | None = None,
) -> tuple[list[Finding], list[SuppressionEntry]]:
    """What happens to findings after the rules: one finding per problem (a plan
    beside its ``.tf`` files wins, ``plan_dirs``: plan scope -> root scope), per-path
    ignores, suppressions matched (expiries at ``req.today``), only the rules in
    ``ran``, and a finding on a template ``cdk synth`` wrote moved to the construct's
    source; with the suppressions written and what became of them.

    ``graph`` holds the nodes suppressions attach to and ``files`` the files whose
    suppression comments are read: the whole scan here; a unit of roots and
    templates that share files in ``soc2lint history``, which calls this per unit."""
    config = req.config
    findings = dedupe(findings)
    if plan_dirs:
        findings = plan_wins(findings, plan_dirs)
    findings = apply_per_path_ignores(findings, config, req.registry)
    findings, entries = apply_suppressions(
        findings, graph, files, req.base, root, config, req.registry, ran, on=req.today
    )
    findings = [f for f in findings if f.rule_id in ran]
    # after suppressions: path ignores on cdk.out/** still apply to the template
    return relocate_cdk(findings, graph, req.base, root, config.limits), entries


def _guard(
    load: Any, language: str, debug: bool, paths: Sequence[Path], options: LoadOptions
) -> LoadResult:
    """A front end that raises is a bug; report it as incomplete instead of crashing."""
    try:
        result: LoadResult = load()
        return result
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if debug:
            traceback.print_exc(file=sys.stderr)
        where = options.display(paths[0]) if paths else "."
        return LoadResult(
            diagnostics=[
                Diagnostic(
                    "SYS001",
                    f"the {language} front end failed ({type(exc).__name__}: {exc}); "
                    "these files were not checked (run with --debug for the traceback)",
                    Range(where, 1, 1),
                    where,
                )
            ]
        )

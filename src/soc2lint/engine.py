"""The scan pipeline: discover, load, link, check, locate, suppress.

Nothing in here knows a language or a rule: front ends produce nodes, rules
produce reports, and this module turns reports into located, fingerprinted,
suppression-aware findings.  A rule that raises becomes a ``SYS002`` finding
and the other rules still run.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import gc
import json
import logging
import os
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, ConfigError
from .discover import Inventory, discover, find_root
from .frontend import Diagnostic, LoadOptions, LoadResult, read_for_display
from .graph import ResourceGraph
from .links import literal_edges_by_scope
from .model import Finding, Language, Node, Range, Severity, Suppression, format_path
from .registry import Registry
from .rule import Context, Report, Rule
from .suppressions import (
    FileComments,
    SuppressionEntry,
    attached_inline,
    metadata_entries,
    scan_file_comments,
    today,
    unique,
)
from .system_rules import (
    RULE_ERROR,
    SUPPRESSION_EXPIRED,
    SUPPRESSION_INVALID,
    SUPPRESSION_UNUSED,
    UNIGNORABLE,
)

log = logging.getLogger("soc2lint")


class UsageError(Exception):
    """Bad arguments or configuration discovered while preparing the scan (exit 2)."""


@dataclass
class ScanResult:
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

    @property
    def incomplete(self) -> bool:
        return any(f.incomplete for f in self.findings)

    @property
    def active(self) -> list[Finding]:
        """Findings that count: not suppressed, not baselined."""
        return [f for f in self.findings if not f.suppressed and not f.baselined]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def exit_code(self, threshold: Severity | None) -> int:
        if self.incomplete:
            return 3
        if threshold is None:
            return 0
        return 1 if any(f.severity >= threshold for f in self.active) else 0


def selected_rules(registry: Registry, config: Config) -> list[Rule]:
    """The rules a run executes, from select/ignore (IDs, slugs or family prefixes)."""

    def resolve(tokens: Sequence[str], what: str) -> set[str]:
        ids: set[str] = set()
        for t in tokens:
            try:
                ids |= registry.resolve(t)
            except KeyError:
                raise UsageError(
                    f"{what}: unknown rule '{t}' (see `soc2lint rules` for IDs, slugs and families)"
                ) from None
        return ids

    chosen = resolve(config.select, "--select") if config.select else {r.id for r in registry}
    ignored = resolve(config.ignore, "--ignore")
    locked = ignored & UNIGNORABLE
    if locked:
        raise UsageError(
            f"--ignore: {', '.join(sorted(locked))} cannot be ignored: they mean part of the "
            "configuration was not checked"
        )
    out = []
    for r in registry:
        if r.reserved:
            if r.id not in ignored:
                out.append(r)
            continue
        if r.id in chosen and r.id not in ignored:
            if r.account_scope and not config.account_scope:
                continue
            out.append(r)
    return out


def load_cfn_parameters(path: Path, root: Path | None = None) -> dict[str, Any]:
    """``--cfn-parameters``: AWS CLI ``[{"ParameterKey","ParameterValue"}]``, CodePipeline
    ``{"Parameters": {...}}`` or a plain ``{"Name": "value"}`` object.  Read like a
    variable file: a regular file inside ``root`` (the repository), size-capped."""
    from .safeio import UnsafePath, read_input_file

    try:
        data = json.loads(read_input_file(path, root=root))
    except UnsafePath as exc:
        raise UsageError(f"--cfn-parameters {path}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # also 4300-digit integers, deep nesting
        raise UsageError(f"--cfn-parameters {path}: not valid JSON: {exc}") from None
    if isinstance(data, list):
        out: dict[str, Any] = {}
        for item in data:
            if not isinstance(item, dict) or "ParameterKey" not in item:
                raise UsageError(
                    f"--cfn-parameters {path}: list entries need ParameterKey and ParameterValue"
                )
            out[str(item["ParameterKey"])] = item.get("ParameterValue")
        return out
    if isinstance(data, dict):
        params = data.get("Parameters", data) if "Parameters" in data else data
        if not isinstance(params, dict):
            raise UsageError(f"--cfn-parameters {path}: Parameters must be an object")
        return {str(k): v for k, v in params.items()}
    raise UsageError(f"--cfn-parameters {path}: expected a JSON list or object")


@dataclass
class ScanRequest:
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
    #: the date suppression expiries are evaluated at (None: today; ``soc2lint history``
    #: scans each commit as of its own date)
    today: _dt.date | None = None


def run_scan(req: ScanRequest) -> ScanResult:
    # What the front ends load, the graph over it, the rules' shared views and the
    # findings live until the scan ends: no cyclic collection while they are built
    # (each one walks everything allocated so far, and the rules allocate millions of
    # small objects: with the collector on, the rules of a 60k-resource scan took a
    # third longer).  The rules make little cyclic garbage; it is collected after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_scan(req)
    finally:
        # what the scan allocated goes to the collector's oldest generation (frozen and
        # unfrozen), so the first young collection afterwards does not walk all of it
        gc.freeze()
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _run_scan(req: ScanRequest) -> ScanResult:
    def stage(text: str) -> None:
        if req.progress is not None:
            req.progress(text)

    t0 = time.perf_counter()
    config = req.config
    timings: dict[str, float] = {}
    rules = selected_rules(req.registry, config)
    root = find_root(list(req.paths))
    base = req.base
    cfn_params: dict[str, Any] = {}
    if config.cfn_parameters:
        cfn_params = load_cfn_parameters(Path(config.cfn_parameters), root)
    var_files = tuple(Path(v) for v in config.var_files)
    for vf in var_files:
        if not vf.is_file():
            raise UsageError(f"--var-file {vf}: no such file")
    options = LoadOptions(
        root=root,
        base=base,
        var_files=var_files,
        vars=dict(config.vars),
        # TF_VAR_* only when asked (--env-vars): in CI the environment holds secrets, and
        # a value read here can reach a report (a for_each key, a resource name)
        env=(
            {k: v for k, v in req.env.items() if k.startswith("TF_VAR_")}
            if config.read_tf_var_env
            else {}
        ),
        cfn_parameters=cfn_params,
        workspace=config.workspace,
        limits=config.limits,
        cache_dir=req.cache_dir,
        jobs=req.jobs,
    )

    inv = discover(
        req.paths,
        root=root,
        base=base,
        excludes=config.exclude,
        follow_symlinks=config.follow_symlinks,
    )
    if inv.empty and config.exclude:
        _refuse_empty_by_exclude(req, root, base, config)
    timings["discover"] = time.perf_counter() - t0

    loaded = LoadResult()
    loaded.diagnostics.extend(inv.diagnostics)
    _load(req, inv, options, loaded, timings, stage)
    t3 = time.perf_counter()
    graph = _build_graph(loaded)
    timings["graph"] = time.perf_counter() - t3
    t4 = time.perf_counter()
    stage(f"checking {len(graph)} objects with {len(rules)} rules")
    findings, rule_timings = _run_rules(req, rules, graph, loaded)
    timings["rules"] = time.perf_counter() - t4

    for d in loaded.diagnostics:
        findings.append(_diagnostic_finding(d, req.registry))

    t5 = time.perf_counter()
    ran = {r.id for r in rules}
    entries: list[SuppressionEntry] = []
    findings = _dedupe(findings)
    findings = _apply_per_path_ignores(findings, config, req.registry)
    findings, entries = _apply_suppressions(
        findings, graph, loaded.files, base, root, config, req.registry, ran, on=req.today
    )
    findings = [f for f in findings if f.rule_id in ran]
    findings.sort(key=Finding.sort_key)
    timings["suppressions"] = time.perf_counter() - t5
    timings["total"] = time.perf_counter() - t0
    return ScanResult(
        findings=findings,
        rules_run=rules,
        registry=req.registry,
        graph=graph,
        files=sorted(set(loaded.files)),
        root=root,
        base=base,
        suppressions=entries,
        inventory=inv,
        timings=timings,
        rule_timings=rule_timings,
        cache_stats=dict(loaded.cache_stats),
        config=config,
    )


def _build_graph(loaded: LoadResult) -> ResourceGraph:
    """The graph over every loaded node, with reference and literal edges."""
    graph = ResourceGraph(loaded.nodes, loaded.edges)
    precomputed = loaded.literal_edges
    computed = literal_edges_by_scope(n for n in loaded.nodes if n.scope not in precomputed)
    for scope in dict.fromkeys(n.scope for n in loaded.nodes):
        scope_edges = precomputed.get(scope)
        graph.add_edges(computed.get(scope, []) if scope_edges is None else scope_edges)
    return graph


def _run_rules(
    req: ScanRequest, rules: Sequence[Rule], graph: ResourceGraph, loaded: LoadResult
) -> tuple[list[Finding], dict[str, float]]:
    """Every selected rule over the graph, each isolated: one that raises is a SYS002 finding."""
    config = req.config
    scopes = sorted({n.scope for n in loaded.nodes})
    scope_files = _scope_first_files(loaded.nodes)
    fallback_file = sorted(loaded.files)[0] if loaded.files else "."
    findings: list[Finding] = []
    rule_timings: dict[str, float] = {}
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
        )
        rs = time.perf_counter()
        try:
            reports = list(r.check(ctx))
        except Exception as exc:
            if req.debug:
                traceback.print_exc(file=sys.stderr)
            findings.append(
                Finding(
                    rule_id=RULE_ERROR.id,
                    slug=RULE_ERROR.slug,
                    severity=RULE_ERROR.severity,
                    message=(
                        f"rule {r.id} ({r.slug}) raised {type(exc).__name__}: {exc}; its control "
                        "was not checked (run with --debug for the traceback)"
                    ),
                    address=r.id,
                    range=Range(fallback_file, 1, 1),
                    incomplete=True,
                    fix=RULE_ERROR.fix_for(None),
                )
            )
            continue
        finally:
            rule_timings[r.id] = time.perf_counter() - rs
        for rep in reports:
            findings.append(_locate(rep, r, scope_files, fallback_file))
    return findings, rule_timings


def _refuse_empty_by_exclude(req: ScanRequest, root: Path, base: Path, config: Config) -> None:
    """``exclude`` patterns that leave nothing of what was asked to scan: an error, not a
    clean result (a change could add ``exclude = ["**"]`` and pass)."""
    whole = discover(req.paths, root=root, base=base, follow_symlinks=config.follow_symlinks)
    if not whole.empty:
        where = f" ({config.source.name})" if config.source is not None else ""
        raise UsageError(
            f"the configuration's exclude patterns{where} exclude every file of the scanned "
            f"paths ({', '.join(config.exclude)}); nothing would be checked"
        )


def _load(
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
    t1 = time.perf_counter()
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
    timings["terraform"] = time.perf_counter() - t1
    t2 = time.perf_counter()
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
    timings["cloudformation"] = time.perf_counter() - t2
    for k, v in loaded.timings.items():
        if k not in timings:
            timings[k] = v


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


def _scope_first_files(nodes: Iterable[Node]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n in nodes:
        cur = out.get(n.scope)
        if cur is None or n.range.file < cur:
            out[n.scope] = n.range.file
    return out


def _locate(rep: Report, r: Rule, scope_files: Mapping[str, str], fallback: str) -> Finding:
    node = rep.node
    severity = rep.severity or r.severity
    related = tuple(_related(x) for x in rep.related)
    flow = tuple(_related(x) for x in rep.code_flow)
    if node is None:
        scope = rep.scope or (sorted(scope_files)[0] if scope_files else "")
        rng = rep.range or Range(scope_files.get(scope, fallback), 1, 1)
        return Finding(
            rule_id=r.id,
            slug=r.slug,
            severity=severity,
            message=rep.message,
            address=rep.address or ".",
            range=rng,
            scope=scope,
            attr_path="",
            kind="",
            fix=rep.fix or r.fix_for(None),
            related=related,
            code_flow=flow,
            unresolved=rep.unresolved,
            properties=dict(rep.properties),
        )
    rng = rep.range if rep.range is not None else _range_for(node, rep.path)
    message = rep.message
    cdk = node.meta.get("cdk_path")
    if cdk and "CDK" not in message:
        message = f"{message} (CDK construct {cdk})"
    return Finding(
        rule_id=r.id,
        slug=r.slug,
        severity=severity,
        message=message,
        address=rep.address or node.address,
        range=rng,
        scope=node.scope,
        attr_path=format_path(rep.path),
        kind=node.kind,
        fix=rep.fix or r.fix_for(node.language),
        related=related,
        code_flow=flow,
        unresolved=rep.unresolved,
        properties=dict(rep.properties),
    )


def _range_for(node: Node, path: tuple[Any, ...]) -> Range:
    """Where a finding at ``path`` points (RULES.md, "Location").

    The attribute's own range when it is written; the resource's first line when
    the attribute is missing altogether (even inside a written block: the
    contract names the resource, not the block); for a value that exists but
    whose exact position was not recorded (an element inside a ``jsonencode``
    argument, a value from a local), its nearest written parent.
    """
    p = tuple(path)
    loc = node.locations.get(p) if p else None
    if loc is not None:
        return loc
    if p and not _has_value(node, p):
        r = node.range
        return Range(r.file, r.start_line, r.start_col, r.start_line, 0)
    while p:
        loc = node.locations.get(p)
        if loc is not None:
            return loc
        p = p[:-1]
    r = node.range
    return Range(r.file, r.start_line, r.start_col, r.start_line, 0)


def _has_value(node: Node, path: tuple[Any, ...]) -> bool:
    """Whether ``path`` may lead to a value in the node's attributes.

    False only when a mapping lacks the key or a list the index (or no element of
    a block list has the rest of the path); a path that runs into a string (a
    JSON policy document), an unknown or another scalar may name something
    inside it, so it counts as written.
    """
    return not _missing(node.attrs, path)


def _missing(value: Any, path: tuple[Any, ...]) -> bool:
    for i, head in enumerate(path):
        if isinstance(value, dict):
            if head not in value:
                return True
            value = value[head]
        elif isinstance(value, list):
            if isinstance(head, int):
                if not 0 <= head < len(value):
                    return True
                value = value[head]
            else:  # implicit descent into a block list
                return all(_missing(item, path[i:]) for item in value)
        else:
            return False
    return False


def _related(ref: Any) -> Any:
    from .model import Related

    node: Node = ref.node
    rng = (
        _range_for(node, ref.path)
        if ref.path
        else Range(
            node.range.file, node.range.start_line, node.range.start_col, node.range.start_line, 0
        )
    )
    return Related(range=rng, message=ref.message or node.address, address=node.address)


def _diagnostic_finding(d: Diagnostic, registry: Registry) -> Finding:
    r = registry.by_id.get(d.rule_id)
    sev = r.severity if r else Severity.HIGH
    return Finding(
        rule_id=d.rule_id,
        slug=r.slug if r else d.rule_id.lower(),
        severity=sev,
        message=d.message,
        address=d.address,
        range=d.range,
        scope=d.scope,
        incomplete=bool(r and r.incomplete),
        fix=r.fix_for(_language_of(d.range.file)) if r else "",
    )


def _language_of(path: str) -> Language:
    low = path.lower()
    if low.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl", ".tfbackend")):
        return "terraform"
    return "cloudformation"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, Range]] = set()
    out = []
    for f in findings:
        key = (f.fingerprint, f.message, f.range)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _apply_per_path_ignores(
    findings: list[Finding], config: Config, registry: Registry
) -> list[Finding]:
    if not config.per_path_ignores:
        return findings
    table: list[tuple[str, set[str]]] = []
    for glob, tokens in config.per_path_ignores.items():
        ids: set[str] = set()
        for t in tokens:
            try:
                ids |= registry.resolve(t)
            except KeyError:
                raise ConfigError(f"per_path_ignores '{glob}': unknown rule '{t}'") from None
        table.append((glob, ids - UNIGNORABLE))
    out = []
    for f in findings:
        if any(
            f.rule_id in ids
            and (
                fnmatch.fnmatchcase(f.range.file, g)
                or fnmatch.fnmatchcase(f.range.file, g.rstrip("/") + "/*")
            )
            for g, ids in table
        ):
            continue
        out.append(f)
    return out


def _apply_suppressions(
    findings: list[Finding],
    graph: ResourceGraph,
    files: Sequence[str],
    base: Path,
    root: Path,
    config: Config,
    registry: Registry,
    ran: set[str],
    *,
    on: _dt.date | None = None,
) -> tuple[list[Finding], list[SuppressionEntry]]:
    """Match suppressions to findings; expiries are evaluated at ``on`` (default today)."""
    if on is None:
        on = today()
    # ---- collect written suppressions per node ----------------------------
    per_node: dict[tuple[str, str], list[SuppressionEntry]] = defaultdict(list)
    entries: list[SuppressionEntry] = []
    if config.inline_suppressions:
        comments: dict[str, FileComments] = {}
        for display in files:
            text = read_for_display(base / display, root, config.limits)
            if text is None:
                continue
            comments[display] = scan_file_comments(display, text)
        for node in graph:
            fc = comments.get(node.range.file)
            attached = attached_inline(node, fc) if fc is not None else []
            attached = attached + metadata_entries(node)
            for e in attached:
                if e.target is None:
                    e.target = (node.scope, node.address)
                per_node[(node.scope, node.address)].append(e)
        # directives attached to no node are reported as invalid
        claimed = {id(e) for es in per_node.values() for e in es}
        for fc in comments.values():
            for es in fc.directives.values():
                for e in es:
                    if id(e) not in claimed and e.error is None:
                        e.error = "is not on a resource's first line or the line above it"
                    if id(e) not in claimed:
                        entries.append(e)
        for es in per_node.values():
            entries.extend(es)
        entries = unique(entries)
    config_entries: list[tuple[SuppressionEntry, str, str]] = []
    for cs in config.suppress:
        src = config.source.name if config.source else "configuration"
        e = SuppressionEntry(
            "config", cs.rules, cs.reason, cs.expires, Range(src, 1, 1), error=None
        )
        config_entries.append((e, cs.address, cs.path))
        entries.append(e)

    # ---- resolve rule tokens ----------------------------------------------
    for e in entries:
        for t in e.tokens:
            try:
                e.rule_ids |= registry.resolve(t)
            except KeyError:
                if e.error is None:
                    e.error = f"names unknown rule '{t}'"
        locked = e.rule_ids & UNIGNORABLE
        if locked and e.error is None:
            e.error = f"cannot suppress {', '.join(sorted(locked))}"

    # ---- match findings ---------------------------------------------------
    for f in findings:
        if f.incomplete or f.rule_id.startswith("SYS"):
            continue
        cands: list[SuppressionEntry] = []
        owner = graph.find(f.scope, f.address)
        cands.extend(per_node.get((f.scope, f.address), ()))
        if owner is not None:
            for call in owner.meta.get("module_calls", ()) or ():
                cands.extend(per_node.get((f.scope, call), ()))
        for e, addr_glob, path_glob in config_entries:
            if fnmatch.fnmatchcase(f.address, addr_glob) and fnmatch.fnmatchcase(
                f.range.file, path_glob
            ):
                cands.append(e)
        for e in cands:
            if e.error is not None or f.rule_id not in e.rule_ids:
                continue
            e.used.add(f.rule_id)
            if e.expired(on):
                continue
            f.suppression = Suppression(
                kind=e.kind,  # type: ignore[arg-type]
                reason=e.reason,
                expires=e.expires,
                range=e.range,
            )
            break

    # ---- report problems with the suppressions themselves -----------------
    extra: list[Finding] = []
    for e in entries:
        address = e.target[1] if e.target else e.range.file
        scope = e.target[0] if e.target else ""
        where = f"suppression at {e.range.file}:{e.range.start_line}"
        if e.error is not None:
            extra.append(
                _sys(
                    SUPPRESSION_INVALID,
                    f"{where} {e.error}; it suppresses nothing",
                    address,
                    e.range,
                    scope,
                )
            )
            continue
        if e.expired(on):
            extra.append(
                _sys(
                    SUPPRESSION_EXPIRED,
                    f"{where} for {', '.join(e.tokens)} expired on {e.expires}; the "
                    f"finding is reported again (reason was: {e.reason})",
                    address,
                    e.range,
                    scope,
                )
            )
            continue
        if e.kind == "config":
            continue
        unused = sorted((e.rule_ids & ran) - e.used)
        if unused and not e.used:
            extra.append(
                _sys(
                    SUPPRESSION_UNUSED,
                    f"{where} for {', '.join(e.tokens)} matches no finding on {address}; remove it",
                    address,
                    e.range,
                    scope,
                )
            )
    return findings + extra, entries


def _sys(r: Rule, message: str, address: str, rng: Range, scope: str) -> Finding:
    return Finding(
        rule_id=r.id,
        slug=r.slug,
        severity=r.severity,
        message=message,
        address=address,
        range=rng,
        scope=scope,
        fix=r.fix_for(None),
    )

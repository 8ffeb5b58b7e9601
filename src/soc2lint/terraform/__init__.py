"""Terraform front end: HCL, JSON syntax and plan JSON into graph nodes.

Pipeline: :func:`parse_file` (pure, per file, may run in worker processes)
-> :mod:`.modules` (index a directory's blocks) -> :mod:`.evaluate` (lazy,
memoised evaluation of module instances, with Unknown for what cannot be
known) -> :mod:`.adapt` (nodes and edges).  Plans are read by :mod:`.plan`.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import Manifest, ParseCache, ResultCache, digest, sources_for
from ..frontend import Diagnostic, LoadOptions, LoadResult, Part, shared_edges
from ..links import literal_edges
from ..memory import paused_gc
from ..model import Edge, Range
from .records import PARSER_VERSION, DirInfo, Reported, RootRecord

if TYPE_CHECKING:
    # the parser and the evaluator are imported when something must be parsed or
    # evaluated: a scan served from the cache never needs them
    from .evaluate import Loader
    from .syntax import ParsedFile

__all__ = ["find_roots", "load_settings", "load_terraform", "parse_file", "undeclared_warnings"]

#: files below which parsing stays in-process even with jobs > 1: with the fast HCL
#: parser, sending trees back from workers costs about what parsing them does, and
#: the pool lost CPU and wall time on every corpus measured, up to 1,140 files
#: (bench/RESULTS.md, issue 25)
POOL_MIN_FILES = 2000


#: the configuration bytes that the roots to evaluate read (a module once per root
#: calling it) below which they are evaluated in-process even with jobs > 1: forking
#: the workers and sending the records back costs ~0.1 CPU-s, which
#: terraform-aws-s3-bucket (16 roots, 0.64 MB) lost, wall time too, and
#: terraform-aws-eks (11 roots, 2.3 MB) won back in wall time (bench/RESULTS.md)
POOL_MIN_EVAL_BYTES = 1_000_000


def parse_file(text: str, json_syntax: bool = False) -> ParsedFile:
    """Parse one configuration file's text: a pure function, safe to cache by content."""
    from .modules import parse_source

    return parse_source(text, json_syntax)


@contextmanager
def load_settings(recursion_limit: int = 20000) -> Iterator[None]:
    """Interpreter settings for one load: recursion headroom, no cyclic GC passes.

    Evaluation allocates many short-lived objects; each automatic collection
    rescans every syntax tree and module instance, which are alive until the
    load ends anyway, and doubles the evaluation time.  Collection resumes
    (and reclaims the module instances) when the load is over.
    """
    old_limit = sys.getrecursionlimit()
    if old_limit < recursion_limit:
        sys.setrecursionlimit(recursion_limit)
    try:
        with paused_gc():
            yield
    finally:
        sys.setrecursionlimit(old_limit)


def _parse_batch(
    batch: list[tuple[str, bool, str]], cache_dir: Path | None, seconds: float
) -> list[ParsedFile]:
    """Worker-process entry: parse texts and store them in the parse cache (no shared
    state: the cache's writes are atomic, so workers write their entries themselves).
    Each parse runs within ``seconds`` (the worker's own timer: limits.file_time_budget);
    a parse over budget is a limit problem, never cached."""
    from .hcl import set_grammar_cache_dir
    from .modules import is_cacheable, parse_bounded

    set_grammar_cache_dir(cache_dir)
    cache = ParseCache(cache_dir, "terraform", PARSER_VERSION)
    out = []
    for text, json_syntax, key in batch:
        pf = parse_bounded(text, json_syntax, seconds)
        if is_cacheable(pf):
            cache.put(key, pf)
        out.append(pf)
    return out


def _preparse(loader: Loader, files: list[Path], options: LoadOptions) -> None:
    """Parse the ``files`` the parse cache does not have, in worker processes, when
    worthwhile.

    Files the cache has are left alone: :meth:`Loader.parse` reads them when
    (and if) an evaluation needs them.  Below :data:`POOL_MIN_FILES` files to
    parse, or with ``jobs=1``, nothing happens: files are then parsed lazily
    in-process.
    """
    from .modules import is_json_syntax, read_source
    from .syntax import ParsedFile

    if options.jobs <= 1:
        return
    todo = [f for f in dict.fromkeys(files) if f not in loader.parsed]
    if len(todo) < POOL_MIN_FILES:
        return
    pending: list[tuple[Path, str, bool, str]] = []
    for path in todo:
        source = read_source(path, options, loader.sources)
        if isinstance(source, ParsedFile):
            continue
        json_syntax = is_json_syntax(path)
        key = loader.cache_key(source, json_syntax)
        if loader.cache.has(key):
            continue
        pending.append((path, source, json_syntax, key))
    if len(pending) < POOL_MIN_FILES:
        return
    # imported here: a scan that parses nothing (warm) does not pay for them (~30 ms)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    started = time.perf_counter()
    # Chunks big enough to amortise the round trip, small enough to balance the
    # workers (a file's cost is about its length): about eight per worker.
    size = max(4, -(-len(pending) // (options.jobs * 8)))
    pending.sort(key=lambda item: -len(item[1]))
    batches = [pending[i :: -(-len(pending) // size)] for i in range(-(-len(pending) // size))]
    try:
        with ProcessPoolExecutor(max_workers=min(options.jobs, len(batches))) as pool:
            results = pool.map(
                _parse_batch,
                [[(t, j, k) for _, t, j, k in b] for b in batches],
                [options.cache_dir] * len(batches),
                [options.limits.file_time_budget] * len(batches),
            )
            for batch, parsed in zip(batches, results, strict=True):
                for (path, _, _, _), pf in zip(batch, parsed, strict=True):
                    loader.parsed[path] = pf
    except (OSError, RuntimeError, ImportError, BrokenProcessPool):
        return  # no usable pool here: the files are parsed in-process instead
    finally:
        loader.parse_seconds += time.perf_counter() - started


def find_roots(loader: Loader, dirs: Sequence[Path]) -> list[Path]:
    """Root modules among ``dirs``: directories no other scanned directory calls as a
    local module; directories only reachable through a cycle become roots too."""
    resolved = sorted(dict.fromkeys(d.resolve() for d in dirs))
    return roots_from_calls(
        resolved,
        {d: [src for _, src in loader.config(d).local_calls()] for d in resolved},
        loader.options.resolve,
    )


def _call_targets(
    directory: Path, sources: Sequence[str], resolve: Callable[[Path], Path]
) -> list[Path]:
    """The directories ``directory``'s local module ``sources`` name (``resolve``:
    :meth:`LoadOptions.resolve`)."""
    targets = []
    for src in sources:
        target = Path(os.path.normpath(directory / src))
        try:
            target = resolve(target)
        except OSError:
            continue
        if target != directory:
            targets.append(target)
    return targets


def roots_from_calls(
    resolved: Sequence[Path],
    local_calls: dict[Path, list[str]],
    resolve: Callable[[Path], Path],
) -> list[Path]:
    """:func:`find_roots` from each directory's local module sources."""
    calls: dict[Path, list[Path]] = {}
    called: set[Path] = set()
    for d in resolved:
        targets = _call_targets(d, local_calls.get(d, []), resolve)
        called.update(targets)
        calls[d] = targets
    roots = [d for d in resolved if d not in called]
    reached: set[Path] = set()

    def visit(start: Path) -> None:
        stack = [start]
        while stack:
            d = stack.pop()
            if d in reached:
                continue
            reached.add(d)
            stack.extend(calls.get(d, ()))

    for r in roots:
        visit(r)
    for d in resolved:
        if d not in reached:
            roots.append(d)
            visit(d)
    return roots


# --------------------------------------------------------------------------
# Loading with the result cache
# --------------------------------------------------------------------------


def _options_key(options: LoadOptions) -> str:
    """Everything in the options that changes what an evaluation produces."""
    return ParseCache.key(
        repr(
            (
                str(options.root),
                str(options.base),
                [str(p) for p in options.var_files],
                sorted(options.vars.items()),
                options.var_args,
                sorted(options.env.items()),
                options.workspace,
                options.limits,
            )
        )
    )


def _dir_info(loader: Loader, directory: Path) -> DirInfo:
    cfg = loader.config(directory)
    return DirInfo(
        cfg.display,
        list(cfg.files),
        list(cfg.diagnostics),
        [src for _, src in cfg.local_calls()],
    )


def _evaluate_root(loader: Loader, root: Path, options: LoadOptions) -> tuple[RootRecord, bool]:
    """Evaluate one root, recording what it produced and what it read.

    Returns the record and whether it may be cached: not when a time limit,
    which depends on the machine's load, decided part of it, nor when the
    evaluation failed (a bug, or memory running out: not a property of the input).
    """
    from . import functions
    from .adapt import load_root

    record = RootRecord(options.display(root))
    manifest = Manifest(loader.sources)
    for vf in options.var_files:
        manifest.file(vf if vf.is_absolute() else options.base / vf)
    timeouts = functions.timeouts()
    failed = False
    loader.record, loader.manifest = record, manifest
    try:
        nodes, edges = load_root(loader, root)
    except Exception as exc:
        nodes, edges, failed = [], [], True
        _internal_error(loader, exc, root, options)
    finally:
        loader.record, loader.manifest = None, None
    record.nodes = sorted(nodes, key=lambda n: (n.scope, n.address))
    record.edges = shared_edges(sorted(edges, key=_edge_order))
    record.literal_edges = shared_edges(literal_edges(record.nodes))
    record.uniform = all(n.scope == record.scope for n in record.nodes) and all(
        e.src.startswith(record.scope + "::") for e in record.edges
    )
    record.deps = manifest.deps()
    # a parse abandoned for time (in-process or in a worker) depends on the machine too
    timed_out = any(
        p.limit and "file_time_budget" in p.message
        for pf in loader.parsed.values()
        for p in pf.problems
    )
    # the scan-wide budgets depend on what was evaluated before this root (and cached
    # roots spend none): a root evaluated once they ran out is not kept
    limits = options.limits
    spent = (
        loader.ev.total_steps > limits.max_total_eval_steps
        or loader.instances_made >= limits.max_total_instances
    )
    return record, (not failed and not timed_out and not spent and functions.timeouts() == timeouts)


#: what the forked workers of :func:`_evaluate_in_pool` evaluate (set while the pool runs)
_POOL_JOB: dict[str, tuple[Loader, list[Path], LoadOptions, list[str] | None]] = {}


def _evaluate_in_worker(index: int) -> tuple[bytes, bool, int, int, int]:
    """A forked worker: evaluate one root with the loader the parent had when it forked.

    Returns the pickled record, whether it may be cached, and what it spent of the
    scan-wide budgets (evaluation steps, instances, module instances)."""
    from ..cache import pickled

    loader, roots, options, keys = _POOL_JOB["job"]
    steps, made, modules = loader.ev.total_steps, loader.instances_made, loader.module_instances
    record, cacheable = _evaluate_root(loader, roots[index], options)
    if cacheable and keys is not None and options.on_part is not None:
        # the scope-local rules check the root here, into the findings cache, as
        # CloudFormation's workers do: the parent finds its findings there
        options.on_part(_part(record, digest(keys[index], repr(record.deps))))
    return (
        pickled(record),
        cacheable,
        loader.ev.total_steps - steps,
        loader.instances_made - made,
        loader.module_instances - modules,
    )


def _reached(
    roots: list[Path], infos: dict[Path, DirInfo], resolve: Callable[[Path], Path]
) -> list[Path]:
    """The scanned directories ``roots`` call as local modules, directly or not, and
    ``roots`` themselves."""
    reached: dict[Path, None] = {}
    stack = list(roots)
    while stack:
        d = stack.pop()
        info = infos.get(d)
        if info is None or d in reached:
            continue
        reached[d] = None
        stack.extend(_call_targets(d, info.local_calls, resolve))
    return list(reached)


def _evaluate_in_pool(
    state: _Loading, roots: list[Path], infos: dict[Path, DirInfo], keys: list[str] | None
) -> dict[Path, tuple[RootRecord, bytes]]:
    """Evaluate ``roots`` in forked worker processes; each root's record and its pickle
    (every one of them may be cached).  Empty when a pool is not worth it or not usable,
    and whenever the outcome might differ from evaluating them in this process one
    after the other (the caller then does that).  With ``keys``, the roots'
    result-cache keys, a worker also checks its root with the scope-local rules
    (``LoadOptions.on_part``).

    Each root's record depends only on its own files while the scan-wide budgets
    (limits.max_total_eval_steps, max_total_instances, max_module_instances) are not
    reached, which is what lets the result cache keep roots one by one: the records
    are kept only when what all of them spent, added up in root order as one process
    would, reaches none of the budgets, and no record met a limit or failed.
    """
    options = state.options
    if options.jobs <= 1:
        return {}
    from .modules import config_files

    reached = {root: _reached([root], infos, options.resolve) for root in roots}
    work = sum(
        state.sources.size(f)
        for dirs in reached.values()
        for d in dirs
        for f in config_files(d, state.sources)
    )
    if work < POOL_MIN_EVAL_BYTES:
        return {}
    # imported here: a scan below the threshold does not pay for them
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..cache import unpickled

    if "fork" not in multiprocessing.get_all_start_methods():
        return {}
    loader = state.loader
    # configurations the workers would each read from the parse cache, read once
    # here (every scanned directory's own diagnostics and files are reported anyway)
    for d in dict.fromkeys(d for dirs in reached.values() for d in dirs):
        loader.config(d)
    limits = options.limits
    steps, made, modules = loader.ev.total_steps, loader.instances_made, loader.module_instances
    out: dict[Path, tuple[RootRecord, bytes]] = {}
    _POOL_JOB["job"] = (loader, roots, options, keys)
    try:
        context = multiprocessing.get_context("fork")
        workers = min(options.jobs, len(roots))
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for root, (payload, cacheable, d_steps, d_made, d_modules) in zip(
                roots, pool.map(_evaluate_in_worker, range(len(roots))), strict=True
            ):
                steps, made, modules = steps + d_steps, made + d_made, modules + d_modules
                record = unpickled(payload)
                if not cacheable or any(d.rule_id == "SYS008" for d in record.diagnostics):
                    pool.shutdown(cancel_futures=True)
                    return {}
                out[root] = (record, payload)
    except Exception:  # no usable pool here (a sandbox, a broken worker): in-process
        return {}
    finally:
        _POOL_JOB.clear()
    if (
        steps > limits.max_total_eval_steps
        or made > limits.max_total_instances
        or modules > limits.max_module_instances
    ):
        return {}
    return out


def _edge_order(e: Edge) -> tuple[str, str, str, str, str]:
    return (e.src, e.dst, e.kind, repr(e.src_path), e.dst_attr or "")


class _Loading:
    """One ``load_terraform`` call's shared state; the :class:`Loader` (parser and
    evaluator) is created when something must be parsed or evaluated."""

    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.sources = sources_for(options.limits.max_file_bytes, options.memo)
        self.reported = Reported()
        self.files: set[str] = set()
        self._loader: Loader | None = None

    @property
    def started(self) -> bool:
        return self._loader is not None

    @property
    def loader(self) -> Loader:
        if self._loader is None:
            from .evaluate import Loader
            from .hcl import set_grammar_cache_dir

            set_grammar_cache_dir(self.options.cache_dir)
            self._loader = Loader(self.options, self.sources, self.reported)
        return self._loader

    @property
    def parse_seconds(self) -> float:
        return self._loader.parse_seconds if self._loader is not None else 0.0


def load_terraform(
    dirs: Sequence[Path], plan_files: Sequence[Path], options: LoadOptions
) -> LoadResult:
    """Load every Terraform root among ``dirs`` and every plan file.

    Never raises for bad input: problems are diagnostics (SYS001 parse errors,
    SYS006 modules not available, SYS007 configuration errors, SYS008 limits).

    With a cache directory, each root's evaluated nodes, edges and diagnostics
    are kept in a :class:`~soc2lint.cache.ResultCache` under the root's path
    and the options, with the manifest of every directory and file its
    evaluation read; an unchanged root is not evaluated (nor its files
    parsed) again.  Which directories are roots is kept the same way, under
    the list of scanned directories, with the digests of all of them.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = LoadResult()
    state = _Loading(options)
    results = ResultCache(options.cache_dir, "terraform-results", PARSER_VERSION, options.memo)
    opt_key = _options_key(options)
    records: list[RootRecord] = []
    dir_infos: dict[Path, DirInfo] = {}
    cached: dict[Path, RootRecord] = {}
    evaluate_seconds = 0.0
    with load_settings():
        try:
            resolved = sorted(dict.fromkeys(d.resolve() for d in dirs))
            roots, dir_infos = _roots(state, resolved, results, opt_key)
        except Exception as exc:  # a bug, not bad input: report, do not crash the scan
            roots = []
            _internal_error(state.loader, exc, dirs[0] if dirs else options.root, options)
        misses: list[Path] = []
        in_cache: dict[int, str] = {}  # id(record) -> its result-cache key and manifest
        root_keys = {root: results.key("root", opt_key, str(root)) for root in roots}
        for root in roots:
            key = root_keys[root]
            hit = results.get(key, state.sources)
            if isinstance(hit, RootRecord):
                cached[root] = hit
                in_cache[id(hit)] = digest(key, repr(hit.deps))
            else:
                misses.append(root)
        # digests, the roots and the cached roots (parsing of changed directories aside)
        timings["terraform.cache"] = time.perf_counter() - started - state.parse_seconds
        if misses:
            from .modules import config_files

            # the files of the roots to evaluate, and of every scanned directory (their
            # modules are among them): parse what the parse cache lacks, in parallel
            files = [f for d in resolved for f in config_files(d, state.sources)]
            _preparse(state.loader, files, options)
        t, parse_before = time.perf_counter(), state.parse_seconds
        keys = [root_keys[r] for r in misses] if results.enabled else None
        in_pool = _evaluate_in_pool(state, misses, dir_infos, keys) if len(misses) > 1 else {}
        pooled = len(in_pool)
        evaluate_seconds += (time.perf_counter() - t) - (state.parse_seconds - parse_before)
        for root in roots:
            record = cached.get(root)
            if record is None and root in in_pool:
                record, payload = in_pool.pop(root)
                key = root_keys[root]
                results.put_raw(key, record.deps, payload, record)
                if results.enabled:
                    in_cache[id(record)] = digest(key, repr(record.deps))
            elif record is None:
                t = time.perf_counter()
                parse_before = state.parse_seconds
                record, cacheable = _evaluate_root(state.loader, root, options)
                if cacheable:
                    key = root_keys[root]
                    results.put(key, record.deps, record)
                    if results.enabled:
                        in_cache[id(record)] = digest(key, repr(record.deps))
                evaluate_seconds += (time.perf_counter() - t) - (state.parse_seconds - parse_before)
            records.append(record)
        emitted = _merge(state, records, result)
        result.parts = [replace(p, cache_key=in_cache.get(id(p.source))) for p in result.parts]
        for warning in undeclared_warnings(records):
            logging.getLogger("soc2lint").warning("%s", warning)
        if plan_files:
            from .plan import load_plan

            for plan in plan_files:
                try:
                    plan_result = load_plan(plan, options, state.loader)
                except Exception as exc:
                    _internal_error(state.loader, exc, plan, options)
                    continue
                result.nodes.extend(plan_result.nodes)
                result.edges.extend(plan_result.edges)
                result.files.extend(plan_result.files)
        # configurations never reached from a root still report their parse errors
        for d, info in dir_infos.items():
            if str(d) not in emitted:
                emitted.add(str(d))
                for diag in info.diagnostics:
                    state.reported.add(replace(diag, scope=info.display))
        if state.started:
            for cfg in state.loader.configs.values():
                if str(cfg.dir) not in emitted:
                    state.loader.emit_config_diagnostics(cfg, cfg.display)
    result.diagnostics.extend(state.reported.items)
    result.files.extend(state.files)
    if state.started:
        result.files.extend(state.loader.files)
    for info in dir_infos.values():
        result.files.extend(info.files)
    result.files = sorted(set(result.files))
    if plan_files:
        result.nodes.sort(key=lambda n: (n.scope, n.address))
        result.edges.sort(key=_edge_order)
    result.diagnostics.sort(
        key=lambda d: (
            d.range.file,
            d.range.start_line,
            d.rule_id,
            d.message,
            d.scope,
            d.address,
            d.range,
        )
    )
    timings["terraform.parse"] = state.parse_seconds
    timings["terraform.evaluate"] = evaluate_seconds
    timings["terraform"] = time.perf_counter() - started
    result.timings.update(timings)
    result.cache_stats.update(
        {
            "terraform.roots": len(roots),
            "terraform.roots_cached": len(cached),
            "terraform.roots_in_pool": pooled,
            "terraform.files_parsed": state.loader.cache.misses if state.started else 0,
        }
    )
    if state.started:
        state.loader.release()
    return result


def _roots(
    state: _Loading, resolved: list[Path], results: ResultCache, opt_key: str
) -> tuple[list[Path], dict[Path, DirInfo]]:
    """The roots among ``resolved`` and what each scanned directory holds.

    Kept in the result cache under the list of directories; when some of
    them changed, the others' information is taken from the previous entry
    (it depends only on their content, which the digests compare), so only
    the changed directories are parsed.
    """
    sources = state.sources
    key = results.key("roots", opt_key, *[str(d) for d in resolved])
    current = {d: sources.dir_digest(d) for d in resolved}
    previous = results.get_stale(key)
    old_deps: dict[tuple[str, str], str] = {}
    old_infos: dict[Path, DirInfo] = {}
    if previous is not None:
        deps, value = previous
        old_deps = {(k, p): dg for k, p, dg in deps}
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict):
            old_infos = value[1]
    infos: dict[Path, DirInfo] = {}
    for d in resolved:
        info = old_infos.get(d)
        if isinstance(info, DirInfo) and old_deps.get(("dir", str(d))) == current[d]:
            infos[d] = info
    changed = [d for d in resolved if d not in infos]
    if changed:
        from .modules import config_files

        loader = state.loader
        _preparse(loader, [f for d in changed for f in config_files(d, sources)], state.options)
        for d in changed:
            infos[d] = _dir_info(loader, d)
    manifest = Manifest(sources)
    for d in resolved:
        manifest.directory(d)
        for target in _call_targets(d, infos[d].local_calls, state.options.resolve):
            manifest.directory(target)
    deps = manifest.deps()
    roots = roots_from_calls(
        resolved, {d: infos[d].local_calls for d in resolved}, state.options.resolve
    )
    if {(k, p): dg for k, p, dg in deps} != old_deps or infos.keys() != old_infos.keys():
        results.put(key, deps, (roots, infos))
    return roots, infos


def _part(record: RootRecord, cache_key: str | None = None) -> Part:
    """The part of a load one root is (``cache_key``: its result-cache key and manifest)."""
    return Part(
        record,
        record.scope,
        record.nodes,
        record.edges,
        record.literal_edges,
        record.files,
        cache_key,
    )


def _merge(state: _Loading, records: list[RootRecord], result: LoadResult) -> set[str]:
    """Put the roots' records together as one load would have produced them.

    A configuration's own diagnostics are reported once, in the scope of
    the first root (in root order) that used it.  Returns the directories
    whose diagnostics were reported.
    """
    emitted: set[str] = set()
    for record in records:
        for d in record.diagnostics:
            state.reported.add(d)
        for directory, _display, diagnostics in record.configs:
            if directory in emitted:
                continue
            emitted.add(directory)
            for d in diagnostics:
                state.reported.add(replace(d, scope=record.scope))
        state.files.update(record.files)
    # each record is sorted, and every node and edge of a record is in its root's scope:
    # ordering the records by scope orders the whole (see the sort keys in _evaluate_root)
    by_node_scope = sorted(records, key=lambda r: r.scope)
    by_edge_scope = sorted(records, key=lambda r: r.scope + "::")
    for record in by_node_scope:
        result.nodes.extend(record.nodes)
        result.parts.append(_part(record))
    for record in by_edge_scope:
        result.edges.extend(record.edges)
    for record in records:
        result.literal_edges[record.scope] = record.literal_edges
    if not all(r.uniform for r in records):
        result.nodes.sort(key=lambda n: (n.scope, n.address))
        result.edges.sort(key=_edge_order)
    return emitted


def undeclared_warnings(records: Sequence[RootRecord]) -> list[str]:
    """Warnings (on stderr, as Terraform prints them) for values given to variables that
    are not declared: a misspelt name silently leaves the variable at its default.

    A root's own tfvars files are checked against that root; ``--var-file`` and
    ``--var`` apply to every root of the scan, so their values are reported only
    when no root declares the variable.
    """
    out: set[str] = set()
    shared: set[tuple[str, str]] | None = None
    for record in records:
        mine: set[tuple[str, str]] = set()
        for kind, name, where in record.undeclared:
            if kind == "own":
                out.add(
                    f'{where}: value for undeclared variable "{name}": the root module '
                    f'{record.scope} declares no variable "{name}", so Terraform ignores it'
                )
            else:
                mine.add((name, where))
        shared = mine if shared is None else shared & mine
    for name, where in shared or ():
        if where == "--var":
            out.add(
                f'--var {name}: no scanned root module declares variable "{name}" '
                "(terraform rejects it); the value is not used"
            )
        else:
            out.add(
                f'{where}: value for undeclared variable "{name}": no scanned root module '
                f'declares variable "{name}", so the value is not used'
            )
    return sorted(out)


def _internal_error(loader: Loader, exc: Exception, where: Path, options: LoadOptions) -> None:
    display = options.display(where)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    loader.report(
        Diagnostic(
            "SYS001",
            f"internal error while loading {display} ({detail}); it was not checked "
            "(please report this)",
            Range(display, 1, 1),
            display,
            display,
        )
    )

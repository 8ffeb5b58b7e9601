"""CloudFormation front end: templates into graph nodes.

:func:`load_cloudformation` reads the YAML/JSON candidates discovery found,
decides by content which are templates (others are skipped silently),
evaluates each top-level template with its nested stacks, and returns the
nodes, edges and diagnostics described in docs/graph-conventions.md.
cfn-lint is imported only when a file is actually decoded.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from ..cache import (
    PICKLE_ERRORS,
    ResultCache,
    Sources,
    digest,
    pickled,
    sources_for,
    unpickled,
)
from ..frontend import Diagnostic, LoadOptions, LoadResult, Part, shared_edges
from ..links import literal_edges_by_scope
from ..memory import paused_gc, resident_bytes
from ..model import Range
from ..record import record
from .adapt import Session, TemplateInstance
from .decode import is_template, looks_like_template
from .files import FileStore, decoder_version
from .nested import static_children
from .nodes import YDict

__all__ = ["load_cloudformation"]


def load_cloudformation(files: Sequence[Path], options: LoadOptions) -> LoadResult:
    """Load every CloudFormation template among ``files`` (others are skipped silently)."""
    result = LoadResult()
    started = time.perf_counter()
    # The graph is hundreds of thousands of small containers that live until the
    # scan ends; the cyclic collector walking them over and over doubled load time.
    with paused_gc():
        try:
            _load(files, options, result)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # a bug here must not take the scan down
            where = options.display(files[0]) if files else "."
            result.diagnostics.append(
                Diagnostic(
                    "SYS001",
                    f"the CloudFormation front end failed ({type(exc).__name__}: {exc}); "
                    "templates after this point were not checked",
                    Range(where, 1, 1),
                    where,
                    where,
                )
            )
    result.timings["cloudformation"] = time.perf_counter() - started
    return result


#: strings without which a template cannot nest another (only such files are decoded up front)
_NESTING_HINTS = (b"TemplateURL", b"AWS::Serverless::Application", b"aws:asset:path")
#: below this many top-level templates to evaluate a process pool costs more than it saves
POOL_MIN_ROOTS = 16
#: each batch for the pool is this fraction of the templates left per worker (see _batches)
POOL_BATCH_SHARE = 8
#: An evaluated template and its nodes are held by a cycle (instance <-> evaluator) that
#: the paused collector never frees: ~3 MB a 300-resource template, kept by a worker for
#: every template it evaluates.  Past this much resident memory each evaluation is
#: released once done, by reference counting; below it, not, as that costs ~10 % more CPU
#: (the 200-template benchmark corpus, ~600 MB a worker, does not pay for it).
RELEASE_ABOVE_BYTES = 1 << 30


@record
class Outcome:
    """What evaluating one top-level template produced on its own (with its nested
    stacks): kept in the result cache, sent back by a worker.  The files it used,
    reported and listed are merged in the order of the roots (:func:`_merge`), so
    the scan is the same as one evaluating every template in turn."""

    result: LoadResult
    consumed: list[str]
    reported: list[str]
    listed: list[str]
    #: the result-cache key and manifest it is kept under ("" when it is not kept)
    cache_key: str = ""


def _options_key(options: LoadOptions) -> str:
    """Everything in the options that changes what an evaluation produces."""
    return ResultCache.key(
        repr(
            (
                str(options.root),
                str(options.base),
                sorted((str(k), repr(v)) for k, v in options.cfn_parameters.items()),
                options.limits,
            )
        )
    )


def _load(files: Sequence[Path], options: LoadOptions, result: LoadResult) -> None:
    paths = sorted(dict.fromkeys(Path(f).absolute() for f in files))
    store = FileStore(options, sources=sources_for(options.limits.max_file_bytes, options.memo))
    resolved = {p: _resolve(p) for p in paths}
    by_resolved = {r: p for p, r in resolved.items()}
    # a file that another scanned template loads as a nested stack is not a root
    referenced: set[Path] = set()
    for p in paths:
        if not _may_nest(p, options):
            continue
        entry = store.entry(p)
        root = entry.decoded.root if entry.decoded is not None else None
        if root is None or not is_template(root):
            continue
        for child in static_children(root, p):
            target = _resolve(child)
            if target != resolved[p] and target in by_resolved:
                referenced.add(by_resolved[target])
    roots = [p for p in paths if p not in referenced]
    # templates whose result-cache entry is still valid are neither decoded nor evaluated
    checked = time.perf_counter()
    results = ResultCache(
        options.cache_dir, "cloudformation-results", decoder_version(), options.memo
    )
    opt_key = _options_key(options)
    assert store.sources is not None
    outcomes: dict[Path, Outcome] = {}
    for p in roots:
        hit = results.get(results.key("template", opt_key, str(p)), store.sources)
        if isinstance(hit, Outcome):
            outcomes[p] = hit
    cached = len(outcomes)
    _add_timing(result, "cloudformation.cache", time.perf_counter() - checked)
    misses = [p for p in roots if p not in outcomes]
    jobs = max(1, int(options.jobs))
    pooled = time.perf_counter()
    fresh = None
    if jobs > 1 and len(misses) >= POOL_MIN_ROOTS:
        fresh = _load_in_pool(misses, jobs, options, result)
    if fresh is not None:
        # decoding and evaluation CPU seconds are summed over the workers
        result.timings["cloudformation.pool"] = time.perf_counter() - pooled
    else:
        fresh = _load_roots(misses, store, results, opt_key, result)
    outcomes.update(fresh)
    seen_problems: set[tuple[str, Range, str]] = set()
    for p in roots:
        _merge(p, outcomes[p], store, result, seen_problems)
    # children of templates that did not load them after all (a false condition,
    # a cycle of templates): scan them on their own
    _timed_roots([p for p in paths if resolved[p] not in store.consumed], store, options, result)
    _add_timing(result, "cloudformation.parse", store.decode_seconds)
    result.cache_stats["cloudformation.templates"] = len(roots)
    result.cache_stats["cloudformation.templates_cached"] = cached


def _add_timing(result: LoadResult, key: str, seconds: float) -> None:
    result.timings[key] = result.timings.get(key, 0.0) + seconds


def _timed_roots(
    roots: list[Path], store: FileStore, options: LoadOptions, result: LoadResult
) -> None:
    """:func:`_load_root` for each of ``roots``, adding evaluation CPU time (decoding aside:
    CPU time, because with a pool these are summed over workers that share the cores)."""
    started, decoded = time.process_time(), store.decode_seconds
    for p in roots:
        _load_root(p, store, options, result)
    spent = time.process_time() - started - (store.decode_seconds - decoded)
    _add_timing(result, "cloudformation.evaluate", spent)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _may_nest(path: Path, options: LoadOptions) -> bool:
    try:
        if path.stat().st_size > options.limits.max_file_bytes:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return any(hint in data for hint in _NESTING_HINTS)


def _evaluate(
    path: Path, shared: FileStore, results: ResultCache, opt_key: str
) -> tuple[Outcome, bytes | None, dict[str, float]]:
    """Evaluate one top-level template on its own; its outcome, the pickle of it when it
    was stored in the result cache (else None), and its CPU seconds: decoding, evaluation,
    and pickling the outcome into the result cache (``cloudformation.store``)."""
    store = shared.for_root()
    if results.enabled:
        store.uncached = path
    part = LoadResult()
    started = time.process_time()
    ok = _load_root(path, store, shared.options, part)
    # computed here (in a worker: in parallel) rather than by the engine, and cached with
    # the nodes; shared id strings make the result much smaller to send back and store
    part.edges = shared_edges(part.edges)
    part.literal_edges = {
        scope: shared_edges(edges) for scope, edges in literal_edges_by_scope(part.nodes).items()
    }
    outcome = Outcome(
        part,
        [str(c) for c in store.consumed],
        [str(r) for r in store.reported],
        [str(p) for p in store.listed_order],
    )
    spent = time.process_time() - started
    shared.decode_seconds += store.decode_seconds
    timings = {
        "cloudformation.parse": store.decode_seconds,
        "cloudformation.evaluate": spent - store.decode_seconds,
    }
    stored = time.process_time()
    payload = None
    # not kept: a failed evaluation (a bug, or memory running out: not a property of the
    # input), nor one whose decode was abandoned for time (depends on the machine's load)
    keep = ok and not store.timed_out and store.manifest is not None
    if keep and results.enabled and store.manifest is not None:
        key = results.key("template", opt_key, str(path))
        deps = store.manifest.deps()
        outcome.cache_key = digest(key, repr(deps))
        try:
            payload = pickled(outcome)
        except PICKLE_ERRORS:
            outcome.cache_key = ""
            payload = None  # not kept (a worker then fails and the pool falls back)
        else:
            results.put_raw(key, deps, payload, outcome)
    elif keep and store.manifest is not None:
        results.remember(
            results.key("template", opt_key, str(path)), store.manifest.deps(), outcome
        )
    timings["cloudformation.store"] = time.process_time() - stored
    return outcome, payload, timings


def _load_roots(
    roots: list[Path], store: FileStore, results: ResultCache, opt_key: str, result: LoadResult
) -> dict[Path, Outcome]:
    """Evaluate ``roots`` in this process, each on its own (see :func:`_evaluate`)."""
    out: dict[Path, Outcome] = {}
    for p in roots:
        outcome, _, timings = _evaluate(p, store, results, opt_key)
        for stage, seconds in timings.items():
            if stage != "cloudformation.parse":  # counted with the store's decode seconds
                _add_timing(result, stage, seconds)
        out[p] = outcome
    return out


def _merge(
    root: Path,
    outcome: Outcome,
    store: FileStore,
    result: LoadResult,
    seen_problems: set[tuple[str, Range, str]],
) -> None:
    """Add one root's outcome as evaluating the roots in turn with one store would have:
    a root another one already loaded is skipped, a file is listed once, and a file's
    own read/decode problems are reported once, in the scope of the first root using it."""
    if _resolve(root) in store.consumed:
        return
    part = outcome.result
    for d in part.diagnostics:
        if d.address == d.range.file:  # a file's own read/decode problem: once per scan
            key = (d.rule_id, d.range, d.message)
            if key in seen_problems:
                continue
            seen_problems.add(key)
        result.diagnostics.append(d)
    result.nodes.extend(part.nodes)
    result.edges.extend(part.edges)
    result.literal_edges.update(part.literal_edges)
    result.parts.append(_part(outcome, store.options.display(root)))
    for display, path in zip(part.files, outcome.listed, strict=True):
        if Path(path) not in store.listed:
            store.listed.add(Path(path))
            store.listed_order.append(Path(path))
            result.files.append(display)
    store.consumed.update(Path(c) for c in outcome.consumed)
    store.reported.update(Path(r) for r in outcome.reported)


def _part(outcome: Outcome, scope: str) -> Part:
    """The part of a load one top-level template is."""
    part = outcome.result
    return Part(
        outcome,
        scope,
        part.nodes,
        part.edges,
        part.literal_edges.get(scope),
        part.files,
        outcome.cache_key or None,
    )


def _load_in_pool(
    roots: list[Path], jobs: int, options: LoadOptions, result: LoadResult
) -> dict[Path, Outcome] | None:
    """Evaluate top-level templates in worker processes; None when no pool can be used.

    Each worker evaluates whole templates (decode and evaluation are both
    CPU-bound), stores each outcome in the result cache and sends back the
    same pickle, so an outcome is serialized once.
    """
    batches = _batches(roots, jobs)
    opt_key = _options_key(options)
    out: dict[Path, Outcome] = {}
    timings: dict[str, float] = {}
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = pool.map(
                _load_batch, batches, [options] * len(batches), [opt_key] * len(batches)
            )
            for part, spent in parts:
                for stage, seconds in spent.items():
                    timings[stage] = timings.get(stage, 0.0) + seconds
                for path, payload in part:
                    out[Path(path)] = unpickled(payload)
    except Exception:  # no pool here (a sandbox, a broken worker): load in-process
        return None
    for stage, seconds in timings.items():
        _add_timing(result, stage, seconds)
    return out


def _batches(roots: list[Path], jobs: int) -> list[list[str]]:
    """``roots`` in batches for the pool, largest files first and each batch a fixed share
    of what is left per worker (guided scheduling): few batches, the last ones of one
    template, so the workers finish within about one template of each other; and this
    process reads each batch's outcomes while they work on."""
    ordered = sorted(roots, key=_size, reverse=True)
    batches: list[list[str]] = []
    while ordered:
        size = max(1, len(ordered) // (jobs * POOL_BATCH_SHARE))
        batches.append([str(p) for p in ordered[:size]])
        del ordered[:size]
    return batches


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _load_batch(
    paths: list[str], options: LoadOptions, opt_key: str
) -> tuple[list[tuple[str, bytes]], dict[str, float]]:
    """Worker: evaluate top-level templates, each on its own; their pickled outcomes."""
    with paused_gc():
        shared = FileStore(options, sources=Sources(options.limits.max_file_bytes))
        results = ResultCache(
            options.cache_dir, "cloudformation-results", decoder_version(), options.memo
        )
        out: list[tuple[str, bytes]] = []
        timings: dict[str, float] = {}
        for p in paths:
            outcome, payload, spent = _evaluate(Path(p), shared, results, opt_key)
            if payload is None:
                started = time.process_time()
                payload = pickled(outcome)
                spent["cloudformation.store"] += time.process_time() - started
            if options.on_part is not None:
                started = time.process_time()
                options.on_part(_part(outcome, options.display(p)))
                spent["cloudformation.on_part"] = time.process_time() - started
            out.append((p, payload))
            for stage, seconds in spent.items():
                timings[stage] = timings.get(stage, 0.0) + seconds
    return out, timings


def _load_root(path: Path, store: FileStore, options: LoadOptions, result: LoadResult) -> bool:
    """Evaluate one top-level template into ``result``; False when it failed (a bug)."""
    real = path.resolve()
    if real in store.consumed:
        return True
    store.consumed.add(real)
    display = options.display(path)
    session = Session(options, store, real, display, result)
    try:
        entry = store.entry(path)
        store.entries.setdefault(real, entry)
        if entry.error is not None:
            session.list_file(path)
            session.report_file_problems(path, display)
            return True
        decoded = entry.decoded
        if decoded is None:
            return True
        root = decoded.root
        if root is None or not isinstance(root, dict):
            # undecodable, or a list/scalar document: report only what looks like a template
            if not _looks_like_template_file(path, options):
                return True
            session.list_file(path)
            session.report_file_problems(path, display)
            if root is not None:
                session.diagnostic(
                    "SYS001",
                    f"the template's top level is a {_kind_of(root)}, not a mapping",
                    Range(display, 1, 1),
                    display,
                )
            return True
        if not is_template(root):
            return True
        session.list_file(path)
        session.report_file_problems(path, display)
        instance = TemplateInstance(session, real, cast(YDict, root), chain=(real,))
        try:
            instance.run()
        finally:
            resident = resident_bytes()
            if resident is None or resident > RELEASE_ABOVE_BYTES:
                instance.release()
    except RecursionError:
        session.diagnostic(
            "SYS001", "template is nested too deeply to evaluate", Range(display, 1, 1), display
        )
        return False
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        session.diagnostic(
            "SYS001",
            f"template could not be evaluated ({type(exc).__name__}: {exc}); it is not checked",
            Range(display, 1, 1),
            display,
        )
        return False
    finally:
        session.finish()
    return True


def _looks_like_template_file(path: Path, options: LoadOptions) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(min(options.limits.max_file_bytes, 1 << 20))
    except OSError:
        return False
    return looks_like_template(head.decode("utf-8", errors="replace"))


def _kind_of(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__

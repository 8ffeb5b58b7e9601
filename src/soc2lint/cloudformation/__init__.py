"""CloudFormation front end: templates into graph nodes.

:func:`load_cloudformation` reads the YAML/JSON candidates discovery found,
decides by content which are templates (others are skipped silently),
evaluates each top-level template with its nested stacks, and returns the
nodes, edges and diagnostics described in docs/graph-conventions.md.
cfn-lint is imported only when a file is actually decoded.
"""

from __future__ import annotations

import concurrent.futures
import gc
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from ..frontend import Diagnostic, LoadOptions, LoadResult, shared_edges
from ..links import literal_edges_by_scope
from ..model import Range
from .adapt import Session, TemplateInstance
from .decode import is_template, looks_like_template
from .files import FileStore
from .nested import static_children
from .nodes import YDict

__all__ = ["load_cloudformation"]


def load_cloudformation(files: Sequence[Path], options: LoadOptions) -> LoadResult:
    """Load every CloudFormation template among ``files`` (others are skipped silently)."""
    result = LoadResult()
    started = time.perf_counter()
    # The graph is hundreds of thousands of small containers that live until the
    # scan ends; the cyclic collector walking them over and over doubled load time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
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
    finally:
        if gc_was_enabled:
            gc.enable()
    result.timings["cloudformation"] = time.perf_counter() - started
    return result


#: strings without which a template cannot nest another (only such files are decoded up front)
_NESTING_HINTS = (b"TemplateURL", b"AWS::Serverless::Application", b"aws:asset:path")
#: below this many top-level templates a process pool costs more than it saves
POOL_MIN_ROOTS = 16


def _load(files: Sequence[Path], options: LoadOptions, result: LoadResult) -> None:
    paths = sorted(dict.fromkeys(Path(f).absolute() for f in files))
    store = FileStore(options)
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
    jobs = max(1, int(options.jobs))
    pooled = time.perf_counter()
    if jobs > 1 and len(roots) >= POOL_MIN_ROOTS and _load_in_pool(roots, jobs, store, result):
        # decoding and evaluation CPU seconds are summed over the workers
        result.timings["cloudformation.pool"] = time.perf_counter() - pooled
    else:
        _timed_roots(roots, store, options, result)
    # children of templates that did not load them after all (a false condition,
    # a cycle of templates): scan them on their own
    _timed_roots([p for p in paths if resolved[p] not in store.consumed], store, options, result)
    _add_timing(result, "cloudformation.parse", store.decode_seconds)


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


def _load_in_pool(roots: list[Path], jobs: int, store: FileStore, result: LoadResult) -> bool:
    """Load top-level templates in worker processes; False when no pool can be used.

    Each worker evaluates whole templates (decode and evaluation are both
    CPU-bound) and returns plain data; results are merged in the order of
    ``roots``, so the outcome is the same as loading them in-process.
    """
    options = store.options
    chunks = max(1, min(len(roots), jobs * 4))
    size = -(-len(roots) // chunks)
    batches = [[str(p) for p in roots[i : i + size]] for i in range(0, len(roots), size)]
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(_load_batch, batches, [options] * len(batches)))
    except Exception:  # no pool here (a sandbox, a broken worker): load in-process
        return False
    seen_problems: set[tuple[str, Range, str]] = set()
    for part, consumed, reported, listed in outcomes:
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
        for stage, seconds in part.timings.items():
            _add_timing(result, stage, seconds)
        for display, path in zip(part.files, listed, strict=True):
            if Path(path) not in store.listed:
                store.listed.add(Path(path))
                store.listed_order.append(Path(path))
                result.files.append(display)
        store.consumed.update(Path(c) for c in consumed)
        store.reported.update(Path(r) for r in reported)
    return True


def _load_batch(
    paths: list[str], options: LoadOptions
) -> tuple[LoadResult, list[str], list[str], list[str]]:
    """Worker: load top-level templates with a store of its own."""
    gc.disable()
    store = FileStore(options)
    result = LoadResult()
    _timed_roots([Path(p) for p in paths], store, options, result)
    result.timings["cloudformation.parse"] = store.decode_seconds
    # computed here, in parallel, rather than by the engine; shared id strings make
    # the result much smaller to send back
    result.edges = shared_edges(result.edges)
    result.literal_edges = {
        scope: shared_edges(edges) for scope, edges in literal_edges_by_scope(result.nodes).items()
    }
    return (
        result,
        [str(c) for c in store.consumed],
        [str(r) for r in store.reported],
        [str(p) for p in store.listed_order],
    )


def _load_root(path: Path, store: FileStore, options: LoadOptions, result: LoadResult) -> None:
    real = path.resolve()
    if real in store.consumed:
        return
    store.consumed.add(real)
    display = options.display(path)
    session = Session(options, store, real, display, result)
    try:
        entry = store.entry(path)
        store.entries.setdefault(real, entry)
        if entry.error is not None:
            session.list_file(path)
            session.report_file_problems(path, display)
            return
        decoded = entry.decoded
        if decoded is None:
            return
        root = decoded.root
        if root is None or not isinstance(root, dict):
            # undecodable, or a list/scalar document: report only what looks like a template
            if not _looks_like_template_file(path, options):
                return
            session.list_file(path)
            session.report_file_problems(path, display)
            if root is not None:
                session.diagnostic(
                    "SYS001",
                    f"the template's top level is a {_kind_of(root)}, not a mapping",
                    Range(display, 1, 1),
                    display,
                )
            return
        if not is_template(root):
            return
        session.list_file(path)
        session.report_file_problems(path, display)
        TemplateInstance(session, real, cast(YDict, root), chain=(real,)).run()
    except RecursionError:
        session.diagnostic(
            "SYS001", "template is nested too deeply to evaluate", Range(display, 1, 1), display
        )
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        session.diagnostic(
            "SYS001",
            f"template could not be evaluated ({type(exc).__name__}: {exc}); it is not checked",
            Range(display, 1, 1),
            display,
        )
    finally:
        session.finish()


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

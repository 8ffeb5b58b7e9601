"""Terraform front end: HCL, JSON syntax and plan JSON into graph nodes.

Pipeline: :func:`parse_file` (pure, per file, may run in worker processes)
-> :mod:`.modules` (index a directory's blocks) -> :mod:`.evaluate` (lazy,
memoised evaluation of module instances, with Unknown for what cannot be
known) -> :mod:`.adapt` (nodes and edges).  Plans are read by :mod:`.plan`.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from ..frontend import Diagnostic, LoadOptions, LoadResult
from ..model import Range
from .evaluate import Loader
from .modules import config_files, is_json_syntax, parse_source, read_source
from .syntax import ParsedFile

__all__ = ["find_roots", "load_settings", "load_terraform", "parse_file"]

#: files below which parsing stays in-process even with jobs > 1
POOL_MIN_FILES = 24


def parse_file(text: str, json_syntax: bool = False) -> ParsedFile:
    """Parse one configuration file's text: a pure function, safe to cache by content."""
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
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()
        sys.setrecursionlimit(old_limit)


def _parse_batch(batch: list[tuple[str, bool]]) -> list[ParsedFile]:
    """Worker-process entry: parse texts (no I/O, no shared state)."""
    return [parse_source(text, json_syntax) for text, json_syntax in batch]


def _preparse(loader: Loader, files: list[Path], options: LoadOptions) -> None:
    """Parse ``files`` into the loader's memo in worker processes, when worthwhile.

    Files are read here, cached results are taken from the content-hash cache,
    and only the rest is sent to the pool in chunks.  Below
    :data:`POOL_MIN_FILES` or with ``jobs=1`` nothing happens: files are then
    parsed lazily in-process.
    """
    todo = [f for f in dict.fromkeys(files) if f not in loader.parsed]
    if options.jobs <= 1 or len(todo) < POOL_MIN_FILES:
        return
    pending: list[tuple[Path, str, bool, str]] = []
    for path in todo:
        source = read_source(path, options)
        if isinstance(source, ParsedFile):
            loader.parsed[path] = source
            continue
        json_syntax = is_json_syntax(path)
        key = loader.cache_key(source, json_syntax)
        cached = loader.cache.get(key)
        if isinstance(cached, ParsedFile):
            loader.parsed[path] = cached
            continue
        pending.append((path, source, json_syntax, key))
    if len(pending) < POOL_MIN_FILES:
        return
    size = max(4, len(pending) // (options.jobs * 4))
    batches = [pending[i : i + size] for i in range(0, len(pending), size)]
    try:
        with ProcessPoolExecutor(max_workers=options.jobs) as pool:
            results = pool.map(_parse_batch, [[(t, j) for _, t, j, _ in b] for b in batches])
            for batch, parsed in zip(batches, results, strict=True):
                for (path, _, _, key), pf in zip(batch, parsed, strict=True):
                    loader.parsed[path] = pf
                    loader.cache.put(key, pf)
    except (OSError, RuntimeError, ImportError, BrokenProcessPool):
        return  # no usable pool here: the files are parsed in-process instead


def find_roots(loader: Loader, dirs: Sequence[Path]) -> list[Path]:
    """Root modules among ``dirs``: directories no other scanned directory calls as a
    local module; directories only reachable through a cycle become roots too."""
    resolved = sorted(dict.fromkeys(d.resolve() for d in dirs))
    calls: dict[Path, list[Path]] = {}
    called: set[Path] = set()
    for d in resolved:
        cfg = loader.config(d)
        targets = []
        for _, src in cfg.local_calls():
            target = Path(os.path.normpath(d / src))
            try:
                target = target.resolve()
            except OSError:
                continue
            if target != d:
                targets.append(target)
                called.add(target)
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


def load_terraform(
    dirs: Sequence[Path], plan_files: Sequence[Path], options: LoadOptions
) -> LoadResult:
    """Load every Terraform root among ``dirs`` and every plan file.

    Never raises for bad input: problems are diagnostics (SYS001 parse errors,
    SYS006 modules not available, SYS007 configuration errors, SYS008 limits).
    """
    from .adapt import load_root
    from .plan import load_plan

    result = LoadResult()
    loader = Loader(options)
    with load_settings():
        try:
            files = [f for d in dirs for f in config_files(d)]
            _preparse(loader, files, options)
            roots = find_roots(loader, dirs)
        except Exception as exc:  # a bug, not bad input: report, do not crash the scan
            roots = []
            _internal_error(loader, exc, dirs[0] if dirs else options.root, options)
        for root in roots:
            try:
                nodes, edges = load_root(loader, root)
            except Exception as exc:
                _internal_error(loader, exc, root, options)
                continue
            result.nodes.extend(nodes)
            result.edges.extend(edges)
        for plan in plan_files:
            try:
                plan_result = load_plan(plan, options, loader)
            except Exception as exc:
                _internal_error(loader, exc, plan, options)
                continue
            result.nodes.extend(plan_result.nodes)
            result.edges.extend(plan_result.edges)
            result.files.extend(plan_result.files)
        # configurations never reached from a root still report their parse errors
        for cfg in loader.configs.values():
            loader.emit_config_diagnostics(cfg, cfg.display)
    result.diagnostics.extend(loader.diagnostics)
    result.files.extend(loader.files)
    result.files = sorted(set(result.files))
    result.nodes.sort(key=lambda n: (n.scope, n.address))
    result.edges.sort(key=lambda e: (e.src, e.dst, e.kind, repr(e.src_path), e.dst_attr or ""))
    result.diagnostics.sort(key=lambda d: (d.range.file, d.range.start_line, d.rule_id, d.message))
    return result


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

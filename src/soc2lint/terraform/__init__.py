"""Terraform front end: HCL, JSON syntax and plan JSON into graph nodes.

Pipeline: :func:`parse_file` (pure, per file, may run in worker processes)
-> :mod:`.modules` (index a directory's blocks) -> :mod:`.evaluate` (lazy,
memoised evaluation of module instances, with Unknown for what cannot be
known) -> :mod:`.adapt` (nodes and edges).  Plans are read by :mod:`.plan`.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..frontend import Diagnostic, Limits, LoadOptions, LoadResult
from ..model import Range
from .modules import config_files, is_local_source, parse_path, parse_source
from .syntax import ParsedFile

__all__ = ["find_roots", "load_terraform", "parse_file"]

#: files below which parsing stays in-process even with jobs > 1
POOL_MIN_FILES = 24


def parse_file(text: str, json_syntax: bool = False) -> ParsedFile:
    """Parse one configuration file's text: a pure function, safe to cache by content."""
    return parse_source(text, json_syntax)


@contextmanager
def _recursion_headroom(limit: int = 20000) -> Iterator[None]:
    old = sys.getrecursionlimit()
    if old < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _parse_many(paths: list[str], limits: Limits) -> list[tuple[str, ParsedFile, bool]]:
    options = LoadOptions(root=Path("/"), base=Path("/"), limits=limits)
    out = []
    for p in paths:
        pf, limit = parse_path(Path(p), options)
        out.append((p, pf, limit))
    return out


def _preparse(loader: object, files: list[Path], options: LoadOptions) -> None:
    """Parse ``files`` into the loader's cache, in worker processes when worthwhile."""
    from .evaluate import Loader

    assert isinstance(loader, Loader)
    todo = [f for f in files if f not in loader.parsed]
    if options.jobs <= 1 or len(todo) < POOL_MIN_FILES:
        return  # parsed lazily, in-process
    chunks = max(1, len(todo) // (options.jobs * 4))
    batches = [[str(p) for p in todo[i : i + chunks]] for i in range(0, len(todo), chunks)]
    try:
        with ProcessPoolExecutor(max_workers=options.jobs) as pool:
            for result in pool.map(_parse_many, batches, [options.limits] * len(batches)):
                for p, pf, limit in result:
                    loader.parsed[Path(p)] = (pf, limit)
    except (OSError, RuntimeError, ImportError):
        return  # no pool available: parse in-process instead


def find_roots(loader: object, dirs: Sequence[Path]) -> list[Path]:
    """Root modules among ``dirs``: directories no other scanned directory calls as a
    local module; directories only reachable through a cycle become roots too."""
    from .evaluate import Loader

    assert isinstance(loader, Loader)
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
    from .evaluate import Loader
    from .plan import load_plan

    result = LoadResult()
    loader = Loader(options)
    with _recursion_headroom():
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


def _internal_error(loader: object, exc: Exception, where: Path, options: LoadOptions) -> None:
    from .evaluate import Loader

    assert isinstance(loader, Loader)
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


_ = is_local_source

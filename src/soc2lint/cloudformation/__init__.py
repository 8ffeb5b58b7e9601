"""CloudFormation front end: templates into graph nodes.

:func:`load_cloudformation` reads the YAML/JSON candidates discovery found,
decides by content which are templates (others are skipped silently),
evaluates each top-level template with its nested stacks, and returns the
nodes, edges and diagnostics described in docs/graph-conventions.md.
cfn-lint is imported only when a file is actually decoded.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from ..frontend import Diagnostic, LoadOptions, LoadResult
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
    return result


def _load(files: Sequence[Path], options: LoadOptions, result: LoadResult) -> None:
    paths = sorted(dict.fromkeys(Path(f).absolute() for f in files))
    store = FileStore(options)
    store.prefetch(paths)
    resolved = {p: p.resolve() for p in paths}
    by_resolved = {r: p for p, r in resolved.items()}
    # a file that another scanned template loads as a nested stack is not a root
    referenced: set[Path] = set()
    for p in paths:
        entry = store.entry(p)
        root = entry.decoded.root if entry.decoded is not None else None
        if root is None or not is_template(root):
            continue
        for child in static_children(root, p):
            try:
                target = child.resolve()
            except OSError:
                continue
            if target != resolved[p] and target in by_resolved:
                referenced.add(by_resolved[target])
    for p in paths:
        if p not in referenced:
            _load_root(p, store, options, result)
    # children of templates that did not load them after all (a false condition,
    # a cycle of templates): scan them on their own
    for p in paths:
        if resolved[p] not in store.consumed:
            _load_root(p, store, options, result)


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

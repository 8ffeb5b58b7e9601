"""How long each stage of a scan took, and where that goes (``--debug``, ``SOC2LINT_TIMINGS``).

The engine times its stages with :func:`timed` into ``ScanResult.timings``
(and each rule into ``ScanResult.rule_timings``); ``SOC2LINT_TIMINGS=FILE``
makes the CLI write them, with the peak memory, as JSON for ``bench/run.py``
(:func:`write_timings_file`); ``soc2lint history`` writes the replay's figures
there for ``bench/history_bench.py`` (:func:`write_history_timings_file`).  Timing is measured here and read by the
benchmark; no test asserts on it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import ScanResult
    from .history.replay import ReplayStats

ENV = "SOC2LINT_TIMINGS"


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the ``with`` block to ``timings[stage]``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def peak_rss_kib() -> tuple[int, int]:
    """Peak RSS of this process and of its largest child process (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0, 0
    scale = 1024 if sys.platform == "darwin" else 1  # bytes on macOS, KiB elsewhere
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // scale,
    )


def timings_report(result: ScanResult) -> dict[str, Any]:
    """What ``SOC2LINT_TIMINGS`` holds: stage and rule timings, counts, peak memory."""
    own, workers = peak_rss_kib()
    return {
        "timings": result.timings,
        "rule_timings": result.rule_timings,
        "cache_stats": result.cache_stats,
        "findings": len(result.findings),
        "nodes": len(result.graph),
        "files": len(result.files),
        # peak resident set size in KiB of this process, and of its largest worker
        "maxrss_kib": own,
        "workers_maxrss_kib": workers,
    }


def history_timings_report(stats: ReplayStats) -> dict[str, Any]:
    """What ``SOC2LINT_TIMINGS`` holds after ``soc2lint history``: the cost of each
    replayed commit, what was checked again and kept, stage timings, peak memory."""
    own, workers = peak_rss_kib()
    return {
        "commits": stats.commits,
        "events": stats.events,
        "processes": stats.processes,
        "seconds_by_commit": stats.seconds_by_commit,
        "cpu_by_commit": stats.cpu_by_commit,
        "checked_by_commit": stats.checked_by_commit,
        "written_by_commit": stats.written_by_commit,
        "base_seconds": stats.base_seconds,
        "parts_checked": stats.parts_checked,
        "parts_kept": stats.parts_kept,
        "timings": stats.timings,
        "maxrss_kib": own,
        "workers_maxrss_kib": workers,
    }


def write_timings_file(result: ScanResult, env: Mapping[str, str] = os.environ) -> str | None:
    """Write :func:`timings_report` where ``SOC2LINT_TIMINGS`` says; an error message or None."""
    return _write_report(lambda: timings_report(result), env)


def write_history_timings_file(
    stats: ReplayStats, env: Mapping[str, str] = os.environ
) -> str | None:
    """Write :func:`history_timings_report` where ``SOC2LINT_TIMINGS`` says; an error
    message or None."""
    return _write_report(lambda: history_timings_report(stats), env)


def _write_report(report: Callable[[], dict[str, Any]], env: Mapping[str, str]) -> str | None:
    target = env.get(ENV)
    if not target:
        return None
    try:
        Path(target).write_text(json.dumps(report(), indent=1), encoding="utf-8")
    except OSError as exc:
        return f"{ENV} {target}: {exc.strerror}"
    return None

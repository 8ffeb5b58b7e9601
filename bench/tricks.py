"""Measure what each performance trick buys: the scan stage it speeds, with and without it.

    .venv/bin/python bench/tricks.py [--out bench/out] [--repeat 5] [--only attr,range]

Each trick is a faster way to build an object the scan makes by the hundred
thousand; without it, the plain constructor is used.  For each trick the
script runs the stage the trick is in, in this process, alternating with and
without the trick ``--repeat`` times, and prints the median CPU time
(``time.process_time``: less disturbed by other processes on a shared machine
than wall time) of each, on the corpora of ``bench/run.py``:

* ``attr``: ``Attr`` objects (``soc2lint.model._attr``, every attribute a rule
  reads) -- the rules stage of a warm scan of the CloudFormation corpus;
* ``range``: ``Range`` objects of located CloudFormation values
  (``soc2lint.cloudformation.adapt._range``) -- loading the CloudFormation
  corpus without a cache, in one process;
* ``gc``: pausing the cyclic garbage collector while the scan builds its
  objects (``soc2lint.memory.paused_gc``) -- the whole scan of the
  CloudFormation corpus without a cache, in one process;
* ``json``: the hand-written JSON writer (``report.common.dumps_indented``)
  against ``json.dumps(indent=2)`` -- the JSON report of that scan.

The results are in bench/RESULTS.md; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import soc2lint.cloudformation as cfn_frontend
import soc2lint.cloudformation.adapt as cfn_adapt
import soc2lint.cloudformation.decode as cfn_decode
import soc2lint.terraform as tf_frontend
from soc2lint import engine, model
from soc2lint.config import Config
from soc2lint.engine import ScanRequest, run_scan
from soc2lint.registry import load_registry
from soc2lint.report import json_report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def _plain_attr(node: model.Node, path: model.Path, value: Any) -> model.Attr:
    return model.Attr(node, path, value)


def _plain_range(
    file: str, start_line: int, start_col: int, end_line: int, end_col: int
) -> model.Range:
    return model.Range(file, start_line, start_col, end_line, end_col)


@contextmanager
def swapped(owner: Any, name: str, replacement: Any | None) -> Iterator[None]:
    original = getattr(owner, name)
    if replacement is not None:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def cpu_of(owner: Any, name: str, into: list[float]) -> Iterator[None]:
    """Record the CPU time of every call of ``owner.name`` (a stage function)."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            into.append(time.process_time() - started)

    setattr(owner, name, timed)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _no_pause(*, freeze_after: bool = False) -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext()


def _json_dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


@contextmanager
def gc_pauses(replacement: Any | None) -> Iterator[None]:
    """Swap paused_gc where the scan uses it (each module imported it by name)."""
    with contextlib.ExitStack() as stack:
        for owner in (engine, cfn_frontend, cfn_decode, tf_frontend):
            stack.enter_context(swapped(owner, "paused_gc", replacement))
        yield


def scan(target: Path, cache: Path | None, jobs: int) -> engine.ScanResult:
    return run_scan(
        ScanRequest(
            paths=[target],
            config=Config(),
            registry=load_registry(use_entry_points=False),
            base=target.parent,
            cache_dir=cache,
            jobs=jobs,
            env={},
        )
    )


def measure(
    label: str,
    repeat: int,
    run: Callable[[list[float]], None],
    owner: Any,
    name: str,
    plain: Any,
) -> None:
    def switch(replacement: Any | None) -> contextlib.AbstractContextManager[None]:
        if owner is None:
            return gc_pauses(replacement)
        return swapped(owner, name, replacement)

    with_trick: list[float] = []
    without: list[float] = []
    for _ in range(repeat):
        for replacement, into in ((None, with_trick), (plain, without)):
            spent: list[float] = []
            with switch(replacement):
                run(spent)
            into.append(sum(spent))
    a, b = statistics.median(with_trick), statistics.median(without)
    print(
        f"{label}: with the trick {a:.2f} s CPU, without {b:.2f} s "
        f"({(b - a) / b * 100:+.1f} % of the stage saved); "
        f"runs with {[round(x, 2) for x in with_trick]}, without {[round(x, 2) for x in without]}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", default="attr,range,gc,json")
    args = ap.parse_args()
    only = set(args.only.split(","))
    root = args.out.resolve() / "cfn"
    corpus.cloudformation_corpus(root, 200, 300)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        if "attr" in only:
            scan(root, cache, 2)  # fill the cache: the measured scans are warm

            def warm_rules(spent: list[float]) -> None:
                with cpu_of(engine, "run_rules", spent):
                    scan(root, cache, 1)

            measure(
                "Attr without __init__ (rules, warm cfn)",
                args.repeat,
                warm_rules,
                model,
                "_attr",
                _plain_attr,
            )
        if "range" in only:

            def cold_load(spent: list[float]) -> None:
                with cpu_of(engine, "_load", spent):
                    scan(root, None, 1)

            measure(
                "Range without __init__ (CloudFormation load, no cache)",
                args.repeat,
                cold_load,
                cfn_adapt,
                "_range",
                _plain_range,
            )
        if "gc" in only:

            def cold_scan(spent: list[float]) -> None:
                started = time.process_time()
                scan(root, None, 1)
                spent.append(time.process_time() - started)

            measure(
                "cyclic GC paused (whole scan, no cache)",
                max(2, args.repeat // 2),
                cold_scan,
                None,
                "paused_gc",
                _no_pause,
            )
        if "json" in only:
            result = scan(root, cache if "attr" in only else None, 2)

            def report(spent: list[float]) -> None:
                started = time.process_time()
                json_report.render_json(result, threshold=None)
                spent.append(time.process_time() - started)

            measure(
                "hand-written JSON writer (JSON report)",
                args.repeat,
                report,
                json_report,
                "dumps_indented",
                _json_dumps,
            )


if __name__ == "__main__":
    main()

"""The rules a CloudFormation pool worker runs on each template (``on_part``), alone.

    .venv/bin/python bench/on_part.py DIR [--reps N]

Evaluates the ``*.yaml`` templates of DIR as a pool worker does
(``cloudformation._load_batch``), keeping each template's part, then runs the
scan's :class:`~soc2lint.findings_cache.PartChecker` (the scope-local rules,
their findings into an empty findings cache) on every part, ``--reps`` times,
and prints the CPU seconds of each repetition (the garbage collector paused,
as in a worker).  Not a test: it prints figures and asserts nothing.

With ``--reps 0`` it only evaluates: under ``valgrind --tool=cachegrind``
(``PYTHONHASHSEED=0``), the instructions of one check are (the count with
``--reps 2`` - the count with ``--reps 0``) / 2, a figure the machine's load
does not change.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from soc2lint.cloudformation import _load_batch, _options_key
from soc2lint.config import Config
from soc2lint.engine import ScanRequest, _part_checker, find_root, load_options
from soc2lint.frontend import Part
from soc2lint.memory import paused_gc
from soc2lint.registry import load_registry
from soc2lint.selection import selected_rules


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    corpus = args.directory.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        registry = load_registry()
        req = ScanRequest(
            paths=[corpus], config=Config(), registry=registry, base=corpus, cache_dir=cache, jobs=2
        )
        checker = _part_checker(req, selected_rules(registry, req.config))
        if checker is None:
            raise SystemExit("no part checker (an untrusted cache directory?)")
        parts: list[Part] = []
        options = dataclasses.replace(load_options(req, find_root([corpus])), on_part=parts.append)
        _load_batch(sorted(str(p) for p in corpus.glob("*.yaml")), options, _options_key(options))
        spent: list[float] = []
        for _ in range(args.reps):
            shutil.rmtree(cache, ignore_errors=True)
            gc.collect()
            with paused_gc():
                started = time.process_time()
                for part in parts:
                    checker(part)
                spent.append(time.process_time() - started)
    if spent:
        print(
            f"on_part, {len(parts)} templates: min {min(spent):.3f} CPU-s, "
            f"median {statistics.median(spent):.3f} ({' '.join(f'{s:.3f}' for s in spent)})"
        )


if __name__ == "__main__":
    main()

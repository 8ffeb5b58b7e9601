"""A/B timing of two source trees on one corpus, alternating runs: is a change slower?

    .venv/bin/python bench/ab.py --base /tmp/base-tree --corpus bench/out/tf50k \\
        [--mode cold|nocache|warm|json] [--format text|json|sarif] [-n 10]

``--base`` is a directory holding another ``soc2lint`` package (for instance
``git archive <commit> src/soc2lint | tar -x -C /tmp/base-tree --strip-components=1``
then ``python -m compileall /tmp/base-tree``); it is put first on
``PYTHONPATH`` for the base runs, and the installed package runs as the new
one.  Runs alternate (base, new, new, base...) so that a change in the
machine's load affects both alike; each is a fresh ``soc2lint scan`` process
with its own cache directory, timed like ``bench/run.py`` (wall, and CPU of
the process and its workers); ``--mode nocache`` scans with ``--no-cache``.
The median and the best (minimum) of each variant's runs are printed.  Compile both trees first: with
``PYTHONDONTWRITEBYTECODE`` set, edited modules would be compiled on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def soc2lint() -> list[str]:
    exe = Path(sys.executable).with_name("soc2lint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soc2lint.cli"]


def run(
    corpus: Path, cache: Path, extra_env: dict[str, str], args: list[str]
) -> tuple[float, float, dict[str, Any], int]:
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        env = dict(
            os.environ,
            SOC2LINT_CACHE_DIR=str(cache),
            SOC2LINT_NO_PROGRESS="1",
            SOC2LINT_TIMINGS=str(timings),
            **extra_env,
        )
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*soc2lint(), "scan", str(corpus), "--jobs", "2", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        data = json.loads(timings.read_text()) if timings.exists() else {}
    # ru_maxrss: KiB, the largest of the process and the workers it waited for
    return wall, usage.ru_utime + usage.ru_stime, data.get("timings", {}), usage.ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--mode", choices=("cold", "nocache", "warm", "json"), default="warm")
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    opts = ap.parse_args()
    variants = {"base": {"PYTHONPATH": str(opts.base.resolve())}, "new": {}}
    fmt = "json" if opts.mode == "json" else opts.format
    args = ["--format", fmt, "--output", os.devnull] if fmt != "text" else []
    if opts.mode == "nocache":
        args.append("--no-cache")
    results: dict[str, list[tuple[float, float, dict[str, Any], int]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        caches = {v: Path(tmp) / v for v in variants}
        for v, env in variants.items():
            run(opts.corpus, caches[v], env, [])  # fill the cache
        for i in range(opts.n):
            for v in ("base", "new") if i % 2 == 0 else ("new", "base"):
                if opts.mode == "cold":
                    shutil.rmtree(caches[v], ignore_errors=True)
                results[v].append(run(opts.corpus, caches[v], variants[v], args))
    base_cpu = statistics.median(r[1] for r in results["base"])
    for v, runs in results.items():
        cpu = statistics.median(r[1] for r in runs)
        wall = statistics.median(r[0] for r in runs)
        print(
            f"{opts.corpus.name} {opts.mode} {fmt} {v:4}: CPU median {cpu:.3f} s "
            f"({(cpu / base_cpu - 1) * 100:+.1f} %), wall median {wall:.3f} s, "
            f"best CPU {min(r[1] for r in runs):.3f} s, best wall {min(r[0] for r in runs):.3f} s, "
            f"peak RSS {max(r[3] for r in runs) / 1024:.0f} MiB, "
            f"runs {[round(r[1], 2) for r in runs]}"
        )


if __name__ == "__main__":
    main()

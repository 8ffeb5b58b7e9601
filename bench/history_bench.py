"""Benchmark ``soc2lint history``: cost per replayed commit, memory, and what it grows with.

    python3 bench/history_bench.py [--only eks,tf50k] [--jobs 2] [--markdown FILE]

Two histories, each replayed by a fresh ``soc2lint history`` process with an
empty cache directory (``SOC2LINT_TIMINGS`` gives the per-commit figures):

* ``eks``: terraform-aws-modules/terraform-aws-eks, the 12 months before its
  newest commit.  The clone is made from ``--eks-mirror`` (a bare repository;
  default ``/work/.mirror/terraform-aws-modules+terraform-aws-eks/repo``) into
  ``bench/out/eks``; the mirror itself is only read.
* ``tf50k``: ``bench/history_corpus.py``'s year of 1,000 changes on the 50k-line
  Terraform monorepo (``bench/out/history-tf50k``, generated when missing).

Printed for each: the wall time, the first state (the whole tree at the
period's start, scanned cold), the average cost of every later commit (wall
and CPU seconds), the peak memory of the main process and of the largest
replaying process, the split by stage, and the cost by the size of each
change (how many roots and templates it made the rules check again), which
shows that a commit costs what it changes, not the size of the repository.
Nothing is asserted: the figures go into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import history_corpus  # noqa: E402

EKS_MIRROR = Path("/work/.mirror/terraform-aws-modules+terraform-aws-eks/repo")


def soc2lint() -> list[str]:
    exe = Path(sys.executable).with_name("soc2lint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soc2lint.cli"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def eks_clone(out: Path, mirror: Path) -> Path:
    dest = out / "eks"
    if not (dest / ".git").is_dir():
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(mirror), str(dest)], check=True)
    return dest


def tf50k_history(out: Path, commits: int) -> Path:
    dest = out / "history-tf50k"
    if not (dest / ".git").is_dir():
        history_corpus.generate(dest, commits=commits)
    return dest


def newest_day(repo: Path) -> _dt.date:
    stamp = int(git(repo, "log", "-1", "--format=%ct"))
    return _dt.datetime.fromtimestamp(stamp, _dt.timezone.utc).date()


def run(repo: Path, since: str, until: str, jobs: int, out: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="soc2lint-hbench-") as tmp:
        timings = Path(tmp) / "timings.json"
        env = dict(
            os.environ,
            SOC2LINT_CACHE_DIR=str(Path(tmp) / "cache"),
            SOC2LINT_TIMINGS=str(timings),
            SOC2LINT_NO_PROGRESS="1",
            SOC2LINT_TODAY=until,
        )
        cmd = [*soc2lint(), "history", "--since", since, "--until", until, "--jobs", str(jobs),
               "--reproducible", "-f", "markdown", "-f", "json", "-o", str(out)]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if proc.returncode not in (0, 1, 3):
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr}")
        data = json.loads(timings.read_text(encoding="utf-8"))
    data["wall"] = wall
    data["exit"] = proc.returncode
    data["message"] = proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else ""
    return data


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} (5 min {five:.2f})"


def report(name: str, d: dict[str, object]) -> list[str]:
    secs = list(d["seconds_by_commit"])  # type: ignore[call-overload]
    cpus = list(d["cpu_by_commit"])  # type: ignore[call-overload]
    checked = list(d["checked_by_commit"])  # type: ignore[call-overload]
    commits = int(d["commits"])  # type: ignore[call-overload]
    wall = float(d["wall"])  # type: ignore[arg-type]
    first = secs[0] if secs else 0.0
    rest_cpu = cpus[1:]
    per_commit_wall = (wall - first) / max(1, commits)
    mib = 1024
    own = int(d["maxrss_kib"]) // mib  # type: ignore[call-overload]
    child = int(d["workers_maxrss_kib"]) // mib  # type: ignore[call-overload]
    procs = int(d["processes"])  # type: ignore[call-overload]
    lines = [
        f"{name}: {commits} commits replayed in {procs} process{'es' if procs > 1 else ''}, "
        f"{wall:.1f} s wall (exit {d['exit']}; {d['message']})",
        f"  first state (whole tree, cold cache): {first:.2f} s"
        + (f"; further processes' starting states: {d['base_seconds']:.1f} s" if procs > 1 else ""),
        f"  per commit after the first: {per_commit_wall:.3f} s wall (all processes, start-up "
        f"included), {statistics.mean(rest_cpu) if rest_cpu else 0:.3f} CPU s in its process "
        f"(median {statistics.median(rest_cpu) if rest_cpu else 0:.3f}, max "
        f"{max(rest_cpu) if rest_cpu else 0:.3f})",
        f"  peak memory: main process {own} MiB, largest replaying process {child} MiB "
        f"(at most {own + child * max(1, procs if procs > 1 else 0)} MiB together)",
    ]
    events = max(1, int(d["events"]))  # type: ignore[call-overload]
    split = ", ".join(f"{k} {v / events:.3f}" for k, v in sorted(d["timings"].items()))  # type: ignore[attr-defined]
    lines.append(f"  CPU by stage per state: {split}")
    buckets = [(0, 0, "no root or template"), (1, 1, "1"), (2, 5, "2-5"), (6, 10**9, "6 or more")]
    parts = []
    for lo, hi, label in buckets:
        chosen = [c for c, k in zip(cpus[1:], checked[1:], strict=False) if lo <= k <= hi]
        if chosen:
            parts.append(f"{label}: {len(chosen)} commits, {statistics.mean(chosen):.3f} s")
    lines.append("  CPU per commit by roots/templates checked again: " + "; ".join(parts))
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--only", default="eks,tf50k")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--commits", type=int, default=1000, help="changes of the tf50k history")
    ap.add_argument("--eks-mirror", type=Path, default=EKS_MIRROR)
    ap.add_argument("--markdown", type=Path, help="also write the figures here")
    args = ap.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"soc2lint history benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"--jobs {args.jobs}, {load_average()}")  # fmt: skip
    lines: list[str] = []
    for name in [n for n in args.only.split(",") if n]:
        if name == "eks":
            repo = eks_clone(out, args.eks_mirror)
            until = newest_day(repo)
            since = until.replace(year=until.year - 1)
        elif name == "tf50k":
            repo = tf50k_history(out, args.commits)
            since, until = _dt.date(2025, 1, 1), _dt.date(2025, 12, 31)
        else:
            raise SystemExit(f"unknown history {name}")
        data = run(repo, since.isoformat(), until.isoformat(), args.jobs, out / f"pages-{name}")
        block = report(f"{name} ({since} to {until})", data)
        block.append(f"  ({load_average()} after the run)")
        print("\n".join(block), flush=True)
        lines += block
    if args.markdown:
        args.markdown.write_text("```\n" + "\n".join(lines) + "\n```\n", encoding="utf-8")


if __name__ == "__main__":
    main()

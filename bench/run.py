"""soc2lint's benchmark: fresh ``soc2lint scan`` processes on generated corpora.

    .venv/bin/python bench/run.py [--out bench/out] [--jobs N] [--repeat N]
                                  [--only tf50k,cfn] [--checkov] [--markdown FILE]
    .venv/bin/python bench/run.py --public DIR [DIR ...] [--checkov-exe PATH] [--repeat N]

Generates (deterministically, see bench/corpus.py) under ``--out``:

* ``tf10k``, ``tf50k``, ``tf100k``: Terraform monorepos of about 10k, 50k
  and 100k lines (1, 5 and 10 groups of 12 modules and 6 live roots; the
  50k one is 600 files, 60 modules);
* ``cfn``: 200 CloudFormation templates of about 300 resources;
* ``small``: one small ``main.tf``;

and for each corpus runs ``soc2lint scan DIR`` (what a user runs: the text
report, on stdout) in a fresh process (its own cache directory,
``SOC2LINT_CACHE_DIR``):

* **cold**: empty cache; **warm**: nothing changed; **change**: one module
  file edited (Terraform only; the edit is undone afterwards);
* **json**: warm again, with ``--format json --output FILE`` instead of the
  text report (the JSON report of a large corpus is tens of megabytes);

printing wall time, CPU time (user + system, workers included), peak RSS
(the scan process, and its largest worker), and the scan's own split
(``SOC2LINT_TIMINGS``: ``ScanResult.timings`` and ``rule_timings``):
parse / evaluate / cache / graph / rules / supp(ressions) / report, in
seconds of wall time, except CloudFormation's parse and evaluate when a
process pool ran them (marked Σ): CPU seconds summed over the workers.  Then
the scaling of cold time with lines, the rules' share of the cold scan, the
slowest rules, and the time from process start to the first byte of output
for one small file.

The machine's load average is printed before and after: on a shared
machine wall time is CPU time stretched by whatever else runs.

``--checkov`` installs Checkov into a separate virtual environment under
``--out`` (never a soc2lint dependency) and times it on the same corpora;
when that is not possible it says so and carries on.  Nothing is asserted:
this prints figures.

``--public DIR [DIR ...]`` compares instead with Checkov on repositories given
on the command line (public corpora such as terragoat, cfngoat or the
terraform-aws-modules; they are not committed): for each, back to back, a cold
``soc2lint scan DIR --format sarif`` (empty cache) and ``checkov -d DIR -o
sarif`` restricted to the frameworks soc2lint reads (``--checkov-frameworks``),
each the best of ``--repeat`` runs, with wall and CPU time, the ratio, and
the geometric mean of the ratios.  ``--checkov-exe`` names an existing
Checkov (``checkov --version`` is printed); without it one is installed as
for ``--checkov``.  ``--warm`` adds, on a copy of each directory, a warm scan
(nothing changed) and one with one file changed (a comment appended to the
shallowest configuration file); ``--no-checkov`` leaves Checkov out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

CORPORA = ("tf10k", "tf50k", "tf100k", "cfn")
TF_GROUPS = {"tf10k": 1, "tf50k": 5, "tf100k": 10}
CONFIG_SUFFIXES = (".tf", ".yaml", ".yml", ".json", ".template")


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float
    workers_rss_mib: float
    exit_code: int
    timings: dict[str, float] = field(default_factory=dict)
    rule_timings: dict[str, float] = field(default_factory=dict)
    cache_stats: dict[str, int] = field(default_factory=dict)
    findings: int = 0


def soc2lint_command() -> list[str]:
    exe = Path(sys.executable).with_name("soc2lint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soc2lint.cli"]


def scan(target: Path, cache: Path, jobs: int, fmt: str = "text") -> Run:
    """One fresh ``soc2lint scan`` process; wall, CPU and peak RSS from wait4."""
    with tempfile.TemporaryDirectory() as tmp:
        timings_file = Path(tmp) / "timings.json"
        env = dict(
            os.environ,
            SOC2LINT_CACHE_DIR=str(cache),
            SOC2LINT_TIMINGS=str(timings_file),
            SOC2LINT_NO_PROGRESS="1",
        )
        out = Path(tmp) / "findings.json"
        cmd = [*soc2lint_command(), "scan", str(target), "--jobs", str(jobs)]
        if fmt != "text":
            cmd += ["--format", fmt, "--output", str(out)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{stderr}")
        data: dict[str, Any] = {}
        if timings_file.exists():
            data = json.loads(timings_file.read_text())
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        return (
            Run(
                wall=wall,
                cpu=usage.ru_utime + usage.ru_stime,
                rss_mib=data.get("maxrss_kib", usage.ru_maxrss) / 1024,
                workers_rss_mib=data.get("workers_maxrss_kib", 0) / 1024,
                exit_code=proc.returncode,
                timings=data.get("timings", {}),
                rule_timings=data.get("rule_timings", {}),
                cache_stats=data.get("cache_stats", {}),
                findings=int(data.get("findings", 0)),
            )
            if data
            else Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale, 0, 0)
        )


def first_output(target: Path, cache: Path, runs: int) -> list[float]:
    """Seconds from process start to the first byte on stdout (text report)."""
    times = []
    env = dict(os.environ, SOC2LINT_CACHE_DIR=str(cache), SOC2LINT_NO_PROGRESS="1")
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*soc2lint_command(), "scan", str(target)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        proc.stdout.read(1)
        times.append(time.perf_counter() - started)
        proc.stdout.read()
        proc.wait()
    return times


def split(run: Run) -> str:
    t = run.timings
    parse = t.get("terraform.parse", 0.0) + t.get("cloudformation.parse", 0.0)
    evaluate = t.get("terraform.evaluate", 0.0) + t.get("cloudformation.evaluate", 0.0)
    cache = t.get("terraform.cache", 0.0) + t.get("cloudformation.cache", 0.0)
    # with a pool, CloudFormation's are CPU seconds summed over the workers (Σ)
    pooled = "cloudformation.pool" in t
    parts = [
        ("parse" + ("Σ" if pooled else ""), parse),
        ("evaluate" + ("Σ" if pooled else ""), evaluate),
        ("cache", cache),
        ("graph", t.get("graph", 0.0)),
        ("rules", t.get("rules", 0.0)),
        ("supp", t.get("suppressions", 0.0)),
        ("report", t.get("report", 0.0)),
    ]
    return "  ".join(f"{name} {value:5.2f}" for name, value in parts)


def line(label: str, run: Run) -> str:
    stats = run.cache_stats
    cached = ""
    if "terraform.roots" in stats:
        cached = (
            f"  roots cached {stats.get('terraform.roots_cached', 0)}/{stats['terraform.roots']}"
        )
    if "cloudformation.templates" in stats:
        cached += (
            f"  templates cached {stats.get('cloudformation.templates_cached', 0)}"
            f"/{stats['cloudformation.templates']}"
        )
    return (
        f"  {label:7} wall {run.wall:6.2f} s  cpu {run.cpu:6.2f} s  "
        f"rss {run.rss_mib:5.0f} MiB (worker {run.workers_rss_mib:4.0f})  "
        f"| {split(run)}  | findings {run.findings}{cached}"
    )


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def load_average() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "load average unknown"


def checkov_venv(out: Path) -> Path | None:
    """A venv with Checkov under ``out`` (created once); None when it cannot be made."""
    venv = out / "checkov-venv"
    exe = venv / "bin" / "checkov"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "checkov"],
            check=True,
            timeout=1800,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"checkov: could not be installed ({exc}); skipped")
        return None
    return exe if exe.exists() else None


def run_checkov(exe: Path, target: Path, framework: str, timeout: float) -> float | None:
    started = time.perf_counter()
    try:
        subprocess.run(
            [str(exe), "-d", str(target), "--framework", framework, "--quiet", "-o", "json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - started


def checkov_version(exe: Path) -> str:
    try:
        proc = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, timeout=120, check=False
        )
    except (subprocess.SubprocessError, OSError):
        return "unknown"
    return proc.stdout.strip() or "unknown"


def timed_command(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> Run | None:
    """Wall and CPU (user + system, children included) of one process; None on timeout."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, 9)
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.01)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, 0, proc.returncode)


def public_comparison(args: argparse.Namespace, out: Path) -> None:
    """soc2lint cold (SARIF) against Checkov (SARIF) on each directory, back to back; with
    ``--no-checkov``, soc2lint cold alone."""
    exe = None
    if not args.no_checkov:
        exe = args.checkov_exe or checkov_venv(out)
        if exe is None:
            raise SystemExit("checkov: not available (give --checkov-exe)")
        print(f"checkov {checkov_version(exe)} ({exe}), frameworks {args.checkov_frameworks}")
    ratios = []
    for given in args.public:
        target = given.resolve()
        ours: list[Run] = []
        theirs: list[Run] = []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.repeat):
                cache = Path(tmp) / f"cache-{i}"
                env = dict(os.environ, SOC2LINT_CACHE_DIR=str(cache), SOC2LINT_NO_PROGRESS="1")
                cmd = [*soc2lint_command(), "scan", str(target), "--jobs", str(args.jobs)]
                run = timed_command(
                    [*cmd, "--format", "sarif", "--output", f"{tmp}/soc2lint.sarif"],
                    args.checkov_timeout,
                    env,
                )
                if run is not None:
                    ours.append(run)
                if exe is None:
                    continue
                frameworks = args.checkov_frameworks.split(",")
                checkov = [str(exe), "-d", str(target), "-o", "sarif", "--output-file-path", tmp]
                run = timed_command(
                    [*checkov, "--quiet", "--framework", *frameworks], args.checkov_timeout
                )
                if run is not None:
                    theirs.append(run)
        if not ours or (exe is not None and not theirs):
            print(f"{target.name}: a run did not finish in {args.checkov_timeout:.0f} s")
            continue
        a = best(ours)
        if exe is None:
            print(
                f"{target.name:32} soc2lint cold wall {a.wall:6.2f} s cpu {a.cpu:6.2f} s | {load_average()}"
            )
            continue
        b = best(theirs)
        ratios.append(b.wall / a.wall)
        print(
            f"{target.name:32} soc2lint wall {a.wall:6.2f} s cpu {a.cpu:6.2f} s | "
            f"checkov wall {b.wall:7.2f} s cpu {b.cpu:7.2f} s | {b.wall / a.wall:5.1f}x wall, "
            f"{b.cpu / a.cpu:5.1f}x cpu | {load_average()}"
        )
    if ratios:
        print(f"geometric mean: {statistics.geometric_mean(ratios):.1f}x (wall)")


def public_warm(args: argparse.Namespace) -> None:
    """soc2lint warm (nothing changed) and with one file changed, on a copy of each directory."""
    for given in args.public:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / given.name
            shutil.copytree(given, target, ignore=shutil.ignore_patterns(".git"))
            cache = Path(tmp) / "cache"
            env = dict(os.environ, SOC2LINT_CACHE_DIR=str(cache), SOC2LINT_NO_PROGRESS="1")
            cmd = [*soc2lint_command(), "scan", str(target), "--jobs", str(args.jobs)]
            cmd += ["--format", "sarif", "--output", f"{tmp}/soc2lint.sarif"]
            timed_command(cmd, args.checkov_timeout, env)  # fills the cache
            warm = [timed_command(cmd, args.checkov_timeout, env) for _ in range(args.repeat)]
            edited = min(
                (
                    p
                    for p in target.rglob("*")
                    if p.suffix in CONFIG_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(target).parts)
                ),
                # a Terraform file first, then the shallowest
                key=lambda p: (CONFIG_SUFFIXES.index(p.suffix), len(p.parts), str(p)),
            )
            original = edited.read_bytes()
            changes = []
            for i in range(args.repeat):
                if edited.suffix == ".json":  # whitespace: the JSON stays valid
                    edited.write_bytes(original.rstrip() + b" " * (i + 1) + b"\n")
                else:
                    edited.write_bytes(original + b"\n# edited by bench/run.py %d\n" % i)
                changes.append(timed_command(cmd, args.checkov_timeout, env))
            edited.write_bytes(original)
        for label, runs in (("warm", warm), (f"change {edited.name}", changes)):
            done = [r for r in runs if r is not None]
            if done:
                r = best(done)
                print(
                    f"{given.name:32} {label:24} wall {r.wall:6.2f} s cpu {r.cpu:6.2f} s | "
                    f"{load_average()}"
                )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measure (best shown)")
    ap.add_argument("--only", default=",".join(CORPORA), help="corpora, comma-separated")
    ap.add_argument("--checkov", action="store_true", help="also time Checkov (own venv)")
    ap.add_argument("--checkov-timeout", type=float, default=900.0)
    ap.add_argument("--markdown", type=Path, help="also write the figures as Markdown here")
    ap.add_argument(
        "--public", type=Path, nargs="+", help="compare with Checkov on these directories instead"
    )
    ap.add_argument("--checkov-exe", type=Path, help="an installed checkov (for --public)")
    ap.add_argument("--checkov-frameworks", default="terraform,cloudformation")
    ap.add_argument("--no-checkov", action="store_true", help="with --public: no Checkov runs")
    ap.add_argument(
        "--warm", action="store_true", help="with --public: also warm and one-file-changed runs"
    )
    args = ap.parse_args()
    only = [c for c in args.only.split(",") if c]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    print(
        f"soc2lint benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"--jobs {args.jobs}, {load_average()}"
    )
    if args.public:
        public_comparison(args, out)
        if args.warm:
            public_warm(args)
        print(load_average())
        return
    report: list[str] = []
    cold_by_corpus: dict[str, tuple[int, Run]] = {}

    for name in only:
        root = out / name
        started = time.perf_counter()
        if name in TF_GROUPS:
            corpus.terraform_monorepo(root, TF_GROUPS[name])
            files, lines = corpus.count_lines(root, (".tf", ".tfvars", ".tf.json"))
        elif name == "cfn":
            resources = corpus.cloudformation_corpus(root, 200, 300)
            files, lines = corpus.count_lines(root, (".yaml", ".json"))
        else:
            raise SystemExit(f"unknown corpus {name}")
        made = time.perf_counter() - started
        extra = (
            f", {len(list((root / 'modules').iterdir()))} modules"
            if name in TF_GROUPS
            else f", {resources} resources"
        )
        head = f"{name}: {files} files, {lines} lines{extra} (generated in {made:.1f} s)"
        print(head)
        report.append(head)
        cache = out / f"cache-{name}"
        runs: dict[str, Run] = {}
        colds = []
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            colds.append(scan(root, cache, args.jobs))
        runs["cold"] = best(colds)
        runs["warm"] = best([scan(root, cache, args.jobs) for _ in range(args.repeat)])
        if name in TF_GROUPS:
            target = corpus.changed_file(root)
            original = target.read_text()
            changes = []
            try:
                for i in range(args.repeat):
                    target.write_text(
                        original.replace(
                            'force_destroy = var.environment != "prod"',
                            f"force_destroy = {'false' if i % 2 == 0 else 'true'}",
                        )
                    )
                    changes.append(scan(root, cache, args.jobs))
            finally:
                target.write_text(original)
            runs["change"] = best(changes)
        runs["json"] = best([scan(root, cache, args.jobs, "json") for _ in range(args.repeat)])
        for label, run in runs.items():
            text = line(label, run)
            print(text)
            report.append(text)
        cold_by_corpus[name] = (lines, runs["cold"])
        cold = runs["cold"]
        rules = cold.timings.get("rules", 0.0)
        total = cold.timings.get("total", 0.0) + cold.timings.get("report", 0.0)
        slow = sorted(cold.rule_timings.items(), key=lambda kv: -kv[1])[:5]
        text = (
            f"  rules: {rules:.2f} s = {100 * rules / total if total else 0:.0f}% of the cold "
            f"scan ({len(cold.rule_timings)} rules); slowest: "
            + ", ".join(f"{k} {v:.2f}" for k, v in slow)
        )
        print(text)
        report.append(text)
        if args.checkov:
            exe = checkov_venv(out)
            if exe is not None:
                seconds = run_checkov(
                    exe,
                    root,
                    "terraform" if name in TF_GROUPS else "cloudformation",
                    args.checkov_timeout,
                )
                text = (
                    f"  checkov: did not finish in {args.checkov_timeout:.0f} s"
                    if seconds is None
                    else f"  checkov: {seconds:.1f} s = {seconds / cold.wall:.1f}x soc2lint cold"
                )
                print(text)
                report.append(text)
            args.checkov = exe is not None

    tf = [(n, *cold_by_corpus[n]) for n in ("tf10k", "tf50k", "tf100k") if n in cold_by_corpus]
    if len(tf) >= 2:
        parts = []
        for (base_name, base_lines, base), (n, lines, run) in itertools.pairwise(tf):
            parts.append(
                f"{n}/{base_name}: lines x{lines / base_lines:.2f}, "
                f"wall x{run.wall / base.wall:.2f}, cpu x{run.cpu / base.cpu:.2f}"
            )
        text = "scaling (cold): " + "; ".join(parts)
        print(text)
        report.append(text)

    small = out / "small"
    small.mkdir(exist_ok=True)
    (small / "main.tf").write_text(
        'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n', encoding="utf-8"
    )
    cache = out / "cache-small"
    shutil.rmtree(cache, ignore_errors=True)
    times = first_output(small / "main.tf", cache, 6)
    text = (
        f"first output, one small file: cold cache {times[0]:.2f} s, "
        f"warm median {statistics.median(times[1:]):.2f} s (min {min(times[1:]):.2f})"
    )
    print(text)
    report.append(text)
    print(load_average())
    if args.markdown:
        args.markdown.write_text("```\n" + "\n".join(report) + "\n```\n", encoding="utf-8")


if __name__ == "__main__":
    main()

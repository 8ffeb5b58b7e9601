"""Time the hostile inputs of issue 17 end to end (prints figures, asserts nothing).

    .venv/bin/python bench/hostile.py [--only NAME] [--timeout SECONDS]

Each case is a small tree a pull request could contain; each runs as a fresh
``soc2lint scan`` process with the default limits and ``--no-cache``,
printing the exit code, wall time, peak memory (from ``SOC2LINT_TIMINGS``) and
the SYS008 findings that name the limit that stopped it.  The tests in
tests/test_hostile_inputs.py check the same cases with counters; this is
where their time goes (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def fan_out(levels: int) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        files = {".git/HEAD": "ref: refs/heads/main\n"}
        for level in range(levels):
            files[f"l{level}/main.tf"] = "".join(
                f'module "m{i}" {{\n  source = "../l{level + 1}"\n}}\n' for i in range(10)
            )
        files[f"l{levels}/main.tf"] = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
        _write(root, files)
        return ["scan", "l0"]

    return make


def iam_range(root: Path) -> list[str]:
    _write(
        root,
        {
            "main.tf": (
                'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = jsonencode({\n'
                '    Version = "2012-10-17"\n'
                '    Statement = [for i in range(3000) : { Effect = "Allow", '
                'Action = ["iam:PassRole"], Resource = "*" }]\n  })\n}\n'
            )
        },
    )
    return ["scan", "."]


def regex_count(n: int) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        evil = "a" * 40 + "!"
        _write(
            root,
            {
                "main.tf": (
                    f'resource "aws_sqs_queue" "q" {{\n  count = {n}\n'
                    f'  name  = can(regex("^(a|aa)+$", "{evil}")) ? "x" : "y"\n}}\n'
                )
            },
        )
        return ["scan", "."]

    return make


def nested_foreach(root: Path) -> list[str]:
    items = [f"v{i}" for i in range(10)]
    body: dict[str, object] = {"Bucket${A}${B}${C}${D}${E}": {"Type": "AWS::S3::Bucket"}}
    for name in reversed("ABCDE"):
        body = {f"Fn::ForEach::L{name}": [name, items, body]}
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::LanguageExtensions",
        "Resources": body,
    }
    _write(root, {"loops.json": json.dumps(doc)})
    return ["scan", "."]


def heredoc_blank_lines(root: Path) -> list[str]:
    # python-hcl2's heredoc pattern backtracks quadratically over blank lines
    _write(root, {"main.tf": "locals {\n  script = <<EOT\n" + "\n" * 1_000_000})
    return ["scan", "."]


def precommit_dev_zero(root: Path) -> list[str]:
    _write(root, {".git/HEAD": "ref: refs/heads/main\n", "infra/main.tf": "locals {}\n"})
    (root / "infra" / "zero.tf").symlink_to("/dev/zero")
    (root / "infra" / "zero.yaml").symlink_to("/dev/zero")
    return ["scan", "--changed-files", "--", "infra/zero.tf", "infra/zero.yaml", "infra/main.tf"]


def option_fifo(option: str) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        _write(root, {".git/HEAD": "ref: refs/heads/main\n", "main.tf": "locals {}\n"})
        os.mkfifo(root / "opt.json")
        return ["scan", ".", option, "opt.json"]

    return make


CASES: dict[str, Callable[[Path], list[str]]] = {
    "module-fan-out-10x5": fan_out(5),
    "module-fan-out-10x6": fan_out(6),
    "iam004-range-3000": iam_range,
    "regex-count-10": regex_count(10),
    "regex-count-1000": regex_count(1000),
    "foreach-5-nested-of-10": nested_foreach,
    "heredoc-1m-blank-lines": heredoc_blank_lines,
    "precommit-symlink-dev-zero": precommit_dev_zero,
    "cfn-parameters-fifo": option_fifo("--cfn-parameters"),
    "baseline-fifo": option_fifo("--baseline"),
}


def run(name: str, timeout: float, exe: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        args = CASES[name](root)
        timings = Path(tmp) / "timings.json"
        own = Path(sys.executable).with_name("soc2lint")
        cmd = (
            [exe] if exe else [str(own)] if own.exists() else [sys.executable, "-m", "soc2lint.cli"]
        )
        cmd += [*args[:1], "--no-cache", "--format", "json", *args[1:]]
        env = dict(os.environ, SOC2LINT_TIMINGS=str(timings), SOC2LINT_NO_PROGRESS="1")
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"{name:28} TIMEOUT after {timeout:.0f} s")
            return
        wall = time.perf_counter() - started
        rss = "-"
        if timings.exists():
            data = json.loads(timings.read_text(encoding="utf-8"))
            rss = f"{max(data['maxrss_kib'], data['workers_maxrss_kib']) / 1024:.0f} MiB"
        limits = []
        try:
            findings = json.loads(proc.stdout)["findings"]
            limits = sorted(
                {
                    word
                    for f in findings
                    if f["rule_id"] == "SYS008"
                    for word in f["message"]
                    .replace(")", " ")
                    .replace("(", " ")
                    .replace(",", " ")
                    .split()
                    if word.startswith("limits.")
                }
            )
            count = len(findings)
        except (ValueError, KeyError):
            count = 0
        note = proc.stderr.strip().splitlines()[-1][:70] if proc.returncode == 2 else ""
        print(
            f"{name:28} exit {proc.returncode}  {wall:6.2f} s  peak {rss:>9}  "
            f"{count:6d} findings  {' '.join(limits) or note}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", action="append", choices=sorted(CASES))
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--exe", help="the soc2lint executable to time (default: this venv's)")
    args = ap.parse_args()
    for name in args.only or CASES:
        run(name, args.timeout, args.exe)


if __name__ == "__main__":
    main()

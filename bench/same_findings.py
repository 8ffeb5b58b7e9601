"""Byte-identical findings check: run ``soc2lint scan`` on every fixture and a corpus.

    .venv/bin/python bench/same_findings.py record DIR [--corpus bench/out/cfn]
    .venv/bin/python bench/same_findings.py compare DIR_A DIR_B

``record`` writes, for each target (every directory under ``fixtures/`` one
level down, ``fixtures/example``, and each ``--corpus``; each scan runs from
the target's parent directory, so display paths do not depend on where the
checkout is), the JSON, SARIF and text reports of three scans: without a cache (``nocache``), with an empty
cache (``cold``) and again with that cache (``warm``).  ``compare`` checks
that two recordings are byte-identical, and that within each recording the
cold and warm reports equal the uncached ones.  Used to show that a
performance change leaves every finding, position and message unchanged.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("nocache", "cold", "warm")
FORMATS = (("json", "json"), ("sarif", "sarif"), ("text", "txt"))


def targets(corpora: list[Path]) -> list[tuple[str, Path]]:
    out = []
    fixtures = ROOT / "fixtures"
    for lang in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        for d in sorted(p for p in lang.iterdir() if p.is_dir()):
            out.append((f"{lang.name}-{d.name}", d))
    out.append(("example", fixtures / "example"))
    for c in corpora:
        out.append((f"corpus-{c.name}", c.resolve()))
    return out


def soc2lint() -> list[str]:
    exe = Path(sys.executable).with_name("soc2lint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "soc2lint.cli"]


def record(dest: Path, corpora: list[Path], jobs: int) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name, path in targets(corpora):
        with tempfile.TemporaryDirectory() as cache:
            for mode in MODES:
                cmd = [*soc2lint(), "scan", str(path), "--jobs", str(jobs), "--fail-on", "never"]
                if mode == "nocache":
                    cmd.append("--no-cache")
                for fmt, ext in FORMATS:
                    cmd += ["--format", fmt, "--output", str(dest / f"{name}.{mode}.{ext}")]
                env = dict(os.environ, SOC2LINT_CACHE_DIR=cache, SOC2LINT_NO_PROGRESS="1")
                proc = subprocess.run(
                    cmd, check=False, cwd=path.parent, env=env, capture_output=True, text=True
                )
                if proc.returncode not in (0, 1, 3):
                    raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stderr}")
        print(f"recorded {name}", flush=True)


def compare(a: Path, b: Path) -> int:
    bad = 0
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    for n in names:
        if not (a / n).exists() or not (b / n).exists():
            print(f"only in one recording: {n}")
            bad += 1
        elif not filecmp.cmp(a / n, b / n, shallow=False):
            print(f"differs: {n}")
            bad += 1
    for d in (a, b):
        for p in sorted(d.glob("*.nocache.*")):
            for mode in ("cold", "warm"):
                other = p.with_name(p.name.replace(".nocache.", f".{mode}."))
                if not other.exists():
                    print(f"{d.name}: no {mode} report for {p.name}")
                    bad += 1
                elif not filecmp.cmp(p, other, shallow=False):
                    print(f"{d.name}: {mode} differs from nocache: {p.name}")
                    bad += 1
    print(f"{len(names)} reports compared, {bad} difference(s)")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("dest", type=Path)
    r.add_argument("--corpus", type=Path, action="append", default=[])
    r.add_argument("--jobs", type=int, default=2)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.dest, args.corpus, args.jobs)
    else:
        raise SystemExit(compare(args.a, args.b))


if __name__ == "__main__":
    main()

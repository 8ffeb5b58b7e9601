"""The fast HCL parser against python-hcl2's grammar on real files.

    .venv/bin/python bench/hcl_differential.py [DIR ...] [--tf50k DIR] [--time]

Parses every ``.tf``, ``.tfvars`` and ``.hcl`` file under each DIR (default:
the repositories under /work/real and ``fixtures/``) and under the generated
50k-line corpus (written to ``--tf50k``, default a temporary directory) with
both :func:`soc2lint.terraform.hclfast.parse_file` and
:func:`soc2lint.terraform.hcl.parse_hcl_lark`, and reports how many files gave
equal trees, how many the fast parser declined, and how many differ (each
differing file is named; the exit status is 1 when any does).  ``--time`` adds
the CPU seconds of each parser over all the files.  ``--git REPO`` (repeatable)
compares every distinct version of such a file in the repository's history (all
refs, read with ``git cat-file``; a bare mirror will do), and says how many of the
declined texts lark rejects too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from soc2lint.terraform import hcl, hclfast  # noqa: E402

SUFFIXES = (".tf", ".tfvars", ".hcl")


def hcl_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in SUFFIXES and p.is_file() and ".terraform" not in p.parts
    )


def history_texts(repo: Path) -> list[tuple[str, str]]:
    """(blob id and path, text) of every distinct HCL file version in ``repo``'s history."""
    git = ["git", "-C", str(repo)]
    listing = subprocess.run(
        # a mirror may lack some blobs (a partial clone): those are left out
        [*git, "rev-list", "--objects", "--all", "--missing=allow-any"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    blobs: dict[str, str] = {}
    for line in listing:
        sha, _, path = line.partition(" ")
        if path.endswith(SUFFIXES):
            blobs.setdefault(sha, path)
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha in blobs).encode(),
        capture_output=True,
        check=True,
    ).stdout
    out: list[tuple[str, str]] = []
    pos = 0
    for sha, path in blobs.items():
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        if header[-1] == b"missing":
            pos = end + 1
            continue
        size = int(header[2])
        data = batch[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
        try:
            out.append((f"{sha[:10]} {path}", data.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def compare_history(repo: Path) -> int:
    """Print one line for ``repo``'s history; the number of texts that differ."""
    same = declined = rejected = bad = 0
    texts = history_texts(repo)
    for name, text in texts:
        fast = hclfast.parse_file(text)
        if fast is None:
            declined += 1
            rejected += bool(hcl.parse_hcl_lark(text).problems)
            continue
        lark = hcl.parse_hcl_lark(text)
        if fast == lark and repr(fast) == repr(lark):
            same += 1
        else:
            print(f"DIFFERS: {repo} {name}")
            bad += 1
    print(
        f"{repo}: {len(texts)} file versions, {same} equal, {declined} declined "
        f"({rejected} of them rejected by lark too), {bad} differ",
        flush=True,
    )
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--tf50k", type=Path, help="where to write the generated corpus")
    ap.add_argument("--time", action="store_true", help="CPU seconds of each parser")
    ap.add_argument("--git", type=Path, action="append", default=[], help="a repository")
    args = ap.parse_args()
    if args.git:
        bad = sum(compare_history(repo) for repo in args.git)
        print(f"{bad} file version(s) differ")
        return 1 if bad else 0
    dirs = args.dirs or [*sorted(Path("/work/real").glob("*")), HERE.parent / "fixtures"]
    with tempfile.TemporaryDirectory() as tmp:
        tf50k = args.tf50k or Path(tmp) / "tf50k"
        corpus.terraform_monorepo(tf50k, 5)
        bad = 0
        for root in [*dirs, tf50k]:
            files = hcl_files(root)
            texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
            same = declined = 0
            for path, text in zip(files, texts, strict=True):
                fast = hclfast.parse_file(text)
                if fast is None:
                    declined += 1
                elif fast == hcl.parse_hcl_lark(text):
                    same += 1
                else:
                    print(f"DIFFERS: {path}")
                    bad += 1
            line = f"{root.name}: {len(files)} files, {same} equal, {declined} declined"
            if args.time and texts:
                hcl.warm_up()
                started = time.process_time()
                for text in texts:
                    hcl.parse_hcl_lark(text)
                lark_s = time.process_time() - started
                started = time.process_time()
                for text in texts:
                    hcl.parse_hcl(text)
                line += f"; CPU s: lark {lark_s:.3f}, parse_hcl {time.process_time() - started:.3f}"
            print(line, flush=True)
    print(f"{bad} file(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

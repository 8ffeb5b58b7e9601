"""New findings only: compare a scan of the working tree with a scan of a base commit.

``soc2lint scan --diff-base origin/main`` exports the tree at the base commit
with ``git archive`` into a temporary directory (the user's checkout and its
``.git`` are never touched), scans it with the same configuration and paths,
and matches findings by fingerprint (rule + scope + address + attribute path,
never the line), so moved code is not "new".  Findings present at the base are
marked as such and left out of text, annotations and SARIF; the exit code
follows the new ones only.  Findings that disappeared are "resolved by this
change".  Suppressions added or changed in the diff are listed for the reviewer.

Also here: baselines (``soc2lint baseline create`` / ``scan --baseline``), for
adopting soc2lint on a codebase with many existing findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .engine import ScanRequest, ScanResult, UsageError, run_scan
from .model import Finding
from .safeio import UnsafePath, read_input_file, write_output_file
from .suppressions import SuppressionEntry

BASELINE_SCHEMA = 1


@dataclass
class SuppressionChange:
    entry: SuppressionEntry
    change: str  # "added" | "changed"
    before: SuppressionEntry | None = None


@dataclass
class DiffInfo:
    base_ref: str
    base_sha: str
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    unchanged: list[Finding] = field(default_factory=list)
    suppressions: list[SuppressionChange] = field(default_factory=list)
    base_incomplete: bool = False


# --------------------------------------------------------------------------
# git
# --------------------------------------------------------------------------


def find_git_root(start: Path) -> Path | None:
    probe = start.resolve()
    if probe.is_file():
        probe = probe.parent
    while True:
        if (probe / ".git").exists():
            return probe
        if probe.parent == probe:
            return None
        probe = probe.parent


def _git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess[Any]:
    # never a shell; refs are single argv elements validated before use
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=not binary,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
    )


def resolve_commit(root: Path, ref: str) -> str:
    if not ref or ref.startswith("-") or "\x00" in ref:
        raise UsageError(f"--diff-base: {ref!r} is not a git revision")
    try:
        r = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except FileNotFoundError:
        raise UsageError("--diff-base needs git, which is not installed") from None
    if r.returncode != 0 or not r.stdout.strip():
        raise UsageError(
            f"--diff-base: the base commit {ref!r} is not in this clone. Fetch it first "
            "(in GitHub Actions: actions/checkout with fetch-depth: 0, or "
            f"`git fetch origin {ref}`)"
        )
    return str(r.stdout.strip())


def export_tree(root: Path, sha: str, dest: Path) -> None:
    """Write the tree of commit ``sha`` into ``dest`` (git archive, safely extracted)."""
    proc = subprocess.Popen(
        ["git", "-C", str(root), "archive", "--format=tar", sha],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    assert proc.stdout is not None
    dest_r = dest.resolve()
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                target = (dest / member.name).resolve()
                if not str(target).startswith(str(dest_r) + os.sep) and target != dest_r:
                    continue
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    src = tar.extractfile(member)
                    if src is None:
                        continue
                    with target.open("wb") as out:
                        while chunk := src.read(1 << 20):
                            out.write(chunk)
                # symlinks and other special members are not recreated: a scan never
                # follows a link out of the tree
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise UsageError(f"--diff-base: git archive {sha[:12]} failed: {err.strip()}")


# --------------------------------------------------------------------------
# diff scan
# --------------------------------------------------------------------------


def _inside(path: Path, root: Path) -> Path | None:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        return None


def run_diff_scan(req: ScanRequest, ref: str) -> ScanResult:
    """Scan the working tree and the base commit; mark what is not new."""
    head = run_scan(req)
    root = find_git_root(req.base) or find_git_root(Path(req.paths[0]) if req.paths else req.base)
    if root is None:
        raise UsageError("--diff-base: the scanned path is not inside a git repository")
    sha = resolve_commit(root, ref)
    with tempfile.TemporaryDirectory(prefix="soc2lint-base-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        export_tree(root, sha, tree)
        base_rel = _inside(req.base, root)
        base_dir = tree / base_rel if base_rel is not None else tree
        base_dir.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        for p in req.paths:
            rel = _inside(p if p.is_absolute() else req.base / p, root)
            if rel is None:
                continue
            mapped = tree / rel
            if mapped.exists():
                paths.append(mapped)
        var_files = []
        for v in req.config.var_files:
            rel = _inside(Path(v) if Path(v).is_absolute() else req.base / v, root)
            mapped = tree / rel if rel is not None else Path(v)
            if mapped.is_file():
                var_files.append(str(mapped))
        base_cfg = replace(req.config, var_files=tuple(var_files))
        if paths:
            base = run_scan(
                replace(req, paths=paths, base=base_dir, config=base_cfg, progress=None)
            )
            base_findings = base.findings
            base_entries = base.suppressions
            base_incomplete = base.incomplete
        else:
            base_findings, base_entries, base_incomplete = [], [], False
    info = compare(head.findings, base_findings, ref, sha)
    info.base_incomplete = base_incomplete
    info.suppressions = suppression_changes(head.suppressions, base_entries)
    head.diff = info
    return head


def compare(head: list[Finding], base: Iterable[Finding], ref: str, sha: str) -> DiffInfo:
    base_active = {f.fingerprint: f for f in base if not f.suppressed and not f.incomplete}
    head_fps = {f.fingerprint for f in head}
    info = DiffInfo(base_ref=ref, base_sha=sha)
    for f in head:
        if f.suppressed or f.incomplete:
            continue
        if f.fingerprint in base_active:
            f.baselined = True
            info.unchanged.append(f)
        else:
            info.new.append(f)
    info.resolved = [f for fp, f in sorted(base_active.items()) if fp not in head_fps]
    info.resolved.sort(key=Finding.sort_key)
    return info


def _entry_key(e: SuppressionEntry) -> tuple[str, str, tuple[str, ...]]:
    target = e.target[1] if e.target else f"{e.range.file}:{e.range.start_line}"
    return (e.range.file, target, tuple(sorted(e.tokens)))


def suppression_changes(
    head: Iterable[SuppressionEntry], base: Iterable[SuppressionEntry]
) -> list[SuppressionChange]:
    before = {_entry_key(e): e for e in base}
    out: list[SuppressionChange] = []
    for e in head:
        old = before.get(_entry_key(e))
        if old is None:
            out.append(SuppressionChange(e, "added"))
        elif (old.reason, old.expires, old.error) != (e.reason, e.expires, e.error):
            out.append(SuppressionChange(e, "changed", old))
    out.sort(key=lambda c: (c.entry.range.file, c.entry.range.start_line))
    return out


# --------------------------------------------------------------------------
# baselines
# --------------------------------------------------------------------------


def baseline_document(result: ScanResult) -> dict[str, Any]:
    items = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "rule_id": f.rule_id,
                "address": f.address,
                "scope": f.scope,
                "attr_path": f.attr_path,
                "file": f.range.file,
                "message": f.message,
            }
            for f in result.findings
            if not f.suppressed and not f.incomplete
        ),
        key=lambda d: (d["file"], d["rule_id"], d["address"], d["attr_path"]),
    )
    return {
        "schema_version": BASELINE_SCHEMA,
        "tool": {"name": "soc2lint", "version": __version__},
        "findings": items,
    }


def write_baseline(result: ScanResult, path: Path) -> int:
    doc = baseline_document(result)
    write_output_file(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return len(doc["findings"])


def load_baseline(path: Path) -> set[str]:
    """The fingerprints of a baseline file (a regular file, size-capped: never a FIFO or
    device, which would block or never end)."""
    try:
        data = json.loads(read_input_file(path))
    except UnsafePath as exc:
        raise UsageError(f"--baseline {path}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # also 4300-digit integers, deep nesting
        raise UsageError(f"--baseline {path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("schema_version") != BASELINE_SCHEMA:
        raise UsageError(
            f"--baseline {path}: not a soc2lint baseline (schema_version {BASELINE_SCHEMA}); "
            "create one with `soc2lint baseline create`"
        )
    items = data.get("findings")
    if not isinstance(items, list):
        raise UsageError(f"--baseline {path}: 'findings' must be a list")
    return {str(i["fingerprint"]) for i in items if isinstance(i, dict) and "fingerprint" in i}


def apply_baseline(result: ScanResult, fingerprints: set[str]) -> int:
    n = 0
    for f in result.findings:
        if not f.suppressed and not f.incomplete and f.fingerprint in fingerprints:
            f.baselined = True
            n += 1
    return n

"""New findings only: compare a scan of the working tree with a scan of a base commit.

``soc2lint scan --diff-base origin/main`` writes the tree of the base commit
into a private temporary directory (read with :mod:`soc2lint.gitobjects`: blobs
as committed, no filters, hooks or attributes; the user's checkout and its
``.git`` are never touched), scans the working tree and that tree with the
*base commit's* configuration, baseline and rule packs (a pull request cannot
configure its own review), and matches findings by fingerprint (rule + scope +
address + attribute path, never the line), so moved code is not "new".
Findings present at the base are marked as such and left out of text,
annotations and SARIF; the exit code follows the new ones only.  A new finding
silenced by an exception the change adds counts as new; one silenced by an
exception already at the base is listed as newly silenced.  Findings that
disappeared are "resolved by this change".  Suppressions added or changed in
the diff, and edits to the configuration or baseline, are listed for the
reviewer.

Also here: baselines (``soc2lint baseline create`` / ``scan --baseline``), for
adopting soc2lint on a codebase with many existing findings.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .discover import SKIP_DIRS
from .engine import ScanRequest, ScanResult, UsageError, run_scan
from .gitobjects import GitError, GitRepository, valid_ref
from .model import Finding
from .record import record
from .safeio import UnsafePath, read_input_file, write_output_file
from .suppressions import SuppressionEntry

BASELINE_SCHEMA = 1


@record
class SuppressionChange:
    entry: SuppressionEntry
    change: str  # "added" | "changed"
    before: SuppressionEntry | None = None


@record
class DiffInfo:
    base_ref: str
    base_sha: str
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    unchanged: list[Finding] = field(default_factory=list)
    suppressions: list[SuppressionChange] = field(default_factory=list)
    base_incomplete: bool = False
    #: new findings an exception already at the base silences (a module call's, a
    #: configuration pattern's): listed for the reviewer, not counted
    newly_silenced: list[Finding] = field(default_factory=list)
    #: what the reviewer is told about configuration the change edits
    notes: list[str] = field(default_factory=list)
    #: findings present at the base whose severity rose (medium -> high): reported and
    #: counted like new ones, each with ``properties["base_severity"]``
    escalated: list[Finding] = field(default_factory=list)
    #: findings present at the base whose severity fell: not counted, listed
    deescalated: list[Finding] = field(default_factory=list)
    #: findings an exception this change adds or changes silences, new or already there
    #: (the new ones count for the verdict and are also in ``new``)
    waived: list[Finding] = field(default_factory=list)

    def waived_by(self, change: SuppressionChange) -> list[Finding]:
        """The findings the exception ``change`` silences."""
        r = change.entry.range
        return [f for f in self.waived if _waiver_at(f) == (r.file, r.start_line)]


def _waiver_at(f: Finding) -> tuple[str, int] | None:
    """Where the exception silencing ``f`` is written (file, line)."""
    added = f.properties.get("exception_added")
    if isinstance(added, dict):
        return (str(added.get("file", "")), int(added.get("line", 0)))
    s = f.suppression
    if s is not None and s.range is not None:
        return (s.range.file, s.range.start_line)
    return None


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


def resolve_commit(root: Path, ref: str) -> str:
    """The commit ``ref`` names in the repository at ``root`` (a UsageError otherwise)."""
    if not valid_ref(ref) or "\x00" in ref:
        raise UsageError(f"--diff-base: {ref!r} is not a git revision")
    try:
        with GitRepository(root) as repo:
            return repo.resolve_commit(ref)
    except GitError as exc:
        if "not installed" in str(exc):
            raise UsageError("--diff-base needs git, which is not installed") from None
        raise UsageError(
            f"--diff-base: the base commit {ref!r} is not in this clone. Fetch it first: "
            f"`{fetch_command(root, ref)}` (in GitHub Actions: actions/checkout with "
            "fetch-depth: 0)"
        ) from None


def fetch_command(root: Path, ref: str) -> str:
    """The ``git fetch`` that brings ``ref`` into the clone at ``root``: ``origin/main``
    names the remote-tracking branch of ``main`` on ``origin`` (``git fetch origin
    main``, not the refspec ``origin/main``, which does not exist on the remote)."""
    remotes: list[str] = []
    try:
        with GitRepository(root) as repo:
            remotes = repo._run("remote").decode("utf-8", "replace").split()
    except (GitError, OSError):
        pass
    default = "origin" if "origin" in remotes or not remotes else remotes[0]
    name = ref
    for prefix in ("refs/remotes/",):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            remote, _, branch = name.partition("/")
            if branch:
                return f"git fetch {remote} {branch}"
    if name.startswith("refs/heads/"):
        branch = name[len("refs/heads/") :]
        return f"git fetch {default} {branch}:{branch}"
    if name.startswith("refs/tags/"):
        return f"git fetch {default} tag {name[len('refs/tags/') :]}"
    head, _, rest = name.partition("/")
    if rest and (head in remotes or (not remotes and head == "origin")):
        return f"git fetch {head} {rest}"
    if all(c in "0123456789abcdef" for c in name.lower()) and 7 <= len(name) <= 64:
        return f"git fetch {default} {name}"
    return f"git fetch {default} {name}:{name}"


#: directories of the base tree not written out: what discovery never reads (the
#: modules ``terraform init`` put in .terraform are read, when committed)
BASE_SKIP_DIRS = SKIP_DIRS - {".terraform", ".terragrunt-cache"}


class BaseTree:
    """The base commit's tree, written into a private temporary directory.

    The directory stands for the repository root (it has an empty ``.git``, so
    the scan confines reads to it and resolves ``../modules`` as in the work
    tree), and :meth:`map` takes a path of the work tree to the same path at
    the base.  In a pull request everything that decides the verdict is read
    from here: the configuration, the baseline, rule packs kept in the
    repository (:meth:`trusted_path`).
    """

    def __init__(self, root: Path, ref: str, sha: str, tree: Path) -> None:
        self.root = root.resolve()
        self.ref = ref
        self.sha = sha
        self.tree = tree
        #: what the reviewer is told about configuration the change edits
        self.notes: list[str] = []

    def relative(self, path: Path) -> Path | None:
        """``path`` (relative to the working directory) relative to the repository root."""
        p = path if path.is_absolute() else Path.cwd() / path
        try:
            return Path(os.path.abspath(p)).relative_to(self.root)
        except ValueError:
            try:
                return p.resolve().relative_to(self.root)
            except (ValueError, OSError):
                return None

    def map(self, path: Path) -> Path | None:
        rel = self.relative(path)
        return None if rel is None else self.tree / rel

    def trusted_path(self, path: Path, what: str) -> Path:
        """Where to read a file the command line or configuration names: inside the
        repository, its base-commit version (the change cannot edit what judges it);
        outside, the file itself."""
        mapped = self.map(path)
        if mapped is None:
            return path
        current = path if path.is_absolute() else Path.cwd() / path
        if not mapped.exists():
            if current.exists():
                self.notes.append(
                    f"{what} `{self.relative(path)}` is new in this change; the verdict "
                    "does not use it"
                )
            return mapped
        if current.is_file() and mapped.is_file() and _differs(current, mapped):
            self.notes.append(
                f"this change edits {what} `{self.relative(path)}`; the verdict uses the "
                "base commit's version"
            )
        return mapped


def _differs(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() != b.read_bytes()
    except OSError:
        return True


@contextlib.contextmanager
def open_base(start: Path, ref: str) -> Iterator[BaseTree]:
    """Write the tree of commit ``ref`` of the repository holding ``start`` into a
    temporary directory (removed afterwards) and yield it."""
    root = find_git_root(start)
    if root is None:
        raise UsageError("--diff-base: the scanned path is not inside a git repository")
    sha = resolve_commit(root, ref)
    with tempfile.TemporaryDirectory(prefix="soc2lint-base-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        try:
            with GitRepository(root) as repo:
                repo.materialize(sha, tree, skip_dirs=BASE_SKIP_DIRS)
        except (GitError, OSError) as exc:
            raise UsageError(f"--diff-base: cannot read commit {sha[:12]}: {exc}") from None
        (tree / ".git").mkdir(exist_ok=True)  # the confinement root, as in the work tree
        yield BaseTree(root, ref, sha, tree)


# --------------------------------------------------------------------------
# diff scan
# --------------------------------------------------------------------------


def run_diff_scan(req: ScanRequest, ref: str | BaseTree) -> ScanResult:
    """Scan the working tree and the base commit; mark what is not new.

    ``req.config`` is the configuration for the verdict: in a pull request,
    the base commit's (see :class:`BaseTree`).  A finding new in this change
    that an exception added or changed by the change silences counts as new
    (its suppression is set aside and noted); one that an exception already
    at the base silences is listed as newly silenced."""
    if isinstance(ref, str):
        with open_base(req.base if not req.paths else Path(req.paths[0]), ref) as base:
            return run_diff_scan(req, base)
    base = ref
    head = run_scan(req)
    paths = [m for p in req.paths if (m := base.map(p)) is not None and m.exists()]
    var_files = []
    for v in req.config.var_files:
        mapped = base.map(Path(v))
        if mapped is not None and mapped.is_file():
            var_files.append(str(mapped))
    cfn_parameters = req.config.cfn_parameters
    if cfn_parameters:
        mapped_params = base.map(Path(cfn_parameters))
        cfn_parameters = str(mapped_params) if mapped_params is not None else cfn_parameters
        if not Path(cfn_parameters).is_file():
            cfn_parameters = None
    base_cfg = replace(req.config, var_files=tuple(var_files), cfn_parameters=cfn_parameters)
    base_dir = base.map(req.base) or base.tree
    base_dir.mkdir(parents=True, exist_ok=True)
    if paths:
        result = run_scan(replace(req, paths=paths, base=base_dir, config=base_cfg, progress=None))
        base_findings, base_entries, base_incomplete = (
            result.findings,
            result.suppressions,
            result.incomplete,
        )
    else:
        base_findings, base_entries, base_incomplete = [], [], False
    changes = suppression_changes(head.suppressions, base_entries)
    info = compare(head.findings, base_findings, base.ref, base.sha, changes)
    info.base_incomplete = base_incomplete
    info.suppressions = changes
    info.notes = list(base.notes)
    head.diff = info
    return head


def compare(
    head: list[Finding],
    base: Iterable[Finding],
    ref: str,
    sha: str,
    changes: Sequence[SuppressionChange] = (),
) -> DiffInfo:
    base_list = list(base)
    base_active = {f.fingerprint: f for f in base_list if not f.suppressed and not f.incomplete}
    base_all = {f.fingerprint for f in base_list}
    head_fps = {f.fingerprint for f in head}
    changed_at = {
        (c.entry.range.file, c.entry.range.start_line, c.entry.range.start_col) for c in changes
    }
    info = DiffInfo(base_ref=ref, base_sha=sha)
    for f in head:
        if f.incomplete:
            continue
        if f.suppressed:
            s = f.suppression
            if s is None or s.kind == "baseline":
                continue
            where = (
                (s.range.file, s.range.start_line, s.range.start_col)
                if s.range is not None
                else None
            )
            if f.fingerprint in base_all:
                if where in changed_at:
                    # already there; the exception that silences it is added or changed
                    info.waived.append(f)
                continue
            if where in changed_at:
                # silenced by an exception this change adds: not applied to the verdict
                f.properties = {
                    **f.properties,
                    "exception_added": {
                        "reason": s.reason,
                        "expires": s.expires,
                        "file": s.range.file if s.range is not None else "",
                        "line": s.range.start_line if s.range is not None else 0,
                    },
                }
                f.suppression = None
                info.new.append(f)
                info.waived.append(f)
            else:
                info.newly_silenced.append(f)
            continue
        was = base_active.get(f.fingerprint)
        if was is None:
            info.new.append(f)
        elif f.severity > was.severity:
            # worse than at the base: counted like a new finding
            f.properties = {**f.properties, "base_severity": was.severity.label}
            info.escalated.append(f)
        else:
            f.baselined = True
            if f.severity < was.severity:
                f.properties = {**f.properties, "base_severity": was.severity.label}
                info.deescalated.append(f)
            else:
                info.unchanged.append(f)
    info.resolved = [f for fp, f in sorted(base_active.items()) if fp not in head_fps]
    for group in (info.resolved, info.new, info.escalated, info.deescalated, info.waived):
        group.sort(key=Finding.sort_key)
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
    """Mark the findings recorded in a baseline file.  In diff mode a finding the
    baseline file holds counts as the baseline's, not as one already at the base
    commit: the file hides it from every report, SARIF included."""
    n = 0
    hidden: set[int] = set()
    for f in result.findings:
        if not f.suppressed and not f.incomplete and f.fingerprint in fingerprints:
            f.baselined = True
            hidden.add(id(f))
            n += 1
    diff = result.diff
    if diff is not None and hidden:
        diff.unchanged = [f for f in diff.unchanged if id(f) not in hidden]
        diff.deescalated = [f for f in diff.deescalated if id(f) not in hidden]
    return n

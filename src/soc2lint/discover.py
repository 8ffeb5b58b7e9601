"""Which files a scan reads, and as what.

Terraform is read per directory (a module is every ``.tf``/``.tf.json`` file
of a directory), so a ``.tf`` path stands for its directory.  JSON files that
are ``terraform show -json`` output are plans; other YAML and JSON files are
CloudFormation candidates, and the CloudFormation front end decides by
content whether they are templates (Kubernetes manifests, workflows and
``package.json`` are skipped silently).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import field
from pathlib import Path

from .frontend import Diagnostic
from .model import Range
from .record import record

#: directories never descended into (``.terraform`` is read only for its module manifest)
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        ".terragrunt-cache",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".idea",
        ".vscode",
        ".aws-sam",
    }
)

TF_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".tpl")

#: how much of a YAML/JSON file is read to decide what it is
SNIFF_BYTES = 1 << 20


@record
class Inventory:
    """What discovery found to scan: Terraform directories, plan files, templates."""

    terraform_dirs: list[Path] = field(default_factory=list)
    plan_files: list[Path] = field(default_factory=list)
    cfn_files: list[Path] = field(default_factory=list)
    #: files looked at and not scanned, with why (shown with --debug)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.terraform_dirs or self.plan_files or self.cfn_files)


def find_root(paths: Sequence[Path]) -> Path:
    """The directory reads are confined to: the enclosing git repository, else the scanned path."""
    resolved = [p.resolve() for p in paths] or [Path.cwd().resolve()]
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    if common.is_file():
        common = common.parent
    probe = common
    while True:
        if (probe / ".git").exists():
            return probe
        if probe.parent == probe:
            break
        probe = probe.parent
    return common


def _excluded(rel: str, excludes: Sequence[str]) -> bool:
    """gitignore-style: a pattern without '/' matches any path component."""
    parts = rel.split("/")
    for pat in excludes:
        p = pat.strip()
        if not p or p.startswith("#"):
            continue
        anchored = p.startswith("/")
        p = p.strip("/")
        if "/" in p or anchored:
            if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*"):
                return True
            # "dir/**" style
            if p.endswith("/**") and (rel == p[:-3] or rel.startswith(p[:-3] + "/")):
                return True
            if rel.startswith(p + "/"):
                return True
        elif any(fnmatch.fnmatchcase(part, p) for part in parts):
            return True
    return False


def _looks_like_plan(head: str) -> bool:
    return '"terraform_version"' in head and (
        '"planned_values"' in head or '"resource_changes"' in head or '"format_version"' in head
    )


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:  # vanished, unreadable metadata, a loop
        return True  # let the reader report it


#: what _sniff returns for a file it cannot read: it goes to the CloudFormation front
#: end, which reports the read error (SYS001) instead of the file being skipped silently
UNREADABLE = "Resources (unreadable)"


def _sniff(path: Path) -> str:
    if not _regular(path):
        return ""
    try:
        with path.open("rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError:
        return UNREADABLE
    return data.decode("utf-8", errors="replace")


def discover(
    paths: Iterable[Path],
    *,
    root: Path,
    base: Path,
    excludes: Sequence[str] = (),
    follow_symlinks: bool = False,
) -> Inventory:
    """Walk ``paths`` and classify what is found.

    Symlinked directories are not followed unless ``follow_symlinks``, and
    never out of ``root`` or around a loop.
    """
    inv = Inventory()
    tf_dirs: dict[Path, None] = {}
    plans: dict[Path, None] = {}
    cfn: dict[Path, None] = {}
    root_r = root.resolve()

    def rel_of(p: Path) -> str:
        try:
            return p.resolve().relative_to(root_r).as_posix()
        except ValueError:
            return p.as_posix()

    real_dirs: dict[Path, Path] = {}  # a directory of many files resolved once

    def add_dir_of(f: Path) -> None:
        real = real_dirs.get(f.parent)
        if real is None:
            real = real_dirs[f.parent] = f.parent.resolve()
        tf_dirs.setdefault(real, None)

    def classify(f: Path, explicit: bool) -> None:
        name = f.name
        low = name.lower()
        if low.endswith(TF_SUFFIXES):
            add_dir_of(f)
            return
        if low.endswith(TFVARS_SUFFIXES):
            # read by the Terraform front end with its directory
            if explicit:
                add_dir_of(f)
            return
        if low.endswith(CFN_SUFFIXES):
            if low.endswith(".json"):
                head = _sniff(f)
                if _looks_like_plan(head):
                    plans.setdefault(f.resolve(), None)
                    return
                if explicit or "Resources" in head or "AWSTemplateFormatVersion" in head:
                    cfn.setdefault(f.resolve(), None)
                else:
                    inv.skipped.append((f, "JSON without Resources"))
                return
            head = _sniff(f) if not explicit else "Resources"
            if "Resources" in head or "AWSTemplateFormatVersion" in head:
                cfn.setdefault(f.resolve(), None)
            else:
                inv.skipped.append((f, "YAML without Resources"))
            return
        if explicit:
            inv.skipped.append((f, "not a Terraform, plan or CloudFormation file"))

    for start in paths:
        if start.is_file():
            classify(start, explicit=True)
            continue
        visited: set[Path] = set()
        for dirpath, dirnames, filenames in os.walk(
            start, followlinks=follow_symlinks, onerror=None
        ):
            d = Path(dirpath)
            real = d.resolve()
            if real in visited:
                dirnames[:] = []
                continue
            visited.add(real)
            if d.is_symlink() or (real != d.absolute() and follow_symlinks):
                try:
                    real.relative_to(root_r)
                except ValueError:
                    inv.skipped.append((d, "symlink pointing outside the scanned root"))
                    dirnames[:] = []
                    continue
            if not os.access(d, os.R_OK | os.X_OK):
                inv.diagnostics.append(
                    Diagnostic(
                        "SYS001",
                        "directory cannot be read (permission denied)",
                        Range(_display(d, base), 1, 1),
                        _display(d, base),
                    )
                )
                dirnames[:] = []
                continue
            keep = []
            for dn in sorted(dirnames):
                if dn in SKIP_DIRS:
                    continue
                sub = d / dn
                if excludes and _excluded(rel_of(sub), excludes):
                    continue
                if sub.is_symlink() and not follow_symlinks:
                    inv.skipped.append((sub, "symlinked directory (not followed)"))
                    continue
                keep.append(dn)
            dirnames[:] = keep
            for fn in sorted(filenames):
                f = d / fn
                if excludes and _excluded(rel_of(f), excludes):
                    continue
                if f.is_symlink():
                    try:
                        target = f.resolve()
                    except (OSError, RuntimeError):  # a loop: a.tf -> b.tf -> a.tf
                        inv.skipped.append((f, "symlink loop"))
                        continue
                    try:
                        target.relative_to(root_r)
                    except ValueError:
                        inv.skipped.append((f, "symlink pointing outside the scanned root"))
                        continue
                    if not target.exists():
                        inv.skipped.append((f, "dangling symlink"))
                        continue
                if not _regular(f):
                    # a FIFO would block the scan forever on open; devices and sockets
                    inv.skipped.append((f, "not a regular file"))
                    continue
                classify(f, explicit=False)

    inv.terraform_dirs = sorted(tf_dirs)
    inv.plan_files = sorted(plans)
    inv.cfn_files = sorted(cfn)
    return inv


def _display(path: Path, base: Path) -> str:
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return path.as_posix()
    return path.as_posix() if rel.startswith("..") else Path(rel).as_posix()

"""pre-commit support: expand the changed files pre-commit passes into what must be scanned.

A Terraform file is meaningless alone: its directory is the module, and a
change to a module can create a finding in every root that calls it (a
variable's default, an output).  So a changed ``.tf`` becomes its directory
plus, transitively, every directory in the repository that calls it as a
local module.  A changed CloudFormation template becomes itself plus every
template that includes it as a local nested stack.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from .discover import CFN_SUFFIXES, SKIP_DIRS, TF_SUFFIXES, TFVARS_SUFFIXES
from .safeio import UnsafePath, inside, read_input_file

_TF_SOURCE = re.compile(r"""(?m)^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)\"""")
_CFN_CHILD = re.compile(
    r"""(?:TemplateURL|Location)["']?\s*:\s*["']?(\.{0,2}/?[^"'\s,}]+\.(?:ya?ml|json|template))"""
)


def _walk(root: Path) -> Iterable[tuple[Path, list[str]]]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        yield Path(dirpath), sorted(filenames)


#: what is read of one file to find module calls and nested stacks
_READ_BYTES = 2 * 1024 * 1024


def _read(path: Path, root: Path) -> str:
    """A file's text for the quick scans below: only a regular file inside ``root``
    (a committed symlink to /dev/zero or out of the repository is not read), bounded."""
    try:
        data = read_input_file(path, root=root, max_bytes=_READ_BYTES)
    except UnsafePath:
        return ""
    return data


def module_callers(root: Path) -> dict[Path, set[Path]]:
    """Directory -> directories that call it as a local module (resolved paths)."""
    callers: dict[Path, set[Path]] = defaultdict(set)
    for d, files in _walk(root):
        for name in files:
            if not name.endswith(TF_SUFFIXES):
                continue
            for m in _TF_SOURCE.finditer(_read(d / name, root)):
                target = (d / m.group(1).split("//")[0]).resolve()
                callers[target].add(d.resolve())
    return callers


def stack_parents(root: Path) -> dict[Path, set[Path]]:
    """Template -> templates that include it as a local nested stack."""
    parents: dict[Path, set[Path]] = defaultdict(set)
    for d, files in _walk(root):
        for name in files:
            if not name.lower().endswith(CFN_SUFFIXES):
                continue
            text = _read(d / name, root)
            if "TemplateURL" not in text and "Location" not in text:
                continue
            for m in _CFN_CHILD.finditer(text):
                ref = m.group(1)
                if "://" in ref:
                    continue
                parents[(d / ref).resolve()].add((d / name).resolve())
    return parents


def expand_changed(files: Sequence[Path], root: Path) -> list[Path]:
    """The directories and templates a correct scan of these changed files needs."""
    tf_dirs: set[Path] = set()
    templates: set[Path] = set()
    for f in files:
        if not inside(f, root):
            continue  # a symlink out of the repository (to /dev/zero, to /) is not scanned
        low = f.name.lower()
        if low.endswith(TF_SUFFIXES) or low.endswith(TFVARS_SUFFIXES):
            tf_dirs.add(f.resolve().parent)
        elif low.endswith(CFN_SUFFIXES):
            templates.add(f.resolve())
    if tf_dirs:
        callers = module_callers(root)
        todo = list(tf_dirs)
        while todo:
            d = todo.pop()
            for c in callers.get(d, ()):
                if c not in tf_dirs:
                    tf_dirs.add(c)
                    todo.append(c)
    if templates:
        parents = stack_parents(root)
        todo = list(templates)
        while todo:
            t = todo.pop()
            for p in parents.get(t, ()):
                if p not in templates:
                    templates.add(p)
                    todo.append(p)
    return sorted(p for p in tf_dirs | templates if p.exists())

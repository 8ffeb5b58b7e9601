"""Where a finding on a CDK-synthesized template is fixed: the construct in the app's code.

``cdk.out`` is written by ``cdk synth`` and usually git-ignored: a pull-request
annotation or a code-scanning alert on it points at nothing a reviewer can
open, and nobody edits it.  Each synthesized resource carries its construct
path (``aws:cdk:path``, ``OrdersStack/Bucket/Resource``); the construct's id
(``Bucket``) is a string literal in the app's source, where the construct is
created (``new s3.Bucket(this, 'Bucket', ...)``).  When exactly one line of
the CDK project's source (the directory holding ``cdk.out``) creates it, the
finding points there and the template's line becomes a related location; when
the id cannot be placed, the finding points at the app's entry file named by
``cdk.json`` (``"app": "npx ts-node bin/app.ts"``), else it stays where it is.

Only files inside the scanned root are read, never through a symlink out of
it, at most :data:`MAX_FILES` of them and each under the scan's size limit.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import field, replace
from pathlib import Path

from .frontend import Limits, read_for_display
from .graph import ResourceGraph
from .model import Finding, Range, Related
from .record import record

SOURCE_SUFFIXES = frozenset({".ts", ".mts", ".js", ".mjs", ".py", ".java", ".cs", ".go"})
SKIP_DIRS = frozenset(
    {
        "node_modules",
        "cdk.out",
        ".git",
        ".venv",
        "venv",
        "dist",
        "build",
        "target",
        "obj",
        "__pycache__",
        ".terraform",
    }
)
#: source files read per CDK project, at most
MAX_FILES = 2000
#: construct ids CDK gives the CloudFormation resource under an L2 construct
_INNER_IDS = frozenset({"Resource", "Default"})


@record
class _Project:
    """A CDK project directory and the construct ids its source files create."""

    directory: Path
    display: str  # the project directory as finding paths spell it ("" = the base)
    entry: str | None = None
    #: construct id -> the lines creating it ((display path, line, column), ...)
    ids: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    lines: list[tuple[str, list[str]]] = field(default_factory=list)

    def stack_files(self, stack_id: str) -> set[str]:
        """Files defining the class the app instantiates as ``stack_id``
        (``new OrdersStack(app, 'OrdersStack')`` -> where ``class OrdersStack`` is)."""
        creates = re.compile(
            r"\b(?:new\s+)?([A-Z]\w*)\s*\(\s*\w+\s*,\s*(['\"`])" + re.escape(stack_id) + r"\2"
        )
        classes = {
            m.group(1)
            for _, lines in self.lines
            for text in lines
            for m in [creates.search(text)]
            if m is not None
        }
        if not classes:
            return set()
        defines = re.compile(r"\bclass\s+(" + "|".join(map(re.escape, sorted(classes))) + r")\b")
        return {d for d, lines in self.lines if any(defines.search(t) for t in lines)}

    def locate(self, cdk_path: str) -> tuple[str, int, int] | None:
        """The one source line creating the construct at ``cdk_path``, if there is one."""
        cid = construct_id(cdk_path)
        if cid is None:
            return None
        where = self.find(cid)
        if where is not None:
            return where
        stack_id = cdk_path.split("/", 1)[0]
        files = self.stack_files(stack_id)
        candidates = [
            f
            for f in self.ids.get(cid, [])
            if f[0] in files and _creates(self._line(f[0], f[1]), cid)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def find(self, construct_id: str) -> tuple[str, int, int] | None:
        if construct_id not in self.ids:
            needle = re.compile(r"""(['"`])""" + re.escape(construct_id) + r"\1")
            found = []
            for display, lines in self.lines:
                for n, text in enumerate(lines, 1):
                    m = needle.search(text)
                    if m is not None:
                        found.append((display, n, m.start() + 1))
            self.ids[construct_id] = found
        found = self.ids[construct_id]
        if len(found) > 1:
            # a construct is created with the scope as first argument: prefer those lines
            creating = [f for f in found if _creates(self._line(f[0], f[1]), construct_id)]
            found = creating
        return found[0] if len(found) == 1 else None

    def _line(self, display: str, n: int) -> str:
        for d, lines in self.lines:
            if d == display:
                return lines[n - 1]
        return ""


def _creates(text: str, construct_id: str) -> bool:
    quoted = r"""(['"`])""" + re.escape(construct_id) + r"\1"
    return re.search(r"\b(?:this|self|scope|stack)\s*,\s*" + quoted, text) is not None


def construct_id(cdk_path: str) -> str | None:
    """``OrdersStack/Bucket/Resource`` -> ``Bucket``; the stack itself -> None."""
    parts = [p for p in cdk_path.split("/") if p]
    while parts and parts[-1] in _INNER_IDS:
        parts.pop()
    return parts[-1] if len(parts) > 1 else None


def _entry(directory: Path, root: Path, limits: Limits) -> str | None:
    """The app's entry file named by ``cdk.json`` (relative to ``directory``), if it exists."""
    text = read_for_display(directory / "cdk.json", root, limits)
    if text is None:
        return None
    try:
        app = json.loads(text).get("app")
    except (ValueError, AttributeError):
        return None
    if not isinstance(app, str):
        return None
    try:
        words = shlex.split(app)
    except ValueError:
        words = app.split()
    for w in words:
        if Path(w).suffix in SOURCE_SUFFIXES and (directory / w).is_file():
            return Path(os.path.normpath(w)).as_posix()
    return None


def _load(directory: Path, display: str, root: Path, limits: Limits) -> _Project:
    project = _Project(directory, display, _entry(directory, root, limits))
    count = 0
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for fn in sorted(filenames):
            path = Path(dirpath) / fn
            if path.suffix not in SOURCE_SUFFIXES or fn.endswith(".d.ts"):
                continue
            if count >= MAX_FILES:
                return project
            count += 1
            text = read_for_display(path, root, limits)
            if text is None:
                continue
            rel = path.relative_to(directory).as_posix()
            shown = f"{display}/{rel}" if display else rel
            project.lines.append((shown, text.splitlines()))
    return project


@functools.lru_cache(maxsize=4096)  # asked for every finding, of the same few files
def _project_of(file: str) -> str | None:
    """The display path of the directory holding ``cdk.out`` for a template in it."""
    parts = file.replace("\\", "/").split("/")
    if "cdk.out" not in parts:
        return None
    return "/".join(parts[: parts.index("cdk.out")])


def relocate(
    findings: Sequence[Finding], graph: ResourceGraph, base: Path, root: Path, limits: Limits
) -> list[Finding]:
    """The findings, those on a synthesized template pointing at the construct's source."""
    projects: dict[str, _Project] = {}
    out: list[Finding] = []
    for f in findings:
        project_display = _project_of(f.range.file)
        node = graph.find(f.scope, f.address) if project_display is not None else None
        cdk_path = node.meta.get("cdk_path") if node is not None else None
        if project_display is None or not cdk_path:
            out.append(f)
            continue
        project = projects.get(project_display)
        if project is None:
            directory = base / project_display if project_display else base
            project = projects[project_display] = _load(directory, project_display, root, limits)
        where = project.locate(cdk_path)
        if where is not None:
            file, line, col = where
        elif project.entry is not None:
            file = f"{project_display}/{project.entry}" if project_display else project.entry
            line, col = 1, 1
        else:
            out.append(f)
            continue
        template = Related(f.range, f"synthesized template: {f.address} ({cdk_path})", f.address)
        out.append(replace(f, range=Range(file, line, col), related=(template, *f.related)))
    return out

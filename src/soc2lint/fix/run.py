"""``soc2lint fix``: plan, apply, re-scan, keep or roll back, and write.

The work happens in a private copy of the repository (a temporary directory):

1. scan the copy as ``scan`` would;
2. plan a fix for every open finding that has a remedy (:mod:`.plan`); unsafe
   ones only with ``--unsafe-fixes``;
3. apply the plans that do not touch the same span, root by root, and re-scan
   the root: every fixed finding must be gone and no new finding may appear;
   otherwise the plans of that root are tried one at a time, and a plan that
   fails is rolled back and reported;
4. plans that touched the same span as another wait for the next round, after
   a re-scan (two findings editing the same span are applied one at a time);
5. the files that changed are shown as a unified diff (``--diff``) or written
   back atomically (never through a symbolic link, never a read-only file or a
   file outside the repository, never a generated one).

The user's checkout is read once (the copy) and written only in step 5.
"""

from __future__ import annotations

import difflib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from pathlib import Path

from ..discover import SKIP_DIRS, find_root
from ..engine import ScanRequest, ScanResult, UsageError, run_scan
from ..model import Finding, Node
from ..record import record
from ..safeio import UnsafePath, write_output_file
from .plan import Plan, plan
from .remedies import remedy_for
from .text import Edit, NotFixable
from .tree import Tree

#: directories not copied: those a scan never reads, except .terraform (its modules)
_NOT_COPIED = SKIP_DIRS - {".terraform"}
MAX_ROUNDS = 8


@record
class Outcome:
    """What became of one finding that has a remedy."""

    finding: Finding
    fixed: bool
    reason: str = ""
    unsafe: str = ""
    via: str = ""


@record
class FixResult:
    root: Path
    outcomes: list[Outcome]
    before: dict[str, str]
    after: dict[str, str]
    final: ScanResult
    #: the scan before any fix
    first: ScanResult
    #: findings without any remedy (rule id -> count)
    no_fix: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return sorted(f for f in self.after if self.after[f] != self.before[f])

    def diff(self) -> str:
        out: list[str] = []
        for f in self.changed:
            out.extend(
                difflib.unified_diff(
                    self.before[f].splitlines(keepends=True),
                    self.after[f].splitlines(keepends=True),
                    fromfile=f"a/{f}",
                    tofile=f"b/{f}",
                )
            )
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


#: what a scan may read; other files over _BIG bytes (archives, images) are not copied
_READ_SUFFIXES = (
    ".tf",
    ".json",
    ".tfvars",
    ".hcl",
    ".yaml",
    ".yml",
    ".template",
    ".cfn",
    ".tpl",
    ".toml",
)
_BIG = 1024 * 1024


#: the most fix copies into its private tree: a checkout, never a whole disk
MAX_COPY_FILES = 200_000
MAX_COPY_BYTES = 2 * 1024**3


def _check_size(root: Path) -> None:
    """Refuse (a usage error) a tree too large to copy: ``fix`` works on a repository."""
    files = 0
    size = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _NOT_COPIED]
        for n in names:
            files += 1
            try:
                st = os.lstat(os.path.join(directory, n))
            except OSError:
                continue
            if n.endswith(_READ_SUFFIXES) or st.st_size <= _BIG:
                size += st.st_size
        if files > MAX_COPY_FILES or size > MAX_COPY_BYTES:
            raise UsageError(
                f"{root} holds more than {MAX_COPY_FILES:,} files or {MAX_COPY_BYTES // 1024**3} GB: "
                "soc2lint fix works on a repository (run it inside a git checkout)"
            )


def _copy_tree(root: Path, dest: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        out = {n for n in names if n in _NOT_COPIED}
        for n in names:
            if n in out or n.endswith(_READ_SUFFIXES):
                continue
            try:
                st = os.lstat(os.path.join(directory, n))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and st.st_size > _BIG:
                out.add(n)
        return out

    shutil.copytree(root, dest, symlinks=True, ignore=ignore)
    (dest / ".git").mkdir(exist_ok=True)


def _key(f: Finding) -> str:
    return f.fingerprint


def _touched(file: str, old: str, new: str) -> tuple[str, int, int]:
    """The lines of ``old`` a change touches (first, last), from the common prefix and
    suffix of the two texts: one span however the change is split into hunks."""
    n = min(len(old), len(new))
    start = 0
    while start < n and old[start] == new[start]:
        start += 1
    end = 0
    while end < n - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    first = old.count("\n", 0, start) + 1
    last = old.count("\n", 0, max(start, len(old) - end)) + 1
    return file, first, last


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    """Two changes touch the same or adjacent lines of one file."""
    return a[0] == b[0] and a[1] <= b[2] + 1 and b[1] <= a[2] + 1


def run_fix(
    req: ScanRequest,
    *,
    unsafe: bool = False,
    write: bool = False,
    progress: Callable[[str], None] | None = None,
) -> FixResult:
    """Fix what can be fixed under ``req.paths`` (see the module docstring)."""
    root = find_root(list(req.paths))
    _check_size(root)
    with tempfile.TemporaryDirectory(prefix="soc2lint-fix-") as tmp:
        shadow = Path(tmp) / "tree"
        _copy_tree(root, shadow)
        paths = [shadow / os.path.relpath(os.path.abspath(p), root) for p in req.paths]
        base_req = replace(req, paths=paths, base=shadow, progress=None)
        fixer = _Fixer(base_req, root, shadow, unsafe, progress)
        result = fixer.run()
        if write:
            _write_back(result)
        return result


class _Fixer:
    def __init__(
        self,
        req: ScanRequest,
        root: Path,
        shadow: Path,
        unsafe: bool,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.req = req
        self.root = root
        self.shadow = shadow
        self.unsafe = unsafe
        self.progress = progress
        self.left: dict[str, tuple[str, str, str]] = {}  # key -> (reason, unsafe, via)
        self.fixed_via: dict[str, str] = {}
        self.tree: Tree | None = None

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def scan(self, paths: Iterable[Path] | None = None) -> ScanResult:
        # a root's re-scan parses a file or two (the cache has the rest): no worker pool
        req = self.req if paths is None else replace(self.req, paths=list(paths), jobs=1)
        return run_scan(req)

    def run(self) -> FixResult:
        self.say("scanning")
        result = self.scan()
        first = result
        unparsed = {f.range.file for f in result.findings if f.incomplete}
        tree = Tree(self.root, self.shadow, unparsed)
        self.tree = tree
        for round_no in range(MAX_ROUNDS):
            self.say(f"fixing (round {round_no + 1})")
            progress = self._round(result, tree)
            result = self.scan()
            if not progress:
                break
        return self._result(first, result, tree)

    # ---- one round ---------------------------------------------------------

    def _candidates(self, result: ScanResult) -> list[tuple[Finding, Node]]:
        index = {(n.scope, n.address): n for n in result.graph.nodes(category=None)}
        out = []
        for f in result.active:
            if f.incomplete or f.unresolved or _key(f) in self.left:
                continue
            node = index.get((f.scope, f.address))
            if node is None:
                continue
            if remedy_for(f.rule_id, node.language, node.kind, f.attr_path) is None:
                continue
            out.append((f, node))
        return out

    def _round(self, result: ScanResult, tree: Tree) -> bool:
        options = dict(self.req.config.options) if self.req.config.options else {}
        from ..rule import DEFAULT_OPTIONS

        options = {**DEFAULT_OPTIONS, **options}
        chosen: list[tuple[Plan, list[Edit]]] = []
        taken: list[tuple[str, int, int]] = []
        deferred = False
        for f, node in self._candidates(result):
            remedy = remedy_for(f.rule_id, node.language, node.kind, f.attr_path)
            assert remedy is not None
            if remedy.unsafe and not self.unsafe:
                self.left[_key(f)] = (
                    "unsafe fix not applied (--unsafe-fixes)",
                    remedy.unsafe,
                    "",
                )
                continue
            try:
                p = plan(f, node, tree.read, options, tree.check, tree.list_dir)
            except NotFixable as exc:
                self.left[_key(f)] = (str(exc), remedy.unsafe, "")
                continue
            for rel in p.texts:
                tree.read(rel)
            edits = p.edits(tree.current)
            spans = [_touched(rel, tree.current[rel], new) for rel, new in p.texts.items()]
            if any(_overlaps(a, b) for a in spans for b in taken):
                deferred = True  # the same span as another fix: next round, after a re-scan
                continue
            taken.extend(spans)
            chosen.append((p, edits))
        if not chosen:
            return False
        by_scope: dict[str, list[tuple[Plan, list[Edit]]]] = {}
        for item in chosen:
            by_scope.setdefault(item[0].finding.scope, []).append(item)
        accepted = False
        for scope, items in sorted(by_scope.items()):
            accepted |= self._apply_scope(scope, items, result, tree)
        return accepted or deferred

    def _apply_scope(
        self,
        scope: str,
        items: list[tuple[Plan, list[Edit]]],
        result: ScanResult,
        tree: Tree,
    ) -> bool:
        self.say(f"checking {len(items)} fix(es) in {scope}")
        saved = {rel: tree.current[rel] for p, _ in items for rel in p.texts}
        self._apply([e for _, edits in items for e in edits], tree)
        after = self._scan_scope(scope)
        before_keys = {_key(f) for f in result.findings if f.scope == scope}
        problems = self._verify([p for p, _ in items], after, before_keys, scope)
        if problems and any("new finding" in v for v in problems.values()):
            # the whole-repository scan and a scan of the root may differ: compare like
            # with like before blaming the fixes
            for rel, text in saved.items():
                tree.put(rel, text)
            before_keys = {_key(f) for f in self._scan_scope(scope).findings if f.scope == scope}
            self._apply([e for _, edits in items for e in edits], tree)
            problems = self._verify([p for p, _ in items], after, before_keys, scope)
        if not problems:
            for p, _ in items:
                self.fixed_via[_key(p.finding)] = p.via
            return True
        for rel, text in saved.items():
            tree.put(rel, text)
        if len(items) == 1:
            p = items[0][0]
            self.left[_key(p.finding)] = (problems[_key(p.finding)], p.remedy.unsafe, p.via)
            return False
        # one at a time, from the end of each file up: edits below a kept one stay valid
        # as planned (every plan was made against the same text, and none overlaps)
        accepted = False
        lowest: dict[str, int] = {}  # file -> the lowest offset edited so far
        order = sorted(items, key=lambda it: max(e.start for e in it[1]), reverse=True)
        for p, edits in order:
            if any(e.end > lowest.get(e.file, len(tree.current[e.file]) + 1) for e in edits):
                continue  # out of order in one of its files: planned again next round
            keep = {rel: tree.current[rel] for rel in p.texts}
            self._apply(edits, tree)
            after = self._scan_scope(scope)
            problems = self._verify([p], after, before_keys, scope)
            if problems:
                for rel, text in keep.items():
                    tree.put(rel, text)
                self.left[_key(p.finding)] = (problems[_key(p.finding)], p.remedy.unsafe, p.via)
            else:
                self.fixed_via[_key(p.finding)] = p.via
                accepted = True
                for e in edits:
                    lowest[e.file] = min(lowest.get(e.file, e.start), e.start)
        return accepted

    def _apply(self, edits: list[Edit], tree: Tree) -> None:
        from .text import apply as apply_edits

        by_file: dict[str, list[Edit]] = {}
        for e in edits:
            by_file.setdefault(e.file, []).append(e)
        for rel, es in by_file.items():
            tree.put(rel, apply_edits(tree.current[rel], es))

    def _scan_scope(self, scope: str) -> ScanResult:
        target = self.shadow / scope
        if not target.exists():
            target = self.shadow
        return self.scan([target])

    def _verify(
        self, plans: list[Plan], after: ScanResult, before_keys: set[str], scope: str
    ) -> dict[str, str]:
        """Why each plan is refused ({} when every one holds)."""
        mine = [f for f in after.findings if f.scope == scope]
        keys = {_key(f) for f in mine}
        touched = {rel for p in plans for rel in p.texts}
        broken = [f for f in after.findings if f.incomplete and f.range.file in touched]
        new = [f for f in mine if _key(f) not in before_keys]
        out: dict[str, str] = {}
        for p in plans:
            k = _key(p.finding)
            if broken:
                out[k] = f"rolled back: the edit broke the file ({broken[0].message})"
            elif k in keys:
                out[k] = "rolled back: the finding remained after the edit"
            elif new:
                shown = ", ".join(sorted({f"{f.rule_id} {f.address}" for f in new})[:3])
                out[k] = f"rolled back: the edit made new finding(s): {shown}"
        return out

    # ---- the result ----------------------------------------------------------

    def _result(self, first: ScanResult, final: ScanResult, tree: Tree) -> FixResult:
        remaining = {_key(f) for f in final.active}
        index = {(n.scope, n.address): n for n in first.graph.nodes(category=None)}
        outcomes = []
        no_fix: dict[str, int] = {}
        for f in first.active:
            if f.incomplete:
                continue
            node = index.get((f.scope, f.address))
            remedy = remedy_for(f.rule_id, node.language, node.kind, f.attr_path) if node else None
            k = _key(f)
            if remedy is None and k not in self.fixed_via:
                if k not in remaining:
                    outcomes.append(Outcome(f, True, via="another fix"))
                else:
                    no_fix[f.rule_id] = no_fix.get(f.rule_id, 0) + 1
                continue
            if f.unresolved and k in remaining:
                outcomes.append(
                    Outcome(
                        f,
                        False,
                        "the value cannot be known (a variable without a value, a data source, "
                        "a parameter without a default): nothing to edit",
                    )
                )
                continue
            if k not in remaining:
                outcomes.append(
                    Outcome(
                        f,
                        True,
                        unsafe=remedy.unsafe if remedy else "",
                        via=self.fixed_via.get(k, ""),
                    )
                )
            else:
                reason, why, via = self.left.get(
                    k,
                    (
                        f"not fixed within {MAX_ROUNDS} rounds (other fixes of the same lines "
                        "came first): run soc2lint fix again",
                        "",
                        "",
                    ),
                )
                outcomes.append(Outcome(f, False, reason, why, via))
        return FixResult(
            root=self.root,
            outcomes=outcomes,
            before=dict(tree.before),
            after=dict(tree.current),
            final=final,
            first=first,
            no_fix=no_fix,
        )


def _write_back(result: FixResult) -> None:
    """Write the changed files into the repository, atomically, keeping their mode."""
    for rel in result.changed:
        target = result.root / rel
        try:
            with open(target, encoding="utf-8", newline="") as fh:
                now = fh.read()
            if now != result.before[rel]:
                result.errors.append(f"{rel} changed while soc2lint was fixing it: not written")
                continue
            mode = stat.S_IMODE(target.stat().st_mode)
            write_output_file(target, result.after[rel], anchor=result.root)
            os.chmod(target, mode)
            result.written.append(rel)
        except (OSError, UnsafePath) as exc:
            result.errors.append(f"{rel}: not written ({exc})")

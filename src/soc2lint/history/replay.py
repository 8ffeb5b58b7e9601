"""Replaying a branch's history: each commit's tree, scanned as ``scan`` would scan it.

The trees are read from git objects (:mod:`soc2lint.gitobjects`: no checkout,
no filters, hooks or attributes; the user's work tree and index are never
touched) into one private work directory, which stands for the repository
root.  The first tree is written whole; every later commit only writes and
removes what ``git diff-tree`` says it changed, so the cost of a commit is the
size of its change.

Each commit is scanned with the configuration in effect *at that commit*
(the configuration file found in its tree, or the ``--config`` file's version
at that commit), the command line's options on top, and suppressions' expiry
dates evaluated at the commit's date.  One in-process memo of evaluated roots
and templates (:class:`~soc2lint.cache.ResultMemo`) and one
:class:`~soc2lint.history.incremental.ScopeChecker` are shared by all the
scans, so only what a commit changed is evaluated and checked again.

Between two commits, a suppression whose expiry date passes stops applying
on that day: the state is scanned again as of that day (nothing is
re-evaluated) so the finding it silenced reopens when it did, not at the next
commit.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..cache import ResultMemo
from ..config import TRUSTED_ONLY_KEYS, Config, ConfigError, find_config, load_config
from ..diff import BASE_SKIP_DIRS
from ..discover import CFN_SUFFIXES
from ..engine import ScanRequest, UsageError
from ..gitobjects import Change, GitError, GitRepository
from ..registry import Registry
from .model import (
    Commit,
    EntryNote,
    PathChange,
    Seen,
    State,
    SuppressionNote,
    day_start,
    utc_date,
)
from .period import HistoryError, Plan
from .scan import CommitScan, IncrementalScanner

#: at most this many problems are kept per state (the count of the rest is said)
MAX_PROBLEMS = 20


@dataclass
class ScanSettings:
    """How every commit is scanned: the ``scan`` options, resolved once."""

    #: the scanned paths, relative to the repository root ("" is the root)
    paths: Sequence[PurePosixPath]
    #: the working directory relative to the repository root (display paths are
    #: relative to it, as ``scan`` run from there shows them)
    cwd: PurePosixPath
    registry: Registry
    #: the command line's options applied to a configuration (``select``, ``--var``...)
    configure: Callable[[Config], Config]
    #: ``--config``: the file as given, and its path in the repository when it is inside
    config_path: Path | None = None
    config_in_repo: PurePosixPath | None = None
    cache_dir: Path | None = None
    jobs: int = 1
    debug: bool = False
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class ReplayStats:
    """Counters for the benchmark and the ``--debug`` line."""

    commits: int = 0
    events: int = 0
    #: roots and templates whose rules ran again, and those whose findings were kept
    parts_checked: int = 0
    parts_kept: int = 0
    files_written: int = 0
    #: seconds to bring the work tree to each state of a tree and scan it (the period's
    #: start first), lapse days aside
    seconds_by_commit: list[float] = field(default_factory=list)


class Replay:
    """Scans the states of a :class:`Plan`, oldest first (see the module doc)."""

    def __init__(self, repo: GitRepository, plan: Plan, settings: ScanSettings) -> None:
        self.repo = repo
        self.plan = plan
        self.settings = settings
        self.memo = ResultMemo(disk=False)
        self.scanner = IncrementalScanner(self.memo)
        self.stats = ReplayStats()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.tree = Path()
        self._current: str | None = None
        self._has_links = False
        self._display_cache: dict[str, str] = {}
        self._current_config: Config | None = None
        #: files were added, removed or renamed since the last scan (or JSON/YAML changed)
        self._structural = True

    # ---- the work tree --------------------------------------------------------

    def __enter__(self) -> Replay:
        self._tmp = tempfile.TemporaryDirectory(prefix="soc2lint-history-")
        self.tree = Path(self._tmp.name).resolve() / "tree"
        self.tree.mkdir()
        (self.tree / ".git").mkdir()  # the confinement root, as in a clone
        return self

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()  # the scans froze what they kept (see IncrementalScanner.scan)
        if self._tmp is not None:
            shutil.rmtree(self._tmp.name, ignore_errors=True)
            self._tmp = None

    def _checkout(self, sha: str | None) -> tuple[PathChange, ...]:
        """Bring the work tree to commit ``sha`` (None: the empty tree); what changed."""
        if sha == self._current:
            return ()
        if sha is None:
            raise HistoryError("the empty tree cannot follow a commit")
        try:
            changes = self.repo.changes(self._current, sha)
            written = self.repo.update(self.tree, changes, skip_dirs=BASE_SKIP_DIRS)
        except (GitError, OSError) as exc:
            raise HistoryError(f"cannot read commit {sha}: {exc}") from None
        self._current = sha
        self._structural = self._structural or _discovery_may_change(changes)
        self.stats.files_written += len(written)
        links = any(e is not None and e.is_symlink for c in changes for e in (c.old, c.new))
        self._has_links = self._has_links or links
        self.memo.changed(
            [os.path.join(self.tree, *PurePosixPath(p).parts) for p in written],
            everything=self._has_links,
        )
        return _path_changes(changes)

    # ---- the configuration at a commit ------------------------------------------

    def _config(self) -> tuple[Config | None, str | None]:
        """The configuration in effect at the current commit, and why it cannot be used."""
        s = self.settings
        try:
            if s.config_path is not None:
                current = self._current_config
                if current is None:
                    current = self._current_config = load_config(s.config_path)
                if s.config_in_repo is None:
                    config = current
                else:
                    at = self.tree.joinpath(*s.config_in_repo.parts)
                    if not at.is_file():
                        return None, (
                            f"the configuration file {s.config_in_repo} (--config) does not "
                            "exist at this commit"
                        )
                    config = load_config(at)
                    # what loads code, reads files or sets limits: the file as trusted now
                    config = dataclasses.replace(
                        config, **{k: getattr(current, k) for k in TRUSTED_ONLY_KEYS}
                    )
            else:
                start = self.tree.joinpath(*s.paths[0].parts) if s.paths else self.tree
                config = load_config(find_config(start), discovered=True)
            config = s.configure(config)
        except ConfigError as exc:
            return None, f"configuration: {exc}"
        except UsageError as exc:
            return None, str(exc)
        return self._map_files(config)

    def _map_files(self, config: Config) -> tuple[Config | None, str | None]:
        """Variable and parameter files inside the repository are read at the commit."""
        var_files = []
        for v in config.var_files:
            mapped = self._in_tree(Path(v))
            if mapped is not None and not mapped.is_file():
                return None, f"--var-file {v} does not exist at this commit"
            var_files.append(str(mapped) if mapped is not None else v)
        params = config.cfn_parameters
        if params:
            mapped = self._in_tree(Path(params))
            if mapped is not None and not mapped.is_file():
                return None, f"--cfn-parameters {params} does not exist at this commit"
            params = str(mapped) if mapped is not None else params
        return (
            dataclasses.replace(config, var_files=tuple(var_files), cfn_parameters=params),
            None,
        )

    def _in_tree(self, path: Path) -> Path | None:
        """A path given on the command line (relative to the working directory), in the
        work tree; None when it is outside the repository."""
        if path.is_absolute():
            return None
        rel = PurePosixPath(os.path.normpath(str(self.settings.cwd / path.as_posix())))
        if str(rel).startswith(".."):
            return None
        return self.tree.joinpath(*[p for p in rel.parts if p != "."])

    # ---- scanning -----------------------------------------------------------------

    def states(self) -> Iterator[State]:
        """The state at the period's start, then one per commit that landed, and one for
        every day in between on which a suppression lapsed."""
        plan = self.plan
        period = plan.period
        events: list[tuple[Commit | None, bool]] = [(plan.start, False)]
        events += [(c, True) for c in plan.commits]
        for i, (commit, landed) in enumerate(events):
            when = max(commit.time, period.start) if commit is not None else period.start
            if not landed:
                when = period.start
            started = time.perf_counter()
            changes = self._checkout(commit.sha if commit is not None else None)
            state = self._scan(when, commit, landed, changes)
            self.stats.seconds_by_commit.append(time.perf_counter() - started)
            yield state
            following = events[i + 1][0] if i + 1 < len(events) else None
            until = max(following.time, period.start) if following is not None else period.end
            for day in _lapses(state, when, until):
                again = self._scan(day_start(day), commit, False, (), on=day)
                yield again

    def _scan(
        self,
        when: int,
        commit: Commit | None,
        landed: bool,
        changes: tuple[PathChange, ...],
        on: _dt.date | None = None,
    ) -> State:
        self.stats.events += 1
        if landed:
            self.stats.commits += 1
        day = on or utc_date(when)
        blank = State(
            time=when, on=day, commit=commit, landed=landed, findings=None, changes=changes
        )
        config, problem = self._config()
        if config is None:
            return dataclasses.replace(blank, complete=False, problems=(problem or "",))
        paths = [
            self.tree.joinpath(*p.parts)
            for p in self.settings.paths
            if self.tree.joinpath(*p.parts).exists()
        ]
        config_file = self._repo_path(config.source) if config.source is not None else None
        if not paths:
            return dataclasses.replace(blank, findings={}, empty=True, config_file=config_file)
        s = self.settings
        request = ScanRequest(
            paths=paths,
            config=config,
            registry=s.registry,
            base=self.tree.joinpath(*s.cwd.parts),
            debug=s.debug,
            cache_dir=s.cache_dir,
            # worker processes only pay off for the first, cold scan; after it a commit
            # parses a handful of files (and the pool's preparation reads every file)
            jobs=s.jobs if self.stats.events <= 1 else 1,
            env=s.env,
            today=day,
        )
        try:
            result = self.scanner.scan(request, structural=self._structural)
        except (UsageError, ConfigError) as exc:
            return dataclasses.replace(blank, complete=False, problems=(str(exc),))
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # a bug: this commit is not checked, the others are
            if s.debug:
                import traceback

                traceback.print_exc()
            return dataclasses.replace(
                blank,
                complete=False,
                problems=(f"internal error: {type(exc).__name__}: {exc} (run with --debug)",),
            )
        self._structural = False
        self.stats.parts_checked += result.checked
        self.stats.parts_kept += result.kept
        return self._state(blank, result, config_file)

    def _state(self, blank: State, result: CommitScan, config_file: str | None) -> State:
        findings: dict[str, Seen] = {}
        problems: list[str] = []
        for f in result.findings:
            if f.incomplete:
                problems.append(
                    f"{f.rule_id} {self._display(f.range.file)}:{f.range.start_line}: {f.message}"
                )
                continue
            if f.rule_id.startswith("SYS") or f.fingerprint in findings:
                continue
            s = f.suppression
            note = None
            if s is not None:
                note = SuppressionNote(
                    s.kind,
                    s.reason,
                    s.expires,
                    self._display(s.range.file) if s.range is not None else "",
                    s.range.start_line if s.range is not None else 0,
                )
            findings[f.fingerprint] = Seen(
                fingerprint=f.fingerprint,
                rule_id=f.rule_id,
                severity=f.severity,
                scope=f.scope,
                address=f.address,
                attr_path=f.attr_path,
                kind=f.kind,
                message=f.message,
                file=self._display(f.range.file),
                line=f.range.start_line,
                suppression=note,
            )
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"and {len(problems) - MAX_PROBLEMS} more"]
        entries: dict[tuple[str, str, tuple[str, ...]], EntryNote] = {}
        for e in result.suppressions:
            note_entry = EntryNote(
                kind=e.kind,
                rules=tuple(e.tokens),
                reason=e.reason,
                expires=e.expires,
                file=self._display(e.range.file),
                line=e.range.start_line,
                target=e.target[1]
                if e.target
                else f"{self._display(e.range.file)}:{e.range.start_line}",
                error=e.error,
            )
            entries.setdefault(note_entry.key, note_entry)
        return dataclasses.replace(
            blank,
            findings=findings,
            complete=not result.incomplete,
            problems=tuple(problems),
            empty=bool(result.inventory is not None and result.inventory.empty),
            entries=entries,
            files=frozenset(self._display(f) for f in result.files),
            config_file=config_file,
            rules=frozenset(result.rules),
        )

    def _display(self, display: str) -> str:
        """A path as the scan shows it (relative to the working directory) -> relative to
        the repository root."""
        hit = self._display_cache.get(display)
        if hit is None:
            base = self.tree.joinpath(*self.settings.cwd.parts)
            full = os.path.normpath(os.path.join(base, display))
            try:
                rel = os.path.relpath(full, self.tree)
            except ValueError:
                rel = display
            hit = display if rel.startswith("..") else rel.replace(os.sep, "/")
            self._display_cache[display] = hit
        return hit

    def _repo_path(self, path: Path) -> str | None:
        try:
            return Path(path).resolve().relative_to(self.tree).as_posix()
        except (ValueError, OSError):
            return None


def _lapses(state: State, after: int, before: int) -> list[_dt.date]:
    """Days strictly after ``after`` and before ``before`` on which a suppression of the
    state stops applying (the day after its expiry date)."""
    days = set()
    for e in state.entries.values():
        lapse = e.lapses()
        if lapse is None:
            continue
        ts = day_start(lapse)
        if after < ts < before:
            days.add(lapse)
    return sorted(days)


def _path_changes(changes: Sequence[Change]) -> tuple[PathChange, ...]:
    """What a commit changed, with a deletion and an addition of the same content shown
    as a rename."""
    added: dict[str, list[str]] = {}
    for c in changes:
        if c.status == "A" and c.new is not None:
            added.setdefault(c.new.oid, []).append(c.path)
    renamed: dict[str, str] = {}
    for c in changes:
        if c.status == "D" and c.old is not None:
            targets = added.get(c.old.oid)
            if targets:
                renamed[targets.pop(0)] = c.path
    out = []
    gone = set(renamed.values())
    for c in changes:
        if c.status == "D" and c.path in gone:
            continue
        if c.status == "A" and c.path in renamed:
            out.append(PathChange("R", c.path, renamed[c.path]))
        else:
            out.append(PathChange(c.status if c.status in "ADM" else "M", c.path))
    return tuple(out)


def _discovery_may_change(changes: Sequence[Change]) -> bool:
    """Whether changes can change what discovery finds: a file added, removed or
    renamed, a mode or a link changed, or a JSON or YAML file (read to classify it)."""
    for c in changes:
        if c.status != "M" or c.old is None or c.new is None:
            return True
        if c.old.mode != c.new.mode or c.old.is_symlink or c.new.is_symlink:
            return True
        if c.path.lower().endswith(CFN_SUFFIXES):
            return True
    return False

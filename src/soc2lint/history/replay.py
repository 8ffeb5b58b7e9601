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
:class:`~soc2lint.history.scan.IncrementalScanner` are shared by all the
scans, so only what a commit changed is evaluated and checked again; a commit
that changes nothing a scan reads (documentation, CI files) keeps the state of
the commit before it.

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
from dataclasses import field
from pathlib import Path, PurePosixPath

from ..cache import ResultMemo
from ..config import (
    CONFIG_FILES,
    TRUSTED_ONLY_KEYS,
    Config,
    ConfigError,
    find_config,
    load_config,
)
from ..diff import BASE_SKIP_DIRS
from ..discover import CFN_SUFFIXES, TF_SUFFIXES, TFVARS_SUFFIXES
from ..engine import ScanRequest
from ..errors import UsageError
from ..gitobjects import Change, GitError, GitRepository
from ..model import Finding
from ..record import record
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

#: names a scan may read whatever the last scan read (discovery looks at them)
_SCANNED = (*TF_SUFFIXES, *TFVARS_SUFFIXES, *CFN_SUFFIXES, ".hcl", ".tfbackend")
_CONFIG_NAMES = frozenset(CONFIG_FILES)

#: at most this many problems are kept per state (the count of the rest is said)
MAX_PROBLEMS = 20


@record
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
    #: files the command line names (``--var-file``, ``--cfn-parameters``), as given
    option_files: tuple[str, ...] = ()


@record
class ReplayStats:
    """Counters for the benchmark and the ``--debug`` line."""

    commits: int = 0
    events: int = 0
    #: commits that changed nothing a scan reads (their state is the previous one's)
    skipped: int = 0
    #: roots and templates whose rules ran again, and those whose findings were kept
    parts_checked: int = 0
    parts_kept: int = 0
    files_written: int = 0
    #: seconds to bring the work tree to each state of a tree and scan it (the period's
    #: start first), lapse days aside
    seconds_by_commit: list[float] = field(default_factory=list)
    #: the same in CPU seconds of the process (what the machine's other work cannot inflate)
    cpu_by_commit: list[float] = field(default_factory=list)
    #: for each of those states: roots and templates checked again, files written
    checked_by_commit: list[int] = field(default_factory=list)
    written_by_commit: list[int] = field(default_factory=list)
    #: seconds each further process spent on the state it starts from (not shown)
    base_seconds: float = 0.0
    #: processes the period was replayed in
    processes: int = 1
    #: seconds by stage over every scan (discover, load, rules, suppressions, gc)
    timings: dict[str, float] = field(default_factory=dict)

    def merge(self, other: ReplayStats) -> None:
        self.commits += other.commits
        self.events += other.events
        self.skipped += other.skipped
        self.parts_checked += other.parts_checked
        self.parts_kept += other.parts_kept
        self.files_written += other.files_written
        self.seconds_by_commit += other.seconds_by_commit
        self.cpu_by_commit += other.cpu_by_commit
        self.checked_by_commit += other.checked_by_commit
        self.written_by_commit += other.written_by_commit
        self.base_seconds += other.base_seconds
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v


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
        self._seen: dict[int, tuple[Finding, Seen]] = {}
        self._raw: list[Change] = []
        #: the last state scanned, and what its evaluation read (to skip commits that
        #: change nothing a scan reads)
        self._last: State | None = None
        self._dep_files: set[str] = set()
        self._dep_dirs: set[str] = set()
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
        for k, v in self.scanner.timings.items():
            self.stats.timings[k] = self.stats.timings.get(k, 0.0) + v
        gc.unfreeze()  # the scans froze what they kept (see IncrementalScanner.scan)
        if self._tmp is not None:
            shutil.rmtree(self._tmp.name, ignore_errors=True)
            self._tmp = None

    def _checkout(self, sha: str | None) -> tuple[PathChange, ...]:
        """Bring the work tree to commit ``sha`` (None: the empty tree); what changed."""
        if sha == self._current:
            self._raw = []
            return ()
        if sha is None:
            raise HistoryError("the empty tree cannot follow a commit")
        try:
            changes = self.repo.changes(self._current, sha)
            written = self.repo.update(self.tree, changes, skip_dirs=BASE_SKIP_DIRS)
        except (GitError, OSError) as exc:
            raise HistoryError(f"cannot read commit {sha}: {exc}") from None
        self._current = sha
        self._raw = changes
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
        at_commit: dict[str, str] = {}
        named = [*config.var_files, *(a for kind, a, _ in config.var_args if kind == "file")]
        for v in named:
            mapped = self._in_tree(Path(v))
            if mapped is not None and not mapped.is_file():
                return None, f"--var-file {v} does not exist at this commit"
            at_commit[v] = str(mapped) if mapped is not None else v
        var_files = [at_commit[v] for v in config.var_files]
        # --var-file and --var in command-line order (what the loader reads when given)
        var_args = tuple(
            (kind, at_commit[a] if kind == "file" else a, b) for kind, a, b in config.var_args
        )
        params = config.cfn_parameters
        if params:
            mapped = self._in_tree(Path(params))
            if mapped is not None and not mapped.is_file():
                return None, f"--cfn-parameters {params} does not exist at this commit"
            params = str(mapped) if mapped is not None else params
        return (
            dataclasses.replace(
                config, var_files=tuple(var_files), var_args=var_args, cfn_parameters=params
            ),
            None,
        )

    def _in_tree(self, path: Path) -> Path | None:
        """A path given on the command line (relative to the working directory, or
        absolute), in the work tree; None when it is outside the repository."""
        if path.is_absolute():
            root = Path(self.repo.root)
            for candidate in (Path(os.path.abspath(path)), path.resolve()):
                for top in (root, root.resolve()):
                    try:
                        inside = candidate.relative_to(top)
                    except ValueError:
                        continue
                    return self.tree.joinpath(*inside.parts)
            return None
        rel = PurePosixPath(os.path.normpath(str(self.settings.cwd / path.as_posix())))
        if str(rel).startswith(".."):
            return None
        return self.tree.joinpath(*[p for p in rel.parts if p != "."])

    # ---- commits that change nothing a scan reads -------------------------------------

    def _note_deps(self) -> None:
        """The files and directories the current evaluations read (their manifests)."""
        files: set[str] = set()
        dirs: set[str] = set()
        for deps, _ in self.memo.entries.values():
            for kind, path, _digest in deps:
                (dirs if kind == "dir" else files).add(os.path.normpath(path))
        self._dep_files, self._dep_dirs = files, dirs

    def _unread(self, changes: Sequence[Change]) -> bool:
        """Whether no scan reads anything these changes touch: no file a scan read or
        an evaluation depends on, nothing discovery looks at (Terraform, template and
        configuration names; a directory an evaluation listed), no link, no mode."""
        last = self._last
        if last is None or last.findings is None or not changes:
            return False
        options = self._option_paths()
        for c in changes:
            for e in (c.old, c.new):
                if e is not None and not e.is_file:
                    return False
            if c.old is not None and c.new is not None and c.old.mode != c.new.mode:
                return False
            path = c.path
            low = path.lower()
            if low.endswith(_SCANNED) or low.rsplit("/", 1)[-1] in _CONFIG_NAMES:
                return False
            if path in last.files or path in options or path == last.config_file:
                return False
            if ".terraform/" in f"/{path}" or ".terragrunt-cache/" in f"/{path}":
                return False
            full = os.path.normpath(os.path.join(self.tree, path))
            if full in self._dep_files:
                return False
            if c.status != "M" and os.path.dirname(full) in self._dep_dirs:
                return False  # a directory's listing is an input (fileset())
        return True

    def _option_paths(self) -> set[str]:
        s = self.settings
        out = {str(s.config_in_repo)} if s.config_in_repo is not None else set()
        config = self._current_config
        for v in (*(config.var_files if config else ()), *(s.option_files or ())):
            mapped = self._in_tree(Path(v))
            if mapped is not None:
                out.add(mapped.relative_to(self.tree).as_posix())
        return out

    # ---- scanning -----------------------------------------------------------------

    def states(self, *, emit_start: bool = True, stop: int | None = None) -> Iterator[State]:
        """The state at the period's start, then one per commit that landed, and one for
        every day in between on which a suppression lapsed.

        A slice of the period replayed on its own (:func:`replay_states` with several
        processes) starts from the commit before it without showing that state
        (``emit_start`` False) and stops lapse days at ``stop``, the next slice's first
        commit."""
        plan = self.plan
        period = plan.period
        events: list[tuple[Commit | None, bool]] = [(plan.start, False)]
        events += [(c, True) for c in plan.commits]
        for i, (commit, landed) in enumerate(events):
            when = max(commit.time, period.start) if commit is not None else period.start
            if not landed:
                when = period.start
            started, cpu = time.perf_counter(), time.process_time()
            checked, written = self.stats.parts_checked, self.stats.files_written
            changes = self._checkout(commit.sha if commit is not None else None)
            raw = self._raw
            if i == 0 and not emit_start:
                self._scan(when, commit, landed, changes)
                self.stats.base_seconds += time.perf_counter() - started
                continue
            if self._last is not None and self._unread(raw):
                # nothing this commit changed is read by a scan: the same state, as of it
                state = dataclasses.replace(
                    self._last,
                    time=when,
                    on=utc_date(when),
                    commit=commit,
                    landed=landed,
                    changes=changes,
                )
                self.stats.commits += 1
                self.stats.events += 1
                self.stats.skipped += 1
            else:
                state = self._scan(when, commit, landed, changes)
                self._last = state
                self._note_deps()
            self.stats.seconds_by_commit.append(time.perf_counter() - started)
            self.stats.cpu_by_commit.append(time.process_time() - cpu)
            self.stats.checked_by_commit.append(self.stats.parts_checked - checked)
            self.stats.written_by_commit.append(self.stats.files_written - written)
            yield state
            following = events[i + 1][0] if i + 1 < len(events) else None
            if following is not None:
                until = max(following.time, period.start)
            else:
                until = stop if stop is not None else period.end
            for day in _lapses(state, when, until):
                again = self._scan(day_start(day), commit, False, (), on=day)
                self._last = again
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
        # a root or template the commit did not change brings back the same finding objects
        held = self._seen
        seen_now: dict[int, tuple[Finding, Seen]] = {}
        for f in result.findings:
            if f.incomplete:
                problems.append(
                    f"{f.rule_id} {self._display(f.range.file)}:{f.range.start_line}: {f.message}"
                )
                continue
            if f.rule_id.startswith("SYS"):
                continue
            hit = held.get(id(f))
            if hit is not None and hit[0] is f:
                seen_now[id(f)] = hit
                if hit[1].fingerprint not in findings:
                    findings[hit[1].fingerprint] = hit[1]
                continue
            fingerprint = f.fingerprint
            if fingerprint in findings:
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
            findings[fingerprint] = item = Seen(
                fingerprint=fingerprint,
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
            seen_now[id(f)] = (f, item)
        self._seen = seen_now
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


# --------------------------------------------------------------------------
# several processes
# --------------------------------------------------------------------------

#: fewer commits than this are replayed in one process (a further process first scans
#: the whole tree it starts from)
PARALLEL_MIN_COMMITS = 24
#: each replaying process holds a whole scan's state: at most this many (memory)
MAX_PROCESSES = 4

#: what the forked processes replay (set before the pool starts; only an index is sent,
#: since the settings hold the command line's options as a function)
_JOB: dict[str, tuple[Path, Plan, ScanSettings, list[tuple[int, int]]]] = {}


def replay_states(
    root: Path,
    plan: Plan,
    settings: ScanSettings,
    stats: ReplayStats,
    *,
    processes: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Iterator[State]:
    """The states of the plan, oldest first, replayed in up to ``processes`` processes.

    With several, the commits are cut into consecutive slices, one per process; each
    process starts from the commit before its slice (scanned in full, not shown) and
    sends back each state as what changed since its previous one.  The states come
    out in order, as one process would make them."""
    count = len(plan.commits)
    workers = max(1, min(processes, MAX_PROCESSES, count // max(1, PARALLEL_MIN_COMMITS // 2)))
    if workers < 2 or count < PARALLEL_MIN_COMMITS or not _can_fork():
        with GitRepository(root) as repo, Replay(repo, plan, settings) as replay:
            for state in replay.states():
                if progress is not None and state.landed:
                    progress(f"replaying commit {replay.stats.commits} of {count}")
                yield state
        stats.merge(replay.stats)
        return
    import concurrent.futures
    import multiprocessing

    size = -(-count // workers)
    slices = [(i, min(i + size, count)) for i in range(0, count, size)]
    stats.processes = len(slices)
    _JOB["job"] = (root, plan, dataclasses.replace(settings, jobs=1), slices)
    gc.collect()
    gc.freeze()  # what the processes inherit stays shared
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(len(slices), mp_context=context) as pool:
            futures = [pool.submit(_replay_slice, i) for i in range(len(slices))]
            for i, future in enumerate(futures):
                payload, slice_stats = future.result()
                stats.merge(slice_stats)
                if progress is not None:
                    progress(f"replayed {slices[i][1]} of {count} commits")
                previous: State | None = None
                for encoded in payload:
                    state = _decode(previous, encoded)
                    previous = state
                    yield state
    finally:
        _JOB.clear()
        gc.unfreeze()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _replay_slice(index: int) -> tuple[list[tuple[object, ...]], ReplayStats]:
    """A forked process: replay one slice of the commits."""
    root, plan, settings, slices = _JOB["job"]
    lo, hi = slices[index]
    start = plan.start if lo == 0 else plan.commits[lo - 1]
    part = dataclasses.replace(plan, start=start, commits=plan.commits[lo:hi])
    stop = plan.commits[hi].time if hi < len(plan.commits) else None
    out: list[tuple[object, ...]] = []
    previous: State | None = None
    with GitRepository(root) as repo, Replay(repo, part, settings) as replay:
        for state in replay.states(emit_start=lo == 0, stop=stop):
            out.append(_encode(previous, state))
            previous = state
    return out, replay.stats


def _encode(previous: State | None, state: State) -> tuple[object, ...]:
    """A state as what changed since the previous one of the same process."""
    if previous is None or previous.findings is None or state.findings is None:
        return ("full", state)
    before, now = previous.findings, state.findings
    removed = [fp for fp in before if fp not in now]
    changed = {fp: s for fp, s in now.items() if before.get(fp) != s}
    files = None if state.files == previous.files else state.files
    rules = None if state.rules == previous.rules else state.rules
    light = dataclasses.replace(state, findings={}, files=frozenset(), rules=frozenset())
    return ("delta", light, removed, changed, files, rules)


def _decode(previous: State | None, encoded: tuple[object, ...]) -> State:
    if encoded[0] == "full":
        state = encoded[1]
        assert isinstance(state, State)
        return state
    _, light, removed, changed, files, rules = encoded
    assert isinstance(light, State) and previous is not None and previous.findings is not None
    findings = dict(previous.findings)
    for fp in removed:  # type: ignore[attr-defined]
        del findings[fp]
    findings.update(changed)  # type: ignore[call-overload]
    return dataclasses.replace(
        light,
        findings=findings,
        files=previous.files if files is None else files,  # type: ignore[arg-type]
        rules=previous.rules if rules is None else rules,  # type: ignore[arg-type]
    )

"""Following findings from state to state: exposure windows and what each commit did.

A finding is matched across states by its fingerprint (rule + scope + address
+ attribute path, never the line), so code moving within a file or between
files of one root is the same finding.  When a root or template itself moves
(a directory renamed, a file moved to another root), the scope in the
fingerprint changes: a finding that disappears from one scope while one with
the same rule, address and attribute path appears in another, in the same
commit, is the same finding moved, not one resolved and one new.

A state whose scan was incomplete (a file did not parse, a rule raised) or
that could not be scanned proves nothing about what it does not show: open
findings it lacks stay open (their window is marked as partly unknown) until
a complete scan shows them gone, and the time until the next state is
counted as unknown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field

from ..model import Severity
from ..record import record
from .model import Commit, EntryNote, PathChange, Period, Seen, State

#: file names and suffixes that are infrastructure code when a scan cannot tell (a
#: state that could not be scanned)
IAC_SUFFIXES = (
    ".tf",
    ".tf.json",
    ".tfvars",
    ".tfvars.json",
    ".hcl",
    ".tfbackend",
    ".yaml",
    ".yml",
    ".json",
    ".template",
)
CONFIG_NAMES = (".soc2lint.toml", "pyproject.toml")


@record
class Interval:
    start: int
    end: int | None = None


@record
class SuppressedSpan(Interval):
    kind: str = ""
    reason: str = ""
    expires: str | None = None
    file: str = ""
    line: int = 0


@record
class Move:
    time: int
    commit: Commit | None
    old_scope: str
    new_scope: str


@record
class Window:
    """One finding's stay in the code: from the state it appeared in to the one that
    showed it gone (``closed`` None: still open at the period's end)."""

    first: Seen
    last: Seen
    opened: int
    opened_by: Commit | None
    #: open in the state at the period's start (appeared before the period)
    at_start: bool
    severity: Severity
    closed: int | None = None
    closed_by: Commit | None = None
    suppressed: list[SuppressedSpan] = field(default_factory=list)
    #: spans in which a scan that did not show it was incomplete
    unknown: list[Interval] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    @property
    def rule_id(self) -> str:
        return self.first.rule_id


@record
class SuppressionChange:
    change: str  # added | changed | removed | moved (the same exception, in another file)
    entry: EntryNote
    before: EntryNote | None = None


@record
class ChangeRecord:
    """A commit that landed in the period, and what it did to the findings."""

    commit: Commit
    time: int
    changes: tuple[PathChange, ...]
    #: the changed paths that are scanned infrastructure code (or its configuration)
    infrastructure: tuple[str, ...]
    introduced: list[Window] = field(default_factory=list)
    resolved: list[Window] = field(default_factory=list)
    moved: list[Window] = field(default_factory=list)
    suppressions: list[SuppressionChange] = field(default_factory=list)
    #: suppressions whose expiry passed since the previous commit (day, entry)
    lapsed: list[tuple[str, EntryNote]] = field(default_factory=list)
    scanned: bool = True
    complete: bool = True
    problems: tuple[str, ...] = ()
    empty: bool = False


@record
class Lapse:
    day: str
    entry: EntryNote
    #: the commit whose tree held it
    commit: Commit | None


@record
class Point:
    """Open findings (not suppressed) by severity from ``time`` on."""

    time: int
    counts: tuple[int, int, int, int]  # critical, high, medium, low
    suppressed: int


@record
class Tracked:
    """Everything :class:`Tracker` learned from the states of a period."""

    period: Period
    windows: list[Window]
    records: list[ChangeRecord]
    lapses: list[Lapse]
    unknown: list[tuple[Interval, Commit | None, tuple[str, ...]]]
    empty: list[Interval]
    series: list[Point]
    start: State | None
    #: every rule that ran in some state of the period
    rules: frozenset[str] = frozenset()


SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class Tracker:
    def __init__(self, period: Period) -> None:
        self.period = period
        self.open: dict[str, Window] = {}
        self.windows: list[Window] = []
        self.records: list[ChangeRecord] = []
        self.lapses: list[Lapse] = []
        self.unknown: list[tuple[Interval, Commit | None, tuple[str, ...]]] = []
        self.empty: list[Interval] = []
        self.series: list[Point] = []
        self._tree: State | None = None  # the last scanned state of a tree (not a lapse)
        self._last: State | None = None
        self._pending: list[tuple[str, EntryNote]] = []
        self._start: State | None = None
        self.rules: set[str] = set()

    # ---- one state -----------------------------------------------------------

    def add(self, state: State) -> None:
        t = state.time
        if self.unknown and self.unknown[-1][0].end is None:
            self.unknown[-1][0].end = t
        if self.empty and self.empty[-1].end is None:
            self.empty[-1].end = t
        if self._start is None:
            self._start = state
        self.rules |= state.rules
        record = None
        if state.landed and state.commit is not None:
            record = ChangeRecord(
                commit=state.commit,
                time=t,
                changes=state.changes,
                infrastructure=self._infrastructure(state),
                scanned=state.findings is not None,
                complete=state.complete,
                problems=state.problems,
                empty=state.empty,
            )
        if not state.complete or state.findings is None:
            self.unknown.append((Interval(t), state.commit, state.problems))
        if state.empty:
            self.empty.append(Interval(t))
        self._lapsed(state)
        if state.findings is not None:
            self._findings(state, record)
            if record is not None and self._tree is not None:
                record.suppressions = _entry_changes(self._tree.entries, state.entries)
            if state.landed or self._tree is None:
                self._tree = state
        if record is not None:
            record.lapsed, self._pending = self._pending, []
            self.records.append(record)
        self._point(t)
        self._last = state

    def _infrastructure(self, state: State) -> tuple[str, ...]:
        before = self._tree
        known = before is not None and state.findings is not None
        files: set[str] = set(state.files)
        if before is not None:
            files |= before.files
        for s in (before, state):
            if s is not None and s.config_file:
                files.add(s.config_file)
        out = []
        for c in state.changes:
            for path in (c.path, c.old_path):
                if not path:
                    continue
                name = path.rsplit("/", 1)[-1]
                iac = not known and path.lower().endswith(IAC_SUFFIXES)
                if path in files or name in CONFIG_NAMES or iac:
                    out.append(path)
        return tuple(sorted(set(out)))

    def _lapsed(self, state: State) -> None:
        """Suppressions of the state whose expiry passed since the previous state."""
        last = self._last
        if last is None:
            return
        for e in state.entries.values():
            lapse = e.lapses()
            if lapse is not None and last.on < lapse <= state.on:
                self._pending.append((lapse.isoformat(), e))
                self.lapses.append(Lapse(lapse.isoformat(), e, state.commit))

    def _findings(self, state: State, record: ChangeRecord | None) -> None:
        assert state.findings is not None
        t = state.time
        present = state.findings
        appeared = [fp for fp in present if fp not in self.open]
        vanished = [fp for fp in self.open if fp not in present]
        if state.complete and vanished and appeared:
            self._moves(state, appeared, vanished, record)
            appeared = [fp for fp in present if fp not in self.open]
            vanished = [fp for fp in self.open if fp not in present]
        for fp in vanished:
            w = self.open[fp]
            if not state.complete:
                if not w.unknown or w.unknown[-1].end is not None:
                    w.unknown.append(Interval(t))
                continue
            self._end_suppression(w, t)
            if w.unknown and w.unknown[-1].end is None:
                w.unknown[-1].end = t
            w.closed, w.closed_by = t, state.commit
            del self.open[fp]
            if record is not None:
                record.resolved.append(w)
        for fp, seen in present.items():
            held = self.open.get(fp)
            if held is None:
                at_start = not state.landed and self._tree is None
                w = Window(
                    first=seen,
                    last=seen,
                    opened=t,
                    opened_by=None if at_start else state.commit,
                    at_start=at_start,
                    severity=seen.severity,
                )
                self.open[fp] = w
                self.windows.append(w)
                if record is not None:
                    record.introduced.append(w)
            else:
                w = held
                if w.unknown and w.unknown[-1].end is None:
                    w.unknown[-1].end = t
                w.last = seen
                w.severity = max(w.severity, seen.severity)
            self._suppression(w, seen, t)

    def _moves(
        self, state: State, appeared: list[str], vanished: list[str], record: ChangeRecord | None
    ) -> None:
        assert state.findings is not None
        gone: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for fp in vanished:
            gone[self.open[fp].last.move_key].append(fp)
        for fp in appeared:
            seen = state.findings[fp]
            candidates = gone.get(seen.move_key)
            if not candidates:
                continue
            old = candidates.pop(0)
            w = self.open.pop(old)
            w.moves.append(Move(state.time, state.commit, w.last.scope, seen.scope))
            self.open[fp] = w
            if record is not None:
                record.moved.append(w)

    @staticmethod
    def _suppression(w: Window, seen: Seen, t: int) -> None:
        note = seen.suppression
        current = w.suppressed[-1] if w.suppressed and w.suppressed[-1].end is None else None
        if note is None:
            if current is not None:
                current.end = t
            return
        if current is not None:
            same = (current.kind, current.reason, current.expires, current.file) == (
                note.kind,
                note.reason,
                note.expires,
                note.file,
            )
            if same:
                return
            current.end = t
        w.suppressed.append(
            SuppressedSpan(
                t,
                None,
                kind=note.kind,
                reason=note.reason,
                expires=note.expires,
                file=note.file,
                line=note.line,
            )
        )

    @staticmethod
    def _end_suppression(w: Window, t: int) -> None:
        if w.suppressed and w.suppressed[-1].end is None:
            w.suppressed[-1].end = t

    def _point(self, t: int) -> None:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        suppressed = 0
        for w in self.open.values():
            if w.suppressed and w.suppressed[-1].end is None:
                suppressed += 1
            else:
                counts[w.last.severity] += 1
        point = Point(t, tuple(counts[s] for s in SEVERITY_ORDER), suppressed)  # type: ignore[arg-type]
        if self.series and self.series[-1].time == t:
            self.series[-1] = point
        else:
            self.series.append(point)

    # ---- the end ----------------------------------------------------------------

    def finish(self) -> Tracked:
        return Tracked(
            period=self.period,
            windows=self.windows,
            records=self.records,
            lapses=self.lapses,
            unknown=self.unknown,
            empty=self.empty,
            series=self.series,
            start=self._start,
            rules=frozenset(self.rules),
        )


def _entry_changes(
    before: dict[tuple[str, str, tuple[str, ...]], EntryNote],
    after: dict[tuple[str, str, tuple[str, ...]], EntryNote],
) -> list[SuppressionChange]:
    out: list[SuppressionChange] = []
    for key, e in after.items():
        old = before.get(key)
        if old is None:
            out.append(SuppressionChange("added", e))
        elif (old.reason, old.expires, old.error) != (e.reason, e.expires, e.error):
            out.append(SuppressionChange("changed", e, old))
    for key, e in before.items():
        if key not in after:
            out.append(SuppressionChange("removed", e))
    # a file or a root that moved takes its suppressions along: the same exception
    gone: dict[tuple[object, ...], list[SuppressionChange]] = {}
    for c in out:
        if c.change == "removed":
            gone.setdefault(_same_exception(c.entry), []).append(c)
    kept: list[SuppressionChange] = []
    for c in out:
        if c.change == "added":
            match = gone.get(_same_exception(c.entry))
            if match:
                prior = match.pop(0)
                kept.append(SuppressionChange("moved", c.entry, prior.entry))
                prior.change = "matched"
                continue
        kept.append(c)
    out = [c for c in kept if c.change != "matched"]
    out.sort(key=lambda c: (c.entry.file, c.entry.line, c.change))
    return out


def _same_exception(e: EntryNote) -> tuple[object, ...]:
    """What makes two suppressions the same exception wherever they are written: the
    resource they are attached to (not the file), their rules, reason and expiry."""
    unattached = e.target == f"{e.file}:{e.line}"
    return (
        e.kind,
        tuple(sorted(e.rules)),
        e.reason,
        e.expires,
        e.error,
        "" if unattached else e.target,
    )

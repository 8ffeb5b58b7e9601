"""What a history is made of: commits, the state each one left, findings over time.

Times are seconds since the epoch (UTC); dates are UTC calendar dates.  Every
path is relative to the repository root, with forward slashes.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import field

from ..model import Severity
from ..record import record

DAY = 86400

#: remediation targets in days, by severity (the issue's defaults; ``--remediation-days``)
DEFAULT_TARGETS: dict[Severity, int] = {
    Severity.CRITICAL: 7,
    Severity.HIGH: 30,
    Severity.MEDIUM: 90,
    Severity.LOW: 180,
}


def day_start(day: _dt.date) -> int:
    """The first second of ``day`` (UTC)."""
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def utc_date(ts: int) -> _dt.date:
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).date()


@record(frozen=True)
class Commit:
    """A commit of the first-parent history of the replayed ref."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    committer: str
    #: committer time: when the commit (a merge, a squash merge) landed on the branch
    time: int
    subject: str
    body: str = ""


@record(frozen=True)
class Period:
    """The observation period: ``since`` to ``until``, both days included."""

    since: _dt.date
    until: _dt.date

    @property
    def start(self) -> int:
        return day_start(self.since)

    @property
    def end(self) -> int:
        """The first second after the period."""
        return day_start(self.until) + DAY

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def day_index(self, ts: int) -> int:
        return (ts - self.start) // DAY


@record(frozen=True)
class SuppressionNote:
    """The suppression that silences a finding in one state."""

    kind: str
    reason: str
    expires: str | None
    file: str
    line: int


@record(frozen=True)
class Seen:
    """One finding as one state has it (SYS findings are not tracked: they are about
    the scan, and an incomplete scan is tracked as such)."""

    fingerprint: str
    rule_id: str
    severity: Severity
    scope: str
    address: str
    attr_path: str
    kind: str
    message: str
    file: str
    line: int
    suppression: SuppressionNote | None = None

    @property
    def move_key(self) -> tuple[str, str, str]:
        """What identifies a finding when its root or template moves (the scope is
        part of the fingerprint, and a move changes it)."""
        return (self.rule_id, self.address, self.attr_path)


@record(frozen=True)
class EntryNote:
    """A suppression written in the code or the configuration."""

    kind: str
    rules: tuple[str, ...]
    reason: str
    expires: str | None
    file: str
    line: int
    target: str
    error: str | None = None

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.file, self.target, tuple(sorted(self.rules)))

    def lapses(self) -> _dt.date | None:
        """The first day it no longer applies (the day after ``expires``)."""
        if not self.expires or self.error is not None:
            return None
        try:
            return _dt.date.fromisoformat(self.expires) + _dt.timedelta(days=1)
        except ValueError:
            return None


@record(frozen=True)
class PathChange:
    """A path a commit added (``A``), modified (``M``), deleted (``D``) or renamed from
    ``old_path`` (``R``: the same content deleted in one place and added in another)."""

    status: str
    path: str
    old_path: str = ""


@record
class State:
    """What scanning the tree of one commit, as of one date, found.

    ``findings`` is None when the commit could not be scanned at all (its
    configuration is invalid, an option's file is missing at that commit): it
    says nothing about which findings were open.
    """

    time: int
    on: _dt.date
    commit: Commit | None
    #: the event is a commit landing (False: the period's start, or a suppression lapsing)
    landed: bool
    findings: dict[str, Seen] | None
    complete: bool = True
    problems: tuple[str, ...] = ()
    #: no Terraform or CloudFormation in the scanned paths at this commit
    empty: bool = False
    entries: dict[tuple[str, str, tuple[str, ...]], EntryNote] = field(default_factory=dict)
    #: files the scan read (repository-relative)
    files: frozenset[str] = frozenset()
    #: the configuration file in effect (repository-relative), if any
    config_file: str | None = None
    #: the rules the scan ran (reserved rules aside)
    rules: frozenset[str] = frozenset()
    #: what the commit changed (commit events only)
    changes: tuple[PathChange, ...] = ()

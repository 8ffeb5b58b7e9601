"""``soc2lint history``: the observation period of a SOC 2 Type II audit, from git.

A Type II report attests that controls operated over a period.  This package
replays the first-parent history of a branch over that period (the commits
that landed on it, and the state at its start), scans every commit as
``soc2lint scan`` would have scanned a checkout of it, follows each finding
from the commit that introduced it to the one that resolved it, and measures
the period: the change log, a sample of changes for the auditor, exposure
windows against remediation targets, and per control family and criterion the
days without an open finding.

* :mod:`.period` chooses the commits, :mod:`.replay` writes their trees and
  scans them (incrementally: :mod:`.scan`; in parallel processes with
  ``--jobs``), :mod:`.tracker` follows the findings, :mod:`.analysis`
  measures, :mod:`.changes` reads pull requests and tickets and draws the
  sample, :mod:`.document` is the JSON form;
* the pages are written by :mod:`soc2lint.evidence.history_changes`,
  :mod:`soc2lint.evidence.history_exposure` and
  :mod:`soc2lint.evidence.history_timeline`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path

from ..gitobjects import GitError, GitRepository
from ..model import Severity
from ..record import record
from ..registry import Registry
from .analysis import Bucket, Timeline, WindowFigures, buckets, measure, timeline
from .changes import (
    DEFAULT_TICKET_PATTERN,
    Links,
    draw_sample,
    pull_request,
    repository_url,
    ticket_keys,
)
from .model import DEFAULT_TARGETS, Period
from .period import HistoryError, Plan, parse_date, plan_period
from .replay import ReplayStats, ScanSettings, replay_states
from .tracker import ChangeRecord, Tracked, Tracker, Window

__all__ = [
    "DEFAULT_TARGETS",
    "DEFAULT_TICKET_PATTERN",
    "History",
    "HistoryError",
    "HistoryOptions",
    "ScanSettings",
    "parse_date",
    "run_history",
]


@record
class HistoryOptions:
    since: _dt.date
    until: _dt.date
    #: the branch or revision replayed (default: the current branch)
    ref: str = "HEAD"
    #: its name as shown (the branch's name rather than ``HEAD``)
    ref_name: str = ""
    sample: int = 25
    seed: str = "0"
    ticket_pattern: str = DEFAULT_TICKET_PATTERN
    targets: Mapping[Severity, int] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    repository_url: str | None = None
    #: the scanned paths as the user gave them (for the pages)
    shown_paths: tuple[str, ...] = (".",)


@record
class History:
    """A replayed period and everything the pages show."""

    options: HistoryOptions
    plan: Plan
    tracked: Tracked
    figures: dict[int, WindowFigures]
    timeline: Timeline
    chart_unit: str
    chart: list[Bucket]
    pull_requests: dict[str, int | None]
    tickets: dict[str, list[str]]
    #: commit ids of the sampled changes, oldest first
    sample: list[str]
    links: Links
    stats: ReplayStats
    #: every state was scanned, completely
    complete: bool
    registry: Registry

    @property
    def period(self) -> Period:
        return self.plan.period

    def figure(self, w: Window) -> WindowFigures:
        return self.figures[id(w)]

    @property
    def changes(self) -> list[ChangeRecord]:
        """The commits that changed scanned infrastructure code (the change log)."""
        return [r for r in self.tracked.records if r.infrastructure]

    def open_at_end(self, threshold: Severity) -> int:
        return sum(
            1
            for w in self.tracked.windows
            if w.closed is None
            and w.severity >= threshold
            and not (w.suppressed and w.suppressed[-1].end is None)
        )


def run_history(
    root: Path,
    settings: ScanSettings,
    options: HistoryOptions,
    *,
    today: _dt.date,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> History:
    """Replay the period of the repository at ``root`` (raises :class:`HistoryError`)."""
    try:
        pattern = re.compile(options.ticket_pattern)
    except re.error as exc:
        raise HistoryError(f"--ticket-pattern: not a regular expression: {exc}") from None
    period = Period(options.since, options.until)
    environ = os.environ if env is None else env
    try:
        repo = GitRepository(root)
    except GitError as exc:  # pragma: no cover - the constructor starts nothing
        raise HistoryError(str(exc)) from None
    with repo:
        plan = plan_period(repo, options.ref, period, today)
        remote = repo.config_value("remote.origin.url")
    tracker = Tracker(period)
    stats = ReplayStats()
    for state in replay_states(
        root, plan, settings, stats, processes=settings.jobs, progress=progress
    ):
        tracker.add(state)
    tracked = tracker.finish()
    figures = {id(w): measure(w, period, options.targets) for w in tracked.windows}
    unit, chart = buckets(tracked)
    prs = {r.commit.sha: pull_request(r.commit) for r in tracked.records}
    default = options.ticket_pattern == DEFAULT_TICKET_PATTERN
    tickets = {r.commit.sha: ticket_keys(r.commit, pattern, default) for r in tracked.records}
    population = [r.commit.sha for r in tracked.records if r.infrastructure]
    chosen = set(draw_sample(population, options.sample, options.seed))
    sample = [sha for sha in population if sha in chosen]
    complete = not tracked.unknown
    return History(
        options=options,
        plan=plan,
        tracked=tracked,
        figures=figures,
        timeline=timeline(tracked, settings.registry),
        chart_unit=unit,
        chart=chart,
        pull_requests=prs,
        tickets=tickets,
        sample=sample,
        links=Links(repository_url(options.repository_url, remote, environ)),
        stats=stats,
        complete=complete,
        registry=settings.registry,
    )

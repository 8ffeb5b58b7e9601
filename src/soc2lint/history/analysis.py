"""From tracked windows to the period's figures: days open, targets, days without findings.

A day (UTC) counts as *open* for a control family or criterion when a finding
of it was open, and not suppressed, at any moment of that day; as *unknown*
when it was not open but a scan covering part of it was incomplete or could
not run; as *no code* when the scanned paths held no infrastructure code all
day; otherwise as *clean* (no open finding).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import field

from ..model import Severity
from ..record import record
from ..registry import Registry
from .model import DAY, Period, utc_date
from .tracker import SEVERITY_ORDER, Interval, Tracked, Window


@record(frozen=True)
class WindowFigures:
    """One window, measured within the period."""

    start: int
    end: int
    open_seconds: int
    suppressed_seconds: int
    target_days: int
    #: met | missed | open | overdue | unknown (opened before the period, not yet over target)
    status: str

    @property
    def open_days(self) -> float:
        return self.open_seconds / DAY

    @property
    def suppressed_days(self) -> float:
        return self.suppressed_seconds / DAY


def active_spans(w: Window, period: Period) -> list[tuple[int, int]]:
    """When the window's finding was open and not suppressed, within the period."""
    start = max(w.opened, period.start)
    end = min(w.closed if w.closed is not None else period.end, period.end)
    spans = [(start, end)] if end > start else []
    for s in w.suppressed:
        s_start, s_end = max(s.start, start), min(s.end if s.end is not None else end, end)
        if s_end <= s_start:
            continue
        out = []
        for a, b in spans:
            if s_end <= a or s_start >= b:
                out.append((a, b))
                continue
            if a < s_start:
                out.append((a, s_start))
            if s_end < b:
                out.append((s_end, b))
        spans = out
    return spans


def measure(w: Window, period: Period, targets: Mapping[Severity, int]) -> WindowFigures:
    start = max(w.opened, period.start)
    end = min(w.closed if w.closed is not None else period.end, period.end)
    total = max(0, end - start)
    open_seconds = sum(b - a for a, b in active_spans(w, period))
    target = targets[w.severity]
    over = open_seconds > target * DAY
    if w.closed is not None and w.closed <= period.end:
        status = "missed" if over else ("unknown" if w.at_start else "met")
    else:
        status = "overdue" if over else "open"
    return WindowFigures(start, end, open_seconds, total - open_seconds, target, status)


def days_of(spans: Iterable[tuple[int, int]], period: Period) -> set[int]:
    """Indices of the period's days that the spans touch."""
    out: set[int] = set()
    for first, last in spans:
        a, b = max(first, period.start), min(last, period.end)
        if b <= a:
            continue
        out.update(range(period.day_index(a), period.day_index(b - 1) + 1))
    return out


def _closed(intervals: Iterable[Interval], period: Period) -> list[tuple[int, int]]:
    return [(i.start, i.end if i.end is not None else period.end) for i in intervals]


@record
class Row:
    """One control family or criterion over the period."""

    key: str
    title: str
    clean: int = 0
    open: int = 0
    unknown: int = 0
    no_code: int = 0
    opened: int = 0
    resolved: int = 0
    changes: int = 0
    open_at_end: int = 0


@record
class Timeline:
    families: list[Row]
    criteria: list[Row]
    overall: Row
    unknown_days: set[int] = field(default_factory=set)


def timeline(tracked: Tracked, registry: Registry) -> Timeline:
    from ..docs import FAMILY_TITLES, TSC_TITLES
    from ..evidence.readme import EXTRA_TSC_TITLES

    period = tracked.period
    rules = {r.id: r for r in registry if not r.reserved}
    unknown_days = days_of(_closed((i for i, _, _ in tracked.unknown), period), period)
    empty_days = _full_days(_closed(tracked.empty, period), period)
    open_by: dict[str, set[int]] = {}
    keys_of: dict[int, tuple[str, ...]] = {}
    for w in tracked.windows:
        r = rules.get(w.rule_id)
        keys: tuple[str, ...] = ("*", f"family:{w.rule_id[:3]}")
        if r is not None:
            keys += tuple(f"tsc:{t}" for t in r.tsc)
        keys_of[id(w)] = keys
        days = days_of(active_spans(w, period), period)
        for k in keys:
            open_by.setdefault(k, set()).update(days)
    changes_by: dict[str, set[str]] = {}
    opened_by: dict[str, int] = {}
    resolved_by: dict[str, int] = {}
    for rec in tracked.records:
        for group, counter in ((rec.introduced, opened_by), (rec.resolved, resolved_by)):
            for w in group:
                for k in keys_of.get(id(w), ()):
                    counter[k] = counter.get(k, 0) + 1
                    changes_by.setdefault(k, set()).add(rec.commit.sha)
    open_end: dict[str, int] = {}
    for w in tracked.windows:
        if w.closed is None:
            for k in keys_of.get(id(w), ()):
                open_end[k] = open_end.get(k, 0) + 1

    def row(key: str, title: str) -> Row:
        opened = open_by.get(key, set())
        unknown = unknown_days - opened
        no_code = empty_days - opened - unknown
        clean = period.days - len(opened) - len(unknown) - len(no_code)
        return Row(
            key=key.split(":", 1)[-1],
            title=title,
            clean=clean,
            open=len(opened),
            unknown=len(unknown),
            no_code=len(no_code),
            opened=opened_by.get(key, 0),
            resolved=resolved_by.get(key, 0),
            changes=len(changes_by.get(key, set())),
            open_at_end=open_end.get(key, 0),
        )

    # only what was checked: the families and criteria of the rules that ran
    ran = [rules[r] for r in sorted(tracked.rules) if r in rules]
    families = sorted({r.family for r in ran} | {w.rule_id[:3] for w in tracked.windows})
    criteria = sorted(
        {t for r in ran for t in r.tsc}
        | {t for w in tracked.windows if w.rule_id in rules for t in rules[w.rule_id].tsc},
        key=_tsc_key,
    )
    return Timeline(
        families=[row(f"family:{f}", FAMILY_TITLES.get(f, f)) for f in families],
        criteria=[
            row(f"tsc:{t}", TSC_TITLES.get(t) or EXTRA_TSC_TITLES.get(t, "")) for t in criteria
        ],
        overall=row("*", "every control"),
        unknown_days=unknown_days,
    )


def _full_days(spans: Iterable[tuple[int, int]], period: Period) -> set[int]:
    """Days entirely covered by the spans."""
    covered: dict[int, int] = {}
    for first, last in spans:
        a, b = max(first, period.start), min(last, period.end)
        t = a
        while t < b:
            day = period.day_index(t)
            day_end = period.start + (day + 1) * DAY
            covered[day] = covered.get(day, 0) + (min(b, day_end) - t)
            t = day_end
    return {d for d, seconds in covered.items() if seconds >= DAY}


def _tsc_key(t: str) -> tuple[int, str, int, int]:
    prefix = t.rstrip("0123456789.")
    nums = t[len(prefix) :].split(".")
    major = int(nums[0]) if nums and nums[0].isdigit() else 0
    minor = int(nums[1]) if len(nums) > 1 and nums[1].isdigit() else 0
    return (0 if prefix == "CC" else 1, prefix, major, minor)


# --------------------------------------------------------------------------
# the chart
# --------------------------------------------------------------------------


@record(frozen=True)
class Bucket:
    start: _dt.date
    label: str
    #: the most findings open at once during the bucket, by severity (critical first)
    peak: tuple[int, int, int, int]
    unknown: bool


def buckets(tracked: Tracked) -> tuple[str, list[Bucket]]:
    """The period cut into at most ~60 buckets (days, weeks or months) with the peak of
    open findings of each severity in each; the unit's name."""
    period = tracked.period
    if period.days <= 62:
        unit, starts = "day", [period.since + _dt.timedelta(days=i) for i in range(period.days)]
    elif period.days <= 62 * 7:
        unit = "week"
        starts = [period.since + _dt.timedelta(days=7 * i) for i in range(-(-period.days // 7))]
    else:
        unit, starts = "month", _month_starts(period)
    unknown_days = days_of(_closed((i for i, _, _ in tracked.unknown), period), period)
    out = []
    series = tracked.series
    idx = 0
    current = (0, 0, 0, 0)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else period.until + _dt.timedelta(days=1)
        lo, hi = max(_ts(start), period.start), min(_ts(end), period.end)
        while idx < len(series) and series[idx].time <= lo:
            current = series[idx].counts
            idx += 1
        peak = list(current)
        while idx < len(series) and series[idx].time < hi:
            current = series[idx].counts
            peak = [max(a, b) for a, b in zip(peak, current, strict=True)]
            idx += 1
        first, last = period.day_index(lo), period.day_index(hi - 1)
        label = start.strftime("%Y-%m") if unit == "month" else start.strftime("%m-%d")
        out.append(
            Bucket(
                start,
                label,
                (peak[0], peak[1], peak[2], peak[3]),
                any(d in unknown_days for d in range(first, last + 1)),
            )
        )
    return unit, out


def _month_starts(period: Period) -> list[_dt.date]:
    out = [period.since]
    y, m = period.since.year, period.since.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        d = _dt.date(y, m, 1)
        if d > period.until:
            return out
        out.append(d)


def _ts(day: _dt.date) -> int:
    from .model import day_start

    return day_start(day)


__all__ = [
    "SEVERITY_ORDER",
    "Bucket",
    "Row",
    "Timeline",
    "WindowFigures",
    "active_spans",
    "buckets",
    "days_of",
    "measure",
    "timeline",
    "utc_date",
]

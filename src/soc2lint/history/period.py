"""Which commits a period replays: the first-parent history of a ref, and its start.

The commits that *landed* on the branch during the period are its first-parent
commits whose committer time falls within it (a merge or squash merge is
committed when it lands); the *state at the period's start* is the newest
first-parent commit before the period.  A clone that does not reach back that
far (shallow, or a period that starts before the branch's first commit) is an
error: the period cannot be shown, and more history has to be fetched.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..gitobjects import GitError, GitRepository
from ..record import record
from .model import Commit, Period, utc_date


class HistoryError(Exception):
    """The history cannot be replayed as asked (exit 2); the message says why and what to do."""


FETCH_MORE = (
    "fetch the full history first: `git fetch --unshallow` (or `git fetch origin "
    "<branch>`), or in GitHub Actions `actions/checkout` with `fetch-depth: 0`"
)

_RELATIVE = re.compile(r"^(\d+)\s*(day|week|month|year)s?(\s+ago)?$", re.IGNORECASE)


def parse_date(text: str, option: str, today: _dt.date) -> _dt.date:
    """``YYYY-MM-DD``, ``today``, or ``N days|weeks|months|years ago`` (months and years
    by the calendar: ``12 months ago`` on 2026-04-27 is 2025-04-27)."""
    value = text.strip()
    if value.lower() == "today":
        return today
    m = _RELATIVE.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2).lower()
        if unit == "day":
            return today - _dt.timedelta(days=n)
        if unit == "week":
            return today - _dt.timedelta(weeks=n)
        months = n if unit == "month" else 12 * n
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        month += 1
        last = _last_day(year, month)
        return _dt.date(year, month, min(today.day, last))
    try:
        return _dt.date.fromisoformat(value[:10]) if len(value) >= 10 else _bad(text, option)
    except ValueError:
        return _bad(text, option)


def _bad(text: str, option: str) -> _dt.date:
    raise HistoryError(
        f"{option} {text!r}: expected a date YYYY-MM-DD, `today` or `N days|weeks|months|years ago`"
    )


def _last_day(year: int, month: int) -> int:
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - _dt.timedelta(days=1)).day


@record(frozen=True)
class Plan:
    """What to replay: the commit the period starts from (None: the branch begins on the
    period's first day) and the commits that landed during the period, oldest first."""

    period: Period
    ref: str
    head: str
    start: Commit | None
    commits: tuple[Commit, ...]

    @property
    def start_sha(self) -> str | None:
        return self.start.sha if self.start is not None else None


def plan_period(repo: GitRepository, ref: str, period: Period, today: _dt.date) -> Plan:
    if period.until < period.since:
        raise HistoryError(
            f"--until {period.until} is before --since {period.since}: the period is empty"
        )
    if period.until > today:
        raise HistoryError(
            f"--until {period.until} is in the future (today is {today}): a period can "
            "only cover days that have passed"
        )
    try:
        head = repo.resolve_commit(ref)
        chain = repo.first_parent_chain(head)
        shallow = repo.is_shallow()
    except GitError as exc:
        raise HistoryError(f"--ref {ref}: {exc}") from None
    chain.reverse()  # oldest first
    if not chain:
        raise HistoryError(f"--ref {ref}: no commits")
    start_index = -1
    for i, (_, when, _) in enumerate(chain):
        if when < period.start:
            start_index = i
    oldest_sha, oldest_time, oldest_has_parents = chain[0]
    oldest_day = utc_date(oldest_time)
    if start_index < 0:
        # nothing before the period: allowed only when the branch truly begins on its
        # first day (a full clone whose root commit was made that day)
        if shallow or oldest_has_parents:
            raise HistoryError(
                f"the period starts on {period.since}, but this clone's history of {ref} "
                f"only reaches back to {oldest_day} (commit {oldest_sha[:12]}, a shallow "
                f"clone's boundary): the state at the period's start is not available; "
                + FETCH_MORE
            )
        if oldest_day != period.since:
            raise HistoryError(
                f"the period starts on {period.since}, before the first commit of {ref} "
                f"({oldest_sha[:12]}, {oldest_day}): there is no history to show for those "
                f"days. Give --since {oldest_day} or later (if this clone lacks older history, "
                + FETCH_MORE
                + ")"
            )
    landed = []
    for entry in chain[start_index + 1 :]:
        if entry[1] >= period.end:
            break  # landed after the period (first-parent order is the branch's order)
        landed.append(entry)
    try:
        start = _commit(repo, chain[start_index][0]) if start_index >= 0 else None
        commits = tuple(_commit(repo, sha) for sha, _, _ in landed)
    except GitError as exc:
        raise HistoryError(f"cannot read the history of {ref}: {exc}") from None
    return Plan(period, ref, head, start, commits)


def _commit(repo: GitRepository, sha: str) -> Commit:
    info = repo.commit(sha)
    return Commit(
        sha=info.sha,
        parents=info.parents,
        author=info.author,
        email=info.email,
        committer=info.committer,
        time=info.committed,
        subject=info.subject,
        body=info.body,
    )

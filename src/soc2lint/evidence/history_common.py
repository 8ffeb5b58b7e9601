"""What the period's pages share: the header, the summary, links to commits and files.

Everything a commit carries (subject, author, ticket keys, paths) and
everything the scanned code carries (addresses, reasons) is text from the
repository: it goes through :func:`~soc2lint.evidence.common.md` (Markdown)
or :func:`~soc2lint.evidence.common.csv_cell` (CSV) like every other page's.
Links go to the hosted repository when its address is known (``--repository-url``,
GitHub Actions' environment, or a GitHub ``origin`` remote), at the commit a
finding was seen in, since the file may have changed or gone since.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..model import Severity
from ..report.mdsafe import code
from .common import md

CHANGE_LOG_MD = "change-management/change-log.md"
CHANGE_LOG_CSV = "change-management/change-log.csv"
SAMPLE_MD = "change-management/sample.md"
EXPOSURE_MD = "posture/exposure-windows.md"
EXPOSURE_CSV = "posture/exposure-windows.csv"
TIMELINE_MD = "posture/timeline.md"

#: the period's pages, with what each holds (the pack's README lists them)
PAGES: tuple[tuple[str, str], ...] = (
    (
        CHANGE_LOG_MD,
        "every commit of the period that changed infrastructure code: pull request, tickets, "
        "findings introduced and resolved, suppressions (also `.csv`)",
    ),
    (SAMPLE_MD, "a seeded random sample of those changes, for the test of review and approval"),
    (
        EXPOSURE_MD,
        "every finding open during the period: when it appeared, when it was resolved, days "
        "open against the remediation target (also `.csv`)",
    ),
    (
        TIMELINE_MD,
        "per control family and Trust Services Criterion, the days without an open finding; "
        "open findings over time",
    ),
)

SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)

if TYPE_CHECKING:
    from ..history import History


def iso(ts: int) -> str:
    """``2025-01-05T14:03:00Z``"""
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(ts: int) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%d")


def days(value: float) -> str:
    """Days with one decimal (``0.4``, ``12.0``)."""
    return f"{value:.1f}"


def counts(severities: Iterable[Severity]) -> dict[Severity, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for s in severities:
        out[s] += 1
    return out


def count_words(severities: Iterable[Severity]) -> str:
    """``1 critical, 2 high`` (empty when none)."""
    c = counts(severities)
    return ", ".join(f"{n} {s.label}" for s, n in c.items() if n)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def rel_link(page: str, target: str, text: str) -> str:
    """A link between two files of the output (pages, or a pack's README)."""
    rel = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return f"[{md(text)}]({quote(rel, safe='/.-_~#')})"


def commit_ref(h: History, sha: str) -> str:
    """The short commit id, linked to the hosted commit when the address is known."""
    url = h.links.commit(sha)
    return f"[{sha[:10]}]({url})" if url else code(sha[:10])


def pr_ref(h: History, number: int | None) -> str:
    if number is None:
        return ""
    url = h.links.pull(number)
    return f"[#{number}]({url})" if url else f"#{number}"


def where(h: History, sha: str | None, path: str, line: int) -> str:
    """``file:line`` as of a commit, linked when the hosted repository is known."""
    if not path:
        return ""
    label = f"{path}:{line}" if line > 0 else path
    url = h.links.blob(sha, path, line) if sha else None
    return f"[{md(label)}]({url})" if url else md(label)


def header(h: History, title: str, intro: str, reproducible: bool, generated_at: str) -> list[str]:
    """The page's title, its purpose, and what was replayed."""
    out = [f"# {title}", "", intro, ""]
    out.extend(scope_lines(h))
    if not reproducible:
        out.append(f"Generated at {generated_at}.")
        out.append("")
    return out


def scope_lines(h: History) -> list[str]:
    p = h.period
    plan = h.plan
    ref = h.options.ref_name or h.options.ref
    repo = md(h.links.base) if h.links.base else "the local clone"
    start = (
        f"the state of commit {commit_ref(h, plan.start.sha)} ({day(plan.start.time)})"
        if plan.start is not None
        else "an empty tree (the branch's first commit was made on the period's first day)"
    )
    paths = ", ".join(code(x, table=False) for x in h.options.shown_paths)
    return [
        f"- Period: {p.since} to {p.until} ({plural(p.days, 'day')}, UTC), starting from {start}",
        f"- Repository: {repo}, branch {code(ref, table=False)} at {commit_ref(h, plan.head)}",
        f"- Scanned paths: {paths}",
        f"- Commits that landed in the period: {len(plan.commits)} (first-parent history: "
        "a merged pull request is the merge or squash commit)",
        "",
    ]


def summary(h: History) -> str:
    """One paragraph on the period: changes, findings, days without an open finding."""
    p = h.period
    t = h.tracked
    overall = h.timeline.overall
    at_start = sum(1 for w in t.windows if w.at_start)
    introduced = sum(1 for w in t.windows if not w.at_start)
    resolved = [w for w in t.windows if w.closed is not None]
    met = sum(1 for w in resolved if h.figure(w).status == "met")
    still = sum(1 for w in t.windows if w.closed is None)
    overdue = sum(1 for w in t.windows if h.figure(w).status == "overdue")
    text = (
        f"Between {p.since} and {p.until} ({plural(p.days, 'day')}), "
        f"{plural(len(h.plan.commits), 'commit')} landed on "
        f"{code(h.options.ref_name or h.options.ref, table=False)}, "
        f"{len(h.changes)} of them changing infrastructure code. "
        f"{plural(len(t.windows), 'finding')} {'was' if len(t.windows) == 1 else 'were'} open "
        f"at some point: {at_start} already open when the period began, {introduced} "
        f"introduced during it; {len(resolved)} "
        f"{'was' if len(resolved) == 1 else 'were'} resolved ({met} within the remediation "
        f"target) and {still} {'was' if still == 1 else 'were'} still open at its end "
        f"({overdue} past the target). "
        f"On {plural(overall.clean, 'day')} no finding was open; on {overall.open} at least one "
        "was"
    )
    extra = []
    if overall.unknown:
        extra.append(
            f"{plural(overall.unknown, 'day')} {'is' if overall.unknown == 1 else 'are'} "
            "unknown, because a scan was incomplete or could not run"
        )
    if overall.no_code:
        extra.append(
            f"on {plural(overall.no_code, 'day')} the scanned paths held no infrastructure code"
        )
    if extra:
        text += "; " + " and ".join(extra)
    return text + "."

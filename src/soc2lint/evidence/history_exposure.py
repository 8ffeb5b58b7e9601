"""posture/exposure-windows.md and .csv: how long each finding stayed open.

Every finding open at any point of the period, followed across commits by its
fingerprint (rule, root or template, resource address, attribute; never the
line): the commit and date it appeared (or that it was already open when the
period began), the commit and date it was resolved (or that it is still
open), the days it was open and not suppressed, the days it was suppressed,
and whether it was resolved within the remediation target for its severity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..report.mdsafe import code
from .common import columns_doc, csv_text, md, table
from .history_common import (
    EXPOSURE_CSV,
    EXPOSURE_MD,
    SEVERITIES,
    TIMELINE_MD,
    commit_ref,
    day,
    days,
    header,
    iso,
    plural,
    rel_link,
    where,
)

if TYPE_CHECKING:
    from ..history import History
    from ..history.tracker import Window

STATUS_WORDS = {
    "met": "met",
    "missed": "missed",
    "open": "open, within target",
    "overdue": "open, past target",
    "unknown": "not known (open before the period)",
}

CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("severity", "the finding's severity (the highest it had during the window)"),
    ("rule_id", "the rule"),
    ("scope", "the root or template (as last seen)"),
    ("address", "the resource"),
    ("attribute", "the attribute path, when the finding is about one"),
    ("file", "where it was first seen (repository path)"),
    ("line", "the line there"),
    ("message", "the finding as first seen"),
    ("opened_at", "when it appeared (UTC), or the period's start"),
    ("opened_commit", "the commit it appeared with (empty: open before the period)"),
    ("open_before_period", "`yes` when it was already open when the period began"),
    ("resolved_at", "when a complete scan first showed it gone (empty: still open)"),
    ("resolved_commit", "the commit that resolved it"),
    ("days_open", "days open and not suppressed, within the period"),
    ("days_suppressed", "days it was suppressed, within the period"),
    ("target_days", "the remediation target for its severity"),
    ("status", "`met`, `missed`, `open` (within target), `overdue` or `unknown`"),
    ("suppressions", "each suppressed span: from, to, reason, expiry (`;`-separated)"),
    ("moved", "root or template moves it followed (`;`-separated)"),
    ("partly_unknown", "`yes` when an incomplete scan did not show it for a while"),
)


def render(h: History, *, reproducible: bool, generated_at: str) -> dict[str, str]:
    return {
        EXPOSURE_MD: _markdown(h, reproducible, generated_at),
        EXPOSURE_CSV: _csv(h),
    }


def ordered(h: History) -> list[Window]:
    """Most severe first, then oldest first."""
    return sorted(
        h.tracked.windows,
        key=lambda w: (
            -int(w.severity),
            w.opened,
            w.rule_id,
            w.first.scope,
            w.first.address,
            w.first.attr_path,
        ),
    )


def _opened(h: History, w: Window) -> str:
    if w.at_start:
        return "before the period"
    assert w.opened_by is not None
    return f"{day(w.opened)} {commit_ref(h, w.opened_by.sha)}"


def _resolved(h: History, w: Window) -> str:
    if w.closed is None:
        return "still open"
    return f"{day(w.closed)} {commit_ref(h, w.closed_by.sha)}" if w.closed_by else day(w.closed)


def _span_text(h: History, w: Window) -> list[str]:
    out = []
    for s in w.suppressed:
        end = day(s.end) if s.end is not None else "the end"
        expiry = f", expires {s.expires}" if s.expires else ""
        out.append(f"{day(s.start)} to {end}: {s.reason}{expiry}")
    return out


def _moves(w: Window) -> list[str]:
    return [f"{day(m.time)}: {m.old_scope} → {m.new_scope}" for m in w.moves]


def _markdown(h: History, reproducible: bool, generated_at: str) -> str:
    targets = h.options.targets
    intro = (
        "Every finding that was open at any point of the period, from the commit that "
        "introduced it to the commit that resolved it, matched across commits by its "
        "fingerprint (rule, root or template, resource, attribute: moving code within or "
        "between files, or moving a root, does not make a finding new). *Days open* count "
        "the time it was open and not suppressed, within the period; a suppressed span is "
        "an exception with a reason, shown with its dates. A finding is resolved when a "
        "complete scan shows it gone: a commit whose scan was incomplete proves nothing "
        "about what it does not show."
    )
    out = header(h, "Exposure windows", intro, reproducible, generated_at)
    target_text = ", ".join(f"{s.label} {plural(targets[s], 'day')}" for s in SEVERITIES)
    out.append(f"Remediation targets: {target_text}.")
    out.append("")
    windows = ordered(h)
    figs = {id(w): h.figure(w) for w in windows}
    rows_summary = []
    for s in SEVERITIES:
        ws = [w for w in windows if w.severity == s]
        st = [figs[id(w)].status for w in ws]
        rows_summary.append(
            [
                s.label,
                str(len(ws)),
                str(sum(1 for w in ws if w.at_start)),
                str(st.count("met")),
                str(st.count("missed")),
                str(st.count("unknown")),
                str(st.count("open")),
                str(st.count("overdue")),
            ]
        )
    out.extend(
        table(
            [
                "Severity",
                "Findings",
                "Open before the period",
                "Resolved within target",
                "Resolved past target",
                "Resolved, started before the period",
                "Open, within target",
                "Open, past target",
            ],
            rows_summary,
        )
    )
    out.append("")
    out.append("## Every finding")
    out.append("")
    if not windows:
        out.append("No finding was open during the period.")
        out.append("")
    rows = []
    for w in windows:
        f = figs[id(w)]
        notes = [md(x) for x in _span_text(h, w)]
        notes += [md("moved " + x) for x in _moves(w)]
        if w.unknown:
            notes.append("partly unknown: a scan was incomplete")
        first_sha = w.opened_by.sha if w.opened_by is not None else h.plan.start_sha
        rows.append(
            [
                w.severity.label,
                md(w.rule_id),
                md(w.last.address) + (f" ({md(w.last.attr_path)})" if w.last.attr_path else ""),
                code(w.last.scope),
                where(h, first_sha, w.first.file, w.first.line),
                _opened(h, w),
                _resolved(h, w),
                days(f.open_days),
                days(f.suppressed_days),
                f"{f.target_days}",
                STATUS_WORDS[f.status],
                "<br>".join(notes),
            ]
        )
    if rows:
        out.extend(
            table(
                [
                    "Severity",
                    "Rule",
                    "Resource",
                    "Root or template",
                    "First seen at",
                    "Opened",
                    "Resolved",
                    "Days open",
                    "Days suppressed",
                    "Target",
                    "Status",
                    "Notes",
                ],
                rows,
            )
        )
        out.append("")
    out.append(
        "Per control family and criterion, the days with and without an open finding are in "
        + rel_link(EXPOSURE_MD, TIMELINE_MD, "the timeline")
        + "."
    )
    out.append("")
    out.append(f"## Columns of {EXPOSURE_CSV.rsplit('/', 1)[1]}")
    out.append("")
    out.extend(columns_doc(CSV_COLUMNS))
    out.append("")
    return "\n".join(out)


def _csv(h: History) -> str:
    rows = []
    for w in ordered(h):
        f = h.figure(w)
        rows.append(
            [
                w.severity.label,
                w.rule_id,
                w.last.scope,
                w.last.address,
                w.last.attr_path,
                w.first.file,
                w.first.line,
                w.first.message,
                iso(f.start),
                w.opened_by.sha if w.opened_by is not None else "",
                "yes" if w.at_start else "no",
                iso(w.closed) if w.closed is not None else "",
                w.closed_by.sha if w.closed_by is not None else "",
                days(f.open_days),
                days(f.suppressed_days),
                f.target_days,
                f.status,
                ";".join(_span_text(h, w)),
                ";".join(_moves(w)),
                "yes" if w.unknown else "no",
            ]
        )
    return csv_text([name for name, _ in CSV_COLUMNS], rows)

"""posture/timeline.md: how the controls held over the period.

Per control family and per Trust Services Criterion: the days of the period
without an open finding (a day counts as *open* when a finding of it was
open, and not suppressed, at any moment of that day, UTC), the days that are
unknown because a scan was incomplete or could not run, and the changes that
opened or resolved its findings; and a Mermaid ``xychart-beta`` of the
findings open over time by severity, which GitHub renders (Mermaid 11), kept
to at most ~60 points (days, weeks or months) so it stays far below GitHub's
50,000-character limit for a diagram.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import md, table
from .history_common import (
    CHANGE_LOG_MD,
    EXPOSURE_MD,
    TIMELINE_MD,
    commit_ref,
    day,
    header,
    rel_link,
    summary,
)

if TYPE_CHECKING:
    from ..history import History
    from ..history.analysis import Row

#: line colours (GitHub's Primer palette), in the order of the series
COLOURS = (
    ("critical", "#a40e26", "dark red"),
    ("high", "#cf222e", "red"),
    ("medium", "#bc4c00", "orange"),
    ("low", "#0969da", "blue"),
)


def render(h: History, *, reproducible: bool, generated_at: str) -> dict[str, str]:
    intro = (
        "How the controls held over the period, from the replayed history: for each control "
        "family and Trust Services Criterion, the days on which no finding of it was open. "
        "A day counts as open when a finding was open, and not suppressed, at any moment of "
        "it (UTC); as unknown when it was not open but a scan covering part of it was "
        "incomplete or could not run: a control that could not be checked is not a pass."
    )
    out = header(h, "Timeline", intro, reproducible, generated_at)
    out.append(summary(h))
    out.append("")
    out.extend(_chart(h))
    out.extend(_rows_section(h, "By control family", "Family", h.timeline.families, family=True))
    out.extend(_rows_section(h, "By Trust Services Criterion", "Criterion", h.timeline.criteria))
    out.extend(_unknown(h))
    return {TIMELINE_MD: "\n".join(out)}


def chart_source(h: History) -> str:
    """The Mermaid source of the chart (also rendered by the tests)."""
    unit, buckets = h.chart_unit, h.chart
    peak = max((max(b.peak) for b in buckets), default=0)
    palette = ", ".join(c for _, c, _ in COLOURS)
    lines = [
        "---",
        "config:",
        "  themeVariables:",
        "    xyChart:",
        f'      plotColorPalette: "{palette}"',
        "---",
        "xychart-beta",
        f'  title "Open findings by severity ({unit}ly peak)"',
        "  x-axis [" + ", ".join(f'"{b.label}"' for b in buckets) + "]",
        f'  y-axis "Open findings" 0 --> {max(peak, 1)}',
    ]
    for i in range(4):
        lines.append("  line [" + ", ".join(str(b.peak[i]) for b in buckets) + "]")
    return "\n".join(lines)


def _chart(h: History) -> list[str]:
    out = ["## Open findings over time", ""]
    unit = h.chart_unit
    legend = ", ".join(f"{name} ({word})" for name, _, word in COLOURS)
    out.append(
        f"The most findings open at once (not suppressed) in each {unit} of the period, by "
        f"severity. Lines: {legend}. The same figures are in the table below the chart."
    )
    out.append("")
    out.append("```mermaid")
    out.append(chart_source(h))
    out.append("```")
    out.append("")
    rows = [
        [
            md(b.start.isoformat()),
            *(str(n) for n in b.peak),
            "yes" if b.unknown else "",
        ]
        for b in h.chart
    ]
    out.append("<details><summary>The chart's figures</summary>")
    out.append("")
    out.extend(
        table(
            [f"{unit.capitalize()} from", "Critical", "High", "Medium", "Low", "Partly unknown"],
            rows,
        )
    )
    out.append("")
    out.append("</details>")
    out.append("")
    return out


def _rows_section(
    h: History, title: str, what: str, rows: list[Row], *, family: bool = False
) -> list[str]:
    no_code = any(r.no_code for r in rows)
    out = [f"## {title}", ""]
    if family:
        out.append(
            "*Changes* counts the commits that opened or resolved a finding of the family; the "
            "findings themselves are in "
            + rel_link(TIMELINE_MD, EXPOSURE_MD, "exposure windows")
            + " and the commits in "
            + rel_link(TIMELINE_MD, CHANGE_LOG_MD, "the change log")
            + "."
        )
        out.append("")
    headers = [
        what,
        "Title",
        "Days without an open finding",
        "Days with open findings",
        "Days unknown",
    ]
    if no_code:
        headers.append("Days without code")
    headers += ["Findings opened", "Findings resolved", "Changes", "Open at the end"]
    cells = []
    for r in [*rows, h.timeline.overall]:
        overall = r is h.timeline.overall
        row = [
            "**All**" if overall else md(r.key),
            md(r.title),
            str(r.clean),
            str(r.open),
            str(r.unknown),
        ]
        if no_code:
            row.append(str(r.no_code))
        row += [str(r.opened), str(r.resolved), str(r.changes), str(r.open_at_end)]
        cells.append(row)
    out.extend(table(headers, cells))
    out.append("")
    return out


def _unknown(h: History) -> list[str]:
    spans = h.tracked.unknown
    if not spans:
        return ["## Incomplete scans", "", "None: every state of the period was fully checked.", ""]
    out = ["## Incomplete scans", ""]
    out.append(
        "From each of these states until the next, what the scan did not show is unknown: "
        "its open findings were kept open, and the days are counted as unknown."
    )
    out.append("")
    rows = []
    for span, commit, problems in spans:
        end = day(span.end) if span.end is not None else "the end"
        rows.append(
            [
                day(span.start),
                end,
                commit_ref(h, commit.sha) if commit is not None else "—",
                "<br>".join(md(p) for p in problems) or "—",
            ]
        )
    out.extend(table(["From", "Until", "Commit", "What was not checked"], rows))
    out.append("")
    return out

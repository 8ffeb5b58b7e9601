"""A markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Counts by severity and SOC 2 criterion, then a table of findings linking to
file and line.  Kept well under GitHub's limits (65,536 characters for a
comment, 1 MiB for a step summary): rows beyond the budget are folded into a
``<details>`` block and then cut with a note.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

from ..docs import TSC_TITLES, page_name
from ..model import Finding, Severity
from .common import SEVERITY_ORDER, by_severity, severity_sort_key

if TYPE_CHECKING:
    from ..engine import ScanResult

#: characters; GitHub comments take 65,536
BUDGET = 60_000
SHOWN_ROWS = 50

DOCS = "https://github.com/soc2lint/soc2lint/blob/main/docs/rules/"
ICON = {Severity.CRITICAL: "🟣", Severity.HIGH: "🔴", Severity.MEDIUM: "🟠", Severity.LOW: "🔵"}


def md_escape(text: str) -> str:
    """Escape text for a markdown table cell: pipes, HTML and line breaks."""
    out = (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )
    for ch in "`*_[]":
        out = out.replace(ch, "\\" + ch)
    return out


def file_link(path: str, line: int) -> str:
    """A link to the file and line: absolute on GitHub Actions, relative elsewhere."""
    server = os.environ.get("GITHUB_SERVER_URL")
    repo = os.environ.get("GITHUB_REPOSITORY")
    sha = os.environ.get("GITHUB_SHA")
    label = md_escape(f"{path}:{line}")
    target = path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    if server and repo and sha and not path.startswith("/"):
        return f"[{label}]({server}/{repo}/blob/{sha}/{target}#L{line})"
    return f"[{label}]({target}#L{line})"


def finding_row(f: Finding, result: ScanResult) -> str:
    rule = result.registry.by_id.get(f.rule_id)
    rule_cell = f"[{f.rule_id}]({DOCS}{page_name(rule)})" if rule else f.rule_id
    tsc = ", ".join(rule.tsc) if rule else ""
    return (
        f"| {ICON[f.severity]} {f.severity.label} | {rule_cell} | `{md_escape(f.address)}` | "
        f"{file_link(f.range.file, f.range.start_line)} | {md_escape(f.message)} | "
        f"{md_escape(f.fix)} | {tsc} |"
    )


TABLE_HEAD = [
    "| severity | rule | resource | location | finding | fix | TSC |",
    "|---|---|---|---|---|---|---|",
]


def render_markdown(result: ScanResult, *, threshold: Severity | None) -> str:
    active = sorted(result.active, key=severity_sort_key)
    out = ["## soc2lint SOC 2 report", ""]
    failing = [f for f in active if threshold is not None and f.severity >= threshold]
    if result.incomplete:
        out.append("**Verdict: incomplete** — some files or rules could not be checked.")
    elif failing:
        out.append(
            f"**Verdict: {len(failing)} finding{'s' if len(failing) != 1 else ''} "
            f"at or above {threshold.label if threshold else 'never'}.**"
        )
    else:
        out.append("**Verdict: no findings at or above the fail threshold.**")
    out.append("")
    sev = by_severity(active)
    out.append(
        "| " + " | ".join(f"{ICON[s]} {s.label}" for s in SEVERITY_ORDER) + " | suppressed |"
    )
    out.append("|" + "---|" * (len(SEVERITY_ORDER) + 1))
    out.append(
        "| "
        + " | ".join(str(sev[s.label]) for s in SEVERITY_ORDER)
        + f" | {len(result.suppressed)} |"
    )
    out.append("")
    tsc: Counter[str] = Counter()
    for f in active:
        rule = result.registry.by_id.get(f.rule_id)
        for t in rule.tsc if rule else ():
            tsc[t] += 1
    if tsc:
        out.append("| SOC 2 criterion | findings |")
        out.append("|---|---|")
        for t, n in sorted(tsc.items()):
            title = TSC_TITLES.get(t, "")
            out.append(f"| {t}{' — ' + title if title else ''} | {n} |")
        out.append("")
    if active:
        out.extend(TABLE_HEAD)
        size = sum(len(x) + 1 for x in out)
        rest: list[str] = []
        for i, f in enumerate(active):
            row = finding_row(f, result)
            if i < SHOWN_ROWS and size + len(row) < BUDGET // 2:
                out.append(row)
                size += len(row) + 1
            else:
                rest.append(row)
        if rest:
            out.append("")
            out.append(f"<details><summary>{len(rest)} more findings</summary>")
            out.append("")
            out.extend(TABLE_HEAD)
            cut = 0
            for row in rest:
                if size + len(row) >= BUDGET:
                    cut += 1
                    continue
                out.append(row)
                size += len(row) + 1
            out.append("")
            if cut:
                out.append(f"{cut} more not shown here; see the SARIF or JSON report.")
                out.append("")
            out.append("</details>")
    out.append("")
    return "\n".join(out)

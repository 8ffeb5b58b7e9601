"""A markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Counts by severity and SOC 2 criterion, then a table of findings linking to
file and line.  Kept well under GitHub's limits (65,536 characters for a
comment, 1 MiB for a step summary): rows beyond the budget are folded into a
``<details>`` block and then cut with a note.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..docs import FAMILY_TITLES, TSC_TITLES, page_name
from ..model import Finding, Severity
from .common import SEVERITY_ORDER, by_severity, severity_sort_key

if TYPE_CHECKING:
    from ..engine import ScanResult

#: characters; GitHub comments take 65,536
BUDGET = 60_000
SHOWN_ROWS = 50

DOCS = "https://github.com/soc2lint/soc2lint/blob/main/docs/rules/"
ICON = {Severity.CRITICAL: "🟣", Severity.HIGH: "🔴", Severity.MEDIUM: "🟠", Severity.LOW: "🔵"}


_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def md_escape(text: str) -> str:
    """Escape text for a markdown table cell: pipes, HTML, line breaks, emphasis.

    Code spans (`like_this`) are kept as code: only their pipes are escaped,
    since a backslash inside a code span would show literally.
    """
    text = _BREAKS.sub(" ", text)  # CR, LF, U+2028... would end the table row
    parts = text.split("`")
    unmatched = len(parts) % 2 == 0  # an unmatched backtick: no code spans at all
    if unmatched:
        parts = [text]
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append("`" + part.replace("|", "\\|") + "`")
            continue
        esc = part.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
        esc = esc.replace(">", "&gt;")
        for ch in "*_[]" + ("`" if unmatched else ""):
            esc = esc.replace(ch, "\\" + ch)
        out.append(esc)
    return "".join(out)


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
    if rule is not None and rule.origin == "builtin":
        rule_cell = f"[{f.rule_id}]({DOCS}{page_name(rule)})"
    else:
        rule_cell = f.rule_id
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


#: how a new finding of a family changes the posture, in a reviewer's words
EXPOSURE = {
    "NET009": "became reachable from the internet",
    "NET": "is more exposed to the network",
    "ENC": "is not encrypted at rest",
    "TLS": "accepts unencrypted or weak-TLS traffic",
    "KEY": "weakened key management",
    "SEC": "holds a secret in code",
    "IAM": "grants more access than needed",
    "LOG009": "keeps logs for less than the retention period",
    "LOG": "lost audit logging or detection",
    "AVL": "lost redundancy",
    "BAK": "lost backup or recovery protection",
    "CHG": "weakened change management",
}


def _exposure(f: Finding) -> str:
    return EXPOSURE.get(f.rule_id) or EXPOSURE.get(f.rule_id[:3], "has a new finding")


def _table(rows: list[str], size: int, budget: int) -> tuple[list[str], int, int]:
    out: list[str] = []
    cut = 0
    for row in rows:
        if size + len(row) >= budget:
            cut += 1
            continue
        out.append(row)
        size += len(row) + 1
    return out, size, cut


def render_review(result: ScanResult, *, threshold: Severity | None) -> str:
    """The reviewer's second sign-off: what this change does to the SOC 2 posture."""
    diff = result.diff
    new = sorted(diff.new, key=severity_sort_key)
    resolved = sorted(diff.resolved, key=severity_sort_key)
    unchanged = diff.unchanged
    serious = [f for f in new if f.severity >= Severity.HIGH]
    out = ["## soc2lint review", ""]
    if result.incomplete:
        out.append(
            "**Verdict: incomplete** — some files or rules could not be checked; "
            "do not sign off until the scan completes."
        )
    elif serious:
        out.append(
            f"**Verdict: {len(serious)} new critical/high finding"
            f"{'s' if len(serious) != 1 else ''}** — fix before approving."
        )
    elif new:
        out.append(
            f"**Verdict: no new critical or high findings** ({len(new)} new at lower severity)."
        )
    else:
        out.append("**Verdict: no new findings.**")
    out.append("")
    out.append(
        f"Compared with `{md_escape(diff.base_ref)}` ({diff.base_sha[:12]}): "
        f"{len(new)} new, {len(resolved)} resolved, {len(unchanged)} unchanged."
    )
    if diff.base_incomplete:
        out.append("")
        out.append("Note: the base commit did not scan completely; some findings may show as new.")
    out.append("")
    # posture change by family and by criterion
    fams = sorted({f.rule_id[:3] for f in (*new, *resolved, *unchanged)})
    if fams:
        out.append("| control family | new | resolved | unchanged |")
        out.append("|---|---|---|---|")
        for fam in fams:
            n = sum(1 for f in new if f.rule_id.startswith(fam))
            r = sum(1 for f in resolved if f.rule_id.startswith(fam))
            u = sum(1 for f in unchanged if f.rule_id.startswith(fam))
            out.append(f"| {fam} {FAMILY_TITLES.get(fam, '')} | {n} | {r} | {u} |")
        out.append("")
        crit: dict[str, list[int]] = {}
        for i, group in enumerate((new, resolved, unchanged)):
            for f in group:
                rule = result.registry.by_id.get(f.rule_id)
                for t in rule.tsc if rule else ():
                    crit.setdefault(t, [0, 0, 0])[i] += 1
        out.append("| SOC 2 criterion | new | resolved | unchanged |")
        out.append("|---|---|---|---|")
        for t in sorted(crit):
            n, r, u = crit[t]
            out.append(f"| {t} {TSC_TITLES.get(t, '')} | {n} | {r} | {u} |")
        out.append("")
    changes = [f for f in new if f.severity >= Severity.MEDIUM]
    if changes:
        out.append("### What this change does")
        out.append("")
        for f in changes[:20]:
            out.append(
                f"- {ICON[f.severity]} `{md_escape(f.address)}` {_exposure(f)} "
                f"({f.rule_id}, {file_link(f.range.file, f.range.start_line)})"
            )
        if len(changes) > 20:
            out.append(f"- … and {len(changes) - 20} more below")
        out.append("")
    size = sum(len(x) + 1 for x in out)
    if new:
        out.append("### New findings")
        out.append("")
        out.extend(TABLE_HEAD)
        rows, size, cut = _table([finding_row(f, result) for f in new], size, BUDGET // 2)
        out.extend(rows)
        if cut:
            out.append("")
            out.append(f"{cut} more new findings not shown; see the SARIF or JSON report.")
        out.append("")
    if diff.suppressions:
        out.append("### Exceptions added or changed in this change")
        out.append("")
        out.append("| change | rules | resource | reason | expires | where |")
        out.append("|---|---|---|---|---|---|")
        for c in diff.suppressions:
            e = c.entry
            reason = md_escape(e.reason) if e.reason else "**no reason (does not suppress)**"
            if c.change == "changed" and c.before is not None:
                reason += f" (was: {md_escape(c.before.reason)}, expires {c.before.expires or '—'})"
            out.append(
                f"| {c.change} | {md_escape(', '.join(e.tokens))} | "
                f"`{md_escape(e.target[1] if e.target else '')}` | {reason} | "
                f"{e.expires or 'never'} | {file_link(e.range.file, e.range.start_line)} |"
            )
        out.append("")
    for title, group in (("Resolved by this change", resolved), ("Unchanged findings", unchanged)):
        if not group:
            continue
        out.append(f"<details><summary>{title} ({len(group)})</summary>")
        out.append("")
        out.extend(TABLE_HEAD)
        rows, size, cut = _table([finding_row(f, result) for f in group], size, BUDGET)
        out.extend(rows)
        if cut:
            out.append("")
            out.append(f"{cut} more not shown.")
        out.append("")
        out.append("</details>")
        out.append("")
    return "\n".join(out)


def render_markdown(result: ScanResult, *, threshold: Severity | None) -> str:
    if result.diff is not None:
        return render_review(result, threshold=threshold)
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

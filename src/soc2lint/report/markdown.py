"""A markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Counts by severity and SOC 2 criterion, then a table of findings linking to
file and line.  Every string from the scanned tree goes through
:mod:`soc2lint.report.mdsafe` (escaped text, code spans that cannot be
broken, percent-encoded link targets), so a file name, address or reason can
neither add markup nor hide what follows it.

Kept under GitHub's limits (65,536 characters for a comment, 1 MiB for a step
summary) whatever the input: each value is clipped, every section is charged
against one budget (:data:`BUDGET`), rows beyond it are left out, and a final
note says how many and where the full report is.  The verdict is computed
from the same threshold as the exit code, so the two never disagree.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..docs import FAMILY_TITLES, TSC_TITLES, page_name
from ..findings import fails
from ..model import Finding, Severity
from . import mdsafe
from .common import SEVERITY_ORDER, by_severity, repo_path, severity_sort_key
from .groups import grouped

if TYPE_CHECKING:
    from ..engine import ScanResult

#: characters; GitHub comments take 65,536 (a step summary 1 MiB: at most 4 bytes a
#: character, this stays under both)
BUDGET = 60_000
#: kept back for the closing notes
_RESERVE = 2_000
SHOWN_ROWS = 50

DOCS = "https://github.com/soc2lint/soc2lint/blob/main/docs/rules/"
ICON = {Severity.CRITICAL: "🟣", Severity.HIGH: "🔴", Severity.MEDIUM: "🟠", Severity.LOW: "🔵"}

FULL_REPORT = (
    "the full list is in the JSON and SARIF reports (`soc2lint scan --format json`; "
    "in the GitHub Action, the `sarif-file` input)"
)


class _Doc:
    """Lines of a report, charged against one character budget."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.budget = budget - _RESERVE
        #: what was left out, by what it is ("new findings": 3)
        self.left_out: Counter[str] = Counter()

    def add(self, *lines: str) -> None:
        """Lines that must be there (headings, verdict, fixed-size tables)."""
        for line in lines:
            self.lines.append(line)
            self.size += len(line) + 1

    def fits(self, *lines: str) -> bool:
        return self.size + sum(len(x) + 1 for x in lines) <= self.budget

    def rows(self, rows: Iterable[str], what: str, limit: int | None = None) -> int:
        """Add ``rows`` while they fit, at most ``limit`` (the rest of a limited list is
        shown elsewhere); count what did not fit as left out."""
        shown = 0
        for row in rows:
            if limit is not None and shown >= limit:
                break
            if self.fits(row):
                self.add(row)
                shown += 1
            else:
                self.left_out[what] += 1
        return shown

    def text(self) -> str:
        if self.left_out:
            parts = ", ".join(f"{n} {what}" for what, n in sorted(self.left_out.items()))
            self.lines.extend(
                [
                    "",
                    f"**Not shown here:** {parts}, to keep this report within GitHub's size "
                    f"limits; {FULL_REPORT}.",
                    "",
                ]
            )
        return "\n".join(self.lines)


def file_link(
    path: str, line: int, result: ScanResult | None = None, *, sha: str | None = None
) -> str:
    """A link to the file and line: on GitHub Actions, a blob URL at ``sha`` (the base
    commit, for what is only there) or the commit checked out, by the file's path from
    the repository root; elsewhere, relative to the working directory."""
    server = os.environ.get("GITHUB_SERVER_URL")
    repo = os.environ.get("GITHUB_REPOSITORY")
    commit = sha or os.environ.get("GITHUB_SHA")
    label = mdsafe.text(f"{path}:{line}", 300)
    if server and repo and commit and not path.startswith("/"):
        in_repo = repo_path(result, path) if result is not None else path
        prefix = f"{quote(server, safe=':/')}/{quote(repo, safe='/')}/blob/{quote(commit, safe='')}"
        return mdsafe.link(label, f"{prefix}/{mdsafe.url(in_repo)}#L{int(line)}")
    return mdsafe.link(label, f"{mdsafe.url(path)}#L{int(line)}")


def finding_row(
    f: Finding, result: ScanResult, note: str = "", *, at_sha: str | None = None
) -> str:
    """One finding as a table row (every table of findings uses this one)."""
    rule = result.registry.by_id.get(f.rule_id)
    if rule is not None and rule.origin == "builtin":
        rule_cell = mdsafe.link(mdsafe.text(f.rule_id), DOCS + mdsafe.url(page_name(rule)))
    else:
        rule_cell = mdsafe.text(f.rule_id, 100)
    tsc = mdsafe.text(", ".join(rule.tsc)) if rule else ""
    message = mdsafe.prose(f.message) + (f" {note}" if note else "")
    return (
        f"| {ICON[f.severity]} {f.severity.label} | {rule_cell} | {mdsafe.code(f.address)} | "
        f"{file_link(f.range.file, f.range.start_line, result, sha=at_sha)} | {message} | "
        f"{mdsafe.prose(f.fix)} | {tsc} |"
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def review_verdict(result: ScanResult, threshold: Severity | None) -> str:
    """The verdict line, from exactly what decides the exit code (ScanResult.exit_code)."""
    diff = result.diff
    new = [*diff.new, *getattr(diff, "escalated", ())]
    code = result.exit_code(threshold)
    if code == 3:
        return (
            "**Verdict: incomplete** — some files or rules could not be checked; "
            "do not sign off until the scan completes."
        )
    failing = [f for f in new if fails(f, threshold)]
    excepted = [f for f in failing if f.properties.get("exception_added")]
    if code == 1:
        serious = sum(1 for f in failing if f.severity >= Severity.HIGH)
        details = [f"{serious} critical or high"] if serious else []
        worse = sum(1 for f in failing if f.properties.get("base_severity"))
        if worse:
            details.append(f"{worse} escalated from a lower severity")
        word = "new or worse finding" if worse else "new finding"
        if excepted:
            details.append(f"{len(excepted)} silenced by an exception this change adds")
        label = threshold.label if threshold is not None else "never"
        return (
            f"**Verdict: {_plural(len(failing), word)} at or above {label}**"
            f"{' (' + ', '.join(details) + ')' if details else ''} — fix before approving."
        )
    if new:
        below = "below the fail threshold" if threshold is not None else "(fail-on never)"
        return f"**Verdict: no new findings at or above the threshold** ({len(new)} new {below})."
    return "**Verdict: no new findings.**"


def render_review(result: ScanResult, *, threshold: Severity | None) -> str:
    """The reviewer's second sign-off: what this change does to the SOC 2 posture."""
    diff = result.diff
    new = sorted(diff.new, key=severity_sort_key)
    escalated = sorted(getattr(diff, "escalated", ()), key=severity_sort_key)
    deescalated = sorted(getattr(diff, "deescalated", ()), key=severity_sort_key)
    resolved = sorted(diff.resolved, key=severity_sort_key)
    unchanged = [*diff.unchanged, *deescalated]
    silenced: Sequence[Finding] = sorted(getattr(diff, "newly_silenced", ()), key=severity_sort_key)
    waived_before = [f for f in getattr(diff, "waived", ()) if not _added(f)]
    doc = _Doc()
    doc.add("## soc2lint review", "", review_verdict(result, threshold), "")
    counts = [f"{len(new)} new"]
    if escalated:
        counts.append(f"{len(escalated)} escalated")
    if deescalated:
        counts.append(f"{len(deescalated)} de-escalated")
    counts += [f"{len(resolved)} resolved", f"{len(diff.unchanged)} unchanged"]
    doc.add(
        f"Compared with {mdsafe.code(diff.base_ref, table=False)} "
        f"({mdsafe.text(diff.base_sha[:12])}): {', '.join(counts)}."
    )
    for note in getattr(diff, "notes", ()):
        # a note names files of the tree (a configuration file's directory): escaped
        doc.add("", f"Note: {mdsafe.prose(note, table=False)}")
    if diff.base_incomplete:
        doc.add("", "Note: the base commit did not scan completely; some findings may show as new.")
    doc.add("")
    _posture_tables(doc, result, [*new, *escalated], resolved, unchanged)
    changes = [
        *(_change_line(f, result) for f in new if f.severity >= Severity.MEDIUM),
        *(_escalation_line(f, result) for f in escalated),
        *(_waiver_line(f, result) for f in waived_before if f.severity >= Severity.MEDIUM),
    ]
    if changes:
        doc.add("### What this change does", "")
        doc.rows(changes, "changes in the summary list", limit=20)
        if len(changes) > 20:
            doc.add(f"- … and {len(changes) - 20} more below")
        doc.add("")
    if new:
        doc.add("### New findings", "")
        doc.add(*TABLE_HEAD)
        rows = []
        for f in grouped(new, result, _added):
            note = "**(silenced by an exception this change adds)**" if _added(f) else ""
            rows.append(finding_row(f, result, note))
        doc.rows(rows, "new findings")
        doc.add("")
        _suggested_fixes(doc, result, new)
    if escalated or deescalated:
        doc.add(
            "### Severity changed by this change",
            "",
            "Same resource, rule and attribute as at the base, at another severity: an "
            "escalated finding counts like a new one.",
            "",
        )
        doc.add(*TABLE_HEAD)
        doc.rows(
            (
                finding_row(f, result, f"**({_severity_change(f)})**")
                for f in (*escalated, *deescalated)
            ),
            "severity changes",
        )
        doc.add("")
    if diff.suppressions:
        doc.add("### Exceptions added or changed in this change", "")
        doc.add(
            "The verdict does not apply them: a finding one of them silences counts as new "
            "until the exception is on the base branch.",
            "",
        )
        doc.add(
            "| change | rules | resource | reason | expires | where | what it waives |",
            "|---|---|---|---|---|---|---|",
        )
        doc.rows((_exception_row(c, diff, result) for c in diff.suppressions), "exceptions")
        doc.add("")
    if silenced:
        doc.add(
            f"### Findings newly silenced by existing exceptions ({len(silenced)})",
            "",
            "These are new in this change, and an exception already on the base branch (on a "
            "module call, or a pattern in configuration) covers them: check that it was meant to.",
            "",
        )
        doc.add(*TABLE_HEAD)
        doc.rows(
            (finding_row(f, result, _silenced_by(f, result)) for f in silenced),
            "newly silenced findings",
        )
        doc.add("")
    if resolved:
        doc.add(f"<details><summary>Resolved by this change ({len(resolved)})</summary>", "")
        doc.add("On GitHub their links open the base commit, where these findings are.", "")
        doc.add(*TABLE_HEAD)
        doc.rows((finding_row(f, result, at_sha=diff.base_sha) for f in resolved), "resolved")
        doc.add("", "</details>", "")
    if diff.unchanged:
        doc.add(f"<details><summary>Unchanged findings ({len(diff.unchanged)})</summary>", "")
        doc.add(*TABLE_HEAD)
        doc.rows(
            (finding_row(f, result) for f in grouped(diff.unchanged, result)), "unchanged findings"
        )
        doc.add("", "</details>", "")
    return doc.text()


def _severity_change(f: Finding) -> str:
    was = f.properties.get("base_severity")
    return f"was {was} at the base" if isinstance(was, str) else ""


def _where(f: Finding, result: ScanResult) -> str:
    return f"{mdsafe.text(f.rule_id, 100)}, {file_link(f.range.file, f.range.start_line, result)}"


def _change_line(f: Finding, result: ScanResult) -> str:
    """``aws_db_instance.main`` became reachable from the internet (NET009, file:line)."""
    waived = " — silenced by an exception this change adds" if _added(f) else ""
    return (
        f"- {ICON[f.severity]} {mdsafe.code(f.address, table=False)} {_exposure(f)} "
        f"({_where(f, result)}){waived}"
    )


def _escalation_line(f: Finding, result: ScanResult) -> str:
    return (
        f"- {ICON[f.severity]} {mdsafe.code(f.address, table=False)} {_exposure(f)}: "
        f"{mdsafe.text(_severity_change(f))}, now {f.severity.label} ({_where(f, result)})"
    )


def _waiver_line(f: Finding, result: ScanResult) -> str:
    return (
        f"- {ICON[f.severity]} {mdsafe.code(f.address, table=False)} gets an exception for "
        f"a {f.severity.label} finding already there: "
        f"{mdsafe.prose(_own_message(f), 300, table=False)} "
        f"({_where(f, result)})"
    )


def _added(f: Finding) -> bool:
    return bool(f.properties.get("exception_added"))


def _silenced_by(f: Finding, result: ScanResult) -> str:
    s = f.suppression
    if s is None:
        return ""
    where = (
        f", {file_link(s.range.file, s.range.start_line, result)}" if s.range is not None else ""
    )
    return f"(silenced: {mdsafe.text(s.reason, 300)}{where})"


#: waived findings named in one exception's row before "and N more"
_WAIVED_SHOWN = 3


def _waives(c: Any, diff: Any, result: ScanResult) -> str:
    """What an added or changed exception silences: each finding's severity, rule and
    message, so the second reviewer sees that it waives a critical public database."""
    waived = sorted(diff.waived_by(c), key=severity_sort_key) if hasattr(diff, "waived_by") else []
    if not waived:
        return "nothing in this scan"
    parts = [
        f"{ICON[f.severity]} {f.severity.label} {mdsafe.text(f.rule_id, 100)} "
        f"{mdsafe.code(f.address)}: {mdsafe.prose(_own_message(f), 300)}"
        + (" (new)" if _added(f) else " (already there)")
        for f in waived[:_WAIVED_SHOWN]
    ]
    if len(waived) > _WAIVED_SHOWN:
        parts.append(f"and {len(waived) - _WAIVED_SHOWN} more")
    return "; ".join(parts)


def _own_message(f: Finding) -> str:
    """The message without the address it starts with (shown beside it already)."""
    prefix = f"{f.address}: "
    return f.message[len(prefix) :] if f.message.startswith(prefix) else f.message


def _exception_row(c: Any, diff: Any = None, result: ScanResult | None = None) -> str:
    e = c.entry
    reason = mdsafe.text(e.reason) if e.reason else "**no reason (does not suppress)**"
    if c.change == "changed" and c.before is not None:
        reason += (
            f" (was: {mdsafe.text(c.before.reason)}, expires "
            f"{mdsafe.text(c.before.expires or '—', 100)})"
        )
    target = e.target[1] if e.target else ""
    return (
        f"| {mdsafe.text(c.change)} | {mdsafe.text(', '.join(e.tokens), 300)} | "
        f"{mdsafe.code(target)} | {reason} | {mdsafe.text(e.expires or 'never', 100)} | "
        f"{file_link(e.range.file, e.range.start_line, result)} | "
        f"{_waives(c, diff, result) if result is not None else ''} |"
    )


def _posture_tables(
    doc: _Doc,
    result: ScanResult,
    new: list[Finding],
    resolved: list[Finding],
    unchanged: list[Finding],
) -> None:
    fams = sorted({f.rule_id[:3] for f in (*new, *resolved, *unchanged)})
    if not fams:
        return
    doc.add("| control family | new or worse | resolved | unchanged |", "|---|---|---|---|")
    rows = []
    for fam in fams:
        n = sum(1 for f in new if f.rule_id.startswith(fam))
        r = sum(1 for f in resolved if f.rule_id.startswith(fam))
        u = sum(1 for f in unchanged if f.rule_id.startswith(fam))
        rows.append(
            f"| {mdsafe.text(fam, 20)} {mdsafe.text(FAMILY_TITLES.get(fam, ''))} | {n} | {r} | {u} |"
        )
    doc.rows(rows, "control families")
    doc.add("")
    crit: dict[str, list[int]] = {}
    for i, group in enumerate((new, resolved, unchanged)):
        for f in group:
            rule = result.registry.by_id.get(f.rule_id)
            for t in rule.tsc if rule else ():
                crit.setdefault(t, [0, 0, 0])[i] += 1
    doc.add("| SOC 2 criterion | new or worse | resolved | unchanged |", "|---|---|---|---|")
    doc.rows(
        (
            f"| {mdsafe.text(t, 40)} {mdsafe.text(TSC_TITLES.get(t, ''))} | {n} | {r} | {u} |"
            for t, (n, r, u) in sorted(crit.items())
        ),
        "criteria",
    )
    doc.add("")


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _suggested_fixes(doc: _Doc, result: ScanResult, new: list[Finding]) -> None:
    """Under the new findings, the change ``soc2lint fix`` would make for each (a ``diff``
    block: in a report GitHub cannot apply a ``suggestion`` block; ``--format rdjson``
    with reviewdog posts those as one-click suggestions)."""
    from ..fix.suggest import diff_block, suggestions

    found = suggestions(result)
    blocks = []
    for f in new:
        s = found.get(id(f))
        if s is None:
            continue
        body = diff_block(s)
        fence = _fence(body)
        blocks.append(
            [
                f"**{mdsafe.text(f.rule_id, 20)}** {mdsafe.code(f.address, table=False)} "
                f"({file_link(f.range.file, f.range.start_line, result)}): "
                f"{mdsafe.prose(s.description, table=False)}",
                "",
                f"{fence}diff",
                *body.splitlines(),
                fence,
                "",
            ]
        )
    if not blocks:
        return
    doc.add("### Suggested fixes", "")
    doc.add(
        "`soc2lint fix` makes these changes (safe ones by default, unsafe ones with "
        "`--unsafe-fixes`); `--format rdjson` with reviewdog posts them as suggestions.",
        "",
    )
    for lines in blocks:
        if doc.fits(*lines):
            doc.add(*lines)
        else:
            doc.left_out["suggested fixes"] += 1


def render_markdown(result: ScanResult, *, threshold: Severity | None) -> str:
    if result.diff is not None:
        return render_review(result, threshold=threshold)
    active = sorted(result.active, key=severity_sort_key)
    doc = _Doc()
    doc.add("## soc2lint SOC 2 report", "")
    failing = [f for f in active if fails(f, threshold)]
    if result.incomplete:
        doc.add("**Verdict: incomplete** — some files or rules could not be checked.")
    elif failing:
        doc.add(
            f"**Verdict: {_plural(len(failing), 'finding')} "
            f"at or above {threshold.label if threshold else 'never'}.**"
        )
    else:
        doc.add("**Verdict: no findings at or above the fail threshold.**")
    doc.add("")
    sev = by_severity(active)
    doc.add(
        "| " + " | ".join(f"{ICON[s]} {s.label}" for s in SEVERITY_ORDER) + " | suppressed |",
        "|" + "---|" * (len(SEVERITY_ORDER) + 1),
        "| "
        + " | ".join(str(sev[s.label]) for s in SEVERITY_ORDER)
        + f" | {len(result.suppressed)} |",
        "",
    )
    tsc: Counter[str] = Counter()
    for f in active:
        rule = result.registry.by_id.get(f.rule_id)
        for t in rule.tsc if rule else ():
            tsc[t] += 1
    if tsc:
        doc.add("| SOC 2 criterion | findings |", "|---|---|")
        rows = []
        for t, n in sorted(tsc.items()):
            title = TSC_TITLES.get(t, "")
            rows.append(
                f"| {mdsafe.text(t, 40)}{' — ' + mdsafe.text(title) if title else ''} | {n} |"
            )
        doc.rows(rows, "criteria")
        doc.add("")
    if active:
        doc.add(*TABLE_HEAD)
        rows = [finding_row(f, result) for f in grouped(active, result)]
        first = 0
        for row in rows[:SHOWN_ROWS]:  # the first rows in the open, within half the budget
            if doc.size + len(row) + 1 > BUDGET // 2:
                break
            doc.add(row)
            first += 1
        rest = rows[first:]
        if rest:
            doc.add("", f"<details><summary>{len(rest)} more findings</summary>", "")
            doc.add(*TABLE_HEAD)
            doc.rows(rest, "findings")
            doc.add("", "</details>")
    doc.add("")
    return doc.text()

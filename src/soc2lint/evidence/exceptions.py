"""exceptions/suppressions.md: every suppression written in the code or configuration.

An auditor reads suppressions as accepted exceptions: each names its rules,
the resource, the reason and the expiry, where it is written, whether it is
still in force (expired ones no longer suppress and are listed first), and
the findings it suppresses.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Finding
from ..suppressions import SuppressionEntry, today
from .common import md, table
from .context import EvidenceContext

MD = "exceptions/suppressions.md"


def _state(e: SuppressionEntry, ran: set[str]) -> str:
    if e.error is not None:
        return f"invalid: {e.error}"
    if e.expired(today()):
        return "expired"
    if e.kind != "config" and not e.used and (e.rule_ids & ran):
        return "unused"
    if not (e.rule_ids & ran):
        return "its rules did not run"
    return "in force"


def render(ctx: EvidenceContext) -> dict[str, str]:
    res = ctx.result
    ran = {r.id for r in res.rules_run}
    entries = sorted(
        res.suppressions,
        key=lambda e: (e.range.file, e.range.start_line, e.range.start_col, e.tokens),
    )
    by_entry: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    for f in res.suppressed:
        s = f.suppression
        if s is not None and s.range is not None:
            by_entry[(s.range.file, s.range.start_line, s.range.start_col)].append(f)
    out = ["# Exceptions (suppressions)", ""]
    out.append(
        "Every suppression written in the scanned code (inline comments, CloudFormation "
        "`Metadata`) or in the soc2lint configuration. Each is an accepted exception to a "
        "control: who accepted it and why should be traceable through the commit that added "
        "it. A suppression without a reason never suppresses; an expired one stops "
        "suppressing and its finding is open again (expiry is judged on the day of the scan)."
    )
    out.append("")
    if not entries:
        out.append("No suppression is written in the scanned code or configuration.")
        out.append("")
        return {MD: "\n".join(out)}
    states = {id(e): _state(e, ran) for e in entries}
    expired = [e for e in entries if states[id(e)] == "expired"]
    invalid = [e for e in entries if states[id(e)].startswith("invalid")]
    out.append(
        f"{len(entries)} suppression{'s' if len(entries) != 1 else ''}: "
        f"{sum(1 for e in entries if states[id(e)] == 'in force')} in force, {len(expired)} expired, "
        f"{len(invalid)} invalid, {sum(1 for e in entries if states[id(e)] == 'unused')} unused."
    )
    out.append("")
    if expired:
        out.append("## Expired")
        out.append("")
        out.extend(
            table(
                ["Rules", "Resource", "Reason", "Expired on", "Written at"],
                [
                    [
                        md(", ".join(e.tokens)),
                        md(e.target[1] if e.target else ""),
                        md(e.reason),
                        md(e.expires),
                        ctx.pack.link(MD, e.range),
                    ]
                    for e in expired
                ],
            )
        )
        out.append("")
    out.append("## All suppressions")
    out.append("")
    rows = []
    for e in entries:
        suppressed = by_entry.get((e.range.file, e.range.start_line, e.range.start_col), [])
        what = ", ".join(sorted({f"{f.rule_id} on {f.address}" for f in suppressed}))
        resource = e.target[1] if e.target else ("(configuration)" if e.kind == "config" else "")
        rows.append(
            [
                md(", ".join(e.tokens)),
                md(resource),
                md(e.reason) or "**none**",
                md(e.expires) or "never",
                md(states[id(e)]),
                ctx.pack.link(MD, e.range)
                if e.kind != "config"
                else md(f"{e.range.file} (configuration)"),
                md(what) or "none",
            ]
        )
    out.extend(
        table(["Rules", "Resource", "Reason", "Expires", "State", "Written at", "Suppresses"], rows)
    )
    out.append("")
    return {MD: "\n".join(out)}

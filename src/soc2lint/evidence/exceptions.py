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
    if not e.used and (e.rule_ids & ran):
        return "unused"
    if not (e.rule_ids & ran):
        return "its rules did not run"
    return "in force"


def _resource(e: SuppressionEntry) -> str:
    """What the suppression applies to: its resource, or a configuration entry's globs."""
    if e.kind == "config":
        return f"address {e.address_glob or '*'}, path {e.path_glob or '*'}"
    return e.target[1] if e.target else ""


def render(ctx: EvidenceContext) -> dict[str, str]:
    res = ctx.result
    ran = {r.id for r in res.rules_run}
    entries = sorted(
        res.suppressions,
        key=lambda e: (e.range.file, e.range.start_line, e.range.start_col, e.id),
    )
    # a finding names the suppression that accepts it by what it is (kind, file:line,
    # rules, address and path globs), so two entries never share their findings
    by_entry: dict[str, list[Finding]] = defaultdict(list)
    for f in res.suppressed:
        if f.suppression is not None:
            by_entry[f.suppression.id].append(f)
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
                        md(_resource(e)),
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
        suppressed = by_entry.get(e.id, [])
        what = ", ".join(sorted({f"{f.rule_id} on {f.address}" for f in suppressed}))
        resource = _resource(e)
        rows.append(
            [
                md(e.kind),
                md(", ".join(e.tokens)),
                md(resource),
                md(e.reason) or "**none**",
                md(e.expires) or "never",
                md(states[id(e)]),
                ctx.pack.link(MD, e.range),
                md(what) or "none",
            ]
        )
    out.extend(
        table(
            [
                "Kind",
                "Rules",
                "Resource",
                "Reason",
                "Expires",
                "State",
                "Written at",
                "Suppresses",
            ],
            rows,
        )
    )
    out.append("")
    return {MD: "\n".join(out)}

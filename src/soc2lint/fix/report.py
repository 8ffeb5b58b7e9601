"""The summary ``soc2lint fix`` prints: fixed and left (with the reason), per rule."""

from __future__ import annotations

from .run import FixResult, Outcome


def summary_text(result: FixResult, *, diff_only: bool = False) -> str:
    fixed = [o for o in result.outcomes if o.fixed]
    left = [o for o in result.outcomes if not o.fixed]
    verb = "would fix" if diff_only else "fixed"
    files = result.changed
    lines = [
        f"soc2lint fix: {len(fixed)} {verb}, {len(left)} left"
        + (f", {sum(result.no_fix.values())} without an automatic fix" if result.no_fix else "")
        + (
            f" ({len(files)} file{'s' if len(files) != 1 else ''} "
            f"{'to change' if diff_only else 'changed'})"
            if files
            else ""
        )
    ]
    by_rule: dict[str, list[Outcome]] = {}
    for o in result.outcomes:
        by_rule.setdefault(o.finding.rule_id, []).append(o)
    for rule_id in sorted(by_rule):
        items = by_rule[rule_id]
        n_fixed = sum(1 for o in items if o.fixed)
        n_left = len(items) - n_fixed
        slug = items[0].finding.slug
        parts = []
        if n_fixed:
            parts.append(f"{n_fixed} {verb}")
        if n_left:
            parts.append(f"{n_left} left")
        lines.append(f"  {rule_id} {slug}: {', '.join(parts)}")
        for o in sorted(items, key=lambda o: o.finding.sort_key()):
            f = o.finding
            where = f"{f.range.file}:{f.range.start_line} {f.address}"
            if o.fixed:
                via = f" (in {o.via})" if o.via and o.via != "another fix" else ""
                if o.via == "another fix":
                    via = " (by another fix)"
                lines.append(f"    {verb}: {where}{via}")
            else:
                why = f": {o.unsafe}" if o.unsafe and "unsafe" in o.reason else ""
                lines.append(f"    left:  {where}: {o.reason}{why}")
    if result.no_fix:
        shown = ", ".join(f"{r} ({n})" for r, n in sorted(result.no_fix.items()))
        lines.append(f"  no automatic fix: {shown}")
    remaining = len(result.final.active)
    lines.append(
        f"{remaining} finding{'s' if remaining != 1 else ''} "
        f"{'would remain' if diff_only else 'remain'}."
    )
    if diff_only and files:
        lines.append("Nothing was written (--diff).")
    return "\n".join(lines)

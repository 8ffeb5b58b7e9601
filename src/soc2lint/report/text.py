"""The human format: findings grouped by file, with source lines, fix and a summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from ..docs import FAMILY_TITLES
from ..frontend import Limits
from ..model import Finding, Severity
from .common import by_family, by_severity, file_lines, source_lines
from .groups import grouped, groups
from .neutral import one_line

if TYPE_CHECKING:
    from ..engine import ScanResult

_COLORS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
}
_DIM = "\033[2m"
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _c(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _clean(text: str) -> str:
    """One line, no control characters (a value may hold newlines, terminal escape
    sequences or bidirectional overrides): a newline is a space, the others are shown
    as escapes (``\x1b``, ``\u202e``)."""
    if text.isprintable():  # the common case (no newline either): nothing to replace
        return text
    return one_line(text.replace("\n", " "))


def displayed(active: list[Finding], min_severity: Severity | None) -> list[Finding]:
    """The findings a human format lists: of a result's ``active`` ones, those at or
    above ``min_severity`` (a display filter: what fails the run is decided by
    --fail-on on every finding)."""
    if min_severity is None:
        return active
    return [f for f in active if f.severity >= min_severity]


def _shown_path(file: str) -> str:
    # a file name that starts a line and looks like a workflow command (a directory
    # named "::error ...") is shown as the same path, ./-prefixed
    shown = _clean(file)
    if shown.lstrip().startswith((":", "#")):
        shown = "./" + shown
    return shown


def finding_lines(f: Finding, lines: Sequence[str], color: bool) -> list[str]:
    """One finding in the text format: its line, message, snippet (from its file's
    ``lines``: :func:`~soc2lint.report.common.file_lines`), path and fix."""
    was = f.properties.get("base_severity")
    change = f" (was {was} at the base)" if isinstance(was, str) else ""
    r = f.range
    out = [
        f"  {r.start_line}:{r.start_col}  {_severity_label(f.severity, color)} {f.rule_id} "
        f"{f.slug}  {_clean(f.address)}{change}",
        f"      {_clean(f.message)}",
    ]
    previous = 0
    for n, line in source_lines(f, lines):
        if previous and n > previous + 1:
            out.append(_c("          ... |", _DIM, color))
        out.append(_c(f"      {n:>5} | {_clean(line)}", _DIM, color))
        previous = n
    for hop in f.code_flow:
        out.append(
            f"        -> {_clean(hop.message)} ({_clean(hop.range.file)}:{hop.range.start_line})"
        )
    if f.fix:
        out.append(f"      fix: {_clean(f.fix)}")
    return out


@cache
def _severity_label(severity: Severity, color: bool) -> str:
    return _c(f"{severity.label:<8}", _COLORS[severity], color)


def concise_line(f: Finding) -> str:
    """One finding on one line, ``path:line:col: RULE [severity] message`` (as ruff)."""
    r = f.range
    body = f.message if f.address and f.address in f.message else f"{f.address}: {f.message}"
    return (
        f"{_shown_path(r.file)}:{r.start_line}:{r.start_col}: {f.rule_id} "
        f"[{f.severity.label}] {_clean(body)}"
    )


def render_text(
    result: ScanResult,
    *,
    threshold: Severity | None,
    color: bool,
    min_severity: Severity | None = None,
    statistics: bool = False,
) -> str:
    out: list[str] = []
    active = result.active
    shown = displayed(active, min_severity)
    listed = None
    if statistics:
        out.extend(statistics_lines(shown))
    else:
        by_file: dict[str, list[Finding]] = defaultdict(list)
        listed = grouped(shown, result)
        for f in listed:
            by_file[f.range.file].append(f)
        for file in sorted(by_file):
            out.append(_c(_shown_path(file), _BOLD, color))
            lines = file_lines(result.base, file, root=result.root, max_bytes=_max_bytes(result))
            for f in by_file[file]:
                out.extend(finding_lines(f, lines, color))
            out.append("")
        out.extend(_read_more(result, shown))
    out.append(_summary(result, threshold, active, shown, min_severity, listed))
    return "\n".join(out) + "\n"


def render_concise(
    result: ScanResult,
    *,
    threshold: Severity | None,
    min_severity: Severity | None = None,
    statistics: bool = False,
) -> str:
    active = result.active
    shown = displayed(active, min_severity)
    listed = None if statistics else grouped(shown, result)
    out = statistics_lines(shown) if listed is None else [concise_line(f) for f in listed]
    out.append(_summary(result, threshold, active, shown, min_severity, listed))
    return "\n".join(out) + "\n"


def statistics_lines(findings: list[Finding]) -> list[str]:
    """How many findings each rule has, most first (as ``ruff --statistics``)."""
    counts: Counter[str] = Counter(f.rule_id for f in findings)
    if not counts:
        return []
    worst: dict[str, Finding] = {}
    for f in findings:
        if f.rule_id not in worst or f.severity > worst[f.rule_id].severity:
            worst[f.rule_id] = f
    width = max(5, len(str(max(counts.values()))))
    out = [f"{'count':>{width}}  {'rule':<7} {'severity':<8} slug"]
    for rule_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        f = worst[rule_id]
        out.append(f"{n:>{width}}  {rule_id:<7} {f.severity.label:<8} {_clean(f.slug)}")
    out.append("")
    return out


def _read_more(result: ScanResult, findings: list[Finding]) -> list[str]:
    """Where to read about each rule that has findings: once per rule, not per finding."""
    ids = sorted({f.rule_id for f in findings})
    if not ids:
        return []
    out = ["Rules with findings (soc2lint explain RULE shows the rationale, fix and examples):"]
    for rule_id in ids:
        rule = result.registry.by_id.get(rule_id)
        title = f": {_clean(rule.title)}" if rule is not None else ""
        out.append(f"  {rule_id}{title} (soc2lint explain {rule_id})")
    out.append("")
    return out


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _summary(
    result: ScanResult,
    threshold: Severity | None,
    active: list[Finding],
    shown: list[Finding] | None = None,
    min_severity: Severity | None = None,
    listed: list[Finding] | None = None,
) -> str:
    """The summary of ``result``, whose active findings are ``active``; ``listed``: the
    shown findings as listed (grouped), when known."""
    sev = by_severity(active)
    parts = [f"{n} {k}" for k, n in sev.items() if n]
    fam = by_family(active)
    lines = []
    total = len(active)
    files_with_findings = {f.range.file for f in active}
    # a configuration file read for its suppressions (SYS004/SYS005 there) counts as read
    scanned = len(set(result.files) | files_with_findings)
    with_findings = len(files_with_findings)
    if total:
        lines.append(
            f"Found {_plural(total, 'finding')} ({', '.join(parts)}) in "
            f"{with_findings} of {_plural(scanned, 'file')} scanned."
        )
        # the listing is of the active findings unless --min-severity hid some
        whole = listed is not None and min_severity is None
        repeats = total - (len(listed) if listed is not None and whole else len(groups(active)))
        if repeats:
            lines[-1] += (
                f" {_plural(repeats, 'finding')} repeat a module's finding in another root "
                "and are listed under it (--format json lists each)."
            )
        lines.append(
            "By control family: "
            + ", ".join(f"{k} {_first_lower(FAMILY_TITLES.get(k, k))} {v}" for k, v in fam.items())
        )
    else:
        lines.append(f"No findings in {_plural(scanned, 'file')} scanned.")
    if shown is not None and min_severity is not None and len(shown) < total:
        hidden = total - len(shown)
        lines.append(
            f"{_plural(hidden, 'finding')} below {min_severity.label} not shown "
            f"(--min-severity {min_severity.label}; the exit code still counts them)."
        )
    n_sup = len(result.suppressed)
    if n_sup:
        lines.append(
            f"{_plural(n_sup, 'suppressed finding')} "
            "(listed in --format json; --no-suppressions shows them)."
        )
    diff = result.diff
    unchanged_ids = (
        {id(f) for f in (*diff.unchanged, *diff.deescalated)} if diff is not None else set()
    )
    baselined = [f for f in result.findings if f.baselined]
    n_unchanged = sum(1 for f in baselined if id(f) in unchanged_ids)
    n_base = len(baselined) - n_unchanged
    if diff is not None:
        ref = _clean(diff.base_ref)
        lines.append(
            f"Compared with {ref} ({diff.base_sha[:12]}): {_plural(n_unchanged, 'finding')} "
            f"already there not shown, {len(diff.resolved)} resolved by this change."
        )
    if n_base:
        lines.append(f"{_plural(n_base, 'finding')} in the baseline file not shown.")
    if result.incomplete:
        lines.append("The scan is INCOMPLETE: some files or rules could not be checked (exit 3).")
    elif threshold is not None:
        failing = len(result.failing(threshold, active))
        if failing:
            lines.append(f"{failing} at or above --fail-on {threshold.label}: exit 1.")
    return "\n".join(lines)


def _max_bytes(result: ScanResult) -> int:
    return (
        result.config.limits.max_file_bytes if result.config is not None else Limits.max_file_bytes
    )

"""The human format: findings grouped by file, with source lines, fix and a summary."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..docs import FAMILY_TITLES
from ..frontend import Limits
from ..model import Finding, Severity
from .common import by_family, by_severity, source_lines
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
    text = text.replace("\n", " ")
    if text.isprintable():  # the common case: nothing to replace
        return text
    return one_line(text)


def render_text(result: ScanResult, *, threshold: Severity | None, color: bool) -> str:
    out: list[str] = []
    active = result.active
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in active:
        by_file[f.range.file].append(f)
    for file in sorted(by_file):
        # a file name starts its line: one that looks like a workflow command (a
        # directory named "::error ...") is shown as the same path, ./-prefixed
        shown = _clean(file)
        if shown.lstrip().startswith((":", "#")):
            shown = "./" + shown
        out.append(_c(shown, _BOLD, color))
        for f in by_file[file]:
            sev = _c(f"{f.severity.label:<8}", _COLORS[f.severity], color)
            out.append(
                f"  {f.range.start_line}:{f.range.start_col}  {sev} {f.rule_id} {f.slug}  "
                f"{_clean(f.address)}"
            )
            out.append(f"      {_clean(f.message)}")
            for n, line in source_lines(
                result.base, f, root=result.root, max_bytes=_max_bytes(result)
            ):
                out.append(_c(f"      {n:>5} | {_clean(line)}", _DIM, color))
            for hop in f.code_flow:
                out.append(
                    f"        -> {_clean(hop.message)} "
                    f"({_clean(hop.range.file)}:{hop.range.start_line})"
                )
            if f.fix:
                out.append(f"      fix: {_clean(f.fix)}")
        out.append("")
    out.append(_summary(result, threshold))
    return "\n".join(out) + "\n"


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _summary(result: ScanResult, threshold: Severity | None) -> str:
    active = result.active
    sev = by_severity(active)
    parts = [f"{n} {k}" for k, n in sev.items() if n]
    fam = by_family(active)
    lines = []
    total = len(active)
    files = len(result.files)
    if total:
        lines.append(
            f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) "
            f"in {files} file{'s' if files != 1 else ''}."
        )
        lines.append(
            "By control family: "
            + ", ".join(f"{k} {_first_lower(FAMILY_TITLES.get(k, k))} {v}" for k, v in fam.items())
        )
    else:
        lines.append(f"No findings in {files} file{'s' if files != 1 else ''}.")
    n_sup = len(result.suppressed)
    if n_sup:
        lines.append(
            f"{n_sup} suppressed finding{'s' if n_sup != 1 else ''} "
            "(listed in --format json; --no-inline-suppressions shows them)."
        )
    n_base = sum(1 for f in result.findings if f.baselined)
    if n_base:
        lines.append(f"{n_base} finding{'s' if n_base != 1 else ''} in the baseline not shown.")
    if result.incomplete:
        lines.append("The scan is INCOMPLETE: some files or rules could not be checked (exit 3).")
    elif threshold is not None:
        failing = sum(1 for f in active if f.severity >= threshold)
        if failing:
            lines.append(f"{failing} at or above --fail-on {threshold.label}: exit 1.")
    return "\n".join(lines)


def _max_bytes(result: ScanResult) -> int:
    return (
        result.config.limits.max_file_bytes if result.config is not None else Limits.max_file_bytes
    )

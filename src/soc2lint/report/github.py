"""GitHub Actions workflow commands (``::error file=...::message``).

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
and 50 per job (actions/toolkit, docs/problem-matchers.md), so: when the run
fails, the first line is one error saying why (how many findings are at or above
``--fail-on``, or that the scan was incomplete), which takes one of the ten error
slots; then the most severe findings, at most 10 of each level in all; and one
final notice says how many more exist and where to find them.  File paths are
relative to the repository root (:func:`~soc2lint.report.common.repo_path`), as
GitHub resolves them, whatever directory the scan ran from.
Values are escaped as the runner requires: ``%``, CR and LF in the message;
additionally ``:`` and ``,`` in properties.  Other line and paragraph
separators and control characters (U+2028, form feed, ESC...) become spaces:
the runner does not decode them, and log viewers may break lines on them.
Bidirectional overrides and zero-width characters are shown as escapes (``\\u202e``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Finding, Severity
from .common import repo_path, severity_sort_key
from .groups import grouped

if TYPE_CHECKING:
    from ..engine import ScanResult

PER_LEVEL = 10


#: control characters other than CR and LF, and Unicode line/paragraph separators
_CONTROLS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


#: invisible format characters that reorder or hide text in GitHub's annotation view
_FORMAT = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def escape_data(text: str) -> str:
    text = _CONTROLS.sub(" ", text)
    text = _FORMAT.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)  # shown, not obeyed
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(f: Finding, file: str) -> tuple[str, str]:
    level = {
        Severity.CRITICAL: "error",
        Severity.HIGH: "error",
        Severity.MEDIUM: "warning",
        Severity.LOW: "notice",
    }[f.severity]
    r = f.range
    props = [f"file={escape_property(file)}", f"line={r.start_line}"]
    end_line = r.end_line or r.start_line
    if end_line != r.start_line:
        props.append(f"endLine={end_line}")
    else:
        props.append(f"col={r.start_col}")
        if r.end_col and r.end_col > r.start_col:
            props.append(f"endColumn={r.end_col}")
    title = f"{f.rule_id} {f.slug} ({f.severity.label})"
    props.append(f"title={escape_property(title)}")
    body = f"{f.address}: {f.message}" if f.address not in f.message else f.message
    if f.fix:
        body += f"\nFix: {f.fix}"
    return level, f"::{level} {','.join(props)}::{escape_data(body)}"


def verdict_line(result: ScanResult, threshold: Severity | None) -> str | None:
    """The failed run's reason as one error annotation (None when the run passes)."""
    code = result.exit_code(threshold)
    if code == 3:
        n = sum(1 for f in result.findings if f.incomplete)
        text = (
            f"the scan is incomplete: {n} file{'s' if n != 1 else ''} or rule"
            f"{'s' if n != 1 else ''} could not be checked (exit 3); a control that could "
            "not be checked is not a pass"
        )
    elif code == 1 and threshold is not None:
        active = result.active
        failing = len(result.failing(threshold))
        new = " new" if result.diff is not None else ""
        text = (
            f"{failing}{new} finding{'s' if failing != 1 else ''} at or above fail-on "
            f"{threshold.label} ({len(active)}{new} in total)"
        )
    else:
        return None
    return f"::error title=soc2lint::{escape_data(text)}"


def render_github(
    result: ScanResult, *, threshold: Severity | None, min_severity: Severity | None = None
) -> str:
    findings = grouped(sorted(result.active, key=severity_sort_key), result)
    lines: list[str] = []
    budget = {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL - 1}
    verdict = verdict_line(result, threshold)
    if verdict is not None:
        lines.append(verdict)  # first, and within the ten errors GitHub keeps
        budget["error"] -= 1
    used = {"error": 0, "warning": 0, "notice": 0}
    hidden = 0
    below = 0
    for f in findings:
        if min_severity is not None and f.severity < min_severity:
            below += 1
            continue
        level, cmd = _command(f, repo_path(result, f.range.file))
        if used[level] >= budget[level]:
            hidden += 1
            continue
        used[level] += 1
        lines.append(cmd)
    if hidden or below:
        parts = []
        if hidden:
            parts.append(
                f"{hidden} more finding{'s' if hidden != 1 else ''} not shown as annotations "
                "(GitHub shows 10 per level per step)"
            )
        if below:
            label = min_severity.label if min_severity is not None else ""
            parts.append(f"{below} below {label} not shown (--min-severity)")
        lines.append(
            "::notice title=soc2lint::"
            + escape_data(
                "; ".join(parts)
                + "; see the job summary or the SARIF/JSON report for the full list"
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")

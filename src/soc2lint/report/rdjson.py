"""reviewdog's diagnostic format (rdjson), with the fixes as suggestions.

``soc2lint scan --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review``
posts each open finding as a review comment; a finding that ``soc2lint fix`` can fix
carries its change as a suggestion, which reviewdog turns into a GitHub
"suggested change" a reviewer applies in one click.  Unsafe fixes are suggested
too, and their message says why they are unsafe.

Positions are 1-based; columns count UTF-8 bytes, as rdjson specifies; a range's end
is exclusive.  Paths are relative to the repository root, as reviewdog expects.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..model import Finding, Severity
from .common import repo_path

if TYPE_CHECKING:
    from ..engine import ScanResult

SOURCE = {"name": "soc2lint", "url": "https://github.com/soc2lint/soc2lint"}

_SEVERITY = {
    Severity.CRITICAL: "ERROR",
    Severity.HIGH: "ERROR",
    Severity.MEDIUM: "WARNING",
    Severity.LOW: "INFO",
}


class _Columns:
    """Character columns -> UTF-8 byte columns, per file (read once)."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result
        self.lines: dict[str, list[str] | None] = {}

    def __call__(self, file: str, line: int, col: int) -> int:
        if file not in self.lines:
            try:
                text = (self.result.base / file).read_text(encoding="utf-8")
                self.lines[file] = text.split("\n")
            except (OSError, UnicodeDecodeError):
                self.lines[file] = None
        lines = self.lines[file]
        if lines is None or not 1 <= line <= len(lines) or col <= 1:
            return max(1, col)
        return len(lines[line - 1][: col - 1].encode("utf-8")) + 1


def _position(line: int, col: int) -> dict[str, int]:
    return {"line": max(1, line), "column": max(1, col)}


def render_rdjson(result: ScanResult) -> str:
    from ..fix.suggest import suggestions

    columns = _Columns(result)
    found = suggestions(result)
    diagnostics: list[dict[str, Any]] = []
    for f in sorted(result.active, key=Finding.sort_key):
        r = f.range
        end_line = r.end_line or r.start_line
        loc: dict[str, Any] = {
            "path": repo_path(result, r.file),
            "range": {"start": _position(r.start_line, columns(r.file, r.start_line, r.start_col))},
        }
        if r.end_col and (end_line, r.end_col) > (r.start_line, r.start_col):
            loc["range"]["end"] = _position(end_line, columns(r.file, end_line, r.end_col))
        message = f.message
        if f.fix:
            message += f"\n\nHow to fix: {f.fix}"
        d: dict[str, Any] = {
            "message": message,
            "location": loc,
            "severity": _SEVERITY.get(f.severity, "WARNING"),
            "source": SOURCE,
            "code": {"value": f.rule_id, "url": _rule_url(f)},
        }
        s = found.get(id(f))
        # reviewdog applies suggestions to the diagnostic's file only
        if s is not None and all(c.file == r.file for c in s.changes):
            d["message"] += f"\n\n{s.description}"
            d["suggestions"] = [
                {
                    "range": {
                        "start": _position(
                            c.start_line, columns(c.file, c.start_line, c.start_col)
                        ),
                        "end": _position(c.end_line, columns(c.file, c.end_line, c.end_col)),
                    },
                    "text": c.new,
                }
                for c in s.changes
            ]
        diagnostics.append(d)
    doc = {"source": SOURCE, "severity": "WARNING", "diagnostics": diagnostics}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _rule_url(f: Finding) -> str:
    return f"https://github.com/soc2lint/soc2lint/blob/main/docs/rules/{f.rule_id}-{f.slug}.md"

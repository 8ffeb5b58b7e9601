"""The machine format: a documented, versioned JSON document (``schema_version`` 1).

Top level::

    schema_version   1
    tool             {name, version}
    scan             {root, files, rules_run, incomplete, exit_code, fail_on, options}
    summary          {total, by_severity, by_family, suppressed, baselined}
    findings         active findings (not suppressed, not baselined)
    errors           what made the scan incomplete (parse errors, rule errors...), also in findings
    suppressed       suppressed findings, each with its suppression
    baselined        findings present in the baseline
    suppressions     every suppression written in the code or configuration

A finding has: rule_id, slug, severity, title, tsc, checklist, message,
address, scope, kind, file, start_line, start_col, end_line, end_col,
attr_path, fingerprint, fix, related, code_flow, suppression, incomplete,
unresolved, properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import Finding, Related, Severity
from .common import by_family, by_severity, dumps_indented

if TYPE_CHECKING:
    from ..engine import ScanResult

SCHEMA_VERSION = 1


def _related(r: Related) -> dict[str, Any]:
    return {
        "file": r.range.file,
        "line": r.range.start_line,
        "message": r.message,
        "address": r.address,
    }


def finding_dict(f: Finding, result: ScanResult) -> dict[str, Any]:
    rule = result.registry.by_id.get(f.rule_id)
    d: dict[str, Any] = {
        "rule_id": f.rule_id,
        "slug": f.slug,
        "severity": f.severity.label,
        "title": rule.title if rule else "",
        "tsc": list(rule.tsc) if rule else [],
        "checklist": rule.checklist if rule else "",
        "message": f.message,
        "address": f.address,
        "scope": f.scope,
        "kind": f.kind,
        "file": f.range.file,
        "start_line": f.range.start_line,
        "start_col": f.range.start_col,
        "end_line": f.range.end_line or f.range.start_line,
        "end_col": f.range.end_col or None,
        "attr_path": f.attr_path,
        "fingerprint": f.fingerprint,
        "fix": f.fix,
        "related": [_related(r) for r in f.related],
        "code_flow": [_related(r) for r in f.code_flow],
        "incomplete": f.incomplete,
        "unresolved": f.unresolved,
        "properties": dict(f.properties),
        "suppression": None,
    }
    if f.suppression is not None:
        s = f.suppression
        d["suppression"] = {
            "kind": s.kind,
            "reason": s.reason,
            "expires": s.expires,
            "file": s.range.file if s.range else None,
            "line": s.range.start_line if s.range else None,
        }
    return d


def render_json(result: ScanResult, *, threshold: Severity | None) -> str:
    active = result.active
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "soc2lint", "version": __version__},
        "scan": {
            "files": result.files,
            "rules_run": [r.id for r in result.rules_run],
            "incomplete": result.incomplete,
            "exit_code": result.exit_code(threshold),
            "fail_on": threshold.label if threshold is not None else "never",
            "account_scope": bool(result.config and result.config.account_scope),
            "strict": bool(result.config and result.config.strict),
        },
        "summary": {
            "total": len(active),
            "by_severity": by_severity(active),
            "by_family": by_family(active),
            "suppressed": len(result.suppressed),
            "baselined": sum(1 for f in result.findings if f.baselined),
        },
        "findings": [finding_dict(f, result) for f in active],
        "errors": [
            {
                "rule_id": f.rule_id,
                "file": f.range.file,
                "line": f.range.start_line,
                "column": f.range.start_col,
                "message": f.message,
            }
            for f in result.findings
            if f.incomplete
        ],
        "suppressed": [finding_dict(f, result) for f in result.suppressed],
        "baselined": [finding_dict(f, result) for f in result.findings if f.baselined],
        "suppressions": [
            {
                "kind": e.kind,
                "rules": list(e.tokens),
                "reason": e.reason,
                "expires": e.expires,
                "file": e.range.file,
                "line": e.range.start_line,
                "address": e.target[1] if e.target else None,
                "valid": e.error is None,
                "error": e.error,
                "used": sorted(e.used),
            }
            for e in sorted(result.suppressions, key=lambda e: (e.range.file, e.range.start_line))
        ],
    }
    return dumps_indented(doc) + "\n"

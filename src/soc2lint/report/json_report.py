"""The machine format: a documented, versioned JSON document (``schema_version`` 1).

Top level::

    schema_version   1
    tool             {name, version}
    scan             {root, files, rules_run, incomplete, exit_code, fail_on, options}
    summary          {total, failing, by_severity, by_family, suppressed, baselined}
    findings         active findings (not suppressed, not baselined)
    errors           what made the scan incomplete (parse errors, rule errors...), also in findings
    suppressed       suppressed findings, each with its suppression
    baselined        findings present in the baseline
    suppressions     every suppression written in the code or configuration
    diff             only with --diff-base: the base reference and what changed (below)

With ``--diff-base``, ``findings`` holds what is new or worse than at the base
(``summary.failing`` counts those at or above ``--fail-on``), and ``diff`` is::

    base             {ref, sha}: the revision as given and the commit it named
    base_incomplete  the base commit did not scan completely
    counts           {new, escalated, deescalated, resolved, unchanged, newly_silenced, waived}
    new              fingerprints of the findings new in this change
    escalated        [{fingerprint, rule_id, address, from, to}]: same finding, higher severity
    deescalated      [{fingerprint, rule_id, address, from, to}]: same finding, lower severity
    resolved         findings at the base that this change removes (files and lines of the
                     base commit)
    newly_silenced   findings new in this change that an exception already at the base
                     silences
    exceptions       [{change, rules, reason, expires, file, line, address, waives}]: the
                     exceptions the change adds or edits, with the fingerprints they silence
    notes            what the reviewer is told about configuration the change edits

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
from .groups import group_ids

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


def finding_dict(
    f: Finding, result: ScanResult, group: tuple[str, int] | None = None
) -> dict[str, Any]:
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
    if group is not None:
        # one module's finding in several roots: the human formats show it once
        d["group"] = {"fingerprint": group[0], "size": group[1]}
    if f.suppression is not None:
        s = f.suppression
        d["suppression"] = {
            "id": s.id,
            "kind": s.kind,
            "rules": list(s.rules),
            "reason": s.reason,
            "expires": s.expires,
            "file": s.range.file if s.range else None,
            "line": s.range.start_line if s.range else None,
            "address_glob": s.address,
            "path_glob": s.path,
        }
    return d


def render_json(result: ScanResult, *, threshold: Severity | None) -> str:
    active = result.active
    in_group = group_ids(active)
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
            # at or above --fail-on: what makes the exit code 1
            "failing": len(result.failing(threshold)),
            "by_severity": by_severity(active),
            "by_family": by_family(active),
            "suppressed": len(result.suppressed),
            "baselined": sum(1 for f in result.findings if f.baselined),
        },
        "findings": [finding_dict(f, result, in_group.get(id(f))) for f in active],
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
                "id": e.id,
                "kind": e.kind,
                "rules": list(e.tokens),
                "reason": e.reason,
                "expires": e.expires,
                "file": e.range.file,
                "line": e.range.start_line,
                "address": e.target[1] if e.target else None,
                "address_glob": e.address_glob,
                "path_glob": e.path_glob,
                "valid": e.error is None,
                "error": e.error,
                "used": sorted(e.used),
            }
            for e in sorted(
                result.suppressions, key=lambda e: (e.range.file, e.range.start_line, e.id)
            )
        ],
    }
    if result.diff is not None:
        doc["diff"] = diff_dict(result)
    return dumps_indented(doc) + "\n"


def _severity_change(f: Finding) -> dict[str, Any]:
    return {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "address": f.address,
        "from": f.properties.get("base_severity"),
        "to": f.severity.label,
    }


def diff_dict(result: ScanResult) -> dict[str, Any]:
    """The ``diff`` section: the base reference and what the change does."""
    d = result.diff
    escalated = list(getattr(d, "escalated", ()))
    deescalated = list(getattr(d, "deescalated", ()))
    waived = list(getattr(d, "waived", ()))
    return {
        "base": {"ref": d.base_ref, "sha": d.base_sha},
        "base_incomplete": bool(d.base_incomplete),
        "counts": {
            "new": len(d.new),
            "escalated": len(escalated),
            "deescalated": len(deescalated),
            "resolved": len(d.resolved),
            "unchanged": len(d.unchanged),
            "newly_silenced": len(d.newly_silenced),
            "waived": len(waived),
        },
        "new": [f.fingerprint for f in d.new],
        "escalated": [_severity_change(f) for f in escalated],
        "deescalated": [_severity_change(f) for f in deescalated],
        "resolved": [finding_dict(f, result) for f in d.resolved],
        "newly_silenced": [finding_dict(f, result) for f in d.newly_silenced],
        "exceptions": [
            {
                "change": c.change,
                "rules": list(c.entry.tokens),
                "reason": c.entry.reason,
                "expires": c.entry.expires,
                "file": c.entry.range.file,
                "line": c.entry.range.start_line,
                "address": c.entry.target[1] if c.entry.target else None,
                "waives": [f.fingerprint for f in d.waived_by(c)],
            }
            for c in d.suppressions
        ],
        "notes": list(d.notes),
    }

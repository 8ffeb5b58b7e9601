"""``history.json``: the period's data for machines (``soc2lint history --format json``).

The same facts as the pages, in a versioned schema: the period and what was
replayed, every commit that landed (with what it changed and did), the
sample, every exposure window with its figures, the timeline's rows and the
chart's buckets, and the spans that are unknown.  Times are ISO 8601 UTC.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from .. import __version__
from .tracker import ChangeRecord, Window

if TYPE_CHECKING:
    from . import History

SCHEMA_VERSION = 1


def _iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _severities(windows: list[Window]) -> dict[str, int]:
    out = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for w in windows:
        out[w.severity.label] += 1
    return out


def _commit(h: History, r: ChangeRecord) -> dict[str, Any]:
    c = r.commit
    return {
        "sha": c.sha,
        "date": _iso(r.time),
        "author": c.author,
        "subject": c.subject,
        "pull_request": h.pull_requests.get(c.sha),
        "tickets": h.tickets.get(c.sha, []),
        "files_changed": [
            {"status": x.status, "path": x.path, **({"from": x.old_path} if x.old_path else {})}
            for x in r.changes
        ],
        "infrastructure_files": list(r.infrastructure),
        "introduced": _severities(r.introduced),
        "resolved": _severities(r.resolved),
        "moved": len(r.moved),
        "suppressions": [
            {
                "change": s.change,
                "rules": list(s.entry.rules),
                "resource": s.entry.target,
                "reason": s.entry.reason,
                "expires": s.entry.expires,
                "file": s.entry.file,
                "line": s.entry.line,
            }
            for s in r.suppressions
        ],
        "suppressions_expired": len(r.lapsed),
        "scan": "not run" if not r.scanned else ("complete" if r.complete else "incomplete"),
        "problems": list(r.problems),
        "url": h.links.commit(c.sha),
    }


def _window(h: History, w: Window) -> dict[str, Any]:
    f = h.figure(w)
    return {
        "fingerprint": w.last.fingerprint,
        "rule_id": w.rule_id,
        "severity": w.severity.label,
        "scope": w.last.scope,
        "address": w.last.address,
        "attribute": w.last.attr_path,
        "file": w.first.file,
        "line": w.first.line,
        "message": w.first.message,
        "opened_at": _iso(f.start),
        "opened_commit": w.opened_by.sha if w.opened_by is not None else None,
        "open_before_period": w.at_start,
        "resolved_at": _iso(w.closed),
        "resolved_commit": w.closed_by.sha if w.closed_by is not None else None,
        "days_open": round(f.open_days, 2),
        "days_suppressed": round(f.suppressed_days, 2),
        "target_days": f.target_days,
        "status": f.status,
        "suppressed": [
            {
                "from": _iso(s.start),
                "to": _iso(s.end),
                "kind": s.kind,
                "reason": s.reason,
                "expires": s.expires,
                "file": s.file,
                "line": s.line,
            }
            for s in w.suppressed
        ],
        "moves": [{"at": _iso(m.time), "from": m.old_scope, "to": m.new_scope} for m in w.moves],
        "partly_unknown": bool(w.unknown),
    }


def history_document(h: History, *, reproducible: bool, generated_at: str) -> dict[str, Any]:
    p = h.period
    t = h.timeline

    def row(r: Any) -> dict[str, Any]:
        return {
            "key": r.key,
            "title": r.title,
            "days_without_open_finding": r.clean,
            "days_with_open_findings": r.open,
            "days_unknown": r.unknown,
            "days_without_code": r.no_code,
            "findings_opened": r.opened,
            "findings_resolved": r.resolved,
            "changes": r.changes,
            "open_at_end": r.open_at_end,
        }

    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "soc2lint", "version": __version__},
    }
    if not reproducible:
        doc["generated_at"] = generated_at
    doc.update(
        {
            "repository": {
                "url": h.links.base,
                "ref": h.options.ref_name or h.options.ref,
                "head": h.plan.head,
                "paths": list(h.options.shown_paths),
            },
            "period": {
                "since": p.since.isoformat(),
                "until": p.until.isoformat(),
                "days": p.days,
                "start_commit": h.plan.start_sha,
            },
            "settings": {
                "sample": h.options.sample,
                "seed": h.options.seed,
                "ticket_pattern": h.options.ticket_pattern,
                "remediation_days": {s.label: d for s, d in sorted(h.options.targets.items())},
            },
            "complete": h.complete,
            "commits": [_commit(h, r) for r in h.tracked.records],
            "sample": list(h.sample),
            "findings": [_window(h, w) for w in _ordered(h)],
            "suppressions_expired": [
                {
                    "day": lp.day,
                    "rules": list(lp.entry.rules),
                    "resource": lp.entry.target,
                    "reason": lp.entry.reason,
                    "expires": lp.entry.expires,
                    "file": lp.entry.file,
                    "line": lp.entry.line,
                }
                for lp in h.tracked.lapses
            ],
            "timeline": {
                "overall": row(t.overall),
                "families": [row(r) for r in t.families],
                "criteria": [row(r) for r in t.criteria],
                "chart": {
                    "unit": h.chart_unit,
                    "buckets": [
                        {
                            "from": b.start.isoformat(),
                            "critical": b.peak[0],
                            "high": b.peak[1],
                            "medium": b.peak[2],
                            "low": b.peak[3],
                            "partly_unknown": b.unknown,
                        }
                        for b in h.chart
                    ],
                },
                "unknown": [
                    {
                        "from": _iso(span.start),
                        "to": _iso(span.end),
                        "commit": commit.sha if commit is not None else None,
                        "problems": list(problems),
                    }
                    for span, commit, problems in h.tracked.unknown
                ],
            },
        }
    )
    return doc


def _ordered(h: History) -> list[Window]:
    from ..evidence.history_exposure import ordered

    return ordered(h)

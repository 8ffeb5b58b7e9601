"""SARIF 2.1.0 that GitHub code scanning accepts and shows well.

The objects are plain dicts with the schema's property names, each written in
the order sarif-om (which the writer once used) gave them, so that the files
stay byte for byte what they were; ``level`` and ``kind`` are always explicit,
since a missing ``result.level`` is read as the rule's default level.

GitHub specifics: one run; in ``tool.driver.rules`` every rule with a result in
the file (and those the user selected by name) with ``help.markdown``,
``security-severity`` and tags; results with explicit ``level``,
``artifactLocation.uri`` relative to the repository root (the git top level of
the scanned paths, else the scanned directory; whatever the working directory)
with ``uriBaseId`` ``%SRCROOT%`` declared in ``originalUriBaseIds``, the
resource address as a logical location, and ``partialFingerprints`` derived
from rule + address + attribute path so alerts survive line moves.  Suppressed
results are left out unless asked for, because GitHub ignores SARIF
suppressions.  ``runAutomationDetails.id`` is written only with
``--sarif-category``, so that upload-sarif's ``category`` decides otherwise.

Kept within GitHub's documented limits (code scanning, "SARIF results exceed
limits"): at most :data:`MAX_RELATED` related locations and
:data:`MAX_FLOW_LOCATIONS` code-flow locations a result (GitHub rejects a
result with more than 1,000 locations and shows 100), the message cut at
:data:`MAX_MESSAGE` characters, at most :data:`MAX_RESULTS` results a run
(the most severe kept, in a fixed order) and a gzip-compressed file under
10 MB; what is left out is said in the result's message or in a run
notification, never dropped silently.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import __version__
from ..docs import FAMILY_TITLES, docs_uri, page, page_name
from ..model import Finding, Range, Related
from ..rule import Rule
from .common import dumps_indented, repo_path, severity_sort_key
from .groups import groups, shown

if TYPE_CHECKING:
    from ..engine import ScanResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/soc2lint/soc2lint"
SRCROOT = "%SRCROOT%"

#: related locations kept a result (GitHub shows 100, rejects more than 1,000 locations)
MAX_RELATED = 100
#: related locations a result's message links to by name
MAX_LINKED = 10
#: locations kept in a code flow (GitHub keeps 1,000 thread-flow locations, rejects 10,000)
MAX_FLOW_LOCATIONS = 1000
#: characters of a result's message
MAX_MESSAGE = 4000
#: results a run may hold (GitHub rejects a run with more)
MAX_RESULTS = 25_000
#: results of a run GitHub shows; it ignores the rest, in file order
SHOWN_RESULTS = 5_000
#: bytes of the gzip-compressed file (GitHub rejects an upload over 10 MB)
MAX_GZIP_BYTES = 10 * 1024 * 1024 - 64 * 1024

#: a result's properties in the order they are written
_RESULT_KEYS = (
    "message",
    "baselineState",
    "codeFlows",
    "fixes",
    "kind",
    "level",
    "locations",
    "partialFingerprints",
    "properties",
    "relatedLocations",
    "ruleId",
    "ruleIndex",
    "suppressions",
)


def _artifact(uri: str, base: str | None) -> dict[str, Any]:
    return {"uri": uri} if base is None else {"uri": uri, "uriBaseId": base}


@functools.lru_cache(maxsize=4096)
def _uri(path: str) -> tuple[str, str | None]:
    """``path`` relative to the repository root (see :func:`repo_path`) as a URI."""
    if path.startswith("/"):
        return "file://" + quote(path), None
    return quote(path, safe="/"), SRCROOT


class _Paths:
    """Finding files (relative to the working directory) -> repository-root paths."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result
        self.cache: dict[str, str] = {}

    def __call__(self, file: str) -> str:
        out = self.cache.get(file)
        if out is None:
            out = self.cache[file] = repo_path(self.result, file)
        return out


def _region(r: Range) -> dict[str, Any]:
    region: dict[str, Any] = {}
    end_line = r.end_line or r.start_line
    if r.end_col and (end_line > r.start_line or r.end_col > r.start_col):
        region["endColumn"] = r.end_col
    if end_line >= r.start_line:
        region["endLine"] = end_line
    region["startColumn"] = max(1, r.start_col)
    region["startLine"] = max(1, r.start_line)
    return region


def _location(
    r: Range,
    paths: _Paths,
    address: str | None = None,
    message: str | None = None,
    loc_id: int | None = None,
) -> dict[str, Any]:
    uri, base = _uri(paths(r.file))
    loc: dict[str, Any] = {}
    if loc_id is not None:
        loc["id"] = loc_id
    if address:
        loc["logicalLocations"] = [{"fullyQualifiedName": address, "kind": "resource"}]
    if message:
        loc["message"] = {"text": message}
    loc["physicalLocation"] = {"artifactLocation": _artifact(uri, base), "region": _region(r)}
    return loc


def _rule_descriptor(r: Rule) -> dict[str, Any]:
    sections = r.sections()
    full = sections.get("What it checks", r.title).replace("\n", " ")
    help_text = (
        "\n\n".join(
            f"{name}: {sections[name]}"
            for name in ("What it checks", "Why it matters for SOC 2", "How to fix")
            if sections.get(name)
        )
        or r.title
    )
    tags = ["security", "soc2", f"soc2-{r.family.lower()}", FAMILY_TITLES.get(r.family, r.family)]
    tags += [f"TSC-{t}" for t in r.tsc]
    tags += [lang for lang in r.languages]
    return {
        "id": r.id,
        "defaultConfiguration": {"level": r.severity.sarif_level},
        "fullDescription": {"text": full[:1024]},
        "help": {"text": help_text, "markdown": page(r)},
        "helpUri": docs_uri() + page_name(r),
        "name": _pascal(r.slug),
        "properties": {
            "tags": tags[:20],
            "security-severity": r.severity.security_severity,
            "precision": r.precision,
            "problem.severity": "error"
            if r.severity.sarif_level == "error"
            else ("warning" if r.severity.sarif_level == "warning" else "recommendation"),
            "soc2": {"tsc": list(r.tsc), "checklist": r.checklist},
        },
        "shortDescription": {"text": r.title[:1024]},
    }


def _pascal(slug: str) -> str:
    return "".join(p.capitalize() for p in slug.split("-"))


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    if len(text) <= limit:
        return text
    note = f" … (cut at {limit:,} characters; the full text is in --format json)"
    return text[: limit - len(note)] + note


def _kept_related(f: Finding) -> tuple[list[tuple[int, Related]], int]:
    """The related locations a result keeps, with their 1-based ids, and how many are
    left out.  The most relevant are kept: those in the finding's own file first, then
    the rest, each in the order the rule gave them."""
    indexed = list(enumerate(f.related, 1))
    if len(indexed) <= MAX_RELATED:
        return indexed, 0
    ranked = sorted(indexed, key=lambda ix: (ix[1].range.file != f.range.file, ix[0]))
    kept = sorted(ranked[:MAX_RELATED], key=lambda ix: ix[0])
    return kept, len(indexed) - MAX_RELATED


def _result(f: Finding, index: int, include_suppression: bool, paths: _Paths) -> dict[str, Any]:
    """A result's properties, in any order (:data:`_RESULT_KEYS` orders them)."""
    message = f.message
    kept, left_out = _kept_related(f)
    if kept:
        # GitHub links related locations that the message mentions
        linked = ", ".join(
            f"[{_link_text(x.address or x.message)}]({i})" for i, x in kept[:MAX_LINKED]
        )
        more = len(f.related) - min(len(kept), MAX_LINKED)
        message += f" Related: {linked}" + (f" and {more:,} more" if more else "") + "."
        if left_out:
            message += (
                f" {left_out:,} of the {len(f.related):,} related locations are left out here "
                f"(GitHub takes at most {MAX_RELATED} a result); --format json lists them all."
            )
    res: dict[str, Any] = {
        "message": {"text": _clip(message)},
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": f.severity.sarif_level,
        "kind": "fail",
        "locations": [_location(f.range, paths, f.address)],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{f.fingerprint[:16]}:1",
            "soc2lint/v1": f.fingerprint,
            **({"soc2lint/group/v1": f.properties["group"]} if "group" in f.properties else {}),
        },
        "properties": {
            "severity": f.severity.label,
            "address": f.address,
            "attributePath": f.attr_path,
            **({"fix": f.fix} if f.fix else {}),
            **({"unresolved": True} if f.unresolved else {}),
            **({"relatedLocationsLeftOut": left_out} if left_out else {}),
            **({"roots": f.properties["roots"]} if "roots" in f.properties else {}),
        },
    }
    if kept:
        res["relatedLocations"] = [
            _location(x.range, paths, x.address, _clip(x.message, 1000), i) for i, x in kept
        ]
    if f.code_flow:
        hops = list(f.code_flow)
        flow_note = ""
        if len(hops) > MAX_FLOW_LOCATIONS:
            # the start of the path and its end (the exposed resource)
            flow_note = (
                f" ({len(hops) - MAX_FLOW_LOCATIONS:,} steps in between left out; "
                "--format json lists them all)"
            )
            hops = [*hops[: MAX_FLOW_LOCATIONS - 1], hops[-1]]
        res["codeFlows"] = [
            {
                "threadFlows": [
                    {
                        "locations": [
                            {
                                "executionOrder": i,
                                "location": _location(
                                    h.range, paths, h.address, _clip(h.message, 1000)
                                ),
                                "nestingLevel": 0,
                            }
                            for i, h in enumerate(hops)
                        ]
                    }
                ],
                "message": {"text": f"internet exposure path to {f.address}{flow_note}"},
            }
        ]
    if include_suppression and f.suppression is not None:
        s: dict[str, Any] = {
            "kind": "inSource" if f.suppression.kind in ("inline", "metadata") else "external",
            "justification": f.suppression.reason
            + (f" (expires {f.suppression.expires})" if f.suppression.expires else ""),
        }
        if f.suppression.range is not None:
            s["location"] = _location(f.suppression.range, paths)
        s["status"] = "accepted"
        res["suppressions"] = [s]
    return res


def _attach_fixes(
    pairs: list[tuple[Finding, dict[str, Any]]], result: ScanResult, paths: _Paths
) -> None:
    """SARIF ``fixes``: the change ``soc2lint fix`` would make for a result, as
    replacements of whole lines (unsafe ones say why in their description)."""
    from ..fix.suggest import suggestions

    found = suggestions(result)
    for f, res in pairs:
        s = found.get(id(f))
        if s is None:
            continue
        by_file: dict[str, list[dict[str, Any]]] = {}
        for c in s.changes:
            region = {
                "endColumn": c.end_col,
                "endLine": c.end_line,
                "startColumn": c.start_col,
                "startLine": c.start_line,
            }
            by_file.setdefault(c.file, []).append(
                {"deletedRegion": region, "insertedContent": {"text": c.new}}
            )
        changes = []
        for file, replacements in by_file.items():
            uri, base = _uri(paths(file))
            changes.append({"artifactLocation": _artifact(uri, base), "replacements": replacements})
        res["fixes"] = [{"artifactChanges": changes, "description": {"text": s.description}}]


def _link_text(text: str) -> str:
    """Text inside ``[...]`` of a SARIF message link: brackets would end it early."""
    text = text if len(text) <= 200 else text[:199] + "…"
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _automation_id(category: str) -> str:
    """``runAutomationDetails.id`` for a category, as upload-sarif writes it: the
    category, then ``/`` (the part after the last ``/`` would be a run id)."""
    return category if category.endswith("/") else category + "/"


def _diff_states(result: ScanResult) -> dict[int, str]:
    """In ``--diff-base`` mode, each open finding's SARIF ``baselineState``.

    Code scanning takes every upload as the whole state of its ref and compares a pull
    request's upload with the base branch's: a file holding only the new findings
    would show every finding already on the base branch as fixed.  So the SARIF of a
    diff scan keeps the findings already there too (``unchanged``), beside the new
    (``new``) and the worse (``updated``) ones; text, annotations and the review
    still show only what the change introduces.
    """
    diff = result.diff
    if diff is None:
        return {}
    states = {id(f): "unchanged" for f in (*diff.unchanged, *diff.deescalated)}
    states.update({id(f): "updated" for f in diff.escalated})
    states.update({id(f): "new" for f in diff.new})
    return states


def render_sarif(
    result: ScanResult, *, include_suppressed: bool = False, category: str | None = None
) -> str:
    states = _diff_states(result)
    findings = [
        f
        for f in result.findings
        if (not f.baselined or states.get(id(f)) == "unchanged")
        and (include_suppressed or not f.suppressed)
    ]
    findings, states = _grouped_results(result, findings, states)
    limit = MAX_RESULTS
    while True:
        text, left_out = _render_run(result, findings, include_suppressed, category, limit, states)
        if len(text) <= MAX_GZIP_BYTES or left_out >= len(findings):
            break
        import gzip  # only for a file this large

        size = len(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
        if size <= MAX_GZIP_BYTES:
            break
        # fewer results, in proportion to the excess (and at least one fewer)
        kept = len(findings) - left_out
        limit = max(0, min(kept - 1, int(kept * MAX_GZIP_BYTES / size * 0.95)))
    if left_out:
        logging.getLogger("soc2lint").warning(
            "SARIF: %d of %d results left out to stay within GitHub's limits "
            "(25,000 results a run, 10 MB compressed); the most severe are kept, "
            "--format json lists them all",
            left_out,
            len(findings),
        )
    return text


def _grouped_results(
    result: ScanResult, findings: list[Finding], states: dict[int, str]
) -> tuple[list[Finding], dict[int, str]]:
    """One result per module finding shared by several roots (report/groups.py): the
    other roots' module calls are its related locations, its fingerprints its first
    member's (``soc2lint/group/v1`` the group's), its diff state theirs."""
    out: list[Finding] = []
    new_states = dict(states)
    for g in groups(findings, lambda f: states.get(id(f))):
        f = shown(g, result)
        if len(g.members) > 1:
            state = states.get(id(g.first))
            if state is not None:
                new_states[id(f)] = state
        out.append(f)
    return out, new_states


def _described_rules(result: ScanResult, findings: list[Finding]) -> list[Rule]:
    """The rules ``tool.driver.rules`` describes, by ID: those with a result or a
    notification in this file, and those the user selected by name (``select``).

    Describing every rule that ran made every file about 800 KB larger whatever fired;
    the JSON report's ``rules_run`` lists what ran."""
    wanted = {f.rule_id for f in findings}
    wanted.update(f.rule_id for f in result.findings if f.incomplete)
    config = result.config
    for token in config.select if config is not None else ():
        with contextlib.suppress(KeyError):
            wanted |= result.registry.resolve(token)
    return sorted((r for r in result.rules_run if r.id in wanted), key=lambda r: r.id)


def _render_run(
    result: ScanResult,
    findings: list[Finding],
    include_suppressed: bool,
    category: str | None,
    limit: int,
    states: dict[int, str],
) -> tuple[str, int]:
    left_out = 0
    if len(findings) > limit:
        # the most severe, in a fixed order; written in the report's usual order
        keep = {id(f) for f in sorted(findings, key=severity_sort_key)[:limit]}
        left_out = len(findings) - limit
        findings = [f for f in findings if id(f) in keep]
    rules = _described_rules(result, findings)
    index = {r.id: i for i, r in enumerate(rules)}
    shown_note = len(findings) > SHOWN_RESULTS
    if shown_note:
        # GitHub shows the first 5,000 results of a run: let those be the most severe
        findings = sorted(findings, key=severity_sort_key)
    paths = _Paths(result)
    results = []
    pairs = []
    for f in findings:
        if f.rule_id not in index:
            r = result.registry.by_id.get(f.rule_id)
            if r is None:
                continue
            rules.append(r)
            index[r.id] = len(rules) - 1
        res = _result(f, index[f.rule_id], include_suppressed, paths)
        state = states.get(id(f))
        if state is not None:
            res["baselineState"] = state
        results.append(res)
        pairs.append((f, res))
    _attach_fixes(pairs, result, paths)
    results = [{k: res[k] for k in _RESULT_KEYS if k in res} for res in results]
    notifications = [
        {
            "message": {"text": _clip(f.message)},
            "descriptor": {"id": f.rule_id},
            "level": "error",
            "locations": [_location(f.range, paths, f.address)],
        }
        for f in result.findings
        if f.incomplete
    ]
    if left_out:
        lowest = min((f.severity for f in findings), default=None)
        notifications.append(
            {
                "message": {
                    "text": f"{left_out:,} results are left out of this file to stay within "
                    "GitHub code scanning's limits (25,000 results a run, 10 MB compressed): "
                    f"the {len(results):,} most severe are kept"
                    + (f" (down to {lowest.label})" if lowest is not None else "")
                    + "; `soc2lint scan --format json` lists every finding"
                },
                "level": "warning",
            }
        )
    if shown_note:
        notifications.append(
            {
                "message": {
                    "text": f"{len(results):,} results: GitHub code scanning shows the first "
                    f"{SHOWN_RESULTS:,} of a run and ignores the rest, so the results are "
                    "written most severe first"
                },
                "level": "note",
            }
        )
    invocation: dict[str, Any] = {"executionSuccessful": not result.incomplete}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver = {
        "name": "soc2lint",
        "contents": ["localizedData", "nonLocalizedData"],
        "informationUri": INFORMATION_URI,
        "rules": [_rule_descriptor(r) for r in rules],
        "semanticVersion": __version__,
        "version": __version__,
    }
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if category:
        run["automationDetails"] = {"id": _automation_id(category)}
    run["columnKind"] = "unicodeCodePoints"
    run["invocations"] = [invocation]
    run["newlineSequences"] = ["\r\n", "\n"]
    run["originalUriBaseIds"] = {
        SRCROOT: {
            "description": {
                "text": "The repository root: the git top level of the scanned paths, else "
                "the scanned directory. Result URIs are relative to it."
            }
        }
    }
    run["results"] = results
    log = {"$schema": SCHEMA_URI, "runs": [run], "version": "2.1.0"}
    return dumps_indented(log) + "\n", left_out

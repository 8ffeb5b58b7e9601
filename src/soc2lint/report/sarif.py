"""SARIF 2.1.0 that GitHub code scanning accepts and shows well.

The objects are built with sarif-om's typed classes; serialisation is our
own (:func:`to_sarif_dict`) because sarif-om's companion serializer drops
every field equal to its default, including ``result.level = "warning"``,
which consumers then read as the rule's default level, and because
sarif-om's ``Suppression.state`` is not in the final schema (``status`` is).

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
import gzip
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attr
import sarif_om as so

from .. import __version__
from ..docs import FAMILY_TITLES, docs_uri, page_name, rule_page
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

#: fields written even when equal to sarif-om's default
_ALWAYS = frozenset({"level", "kind"})


_FIELDS: dict[type, tuple[tuple[str, Any, bool, str], ...] | None] = {}


def _sarif_fields(cls: type) -> tuple[tuple[str, Any, bool, str], ...] | None:
    """(name, default, always written, schema name) of an attrs class; None for others."""
    if cls in _FIELDS:
        return _FIELDS[cls]
    if not attr.has(cls):
        _FIELDS[cls] = None
        return None
    _FIELDS[cls] = fields = tuple(
        (
            a.name,
            a.default,
            a.name in _ALWAYS or a.default is attr.NOTHING,
            a.metadata.get("schema_property_name", a.name),
        )
        for a in attr.fields(cls)
    )
    return fields


def to_sarif_dict(obj: Any) -> Any:
    """sarif-om object tree -> plain JSON data with the schema's property names."""
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    fields = _sarif_fields(type(obj))
    if fields is not None:
        out: dict[str, Any] = {}
        for name, default, always, schema_name in fields:
            value = getattr(obj, name)
            if value is None:
                continue
            if not always and value == default:
                continue
            out[schema_name] = to_sarif_dict(value)
        # attributes set on the instance that sarif-om does not know (e.g. Suppression.status)
        for k, v in vars(obj).items():
            if k.startswith("_extra_"):
                out[k[len("_extra_") :]] = to_sarif_dict(v)
        return out
    if isinstance(obj, dict):
        return {str(k): to_sarif_dict(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_sarif_dict(v) for v in obj]
    return obj


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


def _region(r: Range) -> so.Region:
    region = so.Region(start_line=max(1, r.start_line), start_column=max(1, r.start_col))
    end_line = r.end_line or r.start_line
    if end_line >= r.start_line:
        region.end_line = end_line
    if r.end_col and (end_line > r.start_line or r.end_col > r.start_col):
        region.end_column = r.end_col
    return region


def _location(
    r: Range,
    paths: _Paths,
    address: str | None = None,
    message: str | None = None,
    loc_id: int | None = None,
) -> so.Location:
    uri, base = _uri(paths(r.file))
    loc = so.Location(
        physical_location=so.PhysicalLocation(
            artifact_location=so.ArtifactLocation(uri=uri, uri_base_id=base),
            region=_region(r),
        )
    )
    if address:
        loc.logical_locations = [so.LogicalLocation(fully_qualified_name=address, kind="resource")]
    if message:
        loc.message = so.Message(text=message)
    if loc_id is not None:
        loc.id = loc_id
    return loc


def _rule_descriptor(r: Rule) -> so.ReportingDescriptor:
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
    return so.ReportingDescriptor(
        id=r.id,
        name=_pascal(r.slug),
        short_description=so.MultiformatMessageString(text=r.title[:1024]),
        full_description=so.MultiformatMessageString(text=full[:1024]),
        help=so.MultiformatMessageString(text=help_text, markdown=rule_page(r)),
        help_uri=docs_uri() + page_name(r),
        default_configuration=so.ReportingConfiguration(level=r.severity.sarif_level),
        properties={
            "tags": tags[:20],
            "security-severity": r.severity.security_severity,
            "precision": r.precision,
            "problem.severity": "error"
            if r.severity.sarif_level == "error"
            else ("warning" if r.severity.sarif_level == "warning" else "recommendation"),
            "soc2": {"tsc": list(r.tsc), "checklist": r.checklist},
        },
    )


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


def _result(f: Finding, index: int, include_suppression: bool, paths: _Paths) -> so.Result:
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
    res = so.Result(
        message=so.Message(text=_clip(message)),
        rule_id=f.rule_id,
        rule_index=index,
        level=f.severity.sarif_level,
        kind="fail",
        locations=[_location(f.range, paths, f.address)],
        partial_fingerprints={
            "primaryLocationLineHash": f"{f.fingerprint[:16]}:1",
            "soc2lint/v1": f.fingerprint,
            **({"soc2lint/group/v1": f.properties["group"]} if "group" in f.properties else {}),
        },
        properties={
            "severity": f.severity.label,
            "address": f.address,
            "attributePath": f.attr_path,
            **({"fix": f.fix} if f.fix else {}),
            **({"unresolved": True} if f.unresolved else {}),
            **({"relatedLocationsLeftOut": left_out} if left_out else {}),
            **({"roots": f.properties["roots"]} if "roots" in f.properties else {}),
        },
    )
    if kept:
        res.related_locations = [
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
        res.code_flows = [
            so.CodeFlow(
                message=so.Message(text=f"internet exposure path to {f.address}{flow_note}"),
                thread_flows=[
                    so.ThreadFlow(
                        locations=[
                            so.ThreadFlowLocation(
                                location=_location(
                                    h.range, paths, h.address, _clip(h.message, 1000)
                                ),
                                execution_order=i,
                                nesting_level=0,
                            )
                            for i, h in enumerate(hops)
                        ]
                    )
                ],
            )
        ]
    if include_suppression and f.suppression is not None:
        s = so.Suppression(
            kind="inSource" if f.suppression.kind in ("inline", "metadata") else "external",
            justification=f.suppression.reason
            + (f" (expires {f.suppression.expires})" if f.suppression.expires else ""),
        )
        s._extra_status = "accepted"
        if f.suppression.range is not None:
            s.location = _location(f.suppression.range, paths)
        res.suppressions = [s]
    return res


def _attach_fixes(
    pairs: list[tuple[Finding, so.Result]], result: ScanResult, paths: _Paths
) -> None:
    """SARIF ``fixes``: the change ``soc2lint fix`` would make for a result, as
    replacements of whole lines (unsafe ones say why in their description)."""
    from ..fix.suggest import suggestions

    found = suggestions(result)
    for f, res in pairs:
        s = found.get(id(f))
        if s is None:
            continue
        by_file: dict[str, list[so.Replacement]] = {}
        for c in s.changes:
            region = so.Region(
                start_line=c.start_line,
                start_column=c.start_col,
                end_line=c.end_line,
                end_column=c.end_col,
            )
            by_file.setdefault(c.file, []).append(
                so.Replacement(
                    deleted_region=region, inserted_content=so.ArtifactContent(text=c.new)
                )
            )
        changes = []
        for file, replacements in by_file.items():
            uri, base = _uri(paths(file))
            changes.append(
                so.ArtifactChange(
                    artifact_location=so.ArtifactLocation(uri=uri, uri_base_id=base),
                    replacements=replacements,
                )
            )
        res.fixes = [so.Fix(description=so.Message(text=s.description), artifact_changes=changes)]


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
            res.baseline_state = state
        results.append(res)
        pairs.append((f, res))
    _attach_fixes(pairs, result, paths)
    notifications = [
        so.Notification(
            message=so.Message(text=_clip(f.message)),
            level="error",
            locations=[_location(f.range, paths, f.address)],
            descriptor=so.ReportingDescriptorReference(id=f.rule_id),
        )
        for f in result.findings
        if f.incomplete
    ]
    if left_out:
        lowest = min((f.severity for f in findings), default=None)
        notifications.append(
            so.Notification(
                message=so.Message(
                    text=f"{left_out:,} results are left out of this file to stay within "
                    "GitHub code scanning's limits (25,000 results a run, 10 MB compressed): "
                    f"the {len(results):,} most severe are kept"
                    + (f" (down to {lowest.label})" if lowest is not None else "")
                    + "; `soc2lint scan --format json` lists every finding"
                ),
                level="warning",
            )
        )
    if shown_note:
        notifications.append(
            so.Notification(
                message=so.Message(
                    text=f"{len(results):,} results: GitHub code scanning shows the first "
                    f"{SHOWN_RESULTS:,} of a run and ignores the rest, so the results are "
                    "written most severe first"
                ),
                level="note",
            )
        )
    invocation = so.Invocation(execution_successful=not result.incomplete)
    if notifications:
        invocation.tool_execution_notifications = notifications
    run = so.Run(
        tool=so.Tool(
            driver=so.ToolComponent(
                name="soc2lint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_rule_descriptor(r) for r in rules],
            )
        ),
        invocations=[invocation],
        results=results,
        column_kind="unicodeCodePoints",
        original_uri_base_ids={
            SRCROOT: so.ArtifactLocation(
                description=so.Message(
                    text="The repository root: the git top level of the scanned paths, else "
                    "the scanned directory. Result URIs are relative to it."
                )
            )
        },
    )
    if category:
        run.automation_details = so.RunAutomationDetails(id=_automation_id(category))
    log = so.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    data = to_sarif_dict(log)
    # "$schema" first, as readers expect
    ordered = {"$schema": data.pop("$schema"), **data}
    return dumps_indented(ordered) + "\n", left_out

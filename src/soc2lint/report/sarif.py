"""SARIF 2.1.0 that GitHub code scanning accepts and shows well.

The objects are built with sarif-om's typed classes; serialisation is our
own (:func:`to_sarif_dict`) because sarif-om's companion serializer drops
every field equal to its default, including ``result.level = "warning"``,
which consumers then read as the rule's default level, and because
sarif-om's ``Suppression.state`` is not in the final schema (``status`` is).

GitHub specifics: one run; every rule that ran in ``tool.driver.rules`` with
``help.markdown``, ``security-severity`` and tags; results with explicit
``level``, relative ``artifactLocation.uri`` + ``uriBaseId``, the resource
address as a logical location, and ``partialFingerprints`` derived from rule
+ address + attribute path so alerts survive line moves.  Suppressed results
are left out unless asked for, because GitHub ignores SARIF suppressions.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attr
import sarif_om as so

from .. import __version__
from ..docs import FAMILY_TITLES, page_name, rule_page
from ..model import Finding, Range, Related
from ..rule import Rule
from .common import dumps_indented

if TYPE_CHECKING:
    from ..engine import ScanResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/soc2lint/soc2lint"
DOCS_URI = "https://github.com/soc2lint/soc2lint/blob/main/docs/rules/"
SRCROOT = "%SRCROOT%"

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
    if path.startswith("/"):
        return "file://" + quote(path), None
    return quote(path, safe="/"), SRCROOT


def _region(r: Range) -> so.Region:
    region = so.Region(start_line=max(1, r.start_line), start_column=max(1, r.start_col))
    end_line = r.end_line or r.start_line
    if end_line >= r.start_line:
        region.end_line = end_line
    if r.end_col and (end_line > r.start_line or r.end_col > r.start_col):
        region.end_column = r.end_col
    return region


def _location(
    r: Range, address: str | None = None, message: str | None = None, loc_id: int | None = None
) -> so.Location:
    uri, base = _uri(r.file)
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
        help_uri=DOCS_URI + page_name(r),
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


def _related_locations(rel: tuple[Related, ...]) -> list[so.Location]:
    return [_location(x.range, x.address, x.message, i + 1) for i, x in enumerate(rel)]


def _result(f: Finding, index: int, include_suppression: bool) -> so.Result:
    message = f.message
    if f.related:
        # GitHub links related locations that the message mentions
        message += (
            " Related: "
            + ", ".join(f"[{x.address or x.message}]({i + 1})" for i, x in enumerate(f.related))
            + "."
        )
    res = so.Result(
        message=so.Message(text=message),
        rule_id=f.rule_id,
        rule_index=index,
        level=f.severity.sarif_level,
        kind="fail",
        locations=[_location(f.range, f.address)],
        partial_fingerprints={
            "primaryLocationLineHash": f"{f.fingerprint[:16]}:1",
            "soc2lint/v1": f.fingerprint,
        },
        properties={
            "severity": f.severity.label,
            "address": f.address,
            "attributePath": f.attr_path,
            **({"fix": f.fix} if f.fix else {}),
            **({"unresolved": True} if f.unresolved else {}),
        },
    )
    if f.related:
        res.related_locations = _related_locations(f.related)
    if f.code_flow:
        res.code_flows = [
            so.CodeFlow(
                message=so.Message(text=f"internet exposure path to {f.address}"),
                thread_flows=[
                    so.ThreadFlow(
                        locations=[
                            so.ThreadFlowLocation(
                                location=_location(h.range, h.address, h.message),
                                execution_order=i,
                                nesting_level=0,
                            )
                            for i, h in enumerate(f.code_flow)
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
            s.location = _location(f.suppression.range)
        res.suppressions = [s]
    return res


def render_sarif(result: ScanResult, *, include_suppressed: bool = False) -> str:
    rules = sorted(result.rules_run, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    findings = [
        f for f in result.findings if not f.baselined and (include_suppressed or not f.suppressed)
    ]
    results = []
    for f in findings:
        if f.rule_id not in index:
            r = result.registry.by_id.get(f.rule_id)
            if r is None:
                continue
            rules.append(r)
            index[r.id] = len(rules) - 1
        results.append(_result(f, index[f.rule_id], include_suppressed))
    notifications = [
        so.Notification(
            message=so.Message(text=f.message),
            level="error",
            locations=[_location(f.range, f.address)],
            descriptor=so.ReportingDescriptorReference(id=f.rule_id),
        )
        for f in result.findings
        if f.incomplete
    ]
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
        automation_details=so.RunAutomationDetails(id="soc2lint/"),
    )
    log = so.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    data = to_sarif_dict(log)
    # "$schema" first, as readers expect
    ordered = {"$schema": data.pop("$schema"), **data}
    return dumps_indented(ordered) + "\n"

"""From what rules and front ends report to located, fingerprinted findings.

A rule yields :class:`~soc2lint.rule.Report` objects (a node and an attribute
path); :func:`finding_from_report` points them at a file and line through the
one location resolver, :meth:`soc2lint.model.Node.location_of` (RULES.md,
"Location"), and gives them their rule's metadata and fix text.  Front-end
diagnostics (parse errors...) and the engine's own problems become findings of
the reserved rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from .frontend import Diagnostic
from .model import Finding, Language, Node, Origin, Range, Related, Severity, format_path
from .registry import Registry
from .rule import RelatedRef, Report, Rule
from .system_rules import MODULE_NOT_LOADED, RULE_ERROR

if TYPE_CHECKING:
    from .graph import ResourceGraph

#: a finding as a root's and its plan's both give it: (root scope, rule, address, attribute)
PlanKey = tuple[str, str, str, str]


def scope_first_files(nodes: Iterable[Node]) -> dict[str, str]:
    """The first file of each scope: where a configuration-wide finding points."""
    out: dict[str, str] = {}
    for n in nodes:
        cur = out.get(n.scope)
        if cur is None or n.range.file < cur:
            out[n.scope] = n.range.file
    return out


def finding_from_report(
    rep: Report,
    r: Rule,
    scope_files: Mapping[str, str],
    fallback: str,
    graph: ResourceGraph | None = None,
) -> Finding:
    node = rep.node
    severity = rep.severity or r.severity
    related = tuple(map(related_location, rep.related)) if rep.related else ()
    flow = tuple(map(related_location, rep.code_flow)) if rep.code_flow else ()
    if node is None:
        scope = rep.scope or (sorted(scope_files)[0] if scope_files else "")
        rng = rep.range or Range(scope_files.get(scope, fallback), 1, 1)
        return Finding(
            rule_id=r.id,
            slug=r.slug,
            severity=severity,
            message=rep.message,
            address=rep.address or ".",
            range=rng,
            scope=scope,
            attr_path="",
            kind="",
            fix=rep.fix or r.fix_for(None),
            related=related,
            code_flow=flow,
            unresolved=rep.unresolved,
            properties=dict(rep.properties),
        )
    rng = rep.range if rep.range is not None else node.location_of(rep.path)
    message = rep.message
    cdk = node.meta.get("cdk_path")
    if cdk and "CDK" not in message:
        message = f"{message} (CDK construct {cdk})"
    existence = node.existence_note if not rep.unresolved else ""
    if existence and existence not in message:
        message = f"{message} ({existence})"
    if rep.range is None:
        message, rng, related = where_the_fix_goes(node, rep.path, message, rng, related, graph)
    return Finding(
        rule_id=r.id,
        slug=r.slug,
        severity=severity,
        message=message,
        address=rep.address or node.address,
        range=rng,
        scope=node.scope,
        attr_path=format_path(rep.path),
        kind=node.kind,
        fix=rep.fix or r.fix_for(node.language),
        related=related,
        code_flow=flow,
        unresolved=rep.unresolved,
        properties=dict(rep.properties),
    )


#: a module call variable's address: ``module.db.var.encrypted`` -> (``module.db``, ``encrypted``)
_MODULE_VAR = re.compile(r"^(?P<call>.*module\.[^.]+(?:\[[^\]]*\])?)\.var\.(?P<name>[^.]+)$")


def _origin(node: Node, path: tuple[object, ...]) -> Origin | None:
    """Where the value at ``path`` (or the nearest written parent) came from, if elsewhere."""
    origins = node.origins
    if not origins:
        return None
    p = tuple(path)
    while p:
        o = origins.get(p)  # type: ignore[arg-type]
        if o is not None:
            return o
        p = p[:-1]
    return None


@functools.lru_cache(maxsize=4096)
def outside_repository(file: str) -> bool:
    """A file ``terraform init`` or ``cdk synth`` wrote, usually git-ignored: a pull
    request annotation or a code scanning alert cannot show it."""
    f = "/" + file.replace("\\", "/")
    return "/.terraform/modules/" in f or "/cdk.out/" in f


def _at_line(r: Range) -> Range:
    return Range(r.file, r.start_line, r.start_col, r.start_line, 0)


def where_the_fix_goes(
    node: Node,
    path: tuple[object, ...],
    message: str,
    rng: Range,
    related: tuple[Related, ...],
    graph: ResourceGraph | None,
) -> tuple[str, Range, tuple[Related, ...]]:
    """Across module boundaries (RULES.md, "Location"): a value a module's caller passes,
    or a module default its caller relies on, is named with a related location; a
    finding inside a downloaded module points at the module call in the repository,
    the module's own line becoming a related location."""
    extra: list[Related] = []
    origin = _origin(node, path)
    if origin is not None and origin.range is not None and origin.range != rng:
        o_rng = origin.range
        at = f"{o_rng.file}:{o_rng.start_line}"
        m = _MODULE_VAR.match(origin.address or "")
        if " input " in origin.via:
            note = f"set by {origin.via} at {at}"
            extra.append(
                Related(_at_line(o_rng), f"the value is set here ({origin.via})", origin.address)
            )
        elif m is not None:
            call, name = m.group("call"), m.group("name")
            note = f"{call} does not set `{name}`: the module's default at {at} applies"
            site = graph.find(node.scope, call) if graph is not None else None
            if site is not None:
                extra.append(
                    Related(_at_line(site.range), f"{call} relies on the default of `{name}`", call)
                )
            extra.append(
                Related(_at_line(o_rng), f"the default of `{name}` in the module", origin.address)
            )
        elif origin.via.startswith("stack ") and " parameter " in origin.via:
            note = f"passed as {origin.via} at {at}"
            extra.append(
                Related(_at_line(o_rng), f"the value is passed here ({origin.via})", origin.address)
            )
        else:
            note = ""
            extra.append(
                Related(_at_line(o_rng), f"the value comes from {origin.via}", origin.address)
            )
        if note and note not in message:
            message = f"{message} ({note})"
    if outside_repository(rng.file) and graph is not None:
        for call in reversed(node.meta.get("module_calls") or []):
            site = graph.find(node.scope, call)
            if site is not None and not outside_repository(site.range.file):
                extra.insert(
                    0, Related(rng, f"in the module {call} uses: {node.address}", node.address)
                )
                rng = _at_line(site.range)
                break
    if not extra:
        return message, rng, related
    seen = {x.range for x in related}
    fresh = [x for x in extra if x.range not in seen and x.range != rng]
    return message, rng, (*related, *fresh)


def related_location(ref: RelatedRef) -> Related:
    node: Node = ref.node
    rng = (
        node.location_of(ref.path)
        if ref.path
        else Range(
            node.range.file, node.range.start_line, node.range.start_col, node.range.start_line, 0
        )
    )
    return Related(range=rng, message=ref.message or node.address, address=node.address)


def diagnostic_finding(d: Diagnostic, registry: Registry) -> Finding:
    r = registry.by_id.get(d.rule_id)
    sev = r.severity if r else Severity.HIGH
    return Finding(
        rule_id=d.rule_id,
        slug=r.slug if r else d.rule_id.lower(),
        severity=sev,
        message=d.message,
        address=d.address,
        range=d.range,
        scope=d.scope,
        incomplete=bool(r and r.incomplete),
        fix=r.fix_for(language_of(d.range.file)) if r else "",
    )


#: calls of one unloaded source named in the message (the JSON lists every one)
_CALLS_SHOWN = 5


def diagnostic_findings(
    diagnostics: Sequence[Diagnostic], registry: Registry, *, allow_unloaded: bool = False
) -> list[Finding]:
    """The findings of the front ends' diagnostics.  A module, nested stack or macro that
    could not be loaded (SYS006) is reported once per distinct source, at its first call,
    with the number of calls and the list of them (``properties``); it makes the scan
    incomplete unless ``allow_unloaded`` (``--allow-unloaded-modules``)."""
    out: list[Finding] = []
    groups: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.rule_id != MODULE_NOT_LOADED.id:
            out.append(diagnostic_finding(d, registry))
            continue
        key = d.source or f"{d.scope}\0{d.address}\0{d.message}"
        groups.setdefault(key, []).append(d)
    for calls in groups.values():
        calls.sort(key=lambda d: (d.range.file, d.range.start_line, d.range.start_col, d.address))
        first = calls[0]
        f = diagnostic_finding(first, registry)
        f.incomplete = not allow_unloaded
        if first.source:
            others = [f"{d.address} ({d.range.file}:{d.range.start_line})" for d in calls[1:]]
            if others:
                shown = ", ".join(others[:_CALLS_SHOWN])
                more = len(others) - _CALLS_SHOWN
                tail = f" and {more} more" if more > 0 else ""
                f.message += f"; {len(calls)} calls use this source (also {shown}{tail})"
            f.properties = {
                "source": first.source,
                "calls": len(calls),
                "call_list": [
                    {
                        "address": d.address,
                        "root": d.scope,
                        "file": d.range.file,
                        "line": d.range.start_line,
                    }
                    for d in calls
                ],
                "roots": sorted({d.scope for d in calls}),
            }
        out.append(f)
    return out


def language_of(path: str) -> Language:
    """The language of a file, by its name (for a diagnostic's fix text)."""
    low = path.lower()
    if low.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl", ".tfbackend")):
        return "terraform"
    return "cloudformation"


def rule_error_finding(r: Rule, exc: Exception, fallback_file: str) -> Finding:
    """A rule that raised: its control was not checked (SYS002, the scan is incomplete)."""
    return Finding(
        rule_id=RULE_ERROR.id,
        slug=RULE_ERROR.slug,
        severity=RULE_ERROR.severity,
        message=(
            f"rule {r.id} ({r.slug}) raised {type(exc).__name__}: {exc}; its control "
            "was not checked (run with --debug for the traceback)"
        ),
        address=r.id,
        range=Range(fallback_file, 1, 1),
        incomplete=True,
        fix=RULE_ERROR.fix_for(None),
    )


def system_finding(r: Rule, message: str, address: str, rng: Range, scope: str) -> Finding:
    """A finding of a reserved rule the engine reports itself (suppression problems...)."""
    return Finding(
        rule_id=r.id,
        slug=r.slug,
        severity=r.severity,
        message=message,
        address=address,
        range=rng,
        scope=scope,
        fix=r.fix_for(None),
    )


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: the same fingerprint, message and place once."""
    seen: set[tuple[str | int, ...]] = set()
    out = []
    for f in findings:
        # what the fingerprint hashes, without hashing it; the range by its fields (a
        # Range hashes in Python: ~20 ms of 70 on 68k findings)
        r = f.range
        key = (
            f.rule_id,
            f.scope,
            f.address,
            f.attr_path,
            f.message,
            r.file,
            r.start_line,
            r.start_col,
            r.end_line,
            r.end_col,
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def plan_wins(findings: list[Finding], plan_dirs: Mapping[str, str]) -> list[Finding]:
    """A directory holding a root's ``.tf`` files and its plan JSON reports each problem
    once: where both give the same finding (rule, address, attribute), the plan's is
    kept, its values being the ones Terraform decided.  What only the ``.tf`` files
    show stays (an optional attribute the plan leaves "known after apply" has the
    provider's default there).  ``plan_dirs``: plan scope -> the root scope beside it."""
    if not plan_dirs:
        return findings
    return without_planned(findings, plan_dirs, planned(findings, plan_dirs))


def planned(findings: Iterable[Finding], plan_dirs: Mapping[str, str]) -> set[PlanKey]:
    """What the plans in ``plan_dirs`` report, keyed as the root beside each would."""
    return {
        (plan_dirs[f.scope], f.rule_id, f.address, f.attr_path)
        for f in findings
        if f.scope in plan_dirs
    }


def without_planned(
    findings: list[Finding], plan_dirs: Mapping[str, str], keys: set[PlanKey]
) -> list[Finding]:
    """``findings`` less those of a root that its plan reports too (:func:`planned`);
    ``soc2lint history`` takes the keys from every part, and filters unit by unit."""
    roots = set(plan_dirs.values())
    return [
        f
        for f in findings
        if f.scope not in roots or (f.scope, f.rule_id, f.address, f.attr_path) not in keys
    ]


def fails(finding: Finding, threshold: Severity | None) -> bool:
    """Does ``finding`` fail a run with ``--fail-on threshold``?  An unloaded module
    accepted with allow-unloaded-modules (SYS006 that is not incomplete) is listed, not
    failed on; one that is not accepted makes the scan incomplete (exit 3) instead."""
    return threshold is not None and finding.severity >= threshold and finding.rule_id != "SYS006"

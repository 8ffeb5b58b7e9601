"""Code several LOG rules share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from soc2lint.model import Attr, Node, Range
from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.settings import ALARM_ACTIONS_ENABLED
from soc2lint.views.logging import TrailInfo, trails, unloaded_modules


def is_blank(a: Attr) -> bool:
    """Not written, null, or an empty string / list."""
    if a.missing:
        return True
    v = a.value
    return (isinstance(v, str) and not v.strip()) or (isinstance(v, list) and not v)


GENERIC_HINTS = ("security", "baseline", "audit", "logging", "monitoring", "account")


def control_location(ctx: Context, hints: Sequence[str]) -> tuple[str | None, Range | None]:
    """(scope, range) of the file that would hold an account-level control.

    The first file (in a stable order) whose name mentions the control
    (``guardduty.tf``), else one that reads like an account baseline
    (``security.tf``, ``audit.yaml``), else ``main.tf`` of the first root;
    ``(None, None)`` lets the engine choose the root's first file.
    """
    files: dict[str, str] = {}
    for n in ctx.graph.nodes(None, category=None):
        files.setdefault(n.file, n.scope)
    ordered = sorted(files)
    for group in (tuple(hints), GENERIC_HINTS):
        for f in ordered:
            base = f.rsplit("/", 1)[-1].lower().replace("_", "").replace("-", "")
            if any(h in base for h in group):
                return files[f], Range(f, 1, 1, 1, 0)
    for f in ordered:
        if f.rsplit("/", 1)[-1] == "main.tf":
            return files[f], Range(f, 1, 1, 1, 0)
    return None, None


def alarm_notifies(node: Node) -> bool | None:
    """The alarm has alarm actions and actions are enabled (None when unknown)."""
    enabled = ALARM_ACTIONS_ENABLED.read(node).ok
    if enabled is False:
        return False
    actions = node.attr(tf="alarm_actions", cfn="AlarmActions")
    if actions.missing:
        return False
    if actions.unknown:
        return None
    if isinstance(actions.value, list):
        if not actions.value:
            return False
        return True if enabled is True else None
    # a single string
    return True if enabled is True else None


def join_names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


AUDIT_TRAIL = "A. Audit Trail"


MONITORING = "C. Logging and Monitoring"


def trail_related(info: TrailInfo) -> RelatedRef:
    return RelatedRef(
        info.trail, info.bucket_attr.path, f"CloudTrail trail {info.trail.address} delivers here"
    )


def first_line(node: Node) -> Range:
    """The first line of a node, where a configuration-wide finding about it points."""
    r = node.range
    return Range(r.file, r.start_line, r.start_col, r.start_line, 0)


def bucket_trails(ctx: Context) -> tuple[list[tuple[Node, list[TrailInfo]]], list[Report]]:
    """Each bucket of the configuration that receives a trail's logs, with those trails.

    Also the --strict reports of trails whose bucket is not in the configuration.
    """
    by_bucket: dict[str, tuple[Node, list[TrailInfo]]] = {}
    unresolved: list[Report] = []
    for info in trails(ctx.graph):
        if info.bucket_unresolved:
            unresolved.extend(ctx.unresolved(info.trail, info.bucket_attr, "the trail's bucket"))
            continue
        for b in info.buckets:
            by_bucket.setdefault(b.id, (b, []))[1].append(info)
    return [by_bucket[k] for k in sorted(by_bucket)], unresolved


def account_unknown(ctx: Context, what: str) -> Iterator[Report]:
    """Under --strict, say that an account control may be inside a module that was not read."""
    for m in unloaded_modules(ctx.graph)[:1]:
        yield from ctx.unresolved(
            m, ("source",) if m.category == "module" else ("TemplateURL",), what
        )


def sam(node: Node, sam_type: str) -> bool:
    return node.meta.get("sam_type") == sam_type or node.type == sam_type


def block_state(node: Node, a: Attr, block: str) -> bool | None:
    """Whether a block/property is written: True, False, or None when unknown."""
    if a.unknown or block in (node.meta.get("dynamic_unknown") or ()):
        return None
    return not (a.missing or a.value in ([], {}))

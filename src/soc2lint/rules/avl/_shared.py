"""Code several AVL rules share."""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Unknown, to_int
from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.views.network import (
    ASG,
    CLASSIC_LB,
    NetworkModel,
    Targets,
    ZoneSpan,
    network_model,
    span_of_zones,
    zone_label,
)

CHECKLIST = "F. Multi-AZ / Failover"


def _engine(node: Node, default: str | None = None) -> str | Unknown | None:
    """The engine, lower-cased; ``default`` when not written; Unknown when unknown."""
    a = node.attr(tf="engine", cfn="Engine")
    if a.missing:
        return default
    if isinstance(a.value, Unknown):
        return a.value
    return str(a.value).lower() if isinstance(a.value, str) else Unknown(repr(a.value))


def members_text(members: list[Node]) -> str:
    if not members:
        return "no instances"
    names = ", ".join(m.address for m in members[:4])
    more = f" and {len(members) - 4} more" if len(members) > 4 else ""
    return f"{len(members)} instance{'s' if len(members) != 1 else ''} ({names}{more})"


def int_attr(a: Attr) -> int | Unknown | None:
    if a.missing:
        return None
    if isinstance(a.value, Unknown):
        return a.value
    n = to_int(a.value)
    return n if n is not None else Unknown(repr(a.value))


TSC = ("A1.2",)


def zones_text(span: ZoneSpan) -> str:
    if not span.zones:
        return ""
    return " (" + ", ".join(zone_label(z) for z in span.zones) + ")"


def subnet_names(targets: Targets) -> str:
    names = [n.address for n in targets.nodes] + list(dict.fromkeys(targets.literals))
    return ", ".join(names[:6]) + (" ..." if len(names) > 6 else "")


def literal_zones(attr: Attr) -> ZoneSpan | None:
    """Zones written by name (`availability_zones`), None when unknown."""
    if attr.unknown:
        return None
    values = attr.value if isinstance(attr.value, list) else [attr.value]
    if any(not isinstance(v, str) for v in values):
        return span_of_zones([None] * len(values), len(values) or None)
    return span_of_zones([("name", v) for v in values], len(set(values)))


def placement(model: NetworkModel, node: Node) -> tuple[Attr, Targets, ZoneSpan] | None:
    """Where a group, node group, service or load balancer places its members."""
    subnets = model.subnets_of(node)
    if subnets.written and subnets.attr is not None:
        return subnets.attr, subnets, model.zone_span(subnets)
    zones = node.attr(tf="availability_zones", cfn="AvailabilityZones")
    if node.kind in (ASG, CLASSIC_LB) and zones.present:
        span = literal_zones(zones)
        if span is None:
            return zones, Targets((), False, True, zones), ZoneSpan(0, None)
        return zones, Targets((), True, True, zones), span
    return None


def check_spread(ctx: Context, kinds: tuple[str, ...], what: dict[str, str]) -> Iterator[Report]:
    model = network_model(ctx.graph)
    for node in ctx.graph.nodes(kinds):
        placed = placement(model, node)
        if placed is None:
            continue
        attr, subnets, span = placed
        verdict = span.fewer_than_two
        if verdict is None:
            yield from ctx.unresolved(node, attr, "the availability zones of its subnets")
            continue
        if not verdict:
            continue
        n = span.upper if span.upper is not None else span.lower
        label = what.get(node.kind, "resource")
        listed = subnet_names(subnets)
        where = f"its subnets ({listed})" if listed else "its zones"
        yield ctx.finding(
            node,
            attr,
            f"{node.address}: {label} {where} lie in {n} availability zone"
            f"{'' if n == 1 else 's'}{zones_text(span)}; one zone outage takes it down",
            related=[RelatedRef(s, (), f"subnet {s.address}") for s in subnets.nodes],
        )

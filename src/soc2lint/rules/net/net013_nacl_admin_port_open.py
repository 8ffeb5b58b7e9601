from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Literal

from soc2lint.model import Node, Path, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.network import NaclEntry, is_anywhere

from ._shared import ADMIN_NAMES, ADMIN_PORTS, CHECKLIST, TSC, _model

FAMILIES: tuple[Literal["ipv4", "ipv6"], ...] = ("ipv4", "ipv6")


@rule(
    id="NET013",
    slug="nacl-admin-port-open",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::EC2::NetworkAcl",
        "aws_default_network_acl",
        "AWS::EC2::NetworkAclEntry",
        what="network ACLs and their entries",
    ),
    control="Network ACLs do not admit SSH or RDP from the internet.",
    fix={
        "terraform": "Add a lower-numbered `deny` entry for ports 22 and 3389 from "
        "`0.0.0.0/0`, or narrow the allow entry's `cidr_block`.",
        "cloudformation": "Add a lower-numbered `RuleAction: deny` entry for ports 22 and 3389 "
        "from `0.0.0.0/0`, or narrow the allow entry's `CidrBlock`.",
    },
)
def nacl_admin_port_open(ctx: Context) -> Iterator[Report]:
    """Network ACL admits SSH or RDP from anywhere.

    What it checks:
        Ingress entries of network ACLs (inline `ingress` blocks of
        `aws_network_acl`/`aws_default_network_acl`, `aws_network_acl_rule`
        with `egress = false` (the default), `AWS::EC2::NetworkAclEntry` with
        `Egress: false` (the default)) that allow `0.0.0.0/0` or `::/0` to TCP
        22 or 3389 (TCP or UDP). Protocols are read as names or numbers (`6`
        TCP, `17` UDP, `-1` all; for -1 the port range is ignored). Entries are
        evaluated as AWS does, in ascending rule number, first match wins: a
        lower-numbered `deny` for the same traffic from anywhere means no
        finding for that port. An entry that could decide but has an unknown
        number, action, protocol, port or CIDR, or an entry of the scope whose
        ACL cannot be resolved, makes the answer unknown.
    Why it matters for SOC 2:
        Checklist G expects defence in depth for administrative ports: the
        subnet-level ACL should not admit SSH/RDP from the internet (CC6.6).
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl_rule
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-network-acl-entry.html
    """
    model = _model(ctx)
    acls: dict[str, Node] = {}
    for e in model.nacl_entries():
        if e.acl is not None:
            acls.setdefault(e.acl.id, e.acl)
        elif e.egress is not True and e.action == "allow" and is_anywhere(e.cidr):
            # the entry's ACL is outside the configuration or unresolvable: a
            # lower-numbered deny may exist there
            yield from ctx.unresolved(e.holder, e.cidr_path, "the entry's network ACL")
    for acl in sorted(acls.values(), key=lambda n: n.id):
        hits: dict[int, list[int]] = defaultdict(list)
        entries: dict[int, NaclEntry] = {}
        unknown = False
        for port, protocols in ADMIN_PORTS.items():
            for family in FAMILIES:
                d = model.nacl_decision(acl, port, family=family, protocols=protocols)
                if d.allowed is None:
                    unknown = True
                elif d.allowed and d.entry is not None:
                    key = id(d.entry)
                    entries[key] = d.entry
                    if port not in hits[key]:
                        hits[key].append(port)
        # one finding per resource holding the entries (inline blocks of one ACL
        # share it; IPv4 and IPv6 allow-all entries are one problem)
        by_holder: dict[str, list[tuple[NaclEntry, list[int]]]] = defaultdict(list)
        for key, ports in hits.items():
            e = entries[key]
            by_holder[e.holder.id].append((e, ports))
        for found in by_holder.values():
            found.sort(key=lambda item: item[0].number or 0)
            yield _nacl_finding(ctx, found)
        if unknown and not hits:
            yield from ctx.unresolved(acl, (), "the ACL's entries")


def _nacl_finding(ctx: Context, found: list[tuple[NaclEntry, list[int]]]) -> Report:
    first = found[0][0]
    at: Path = first.path if first.path else first.cidr_path
    ports = sorted({p for _, ps in found for p in ps})
    listed = ", ".join(f"{p} ({ADMIN_NAMES[p]})" for p in ports)
    what = "; ".join(
        f"{'ingress entry' if e.path else 'entry'} {e.number} allows {e.ports_text()} from {e.cidr}"
        for e, _ in found
    )
    return ctx.finding(
        first.holder,
        at,
        f"{first.holder.address}: {what}, admitting {listed} from anywhere with no "
        "lower-numbered deny",
        related=()
        if first.acl is None or first.acl is first.holder
        else (RelatedRef(first.acl, (), f"network ACL {first.acl.address}"),),
    )

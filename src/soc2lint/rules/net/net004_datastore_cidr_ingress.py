from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views.network import DATASTORE_KINDS, NetworkModel
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, _model, _rule_name, group_related, rule_at


def _datastore_groups(model: NetworkModel) -> dict[str, tuple[Node, list[Node]]]:
    """security group id -> (group, data stores it is attached to)."""
    out: dict[str, tuple[Node, list[Node]]] = {}
    seen: set[str] = set()
    for ds in model.datastores():
        target = ds.network_node
        if target.id in seen:
            continue
        seen.add(target.id)
        for g in model.security_groups_of(target).nodes:
            entry = out.setdefault(g.id, (g, []))
            if target not in entry[1]:
                entry[1].append(target)
    return out


@rule(
    id="NET004",
    slug="datastore-cidr-ingress",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=INGRESS_RULE_HOLDERS,
    control="Data stores admit the application tier's security group, not CIDR ranges.",
    graph=True,
    fix={
        "terraform": "Admit the application tier's security group (`security_groups`, "
        "`referenced_security_group_id`) instead of CIDR ranges on the data store's group.",
        "cloudformation": "Admit the application tier's security group (`SourceSecurityGroupId`) "
        "instead of `CidrIp`/`CidrIpv6` on the data store's group.",
    },
)
def datastore_cidr_ingress(ctx: Context) -> Iterator[Report]:
    """Data store's security group admits CIDR ranges instead of the application tier's group.

    What it checks:
        For every security group attached (through the graph) to a data store
        (RDS instances and clusters, ElastiCache, Redshift, OpenSearch/
        Elasticsearch in a VPC, DocumentDB, Neptune, EFS mount targets, and the
        serverless and other VPC data stores: ElastiCache serverless caches,
        MemoryDB clusters, Redshift Serverless workgroups, DocumentDB elastic
        clusters), every
        ingress rule with a CIDR source. Severity is high when a CIDR is
        public (outside the private ranges of RFC 1918/RFC 6598/RFC 4193, or
        anywhere). The finding names the group (inline rule) or the standalone
        rule resource; the data stores are related locations. Rules whose CIDR
        is unknown are not reported.
    Why it matters for SOC 2:
        Checklist G asks that data stores accept connections only from the tier
        that needs them. A CIDR admits every host in the range, today's and
        tomorrow's, instead of the application tier's identity (CC6.6, CC6.1).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/infrastructure-security.html
        - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html
    """
    model = _model(ctx)
    for gid, (group, stores) in sorted(_datastore_groups(model).items()):
        del gid
        rules, _ = model.rules_of(group, "ingress")
        for r in rules:
            cidrs = [p for p in r.peers if p.kind == "cidr" and p.cidr_class is not None]
            if not cidrs:
                if any(p.kind == "unknown" for p in r.peers):
                    yield from ctx.unresolved(r.holder, rule_at(r), "the rule's source")
                continue
            public = [p for p in cidrs if p.cidr_class in ("public", "anywhere")]
            names = ", ".join(
                f"{s.address} ({DATASTORE_KINDS.get(s.kind, s.kind)})" for s in stores
            )
            ranges = ", ".join(dict.fromkeys(str(p.value) for p in cidrs))
            kind = "public CIDR" if public else "CIDR"
            yield ctx.finding(
                r.holder,
                rule_at(r, (public or cidrs)[0]),
                f"{_rule_name(r)} from {kind} {ranges} reaches {names}; "
                "admit the application tier's security group instead",
                severity=Severity.HIGH if public else None,
                related=(
                    *group_related(r),
                    *(RelatedRef(s, (), f"data store {s.address}") for s in stores),
                ),
            )

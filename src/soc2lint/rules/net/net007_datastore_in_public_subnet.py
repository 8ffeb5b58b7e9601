from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views.network import ATTACH, RDS_INSTANCE
from soc2lint.views.populations import DATASTORES

from ._shared import CHECKLIST, TSC, _model


def _subnet_attr(node: Node) -> tuple[str | None, str | None]:
    spec = ATTACH[node.kind]
    if spec.subnet_group is not None:
        return spec.subnet_group
    return spec.subnets[0]


@rule(
    id="NET007",
    slug="datastore-in-public-subnet",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=DATASTORES,
    control="Data stores are placed in private subnets.",
    graph=True,
    fix={
        "terraform": "Put the data store's subnet group on private subnets (no "
        "`0.0.0.0/0` route to an internet gateway).",
        "cloudformation": "Put the data store's subnet group on private subnets (no "
        "`0.0.0.0/0` route to an internet gateway).",
    },
)
def datastore_in_public_subnet(ctx: Context) -> Iterator[Report]:
    """Data store is placed in a public subnet.

    What it checks:
        For RDS instances (not cluster members: their cluster is checked) and
        clusters, ElastiCache, Redshift, DocumentDB, Neptune, OpenSearch/
        Elasticsearch in a VPC, EFS mount targets, ElastiCache serverless caches
        (`subnet_ids`), MemoryDB clusters (their `aws_memorydb_subnet_group` /
        `AWS::MemoryDB::SubnetGroup`), Redshift Serverless workgroups and
        DocumentDB elastic clusters (`subnet_ids`): whether a subnet of the
        data store's subnet group (or its subnets) has a route table (explicit
        association, else the VPC's main table) sending `0.0.0.0/0` or `::/0`
        to an internet gateway. A subnet, route table or gateway that cannot be
        resolved is unknown. The finding names the data store at its
        subnet-group attribute; the subnet and the route are related.
    Why it matters for SOC 2:
        Checklist G asks that data stores live in private subnets so one
        mistaken security-group rule or public flag does not expose them
        (CC6.6).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_subnet_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-route.html
    """
    model = _model(ctx)
    for ds in model.datastores():
        node = ds.node
        if node.kind == RDS_INSTANCE and model.is_cluster_member(node):
            continue
        if (
            node.kind
            in (
                "AWS::OpenSearchService::Domain",
                "AWS::Elasticsearch::Domain",
            )
            and not node.attr(tf="vpc_options", cfn="VPCOptions").present
        ):
            continue
        subnets = model.subnets_of(node)
        tf, cfn = _subnet_attr(node)
        at = node.attr(tf=tf, cfn=cfn)
        public: list[tuple[Node, RelatedRef]] = []
        unknown = not subnets.complete
        for s in subnets.nodes:
            ir = model.internet_route(s)
            if ir.public and ir.route is not None:
                public.append((s, RelatedRef(ir.route.holder, ir.route.path, ir.route.describe())))
            elif ir.public is None:
                unknown = True
        if public:
            names = ", ".join(s.address for s, _ in public)
            group = model.subnet_group_of(node)
            related: list[RelatedRef] = []
            if group is not None and group.node is not None:
                related.append(RelatedRef(group.node, (), f"subnet group {group.node.address}"))
            for s, route in public:
                related.append(RelatedRef(s, (), f"public subnet {s.address}"))
                related.append(route)
            route0 = public[0][1].message
            yield ctx.finding(
                node,
                at,
                f"{node.address}: {ds.label} is placed in public subnet{'s' if len(public) > 1 else ''} "
                f"{names} ({route0})",
                related=related,
            )
        elif unknown and subnets.written:
            yield from ctx.unresolved(node, at, "the data store's subnets or their routes")

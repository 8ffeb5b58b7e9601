from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.network import DMS_INSTANCE, RDS_CLUSTER, RDS_INSTANCE
from soc2lint.views.populations import RDS

from ._shared import CHECKLIST, TSC, _model, public_access


@rule(
    id="NET006",
    slug="datastore-publicly-accessible",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        *RDS,
        "AWS::Redshift::Cluster",
        "AWS::RedshiftServerless::Workgroup",
        "AWS::DMS::ReplicationInstance",
        what="RDS, Redshift and DMS instances, Redshift Serverless workgroups",
    ),
    control="Databases are not publicly accessible.",
    fix={
        "terraform": "Set `publicly_accessible = false`.",
        "cloudformation": "Set `PubliclyAccessible: false` explicitly.",
    },
)
def datastore_publicly_accessible(ctx: Context) -> Iterator[Report]:
    """Database is publicly accessible.

    What it checks:
        `publicly_accessible`/`PubliclyAccessible` true on RDS instances
        (Aurora members included: the flag lives on the instance), Multi-AZ DB
        clusters, Redshift clusters, Redshift Serverless workgroups
        (`aws_redshiftserverless_workgroup`, `AWS::RedshiftServerless::Workgroup`:
        the endpoint belongs to the workgroup, not the namespace; default false)
        and DMS replication instances.
        Defaults follow the documentation, which differs by language:
        Terraform's provider defaults all of them to false (the Redshift
        default was true up to provider v5 and is false from v6); AWS DMS
        documents `PubliclyAccessible` as defaulting to true, so a CloudFormation
        `AWS::DMS::ReplicationInstance` without it is reported; for a
        CloudFormation RDS instance without it, CreateDBInstance makes the
        instance public when its subnet group's VPC has an internet gateway
        attached, which is reported when the template shows both, and is
        unknown otherwise. RULES.md states only the explicit `true`; the
        documented defaults win.
    Why it matters for SOC 2:
        Checklist G keeps data stores off the internet; a public endpoint
        leaves only the security group between the database and the world
        (CC6.6, CC6.1).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dms-replicationinstance.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dms_replication_instance
    """
    model = _model(ctx)
    kinds = (
        RDS_INSTANCE,
        RDS_CLUSTER,
        "AWS::Redshift::Cluster",
        "AWS::RedshiftServerless::Workgroup",
        DMS_INSTANCE,
    )
    for node in ctx.graph.nodes(kinds):
        pa = public_access(model, node)
        if pa is None:
            continue
        if pa.public is None:
            if pa.attr.present:
                yield from ctx.unresolved(node, pa.attr)
            continue
        if pa.public:
            effect = (
                "the replication instance gets a public IP address"
                if node.kind == DMS_INSTANCE
                else "the database gets a public endpoint"
            )
            yield ctx.finding(
                node, pa.attr, f"{node.address}: {pa.reason}; {effect}", related=pa.related
            )

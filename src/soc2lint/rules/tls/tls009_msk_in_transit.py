from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import MSK_IN_CLUSTER

from ._shared import CHECKLIST, TSC, _upper


@rule(
    id="TLS009",
    slug="msk-in-transit",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::MSK::Cluster", what="MSK clusters"),
    control="MSK clusters encrypt traffic in transit.",
    fix={
        "terraform": (
            'Set `encryption_info { encryption_in_transit { client_broker = "TLS", '
            "in_cluster = true } }` (or leave both unset: TLS and true are the defaults)."
        ),
        "cloudformation": (
            "Set `EncryptionInfo: {EncryptionInTransit: {ClientBroker: TLS, InCluster: true}}` "
            "(or leave them unset)."
        ),
    },
)
def msk_in_transit(ctx: Context) -> Iterator[Report]:
    """MSK cluster allows unencrypted traffic.

    What it checks:
        `aws_msk_cluster` / `AWS::MSK::Cluster`:
        `encryption_info.encryption_in_transit.client_broker` /
        `EncryptionInfo.EncryptionInTransit.ClientBroker` other than `TLS`
        (`TLS_PLAINTEXT` and `PLAINTEXT` accept plaintext clients), and `in_cluster`
        / `InCluster` false. One finding per problem, at its attribute. Absent values
        take the defaults `TLS` and `true` (Terraform provider and MSK API) and pass.

        MSK Serverless clusters (`aws_msk_serverless_cluster`,
        `AWS::MSK::ServerlessCluster`) always use TLS and have no setting to check.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": event streams carry business data;
        plaintext listeners or unencrypted replication between brokers expose it in
        transmission (CC6.7).
    References:
        - https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/msk_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-encryptionintransit.html
    """
    for cluster in ctx.graph.nodes("AWS::MSK::Cluster"):
        broker = cluster.attr(
            tf="encryption_info.encryption_in_transit.client_broker",
            cfn="EncryptionInfo.EncryptionInTransit.ClientBroker",
        )
        if broker.unknown:
            yield from ctx.unresolved(cluster, broker)
        elif broker.known and _upper(broker.value) not in (None, "TLS"):
            yield ctx.finding(
                cluster,
                broker,
                f"{cluster.address}: `{cluster.spelled(tf='client_broker', cfn='ClientBroker')}` is "
                f"{describe_value(broker.value)}, so clients can connect without TLS",
            )
        inside = MSK_IN_CLUSTER.read(cluster)
        if inside.attr.unknown:
            yield from ctx.unresolved(cluster, inside.attr)
        elif inside.ok is False:
            yield ctx.finding(
                cluster,
                inside.attr,
                f"{cluster.address}: `{cluster.spelled(tf='in_cluster', cfn='InCluster')}` is "
                f"{inside.shown}, so traffic between brokers is not encrypted",
            )

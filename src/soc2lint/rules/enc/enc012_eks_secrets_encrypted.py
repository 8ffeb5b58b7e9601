from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import Attr, Severity, Unknown, describe_value
from soc2lint.rule import Context, Report, rule
from soc2lint.views.encryption import blocks
from soc2lint.views.populations import EKS_CLUSTERS

from ._shared import CHECKLIST, TSC


@rule(
    id="ENC012",
    slug="eks-secrets-encrypted",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=EKS_CLUSTERS,
    control="EKS clusters encrypt Kubernetes secrets with a customer KMS key.",
    fix={
        "terraform": 'Add `encryption_config { resources = ["secrets"]  provider { key_arn = '
        "aws_kms_key.eks.arn } }` to the `aws_eks_cluster`.",
        "cloudformation": "Add `EncryptionConfig: [{Resources: [secrets], Provider: {KeyArn: "
        "...}}]` to the `AWS::EKS::Cluster`.",
    },
)
def eks_secrets_encrypted(ctx: Context) -> Iterator[Report]:
    """EKS cluster does not encrypt Kubernetes secrets with your KMS key.

    What it checks:
        `aws_eks_cluster` must have an `encryption_config` whose `resources` include
        `secrets` (with `provider.key_arn`); `AWS::EKS::Cluster` an
        `EncryptionConfig` entry whose `Resources` include `secrets`. Since
        March 2025 EKS applies default envelope encryption to all Kubernetes API
        data of clusters on Kubernetes 1.28 or later, but with an AWS-owned key that
        you cannot audit, restrict or revoke; the control asks for envelope
        encryption of secrets with a customer-managed KMS key.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" and "Key Management"; CC6.1 and C1.1. Kubernetes
        secrets hold database passwords and tokens; with your own key, decrypting
        them requires a KMS permission you grant and CloudTrail records.
    References:
        - https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
        - https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-cluster.html
    """
    for node in ctx.graph.nodes("AWS::EKS::Cluster"):
        configs = node.attr(tf="encryption_config", cfn="EncryptionConfig")
        if configs.unknown:
            yield from ctx.unresolved(node, configs)
            continue
        entries = blocks(node, configs.path_str)
        if not entries:
            name = configs.path_str
            yield ctx.finding(
                node,
                configs,
                f"{node.address}: no `{name}`; Kubernetes secrets are not envelope-encrypted "
                "with a KMS key you control",
            )
            continue
        dynamic = "encryption_config" in (node.meta.get("dynamic_unknown") or ())
        covered = False
        unknown_seen = dynamic
        last: Attr = entries[0]
        for entry in entries:
            res = entry.child(node.spelled(tf="resources", cfn="Resources"))
            last = res if res.present else entry
            if entry.unknown or res.unknown:
                unknown_seen = True
                continue
            values: list[Any] = res.value if isinstance(res.value, list) else [res.value]
            if "secrets" in values:
                covered = True
                break
            if any(isinstance(v, Unknown) for v in values):
                unknown_seen = True
        if covered:
            continue
        if unknown_seen:
            yield from ctx.unresolved(node, last)
            continue
        yield ctx.finding(
            node,
            last,
            f"{node.address}: `{last.path_str}` is {describe_value(last.value)}; "
            'it does not include "secrets", so Kubernetes secrets are not envelope-encrypted '
            "with a KMS key you control",
        )

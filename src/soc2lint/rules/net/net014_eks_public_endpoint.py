from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity, Unknown
from soc2lint.rule import Context, Report, rule
from soc2lint.views.network import EKS_CLUSTER, is_anywhere
from soc2lint.views.populations import EKS_CLUSTERS

from ._shared import CHECKLIST, TSC


@rule(
    id="NET014",
    slug="eks-public-endpoint",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=EKS_CLUSTERS,
    control="EKS API endpoints are private or limited to known networks.",
    fix={
        "terraform": "Set `vpc_config { endpoint_public_access = false }` (with "
        "`endpoint_private_access = true`), or restrict `public_access_cidrs`.",
        "cloudformation": "Set `ResourcesVpcConfig.EndpointPublicAccess: false` (with "
        "`EndpointPrivateAccess: true`), or restrict `PublicAccessCidrs`.",
    },
)
def eks_public_endpoint(ctx: Context) -> Iterator[Report]:
    """EKS API endpoint is public and open to the whole internet.

    What it checks:
        `aws_eks_cluster` `vpc_config` / `AWS::EKS::Cluster`
        `ResourcesVpcConfig`: the public endpoint is enabled
        (`endpoint_public_access`/`EndpointPublicAccess`, default true) and
        `public_access_cidrs`/`PublicAccessCidrs` is unset or empty (EKS then
        uses `0.0.0.0/0`) or contains `0.0.0.0/0` (or `::/0`). Unknown values
        are not reported.
    Why it matters for SOC 2:
        Checklist G and CC6.6: the Kubernetes API controls every workload of
        the cluster; it should be reachable only from the VPC or known
        networks.
    References:
        - https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
        - https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-resourcesvpcconfig.html
    """
    for c in ctx.graph.nodes(EKS_CLUSTER):
        cfg = c.attr(tf="vpc_config", cfn="ResourcesVpcConfig")
        if cfg.unknown:
            yield from ctx.unresolved(c, cfg)
            continue
        public = c.attr(
            tf="vpc_config.endpoint_public_access", cfn="ResourcesVpcConfig.EndpointPublicAccess"
        )
        if public.present:
            flag = public.as_bool()
            if flag is None:
                yield from ctx.unresolved(c, public)
                continue
            if not flag:
                continue
        cidrs = c.attr(
            tf="vpc_config.public_access_cidrs", cfn="ResourcesVpcConfig.PublicAccessCidrs"
        )
        if cidrs.unknown:
            yield from ctx.unresolved(c, cidrs)
            continue
        values = (
            cidrs.value
            if isinstance(cidrs.value, list)
            else ([] if cidrs.missing else [cidrs.value])
        )
        state = "enabled" if public.present else "enabled by default"
        if not values:
            at = public
            yield ctx.finding(
                c,
                at,
                f"{c.address}: the public API endpoint is {state} and `"
                f"{c.spelled(tf='public_access_cidrs', cfn='PublicAccessCidrs')}` is not set "
                "(EKS defaults to 0.0.0.0/0)",
            )
            continue
        open_idx = [i for i, v in enumerate(values) if is_anywhere(v)]
        if open_idx:
            at_path: Path = (*cidrs.path, open_idx[0])
            if at_path not in c.locations:
                at_path = cidrs.path
            yield ctx.finding(
                c,
                at_path,
                f"{c.address}: the public API endpoint is {state} and open to "
                f"{values[open_idx[0]]}",
            )
        elif any(isinstance(v, Unknown) for v in values):
            yield from ctx.unresolved(c, cidrs)

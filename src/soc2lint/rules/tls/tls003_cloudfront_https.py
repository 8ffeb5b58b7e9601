from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import Attr, Node, Severity, describe_value, to_bool
from soc2lint.rule import Context, Report, rule
from soc2lint.views import tls
from soc2lint.views.populations import CLOUDFRONT

from ._shared import CHECKLIST, TSC


@rule(
    id="TLS003",
    slug="cloudfront-https",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=CLOUDFRONT,
    control="CloudFront distributions serve viewers over HTTPS with TLS 1.2 or later.",
    fix={
        "terraform": (
            'Set `viewer_protocol_policy = "redirect-to-https"` (or `"https-only"`) in every '
            'cache behaviour, and `minimum_protocol_version = "TLSv1.2_2021"` in '
            "`viewer_certificate` when a custom certificate is used."
        ),
        "cloudformation": (
            "Set `ViewerProtocolPolicy: redirect-to-https` (or `https-only`) in "
            "`DefaultCacheBehavior` and every `CacheBehaviors` entry, and "
            "`MinimumProtocolVersion: TLSv1.2_2021` in `ViewerCertificate` with a custom "
            "certificate."
        ),
    },
)
def cloudfront_https(ctx: Context) -> Iterator[Report]:
    """CloudFront distribution serves viewers over HTTP or old TLS.

    What it checks:
        `aws_cloudfront_distribution` / `AWS::CloudFront::Distribution`: the default
        cache behaviour and every ordered cache behaviour with
        `viewer_protocol_policy = "allow-all"` (high, one finding per behaviour, at
        that behaviour); and, with a custom certificate (`acm_certificate_arn` /
        `iam_certificate_id`), a `viewer_certificate.minimum_protocol_version` older
        than `TLSv1.2_2019` (medium). An absent minimum protocol version on a custom
        certificate is `TLSv1`, the Terraform provider's and CloudFront API's
        default, and fails. The default CloudFront certificate
        (`cloudfront_default_certificate = true`) always allows TLSv1 and cannot be
        configured, so it is not a finding.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": viewers must reach the edge over HTTPS with
        TLS 1.2 or later; `allow-all` serves content and cookies over plain HTTP,
        and old security policies accept TLS 1.0/1.1 (CC6.7).
    References:
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/APIReference/API_ViewerCertificate.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_distribution
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distribution-viewercertificate.html
    """
    for dist in ctx.graph.nodes("AWS::CloudFront::Distribution"):
        behaviours: list[Attr] = [
            *dist.attrs_at(
                tf="default_cache_behavior.viewer_protocol_policy",
                cfn="DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy",
            ),
            *dist.attrs_at(
                tf="ordered_cache_behavior[].viewer_protocol_policy",
                cfn="DistributionConfig.CacheBehaviors[].ViewerProtocolPolicy",
            ),
        ]
        for a in behaviours:
            if a.unknown:
                yield from ctx.unresolved(dist, a)
                continue
            if isinstance(a.value, str) and a.value.strip().lower() == "allow-all":
                is_default = "default_cache_behavior" in a.path or "DefaultCacheBehavior" in a.path
                pattern = None if is_default else _behaviour_pattern(dist, a)
                which = "default cache behaviour" if is_default else "cache behaviour"
                if pattern:
                    which = f"cache behaviour {pattern}"
                yield ctx.finding(
                    dist,
                    a,
                    f'{dist.address}: {which} has viewer protocol policy "allow-all", so '
                    "viewers can use plain HTTP",
                )
        yield from _cloudfront_certificate(ctx, dist)


def _behaviour_pattern(dist: Node, a: Attr) -> str | None:
    parent = a.path[:-1]
    value: Any = dist.attrs
    for p in parent:
        if isinstance(value, dict) and isinstance(p, str):
            value = value.get(p)
        elif isinstance(value, list) and isinstance(p, int) and 0 <= p < len(value):
            value = value[p]
        else:
            return None
    if isinstance(value, dict):
        pattern = value.get("path_pattern", value.get("PathPattern"))
        if isinstance(pattern, str):
            return f'"{pattern}"'
    return None


def _cloudfront_certificate(ctx: Context, dist: Node) -> Iterator[Report]:
    base = dist.spelled(tf="viewer_certificate", cfn="DistributionConfig.ViewerCertificate")
    cert = dist.attr(base)
    if cert.missing:
        return  # no certificate block: the CloudFront default certificate

    def in_certificate(tf: str, cfn: str) -> Attr:
        return dist.attr(f"{base}.{dist.spelled(tf=tf, cfn=cfn)}")

    default_cert = in_certificate("cloudfront_default_certificate", "CloudFrontDefaultCertificate")
    acm = in_certificate("acm_certificate_arn", "AcmCertificateArn")
    iam = in_certificate("iam_certificate_id", "IamCertificateId")
    minimum = in_certificate("minimum_protocol_version", "MinimumProtocolVersion")
    if default_cert.unknown:
        yield from ctx.unresolved(dist, default_cert)
        return
    if default_cert.present and to_bool(default_cert.value) is True:
        return
    if not (acm.present or iam.present):
        return
    name = dist.spelled(tf="minimum_protocol_version", cfn="MinimumProtocolVersion")
    if minimum.missing:
        yield ctx.finding(
            dist,
            minimum,
            f"{dist.address}: custom viewer certificate without `{name}` uses "
            f"{tls.CLOUDFRONT_DEFAULT_MINIMUM}, older than {tls.CLOUDFRONT_REQUIRED_MINIMUM}",
            severity=Severity.MEDIUM,
        )
        return
    if not minimum.known:
        yield from ctx.unresolved(dist, minimum)
        return
    if tls.cloudfront_policy_below_required(minimum.value):
        yield ctx.finding(
            dist,
            minimum,
            f"{dist.address}: viewer certificate `{name}` is {describe_value(minimum.value)}, "
            f"older than {tls.CLOUDFRONT_REQUIRED_MINIMUM}",
            severity=Severity.MEDIUM,
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, open_from_anywhere


@rule(
    id="NET001",
    slug="sg-admin-port-open",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=INGRESS_RULE_HOLDERS,
    control="SSH and RDP are not open to the internet.",
    fix={
        "terraform": "Remove `0.0.0.0/0`/`::/0` from the rule admitting port 22/3389; reach "
        "instances through SSM Session Manager, or admit a bastion's security group.",
        "cloudformation": "Remove `CidrIp: 0.0.0.0/0`/`CidrIpv6: ::/0` from the rule admitting "
        "port 22/3389; use SSM Session Manager or a bastion's `SourceSecurityGroupId`.",
    },
)
def sg_admin_port_open(ctx: Context) -> Iterator[Report]:
    """Security group admits SSH or RDP from anywhere.

    What it checks:
        Every ingress rule, however written (inline `ingress` blocks, including
        expanded `dynamic` blocks, `aws_security_group_rule`,
        `aws_vpc_security_group_ingress_rule`, CloudFormation
        `SecurityGroupIngress` lists and `AWS::EC2::SecurityGroupIngress`),
        whose source is `0.0.0.0/0` or `::/0` and whose port range covers 22
        (TCP) or 3389 (TCP or UDP). Protocol `-1`/`all` covers every port
        ("If you select a protocol of -1 ... all ports"). A rule whose CIDR
        cannot be resolved is not "from anywhere". The finding names the
        security group for inline rules (pointing at the rule block) and the
        standalone rule resource otherwise (pointing at its CIDR). One rule,
        one finding: a rule open on every port is NET003's, one that also
        covers a database port NET002's (its message names 22/3389 too).
    Why it matters for SOC 2:
        Checklist G asks for administrative access to be restricted; CC6.6
        requires logical access from outside the system boundary to be limited.
        SSH and RDP open to the internet are brute-forced within minutes.
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group_rule
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html
    """
    yield from open_from_anywhere(ctx)

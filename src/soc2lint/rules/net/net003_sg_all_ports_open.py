from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, open_from_anywhere


@rule(
    id="NET003",
    slug="sg-all-ports-open",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=INGRESS_RULE_HOLDERS,
    control="No security group admits all traffic from the internet.",
    fix={
        "terraform": 'Replace the all-traffic rule (`protocol = "-1"` or 0-65535) from the '
        "internet with rules for the ports the service needs.",
        "cloudformation": "Replace the all-traffic rule (`IpProtocol: -1` or 0-65535) from the "
        "internet with rules for the ports the service needs.",
    },
)
def sg_all_ports_open(ctx: Context) -> Iterator[Report]:
    """Security group admits all traffic from anywhere.

    What it checks:
        Ingress rules (all shapes) from `0.0.0.0/0` or `::/0` with protocol
        `-1`/`all`, or TCP or UDP over the whole port range (0-65535; 1-65535
        counts too, port 0 being reserved). The EC2 API opens every port for
        protocol -1 whatever `from_port`/`to_port` say. One rule, one finding:
        such a rule is reported here only, not by NET001 or NET002 (unless the
        scan leaves NET003 out), and the message names the administration and
        database ports it opens.
    Why it matters for SOC 2:
        CC6.6 and checklist G require that only the network services a system
        needs are reachable; an all-traffic rule from the internet exposes every
        service on the instance, including ones nobody knows are listening.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group_rule
        - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html
    """
    yield from open_from_anywhere(ctx)

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, _model, _rule_name, group_related, rule_at


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
        protocol -1 whatever `from_port`/`to_port` say.
    Why it matters for SOC 2:
        CC6.6 and checklist G require that only the network services a system
        needs are reachable; an all-traffic rule from the internet exposes every
        service on the instance, including ones nobody knows are listening.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group_rule
        - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html
    """
    for r in _model(ctx).sg_rules("ingress"):
        anywhere = r.anywhere_peers()
        unknown_peer = any(p.kind == "unknown" for p in r.peers)
        if not anywhere and not unknown_peer:
            continue
        covered = r.covers_all_ports()
        if anywhere and covered:
            sources = ", ".join(dict.fromkeys(str(p.value) for p in anywhere))
            yield ctx.finding(
                r.holder,
                rule_at(r, anywhere[0]),
                f"{_rule_name(r)} from {sources}: every port is open to the internet",
                related=group_related(r),
            )
        elif (anywhere and covered is None) or (unknown_peer and covered is not False):
            at = rule_at(r, next((p for p in r.peers if p.kind == "unknown"), None))
            yield from ctx.unresolved(r.holder, at, "the rule's source or ports")

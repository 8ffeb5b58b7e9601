from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Path, Severity, Unknown
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.populations import SG_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, _model, _rule_name


@rule(
    id="NET015",
    slug="sg-rule-without-description",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        *SG_RULE_HOLDERS,
        "AWS::EC2::SecurityGroupEgress",
        what="security groups and their standalone rules",
    ),
    control="Every security group rule says why it exists.",
    fix={
        "terraform": 'Add `description = "why this rule exists"` to the rule.',
        "cloudformation": "Add `Description: why this rule exists` to the rule.",
    },
)
def sg_rule_without_description(ctx: Context) -> Iterator[Report]:
    """Security group rule has no description.

    What it checks:
        Every ingress and egress rule, in every shape (inline blocks of
        `aws_security_group` and `aws_default_security_group`, expanded
        `dynamic` blocks, `aws_security_group_rule`,
        `aws_vpc_security_group_ingress_rule`/`_egress_rule`, CloudFormation
        `SecurityGroupIngress`/`SecurityGroupEgress` entries and standalone
        resources) without a `description`/`Description`, or with an empty one.
        A group's own description does not describe its rules. Unknown
        descriptions are not reported.
    Why it matters for SOC 2:
        Checklist G asks that every firewall rule's business justification be
        documented; reviewers and auditors read it in the rule itself (CC6.6,
        CC8.1).
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html
    """
    for r in _model(ctx).sg_rules():
        d = r.description
        if isinstance(d, Unknown):
            yield from ctx.unresolved(r.holder, r.description_path, "the rule's description")
            continue
        if isinstance(d, str) and d.strip():
            continue
        empty = isinstance(d, str)
        at: Path = r.description_path if empty else r.path
        yield ctx.finding(
            r.holder,
            at,
            f"{_rule_name(r)} "
            f"{'from' if r.direction == 'ingress' else 'to'} "
            f"{', '.join(p.describe() for p in r.peers[:3]) or 'nowhere'} has "
            f"{'an empty description' if empty else 'no description'}",
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.network import DEFAULT_SECURITY_GROUP, SgRule

from ._shared import CHECKLIST, TSC, _model


@rule(
    id="NET005",
    slug="default-security-group-open",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("aws_default_security_group", what="default security groups"),
    control="The VPC's default security group has no rules.",
    fix={
        "terraform": "Manage the default security group with no `ingress` and no `egress` "
        'blocks (`resource "aws_default_security_group" "default" { vpc_id = ... }`).',
    },
)
def default_security_group_open(ctx: Context) -> Iterator[Report]:
    """The VPC's default security group has rules.

    What it checks:
        `aws_default_security_group` resources with any `ingress` or `egress`
        block (expanded `dynamic` blocks included), and standalone rules
        (`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`,
        `aws_vpc_security_group_egress_rule`) attached to one, each reported
        on the rule resource. The default group is
        attached to every instance, endpoint or ENI created without a security
        group; with no rules it admits nothing. When Terraform adopts the
        default group it removes the AWS-created rules, so a resource with no
        blocks leaves it closed. A dynamic block over an unknown collection is
        unknown. CloudFormation cannot manage the default group, so the rule is
        Terraform-only.
    Why it matters for SOC 2:
        Checklist G and CIS AWS 5.4 ask that the default security group
        restrict all traffic, so nothing gets network access by omission
        (CC6.6).
    References:
        - https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group
    """
    model = _model(ctx)
    for group in ctx.graph.nodes(DEFAULT_SECURITY_GROUP):
        # standalone rule resources attached to the default group: the fix is
        # to remove them, so each is named
        all_rules, _ = model.rules_of(group)
        standalone: dict[str, list[SgRule]] = {}
        for r in all_rules:
            if not r.inline and r.holder.id != group.id:
                standalone.setdefault(r.holder.id, []).append(r)
        for found in standalone.values():
            holder = found[0].holder
            yield ctx.finding(
                holder,
                (),
                f"{holder.address}: adds a rule ({_rule_summary(found)}) to the default "
                f"security group {group.address}; without rules, resources that fall back "
                "to it get no network access",
                related=[RelatedRef(group, (), "the default security group")],
            )
        blocks: list[Attr] = []
        for key in ("ingress", "egress"):
            blocks += [a for a in group.attrs_at(f"{key}[]") if isinstance(a.value, dict)]
        if not blocks:
            continue
        dyn = set(group.meta.get("dynamic_unknown") or ())
        written = [a for a in blocks if a.path[0] not in dyn]
        if not written:
            yield from ctx.unresolved(group, blocks[0], "the default group's dynamic rules")
            continue
        rules = [r for r in all_rules if r.inline and r.holder.id == group.id]
        first = min(written, key=lambda a: group.location_of(a.path))
        yield ctx.finding(
            group,
            first,
            f"{group.address}: the default security group has {len(written)} "
            f"rule{'s' if len(written) != 1 else ''} ({_rule_summary(rules)}); without "
            "rules, resources that fall back to it get no network access",
        )


def _rule_summary(rules: list[SgRule]) -> str:
    return ", ".join(
        f"{r.direction} {r.ports_text()}"
        + (
            f" {'from' if r.direction == 'ingress' else 'to'} {r.peers[0].describe()}"
            if r.peers
            else ""
        )
        for r in rules[:4]
    )

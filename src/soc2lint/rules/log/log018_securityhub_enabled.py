from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity
from soc2lint.rule import ACCOUNT_BASELINE, Context, Report, rule
from soc2lint.views.logging import unloaded_modules

from ._shared import MONITORING, account_unknown, control_location


def _evidence_of(ctx: Context, prefixes: tuple[str, ...]) -> list[Node]:
    """Resources or data sources of a service (by kind prefix) other than the control itself."""
    out = []
    for kind in ctx.graph.kinds():
        if kind.startswith(prefixes):
            out.extend(ctx.graph.nodes(kind, category=None))
    return [n for n in out if n.category in ("resource", "data")]


@rule(
    id="LOG018",
    slug="securityhub-enabled",
    severity=Severity.LOW,
    tsc=("CC7.2", "CC4.1"),
    checklist=MONITORING,
    subjects=ACCOUNT_BASELINE,
    control="Security Hub is enabled in the account baseline.",
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_securityhub_account" "main" {}` to the account baseline.',
        "cloudformation": "Add an `AWS::SecurityHub::Hub` to the account baseline.",
    },
)
def securityhub_enabled(ctx: Context) -> Iterator[Report]:
    """Security Hub is not enabled in the account baseline.

    What it checks:
        Account scope: an `aws_securityhub_account` / `AWS::SecurityHub::Hub`
        must exist. Other Security Hub resources (a standards subscription, a
        product subscription, an organization configuration) can only exist
        where Security Hub is enabled and count too. A hub that may not exist
        (unknown `count` or `Condition`) or a module that was not loaded make
        the answer unknown. The finding names the configuration (`.`).
    Why it matters for SOC 2:
        Security Hub runs the AWS Foundational and CIS checks continuously and
        gathers GuardDuty, Inspector and Access Analyzer findings in one place
        for review (checklist C, CC7.2, CC4.1).
    References:
        - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/securityhub_account
    """
    hubs = ctx.graph.nodes("AWS::SecurityHub::Hub")
    if any(not h.may_not_exist for h in hubs):
        return
    evidence = [
        n for n in _evidence_of(ctx, ("aws_securityhub_", "AWS::SecurityHub::")) if n not in hubs
    ]
    if any(not n.may_not_exist for n in evidence):
        return
    if hubs or evidence:
        for h in [*hubs, *evidence][:1]:
            yield from ctx.unresolved(h, (), "whether the Security Hub resource exists")
        return
    if unloaded_modules(ctx.graph):
        yield from account_unknown(ctx, "Security Hub inside a module that was not loaded")
        return
    scope, rng = control_location(ctx, ("securityhub", "security-hub", "security"))
    yield ctx.config_finding(
        "Security Hub is not enabled: no aws_securityhub_account / AWS::SecurityHub::Hub in "
        "the configuration",
        scope=scope,
        range=rng,
    )

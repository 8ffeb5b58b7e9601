from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity
from soc2lint.rule import ACCOUNT_BASELINE, Context, RelatedRef, Report, rule
from soc2lint.settings import GUARDDUTY_ENABLED
from soc2lint.views.logging import unloaded_modules

from ._shared import MONITORING, account_unknown, control_location


@rule(
    id="LOG017",
    slug="guardduty-enabled",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "CC7.3"),
    checklist=MONITORING,
    subjects=ACCOUNT_BASELINE,
    control="GuardDuty is enabled in the account baseline.",
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_guardduty_detector" "main" { enable = true }` to '
        "the account baseline.",
        "cloudformation": "Add an `AWS::GuardDuty::Detector` with `Enable: true` to the "
        "account baseline.",
    },
)
def guardduty_enabled(ctx: Context) -> Iterator[Report]:
    """GuardDuty is not enabled in the account baseline.

    What it checks:
        Account scope: at least one `aws_guardduty_detector` /
        `AWS::GuardDuty::Detector` that is enabled (`enable`, default true in
        the provider; `Enable`, required in CloudFormation). A detector whose
        `enable` is unknown or that may not exist, a `data
        "aws_guardduty_detector"` (the detector exists, managed elsewhere), or
        a module that was not loaded make the answer unknown. The finding names
        the configuration (`.`); it points at a disabled detector when there
        is one.
    Why it matters for SOC 2:
        GuardDuty is the threat detection the checklist expects (checklist C):
        it analyses CloudTrail, VPC flow logs and DNS logs for compromised
        credentials and instances (CC7.2, CC7.3).
    References:
        - https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html
        - https://docs.aws.amazon.com/guardduty/latest/APIReference/Welcome.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/guardduty_detector
    """
    detectors = ctx.graph.nodes("AWS::GuardDuty::Detector")
    disabled: list[tuple[Node, Attr]] = []
    unknown: list[tuple[Node, Attr]] = []
    for d in detectors:
        r = GUARDDUTY_ENABLED.read(d)
        e, on = r.attr, r.ok
        if on is True and not d.may_not_exist:
            return
        (disabled if on is False else unknown).append((d, e))
    if unknown:
        for d, e in unknown:
            yield from ctx.unresolved(d, e, "whether GuardDuty is enabled")
        return
    if ctx.graph.nodes("data.aws_guardduty_detector", category="data"):
        return
    if unloaded_modules(ctx.graph):
        yield from account_unknown(ctx, "a GuardDuty detector inside a module that was not loaded")
        return
    if disabled:
        d, e = disabled[0]
        yield ctx.config_finding(
            f"GuardDuty is not enabled: detector {d.address} is disabled (`{e.path_str}` is false)",
            scope=d.scope,
            range=d.location_of(e.path),
            related=[RelatedRef(n, a.path, "disabled detector") for n, a in disabled],
        )
        return
    scope, rng = control_location(ctx, ("guardduty", "detection", "threat"))
    yield ctx.config_finding(
        "GuardDuty is not enabled: no GuardDuty detector in the configuration",
        scope=scope,
        range=rng,
    )

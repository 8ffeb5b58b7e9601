from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import ACCOUNT_BASELINE, Context, RelatedRef, Report, rule
from soc2lint.views.event_data_stores import event_data_stores
from soc2lint.views.logging import trails, unloaded_modules

from ._shared import AUDIT_TRAIL, account_unknown, control_location, first_line


@rule(
    id="LOG007",
    slug="cloudtrail-present",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    subjects=ACCOUNT_BASELINE,
    control="The account baseline has a multi-region CloudTrail trail.",
    account_scope=True,
    fix={
        "terraform": "Add an `aws_cloudtrail` with `is_multi_region_trail = true` to the "
        "account baseline.",
        "cloudformation": "Add an `AWS::CloudTrail::Trail` with `IsMultiRegionTrail: true` "
        "and `IsLogging: true` to the account baseline.",
    },
)
def cloudtrail_present(ctx: Context) -> Iterator[Report]:
    """No multi-region CloudTrail trail in the account baseline.

    What it checks:
        Account scope (`--account-scope`): the scanned configuration, all roots
        together, must hold at least one trail that is multi-region and
        logging (`enable_logging` / `IsLogging` not false), or a CloudTrail Lake
        event data store (`aws_cloudtrail_event_data_store`,
        `AWS::CloudTrail::EventDataStore`) that records write management events
        in every Region and ingests them (the defaults). A trail whose
        settings are unknown, or a module or nested stack that could not be
        read, makes the answer unknown. The finding names the configuration
        (`.`) and points at the existing trail, if any.
    Why it matters for SOC 2:
        Checklist A (Audit Trail): without a trail recording every region there
        is no durable record of who did what in the account (CC7.2). A trail
        with logging turned off records nothing.
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trails.html
        - https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-security-trail-enabled.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    infos = trails(ctx.graph)
    unknown = False
    for info in infos:
        mr, logging = info.multi_region, info.logging
        if mr is True and logging is True and not info.trail.may_not_exist:
            return
        if mr is not False and logging is not False:
            unknown = True
    for store in event_data_stores(ctx.graph):
        verdicts = (store.multi_region, store.management, store.ingesting)
        if all(v is True for v in verdicts) and not store.node.may_not_exist:
            return
        if False not in verdicts:
            unknown = True
    if unknown:
        for info in infos:
            yield from ctx.unresolved(info.trail, (), "whether the trail is multi-region")
        return
    if unloaded_modules(ctx.graph):
        yield from account_unknown(ctx, "a trail inside a module that was not loaded")
        return
    if infos:
        first = infos[0].trail
        detail = "; ".join(
            f"{i.trail.address} is " + ("not logging" if i.logging is False else "single-region")
            for i in infos
        )
        yield ctx.config_finding(
            f"no multi-region CloudTrail trail records the account ({detail})",
            scope=first.scope,
            range=first_line(first),
            related=[RelatedRef(i.trail, (), "trail") for i in infos],
        )
        return
    scope, rng = control_location(ctx, ("cloudtrail", "trail", "audit"))
    yield ctx.config_finding(
        "no CloudTrail trail in the configuration: account activity is not recorded",
        scope=scope,
        range=rng,
    )

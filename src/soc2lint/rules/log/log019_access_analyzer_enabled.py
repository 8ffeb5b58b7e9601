from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity, describe_value
from soc2lint.rule import ACCOUNT_BASELINE, Context, RelatedRef, Report, rule
from soc2lint.views.logging import unloaded_modules

from ._shared import MONITORING, account_unknown, control_location

_EXTERNAL_ACCESS_ANALYZERS = ("ACCOUNT", "ORGANIZATION")


@rule(
    id="LOG019",
    slug="access-analyzer-enabled",
    severity=Severity.LOW,
    tsc=("CC6.1", "CC7.2"),
    checklist=MONITORING,
    subjects=ACCOUNT_BASELINE,
    control="IAM Access Analyzer is enabled in the account baseline.",
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_accessanalyzer_analyzer" "account" { analyzer_name '
        '= "account" }` (type ACCOUNT or ORGANIZATION).',
        "cloudformation": "Add an `AWS::AccessAnalyzer::Analyzer` with `Type: ACCOUNT` (or "
        "`ORGANIZATION`).",
    },
)
def access_analyzer_enabled(ctx: Context) -> Iterator[Report]:
    """IAM Access Analyzer is not enabled in the account baseline.

    What it checks:
        Account scope: an `aws_accessanalyzer_analyzer` /
        `AWS::AccessAnalyzer::Analyzer` for external access must exist: type
        `ACCOUNT` (the provider's default) or `ORGANIZATION`. Unused-access
        analyzers (`*_UNUSED_ACCESS`) report unused permissions, not resources
        shared outside the account, and do not count. An unknown type, an
        analyzer that may not exist, or a module that was not loaded make the
        answer unknown. The finding names the configuration (`.`).
    Why it matters for SOC 2:
        Access Analyzer finds buckets, keys, roles and queues shared with
        other accounts or the public, the review of access the checklist asks
        for (checklist C; CC6.1, CC7.2).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-external.html
        - https://docs.aws.amazon.com/access-analyzer/latest/APIReference/Welcome.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/accessanalyzer_analyzer
    """
    analyzers = ctx.graph.nodes("AWS::AccessAnalyzer::Analyzer")
    unused: list[tuple[Node, Attr]] = []
    unknown: list[tuple[Node, Attr]] = []
    for an in analyzers:
        t = an.attr(tf="type", cfn="Type")
        if t.unknown:
            unknown.append((an, t))
            continue
        kind = str(t.value).upper() if t.present else "ACCOUNT"
        if kind in _EXTERNAL_ACCESS_ANALYZERS:
            if not an.may_not_exist:
                return
            unknown.append((an, t))
        else:
            unused.append((an, t))
    if unknown:
        for an, t in unknown:
            yield from ctx.unresolved(an, t, "the analyzer's type")
        return
    if unloaded_modules(ctx.graph):
        yield from account_unknown(ctx, "an analyzer inside a module that was not loaded")
        return
    if unused:
        an, t = unused[0]
        yield ctx.config_finding(
            f"IAM Access Analyzer for external access is not enabled: {an.address} is of type "
            f"{describe_value(t.value)}, which only reports unused access",
            scope=an.scope,
            range=an.location_of(t.path),
            related=[RelatedRef(n, a.path, "unused-access analyzer") for n, a in unused],
        )
        return
    scope, rng = control_location(ctx, ("accessanalyzer", "access-analyzer", "analyzer", "iam"))
    yield ctx.config_finding(
        "IAM Access Analyzer is not enabled: no analyzer in the configuration",
        scope=scope,
        range=rng,
    )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import REDSHIFT_SNAPSHOT_RETENTION

from ._shared import CHECKLIST


@rule(
    id="BAK006",
    slug="redshift-snapshot-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2",),
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::Redshift::Cluster", what="Redshift clusters"),
    control="Redshift clusters take automated snapshots.",
    fix={
        "terraform": "Set `automated_snapshot_retention_period` to 1 or more (default 1).",
        "cloudformation": "Set `AutomatedSnapshotRetentionPeriod` to 1 or more (default 1).",
    },
)
def redshift_snapshot_retention(ctx: Context) -> Iterator[Report]:
    """Redshift cluster has automated snapshots turned off.

    What it checks:
        `aws_redshift_cluster.automated_snapshot_retention_period` /
        `AWS::Redshift::Cluster` `AutomatedSnapshotRetentionPeriod` set to 0,
        which disables automated snapshots. When not written the default is 1
        day (provider and CloudFormation documentation) and the rule passes.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2: without automated snapshots a
        warehouse cannot be restored to a recent point after corruption or loss.
    References:
        - https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-snapshots.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster#automated_snapshot_retention_period
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-redshift-cluster.html
    """
    for c in ctx.graph.nodes(REDSHIFT_SNAPSHOT_RETENTION.kinds):
        r = REDSHIFT_SNAPSHOT_RETENTION.read(c)
        if r.unknown:
            yield from ctx.unresolved(c, r.attr)
        elif r.value == 0:
            yield ctx.finding(
                c, r.attr, f"{c.address}: `{r.name}` is 0: automated snapshots are turned off"
            )

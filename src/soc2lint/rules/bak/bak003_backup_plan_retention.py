from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import MISSING, Attr, Node, Severity, Unknown, to_int
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.backup import plan_rules

from ._shared import CHECKLIST


@rule(
    id="BAK003",
    slug="backup-plan-retention",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::Backup::BackupPlan", what="AWS Backup plans"),
    control="Backup plans keep recovery points long enough.",
    options=("backup_retention_days",),
    fix={
        "terraform": (
            "Raise `lifecycle { delete_after = ... }` of the rule to at least the required "
            "days (30 by default), or drop `delete_after` to keep recovery points."
        ),
        "cloudformation": (
            "Raise `Lifecycle.DeleteAfterDays` of the rule to at least the required days "
            "(30 by default), or drop it to keep recovery points."
        ),
    },
)
def backup_plan_retention(ctx: Context) -> Iterator[Report]:
    """Backup plan deletes recovery points too early.

    What it checks:
        Every rule of an AWS Backup plan (`aws_backup_plan` `rule`,
        `AWS::Backup::BackupPlan` `BackupPlanRule`) whose lifecycle deletes
        recovery points (`lifecycle.delete_after`, `Lifecycle.DeleteAfterDays`)
        must keep them at least `backup_retention_days` (default 30). A rule
        without a delete-after setting keeps recovery points forever and passes.
        Copy actions are not checked. One finding per offending rule.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy, Recovery Testing), TSC A1.2 and A1.3: the
        retention of backups is a documented commitment; a rule that expires
        recovery points after a week cannot support it.
    References:
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/backup_plan#lifecycle
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-backup-backupplan-lifecycleresourcetype.html
    """
    threshold = int(ctx.option("backup_retention_days"))
    for plan in ctx.graph.nodes("AWS::Backup::BackupPlan"):
        for path, value in plan_rules(plan):
            if value is MISSING or value is None:
                continue
            a = Attr(plan, path, value)
            if isinstance(value, Unknown):
                yield from ctx.unresolved(plan, a)
                continue
            days = to_int(value)
            if days is None:
                yield from ctx.unresolved(plan, a)
                continue
            if days >= threshold:
                continue
            rule_name = _rule_name(plan, path)
            name = plan.spelled(tf="delete_after", cfn="DeleteAfterDays")
            yield ctx.finding(
                plan,
                a,
                f"{plan.address}: rule {rule_name} deletes recovery points after {days} "
                f"day{'s' if days != 1 else ''} (`{name}`); keep them at least {threshold} days",
            )


def _rule_name(plan: Node, path: tuple[Any, ...]) -> str:
    # path is (rule, i, lifecycle, j, delete_after) or
    # (BackupPlan, BackupPlanRule, i, Lifecycle, DeleteAfterDays)
    idx = next(i for i, p in enumerate(path) if isinstance(p, int))  # the rule's index
    rule_path = path[: idx + 1]
    key = plan.spelled(tf="rule_name", cfn="RuleName")
    v = plan.attr((*rule_path, key)).value
    return f'"{v}"' if isinstance(v, str) else f"#{rule_path[-1]}"

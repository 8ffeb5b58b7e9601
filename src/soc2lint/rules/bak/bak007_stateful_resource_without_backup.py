from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.backup import coverage

from ._shared import CHECKLIST


@rule(
    id="BAK007",
    slug="stateful-resource-without-backup",
    severity=Severity.MEDIUM,
    tsc=("A1.2", "A1.3"),
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::EC2::Volume", "AWS::EFS::FileSystem", what="EBS volumes and EFS file systems"
    ),
    control="EBS volumes and EFS file systems are covered by a backup.",
    graph=True,
    fix={
        "terraform": (
            "Select the volume or file system in an `aws_backup_selection` (by ARN or tag), "
            "target its tags with an `aws_dlm_lifecycle_policy`, or add an `aws_efs_backup_policy` "
            'with `status = "ENABLED"`.'
        ),
        "cloudformation": (
            "Select it in an `AWS::Backup::BackupSelection`, target its tags with an "
            "`AWS::DLM::LifecyclePolicy`, or set `BackupPolicy: {Status: ENABLED}` on the "
            "file system."
        ),
    },
)
def stateful_resource_without_backup(ctx: Context) -> Iterator[Report]:
    """EBS volume or EFS file system is not covered by any backup.

    What it checks:
        Every `aws_ebs_volume` / `AWS::EC2::Volume` and `aws_efs_file_system` /
        `AWS::EFS::FileSystem` must be covered by a backup mechanism: an AWS
        Backup selection (by reference, literal or wildcard ARN, `selection_tag`
        / `ListOfTags`, `condition` / `Conditions`, tags including provider
        `default_tags`), an enabled DLM lifecycle policy targeting the volume's
        tags (or the tags of an instance it is attached to), or, for EFS,
        automatic backups (`aws_efs_backup_policy` / `BackupPolicy.Status:
        ENABLED`; they are off by default when a file system is created through
        the API, as Terraform and CloudFormation do). When a mechanism may cover
        the resource but that cannot be decided, no finding.
    Why it matters for SOC 2:
        Checklist F (Backup Strategy), TSC A1.2 and A1.3: data on block and file
        storage must be backed up and restorable like data in databases.
    References:
        - https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
        - https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html
        - https://docs.aws.amazon.com/efs/latest/ug/automatic-backups.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_backup_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-efs-filesystem-backuppolicy.html
    """
    for n in ctx.graph.nodes(("AWS::EC2::Volume", "AWS::EFS::FileSystem")):
        cov = coverage(ctx.graph, n)
        covered = cov.covered
        if covered is True:
            continue
        if covered is None:
            why = cov.undecided[0]
            yield from ctx.unresolved(n, (), f"backup coverage ({why[0].address}: {why[1]})")
            continue
        what = "EBS volume" if n.kind == "AWS::EC2::Volume" else "EFS file system"
        mechanisms = (
            "AWS Backup selection or DLM policy"
            if n.kind == "AWS::EC2::Volume"
            else "AWS Backup selection or enabled EFS backup policy"
        )
        yield ctx.finding(n, (), f"{n.address}: no {mechanisms} covers this {what}")

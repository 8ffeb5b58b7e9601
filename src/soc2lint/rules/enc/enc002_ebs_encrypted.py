from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.views.encryption import (
    INSTANCE_KINDS,
    Decision,
    device_encryption,
    ebs_default_encryption,
    ebs_devices,
    volume_encryption,
)
from soc2lint.views.populations import INSTANCES

from ._shared import CHECKLIST, TSC, report


@rule(
    id="ENC002",
    slug="ebs-encrypted",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds(
        "AWS::EC2::Volume",
        *INSTANCES,
        what="EBS volumes, instances, launch templates and launch configurations",
    ),
    control="EBS volumes and instance block devices are encrypted at rest.",
    graph=True,
    fix={
        "terraform": 'Set `encrypted = true` on the volume or block device (`"true"` in a '
        "launch template's `ebs` block), or turn on `aws_ebs_encryption_by_default` for the "
        "account and region.",
        "cloudformation": "Set `Encrypted: true` on the `AWS::EC2::Volume` or in the "
        "`BlockDeviceMappings[].Ebs` of the instance, launch template or launch configuration.",
    },
)
def ebs_encrypted(ctx: Context) -> Iterator[Report]:
    """EBS volume or block device is not encrypted at rest.

    What it checks:
        `aws_ebs_volume.encrypted`, the `root_block_device` / `ebs_block_device` blocks
        of `aws_instance` and `aws_launch_configuration`, `aws_launch_template`
        `block_device_mappings[].ebs[].encrypted` (a string there: `"true"`), and
        CloudFormation `AWS::EC2::Volume` `Encrypted` and
        `BlockDeviceMappings[].Ebs.Encrypted` of `AWS::EC2::Instance`,
        `AWS::EC2::LaunchTemplate` (`LaunchTemplateData`) and
        `AWS::AutoScaling::LaunchConfiguration`. A declared device without
        `encrypted = true` fails at that device. Not reported: an instance that
        declares no device at all (the AMI's block device mapping applies),
        instance-store devices, and volumes or devices created from a snapshot
        (they inherit its encryption). Nothing is reported when the scanned
        configuration, in any of its roots, turns on `aws_ebs_encryption_by_default`
        (whose `enabled` defaults to true): every new volume in that account and
        region is then encrypted.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" asks for EBS volumes encrypted with KMS; CC6.1 and
        C1.1 expect data on disks and their snapshots protected from access outside
        the instance.
    References:
        - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
        - https://docs.aws.amazon.com/ebs/latest/userguide/work-with-ebs-encr.html#encryption-by-default
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_encryption_by_default
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_volume
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-volume.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html
    """
    default = ebs_default_encryption(ctx.graph)
    if default is True:
        return
    for node in ctx.graph.nodes("AWS::EC2::Volume"):
        d = volume_encryption(node)
        if d.state == "unencrypted" and default is None:
            d = Decision("unknown", d.attr)
        yield from report(ctx, node, d, "encrypted")
    for node in ctx.graph.nodes(INSTANCE_KINDS):
        for dev in ebs_devices(node):
            d = device_encryption(dev)
            if d.state == "unknown" and d.attr is not None:
                yield from ctx.unresolved(node, d.attr)
            elif d.state == "unencrypted" and d.attr is not None:
                if default is None:
                    yield from ctx.unresolved(node, d.attr, "EBS encryption by default")
                    continue
                yield ctx.finding(
                    node,
                    d.attr,
                    f"{node.address}: EBS device `{dev.block.path_str}` {d.note}; the volume "
                    "is not encrypted at rest and the configuration does not turn on EBS "
                    "encryption by default",
                )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.settings import CLOUDTRAIL_LOG_VALIDATION
from soc2lint.views.logging import trails
from soc2lint.views.populations import TRAILS

from ._shared import AUDIT_TRAIL


@rule(
    id="LOG002",
    slug="cloudtrail-log-validation",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    subjects=TRAILS,
    control="CloudTrail trails validate their log files.",
    fix={
        "terraform": "Set `enable_log_file_validation = true` on the trail.",
        "cloudformation": "Set `EnableLogFileValidation: true` on the trail.",
    },
)
def cloudtrail_log_validation(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not validate its log files.

    What it checks:
        Every trail must enable log file integrity validation
        (`enable_log_file_validation` / `EnableLogFileValidation`). Both the
        provider and the CloudTrail API default it to false.
    Why it matters for SOC 2:
        Checklist A (Audit Trail) expects logs that cannot be altered unnoticed.
        Validation makes CloudTrail deliver signed digest files, so an auditor
        can prove that no log file was modified or deleted after delivery
        (CC7.2).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    for info in trails(ctx.graph):
        yield from ctx.require(
            info.trail,
            CLOUDTRAIL_LOG_VALIDATION,
            "{address} does not validate its log files: {problem}",
        )

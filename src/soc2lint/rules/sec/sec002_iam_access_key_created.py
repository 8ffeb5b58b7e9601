from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, Unknown
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule

from ._shared import CHECKLIST_KEYS, TSC


@rule(
    id="SEC002",
    slug="iam-access-key-created",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST_KEYS,
    subjects=of_kinds("AWS::IAM::AccessKey", what="IAM access keys"),
    control="Applications use roles, not long-lived IAM access keys.",
    fix={
        "terraform": (
            "Remove the `aws_iam_access_key`: give the workload an IAM role (instance profile, "
            "task role, Lambda execution role, IRSA / EKS Pod Identity, OIDC federation for CI) "
            "instead of a long-lived key."
        ),
        "cloudformation": (
            "Remove the `AWS::IAM::AccessKey`: give the workload an IAM role (instance profile, "
            "task role, execution role, OIDC federation for CI) instead of a long-lived key."
        ),
    },
)
def iam_access_key_created(ctx: Context) -> Iterator[Report]:
    """Long-lived IAM access key created for an application.

    What it checks:
        Every `aws_iam_access_key` and `AWS::IAM::AccessKey` that exists (a
        `count = 0` resource or a false CloudFormation `Condition` is not created and
        is not reported; an unknown count or condition is unknown), whatever its
        status: the configuration issues a
        long-lived credential to an IAM user. The finding names the key resource.
    Why it matters for SOC 2:
        Checklist A asks for no long-lived access keys; keys created by code end
        up in state files, outputs and CI variables, never expire and are hard to
        attribute, weakening logical access controls (CC6.1). Roles give
        short-lived credentials instead.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
        - https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_identities_unique.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-accesskey.html
    """
    for key in ctx.graph.nodes("AWS::IAM::AccessKey"):
        user = key.attr(tf="user", cfn="UserName")
        users = ctx.graph.targets(key, "AWS::IAM::User")
        if len(users) == 1:
            whom = f" for {users[0].address}"
        elif isinstance(user.value, str):
            whom = f' for IAM user "{user.value}"'
        elif isinstance(user.value, Unknown) and user.value.expr:
            whom = f" for {user.value.expr}"
        else:
            whom = ""
        related = [RelatedRef(u, (), "the key's user") for u in users]
        yield ctx.finding(
            key,
            (),
            f"{key.address}: creates a long-lived access key{whom}; use an IAM role instead",
            related=related,
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, to_int
from soc2lint.rule import ACCOUNT_BASELINE, Context, Report, rule

from ._shared import CHECKLIST, TSC

PASSWORD_POLICY = "aws_iam_account_password_policy"


#: the IAM API's default when MinimumPasswordLength is not given (UpdateAccountPasswordPolicy)
API_DEFAULT_MIN_LENGTH = 6


@rule(
    id="IAM011",
    slug="iam-password-policy",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=ACCOUNT_BASELINE,
    control="The account has a password policy requiring long passwords.",
    account_scope=True,
    options=("min_password_length",),
    fix={
        "terraform": "Declare an `aws_iam_account_password_policy` with "
        "`minimum_password_length = 14` (or more), reuse prevention and complexity.",
    },
)
def iam_password_policy(ctx: Context) -> Iterator[Report]:
    """The account has no password policy, or one allowing short passwords.

    What it checks:
        With `--account-scope`, that the Terraform configuration declares an
        `aws_iam_account_password_policy`, and that its
        `minimum_password_length` is at least `min_password_length` (default
        14). When the argument is absent, the IAM API applies its default of 6
        (UpdateAccountPasswordPolicy), which fails. CloudFormation has no
        password-policy resource: a CloudFormation-only baseline lists this
        control as manual in the evidence pack instead of failing here.
    Why it matters for SOC 2:
        Checklist A asks for a password policy; TSC CC6.1 expects
        authentication strength to be defined and enforced.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
        - https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_account_password_policy
    """
    minimum = to_int(ctx.option("min_password_length"))
    if minimum is None:
        return
    # Terraform roots that manage AWS resources (a root of another cloud is not an AWS baseline)
    tf_scopes = sorted(
        {
            n.scope
            for n in ctx.graph.nodes(None)
            if n.language == "terraform"
            and (n.type.startswith("aws_") or n.kind.startswith("AWS::"))
        }
    )
    if not tf_scopes:
        return
    policies = ctx.graph.nodes(PASSWORD_POLICY)
    if not policies:
        yield ctx.config_finding(
            "no aws_iam_account_password_policy: the account keeps AWS's default password "
            f"rules; declare one with minimum_password_length >= {minimum}",
            scope=tf_scopes[0],
        )
        return
    for policy in policies:
        if policy.may_not_exist:
            yield from ctx.unresolved(policy, (), "whether the password policy exists")
            continue
        a = policy.attr("minimum_password_length")
        if a.missing:
            yield ctx.finding(
                policy,
                a,
                f"{policy.address}: `minimum_password_length` is not set (the IAM default is "
                f"{API_DEFAULT_MIN_LENGTH}); expected at least {minimum}",
            )
            continue
        length = a.as_int()
        if length is None:
            yield from ctx.unresolved(policy, a)
            continue
        if length < minimum:
            yield ctx.finding(
                policy,
                a,
                f"{policy.address}: `minimum_password_length` is {length}; expected at least "
                f"{minimum}",
            )

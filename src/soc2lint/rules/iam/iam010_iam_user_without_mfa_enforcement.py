from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.views.iam import USER, grant_denies_without_mfa, iam_view

from ._shared import CHECKLIST, TSC


@rule(
    id="IAM010",
    slug="iam-user-without-mfa-enforcement",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::IAM::User", what="IAM users"),
    control="IAM users with console access must use MFA.",
    graph=True,
    fix={
        "terraform": "Attach to the user's group a policy with a `Deny` statement conditioned "
        "on `BoolIfExists` `aws:MultiFactorAuthPresent = false` (AWS's "
        '"BlockMostAccessUnlessSignedInWithMFA" example), or use IAM Identity Center.',
        "cloudformation": "Add to the user's group a policy with a `Deny` statement and "
        "`Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: false}}`.",
    },
)
def iam_user_without_mfa_enforcement(ctx: Context) -> Iterator[Report]:
    """An IAM user with console access is not required to use MFA.

    What it checks:
        Every `aws_iam_user`/`AWS::IAM::User` with a console password
        (`aws_iam_user_login_profile`, CloudFormation `LoginProfile`) for a
        policy, attached to the user or to one of its groups (every form
        IAM005 knows, memberships through `aws_iam_group_membership`,
        `aws_iam_user_group_membership`, `Groups`,
        `AWS::IAM::UserToGroupAddition`), with a `Deny` statement conditioned on
        `aws:MultiFactorAuthPresent` being false (`Bool` or `BoolIfExists`).
        When one of the user's policies or groups cannot be resolved, or a
        grant in the configuration could apply to any user, the answer is
        unknown and nothing is reported. AWS managed policies never deny.
    Why it matters for SOC 2:
        Checklist A requires MFA for console users; a password alone does not
        meet the authentication control of TSC CC6.1/CC6.2.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_ec2_require-mfa.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_login_profile
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-user.html
    """
    view = iam_view(ctx.graph)
    for user in ctx.graph.nodes(USER):
        profiles = view.login_profiles.get(user.id)
        if not profiles or all(n.may_not_exist for n, _ in profiles):
            continue
        grants, complete = view.effective_grants(user)
        verdicts = [grant_denies_without_mfa(g) for g in grants]
        if any(v is True for v in verdicts):
            continue
        if not complete or any(v is None for v in verdicts):
            yield from ctx.unresolved(user, (), "the user's policies")
            continue
        profile, ppath = profiles[0]
        groups = view.groups_of_user.get(user.id, [])
        via = f" or its groups ({', '.join(g.address for g in groups)})" if groups else ""
        related = [RelatedRef(profile, ppath, "console password")] if profile is not user else []
        related += [RelatedRef(g, (), "group of the user") for g in groups]
        yield ctx.finding(
            user,
            (),
            f"{user.address}: the user can sign in to the console but no policy of the "
            f"user{via} denies access without MFA (aws:MultiFactorAuthPresent)",
            related=related,
        )

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, Unknown, describe_value
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.secretnames import name_looks_secret, names_secret_location
from soc2lint.views.populations import secret_named_ssm_parameters

from ._shared import CHECKLIST, TSC

#: resources whose ARN, ID or name says where a secret is kept
_STORES = ("aws_secretsmanager_secret.", "aws_ssm_parameter.")


def _holds_location(value: object) -> bool:
    """The parameter's value names a secret store: an ARN or path, or a reference to a
    Secrets Manager secret's or SSM parameter's ARN, ID or name (RULES.md, "Where a
    secret is stored is not a secret")."""
    if isinstance(value, Unknown):
        expr = value.expr.strip()
        return (
            bool(value.refs)
            and all(r.startswith(_STORES) for r in value.refs)
            and (expr.endswith((".arn", ".id", ".name")))
        )
    return names_secret_location(value)


@rule(
    id="ENC013",
    slug="secret-in-plaintext-parameter",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=from_view(
        secret_named_ssm_parameters, what="SSM parameters with secret-looking names"
    ),
    control="SSM parameters holding secrets are stored as SecureString.",
    fix={
        "terraform": 'Set `type = "SecureString"` (with `key_id`) on the `aws_ssm_parameter`, '
        "or keep the secret in Secrets Manager.",
        "cloudformation": "CloudFormation cannot create SecureString parameters: keep the secret "
        "in an `AWS::SecretsManager::Secret` (or create the SecureString outside the template and "
        "read it with a `{{resolve:ssm-secure:...}}` dynamic reference).",
    },
)
def secret_in_plaintext_parameter(ctx: Context) -> Iterator[Report]:
    """SSM parameter with a secret-looking name is stored as plain text.

    What it checks:
        `aws_ssm_parameter` whose `name` looks like a secret (password, secret,
        token, API key, private key, credentials... by
        `soc2lint.secretnames.looks_secret`) and whose `type` is not `SecureString`.
        CloudFormation `AWS::SSM::Parameter` with such a `Name` always fails:
        CloudFormation can only create `String` and `StringList` parameters.
        Names that only refer to a secret (`db_password_arn`, `token_ttl`) and
        names that cannot be resolved are not reported, except a templated name
        whose literal end looks like a secret whatever the interpolation gives
        (`"/${var.env}/db_password"`, `format("/%s/db_password", var.env)`,
        `join("/", [var.env, "db_password"])`, `!Sub /${Stage}/api-token`,
        `!Join ["/", [!Ref Stage, api-token]]`). A parameter whose value names
        where the secret is stored (a Secrets Manager or SSM ARN, a path such
        as `/prod/db_password` or `admin/db_password`, a reference to an
        `aws_secretsmanager_secret`'s ARN or name) is not reported: where a
        secret is stored is not a secret.
    Why it matters for SOC 2:
        Checklist B "Data at Rest" and "No key hardcoding"; CC6.1 and C1.1. A
        `String` parameter is readable by anyone with `ssm:GetParameter`, is not
        encrypted with KMS and shows in the console and in CloudTrail responses.
    References:
        - https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssm_parameter
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html
    """
    for node in ctx.graph.nodes("AWS::SSM::Parameter"):
        name = node.attr(tf="name", cfn="Name")
        if not name_looks_secret(name.value):
            continue
        if _holds_location(node.get(tf="value", cfn="Value")):
            continue  # it holds where the secret is kept (an ARN, a parameter path), not the secret
        shown_name = (
            name.value.expr if isinstance(name.value, Unknown) else describe_value(name.value)
        )
        if node.language == "cloudformation":
            t = node.attr("Type")
            yield ctx.finding(
                node,
                name,
                f"{node.address}: parameter {shown_name} looks like a secret "
                f"but is a {describe_value(t.value) if t.known else 'String'} parameter; "
                "CloudFormation cannot create SecureString parameters, keep it in Secrets "
                "Manager",
            )
            continue
        t = node.attr("type")
        if t.unknown:
            yield from ctx.unresolved(node, t)
            continue
        if t.known and t.value == "SecureString":
            continue
        shown = "is not set" if t.missing else f"is {describe_value(t.value)}"
        yield ctx.finding(
            node,
            t if t.present else name,
            f"{node.address}: parameter {shown_name} looks like a secret but "
            f"`type` {shown}; use SecureString",
        )

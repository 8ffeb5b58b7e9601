from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, to_bool
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.secretnames import looks_secret
from soc2lint.views.populations import secret_named_cfn_parameters

from ._shared import CHECKLIST_HARDCODING, REDACT, TSC


@rule(
    id="SEC005",
    slug="cfn-secret-parameter-noecho",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST_HARDCODING,
    subjects=from_view(
        secret_named_cfn_parameters, what="CloudFormation parameters with secret-looking names"
    ),
    control="CloudFormation secret parameters are hidden (NoEcho).",
    fix={"cloudformation": "Add `NoEcho: true` to the parameter (and give it no `Default`)."},
)
def cfn_secret_parameter_noecho(ctx: Context) -> Iterator[Report]:
    """CloudFormation secret parameter is shown in clear text.

    What it checks:
        CloudFormation parameters whose name looks like a secret (password,
        secret, token, API key, private key, credential...; not names that only
        refer to a secret such as `DBPasswordSecretArn`) without `NoEcho: true`.
        The finding names the parameter, at `NoEcho` when it is written false, else
        at the parameter. Parameters of an SSM type
        (`AWS::SSM::Parameter::Value<...>`) take a parameter name, not the secret,
        and are not findings.
    Why it matters for SOC 2:
        Checklist B "No key hardcoding": without NoEcho, CloudFormation shows the
        value in the console, `DescribeStacks` and change sets to anyone who can
        read the stack, so the secret escapes its access control (CC6.1).
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
    """
    for param in ctx.graph.nodes("parameter", category="parameter"):
        if param.language != "cloudformation":
            continue
        name = param.address.rsplit("/", 1)[-1]
        if not looks_secret(name):
            continue
        ptype = param.attrs.get("Type")
        if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::"):
            continue
        noecho = param.attr("NoEcho")
        if noecho.present and to_bool(noecho.value) is True:
            continue
        shown = "not set" if noecho.missing else f"{noecho.describe()}"
        yield ctx.finding(
            param,
            noecho if noecho.present else (),
            f"{param.address}: secret parameter is displayed in clear text (`NoEcho` is {shown})",
            properties=REDACT,
        )

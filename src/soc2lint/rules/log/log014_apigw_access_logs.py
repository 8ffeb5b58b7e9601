from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Node, Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule

from ._shared import MONITORING, block_state, is_blank, sam


def _access_log_setting(ctx: Context, node: Node, tf: str, cfn: str, what: str) -> Iterator[Report]:
    """A stage-like node must carry an access log setting with a destination."""
    a = node.attr(tf=tf, cfn=cfn)
    state = block_state(node, a, tf)
    if state is None:
        yield from ctx.unresolved(node, a)
        return
    name = a.path_str
    if state is False:
        yield ctx.finding(
            node, a, f"{node.address}: {what} has no access logging (`{name}` is not set)"
        )
        return
    if node.language == "cloudformation":
        dest = a.child("DestinationArn")
        if dest.missing:
            yield ctx.finding(
                node,
                a,
                f"{node.address}: {what} has no access logging (`{name}` has no DestinationArn)",
            )


@rule(
    id="LOG014",
    slug="apigw-access-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    subjects=of_kinds(
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Stage",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Api",
        what="API Gateway stages and what creates them",
    ),
    control="API Gateway stages have access logging.",
    fix={
        "terraform": "Add `access_log_settings { destination_arn = ..., format = ... }` to the "
        "`aws_api_gateway_stage` / `aws_apigatewayv2_stage`.",
        "cloudformation": "Add `AccessLogSetting` (REST stage, SAM `Api`) or "
        "`AccessLogSettings` (HTTP/WebSocket stage, SAM `HttpApi`) with a `DestinationArn`.",
    },
)
def apigw_access_logs(ctx: Context) -> Iterator[Report]:
    """API Gateway stage has no access logging.

    What it checks:
        REST stages (`aws_api_gateway_stage.access_log_settings`,
        `AWS::ApiGateway::Stage` `AccessLogSetting`), HTTP and WebSocket stages
        (`aws_apigatewayv2_stage.access_log_settings`,
        `AWS::ApiGatewayV2::Stage` `AccessLogSettings`), the stage a SAM
        `AWS::Serverless::Api` / `AWS::Serverless::HttpApi` creates
        (`AccessLogSetting` / `AccessLogSettings`), and the stage a deployment
        creates with `stage_name` / `StageName` (CloudFormation
        `StageDescription.AccessLogSetting`; Terraform cannot configure access
        logs there: use an `aws_api_gateway_stage`). CloudFormation settings
        need a `DestinationArn`.
    Why it matters for SOC 2:
        Access logs record who called the API, when, from where and with what
        result: the trail an investigation of API misuse starts from
        (checklist C, CC7.2).
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_stage#access_log_settings
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_stage#access_log_settings
    """
    g = ctx.graph
    for st in g.nodes("AWS::ApiGateway::Stage"):
        yield from _access_log_setting(
            ctx, st, "access_log_settings", "AccessLogSetting", "REST API stage"
        )
    for st in g.nodes("AWS::ApiGatewayV2::Stage"):
        yield from _access_log_setting(
            ctx, st, "access_log_settings", "AccessLogSettings", "HTTP/WebSocket API stage"
        )
    for api in g.nodes("AWS::ApiGateway::RestApi"):
        if sam(api, "AWS::Serverless::Api"):
            yield from _access_log_setting(
                ctx, api, "access_log_settings", "AccessLogSetting", "the SAM API's stage"
            )
    for api in g.nodes("AWS::ApiGatewayV2::Api"):
        if sam(api, "AWS::Serverless::HttpApi"):
            yield from _access_log_setting(
                ctx, api, "access_log_settings", "AccessLogSettings", "the SAM HTTP API's stage"
            )
    for dep in g.nodes("AWS::ApiGateway::Deployment"):
        stage = dep.attr(tf="stage_name", cfn="StageName")
        if stage.unknown:
            yield from ctx.unresolved(dep, stage)
            continue
        if is_blank(stage):
            ctx.not_applicable(dep, "creates no stage (no stage name)")
            continue
        if dep.language == "terraform":
            yield ctx.finding(
                dep,
                stage,
                f"{dep.address}: the stage {describe_value(stage.value)} this deployment creates "
                "has no access logging (manage it with an aws_api_gateway_stage that sets "
                "`access_log_settings`)",
            )
            continue
        setting = dep.attr("StageDescription.AccessLogSetting")
        if setting.unknown or dep.attr("StageDescription").unknown:
            yield from ctx.unresolved(dep, setting)
            continue
        if setting.missing or setting.child("DestinationArn").missing:
            yield ctx.finding(
                dep,
                setting,
                f"{dep.address}: the stage {describe_value(stage.value)} this deployment creates "
                "has no access logging (`StageDescription.AccessLogSetting` is not set)",
            )

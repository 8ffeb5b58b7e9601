from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, to_bool
from soc2lint.rule import Context, Report, of_kinds, rule

from ._shared import MONITORING, sam

#: (kinds, SAM type or None, attribute paths holding DataTraceEnabled / data_trace_enabled)
_DATA_TRACE_PATHS: tuple[tuple[tuple[str, ...], str | None, str, tuple[str, ...]], ...] = (
    (("aws_api_gateway_method_settings",), None, "terraform", ("settings[].data_trace_enabled",)),
    (
        ("AWS::ApiGatewayV2::Stage",),
        None,
        "terraform",
        (
            "default_route_settings[].data_trace_enabled",
            "route_settings[].data_trace_enabled",
        ),
    ),
    (("AWS::ApiGateway::Stage",), None, "cloudformation", ("MethodSettings[].DataTraceEnabled",)),
    (
        ("AWS::ApiGateway::Deployment",),
        None,
        "cloudformation",
        (
            "StageDescription.DataTraceEnabled",
            "StageDescription.MethodSettings[].DataTraceEnabled",
        ),
    ),
    (
        ("AWS::ApiGateway::RestApi",),
        "AWS::Serverless::Api",
        "cloudformation",
        ("MethodSettings[].DataTraceEnabled",),
    ),
    (
        ("AWS::ApiGatewayV2::Stage",),
        None,
        "cloudformation",
        ("DefaultRouteSettings.DataTraceEnabled", "RouteSettings.*.DataTraceEnabled"),
    ),
    (
        ("AWS::ApiGatewayV2::Api",),
        "AWS::Serverless::HttpApi",
        "cloudformation",
        ("DefaultRouteSettings.DataTraceEnabled", "RouteSettings.*.DataTraceEnabled"),
    ),
)


@rule(
    id="LOG015",
    slug="apigw-data-trace",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "C1.1"),
    checklist=MONITORING,
    subjects=of_kinds(
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::RestApi",
        "aws_api_gateway_method_settings",
        what="API Gateway stages and method settings",
    ),
    control="API Gateway does not log full request and response bodies.",
    fix={
        "terraform": 'Set `data_trace_enabled = false` (use `logging_level = "INFO"` or '
        '`"ERROR"` and access logs instead).',
        "cloudformation": "Set `DataTraceEnabled: false` (use `LoggingLevel: INFO` or `ERROR` "
        "and access logs instead).",
    },
)
def apigw_data_trace(ctx: Context) -> Iterator[Report]:
    """API Gateway logs full request and response bodies.

    What it checks:
        `aws_api_gateway_method_settings` `settings.data_trace_enabled`,
        `aws_apigatewayv2_stage` default and per-route settings
        (WebSocket APIs), `AWS::ApiGateway::Stage` `MethodSettings[].DataTraceEnabled`,
        a deployment's `StageDescription`, the SAM `Api` / `HttpApi`
        `MethodSettings` / `DefaultRouteSettings` / `RouteSettings`, and
        `AWS::ApiGatewayV2::Stage` route settings: a `true` fails, at that
        setting.
    Why it matters for SOC 2:
        Data tracing writes full request and response bodies to CloudWatch
        Logs, so personal data, tokens and secrets end up in logs that many
        people can read (checklist C; CC7.2 and confidentiality C1.1). AWS
        advises against it for production APIs.
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_method_settings
    """
    for kinds, sam_type, language, paths in _DATA_TRACE_PATHS:
        for node in ctx.graph.nodes(kinds):
            if node.language != language or (sam_type and not sam(node, sam_type)):
                continue
            for path in paths:
                for a in node.attrs_at(path):
                    if not a.present:
                        continue
                    if a.unknown:
                        yield from ctx.unresolved(node, a)
                        continue
                    if to_bool(a.value) is True:
                        yield ctx.finding(
                            node,
                            a,
                            f"{node.address}: data tracing logs full request and response "
                            f"bodies (`{a.path_str}` is true)",
                        )

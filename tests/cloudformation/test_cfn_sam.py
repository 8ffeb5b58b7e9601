"""SAM: Globals merged the way SAM merges them, Serverless resources read as what they create."""

from __future__ import annotations

from pathlib import Path

from cfn_testlib import FIXTURES, edges, load_paths, load_text, loc, node

from soc2lint.cloudformation.sam import merge_globals
from soc2lint.model import Unknown

SAM = FIXTURES / "sam" / "template.yaml"


def test_serverless_kinds_types_and_meta() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    assert result.diagnostics == []
    kinds = {n.address: (n.kind, n.type) for n in result.nodes if n.category == "resource"}
    assert kinds["CreateOrderFunction"] == ("AWS::Lambda::Function", "AWS::Serverless::Function")
    assert kinds["OrdersTable"] == ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
    assert kinds["OrdersApi"] == ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")
    assert kinds["PublicHttpApi"] == ("AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi")
    assert kinds["OrdersWorkflow"] == (
        "AWS::StepFunctions::StateMachine",
        "AWS::Serverless::StateMachine",
    )
    assert kinds["CommonLayer"] == ("AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion")
    assert kinds["ReportDlq"] == ("AWS::SQS::Queue", "AWS::SQS::Queue")
    assert node(result, "OrdersTable").meta["sam_type"] == "AWS::Serverless::SimpleTable"
    assert "sam_type" not in node(result, "ReportDlq").meta
    template = node(result, "sam/template.yaml")
    assert template.attrs["Transform"] == "AWS::Serverless-2016-10-31"
    assert set(template.attrs["Globals"]) == {"Function", "Api", "SimpleTable"}


def test_function_globals_merge() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    fn = node(result, "CreateOrderFunction").attrs
    assert fn["Runtime"] == "python3.12" and fn["Timeout"] == 10 and fn["MemorySize"] == 256
    # maps merge, the function's own keys added to the global ones
    assert fn["Environment"]["Variables"] == {
        "STAGE": "prod",
        "LOG_LEVEL": "INFO",
        "TABLE_NAME": Unknown("!Ref OrdersTable", ("OrdersTable",)),
        "API_KEY": Unknown(
            "{{resolve:secretsmanager:orders-api-key:SecretString:key}}", secret=True
        ),
        "PAYMENT_TOKEN": "tok_live_1234567890",
    }
    assert fn["VpcConfig"]["SubnetIds"] == ["subnet-0aaaaaaaaaaaaaaa0", "subnet-0bbbbbbbbbbbbbbb0"]
    assert fn["Layers"] == [Unknown("!Ref CommonLayer", ("CommonLayer",))]
    # the created function's spelling, next to SAM's
    assert fn["Tracing"] == "Active"
    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert fn["Tags"] == [
        {"Key": "team", "Value": "orders"},
        {"Key": "component", "Value": "api"},
    ]
    assert fn["Events"]["Create"]["Properties"]["Path"] == "/orders"
    assert fn["Policies"][0] == {
        "DynamoDBCrudPolicy": {"TableName": Unknown("!Ref OrdersTable", ("OrdersTable",))}
    }


def test_scalars_override_and_ignore_globals() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    report = node(result, "ReportFunction").attrs
    assert report["Timeout"] == 60  # the function's own scalar wins
    assert report["TracingConfig"] == {"Mode": "PassThrough"}
    assert "VpcConfig" not in report  # IgnoreGlobals: [VpcConfig]
    assert report["Environment"]["Variables"] == {"STAGE": "prod", "LOG_LEVEL": "WARN"}
    assert report["Code"] == {"ZipFile": 'def main(event, context):\n    return {"ok": True}\n'}
    assert report["DeadLetterConfig"] == {
        "TargetArn": Unknown("!GetAtt ReportDlq.Arn", ("ReportDlq",))
    }
    assert report["Role"] == Unknown("!GetAtt ReportRole.Arn", ("ReportRole",))
    assert ("ReportFunction", "ReportRole", "Role", "Arn") in edges(result, "ref")


def test_merged_values_keep_where_they_were_written() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    # Runtime comes from Globals (line 18); Handler from the function (line 104)
    assert loc(result, "CreateOrderFunction", ("Runtime",)) == (18, 5, 18, 24)
    assert loc(result, "CreateOrderFunction", ("Handler",)) == (104, 7, 104, 26)
    assert loc(result, "CreateOrderFunction", ("Environment", "Variables", "LOG_LEVEL"))[0] == 27
    assert loc(result, "CreateOrderFunction", ("Environment", "Variables", "TABLE_NAME"))[0] == 108
    assert loc(result, "CreateOrderFunction", ("TracingConfig", "Mode")) == (21, 5, 21, 20)
    assert loc(result, "CreateOrderFunction", ("Tags", 1, "Value"))[0] == 126


def test_simple_table_becomes_a_dynamodb_table() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    orders = node(result, "OrdersTable").attrs
    assert orders["TableName"] == "orders-prod"
    assert orders["KeySchema"] == [{"AttributeName": "orderId", "KeyType": "HASH"}]
    assert orders["AttributeDefinitions"] == [{"AttributeName": "orderId", "AttributeType": "S"}]
    assert orders["BillingMode"] == "PAY_PER_REQUEST"
    assert orders["SSESpecification"] == {"SSEEnabled": True}  # from Globals
    assert orders["Tags"] == [{"Key": "data", "Value": "confidential"}]
    audit = node(result, "AuditTable")
    assert audit.attrs["SSESpecification"] == {"SSEEnabled": False}
    assert audit.attrs["AttributeDefinitions"][0]["AttributeType"] == "N"
    assert "BillingMode" not in audit.attrs
    assert audit.meta["deletion_policy"] == "Retain"


def test_api_state_machine_and_http_api() -> None:
    result = load_paths([SAM], root=FIXTURES, base=FIXTURES)
    api = node(result, "OrdersApi").attrs
    assert api["StageName"] == "prod"
    assert api["TracingEnabled"] is True
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert [m["DataTraceEnabled"] for m in api["MethodSettings"]] == [False, True]
    assert api["AccessLogSetting"]["DestinationArn"] == Unknown(
        "!GetAtt ApiAccessLogs.Arn", ("ApiAccessLogs",)
    )
    assert api["Domain"]["SecurityPolicy"] == "TLS_1_2"
    sm = node(result, "OrdersWorkflow").attrs
    assert sm["StateMachineName"] == "orders-workflow"
    assert sm["StateMachineType"] == "EXPRESS"
    assert sm["LoggingConfiguration"]["Level"] == "ALL"
    http = node(result, "PublicHttpApi").attrs
    assert http["ProtocolType"] == "HTTP"
    assert http["Tags"] == {"exposure": "public"}  # ApiGatewayV2 tags are a map too
    layer = node(result, "CommonLayer").attrs
    assert layer["ContentUri"] == "layers/common/"


def test_globals_merge_rules() -> None:
    assert merge_globals({"a": 1, "m": {"x": 1}}, {"a": 2, "m": {"y": 2}}) == {
        "a": 2,
        "m": {"x": 1, "y": 2},
    }
    assert merge_globals({"l": [1]}, {"l": [2]}) == {"l": [1, 2]}
    assert merge_globals({"v": {"Ref": "A"}}, {"v": {"k": 1}}) == {"v": {"k": 1}}
    assert merge_globals({"v": {"k": 1}}, {"v": {"Ref": "A"}}) == {"v": {"Ref": "A"}}
    assert merge_globals({"v": [1]}, {"v": "x"}) == {"v": "x"}


def test_ignore_globals_star_and_non_sam_templates(tmp_path: Path) -> None:
    text = (
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n"
        "Globals:\n  Function:\n    Timeout: 30\n"
        "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n"
        "    Properties: {Handler: a.b, Runtime: python3.12, CodeUri: s3://bucket/key.zip}\n"
        "  G:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Handler: a.b, ImageUri: repo/img:1, PackageType: Image}\n"
    )
    result = load_text(tmp_path, text)
    f = node(result, "F").attrs
    assert "Timeout" not in f
    assert f["Code"] == {"S3Bucket": "bucket", "S3Key": "key.zip"}
    g = node(result, "G").attrs
    assert g["Timeout"] == 30 and g["Code"] == {"ImageUri": "repo/img:1"}
    # without the SAM transform, Globals mean nothing
    plain = load_text(tmp_path / "plain", text.replace(", AWS::Serverless-2016-10-31", ""))
    assert "Timeout" not in node(plain, "G").attrs

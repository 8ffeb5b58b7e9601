"""Documents with a reference in them are still read: secrets beside an unknown value (issue 26).

Best-practice documents almost always hold a reference (a secret's ARN for ECS
`repositoryCredentials`, a function's ARN in a state machine, a queue's URL in
an event input).  Each case writes a literal credential or password beside
such a reference and expects the finding at the literal's own line; its twin
has only references and literals that are not secrets and expects nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from soc2lint.config import Config

from helpers import scan, write_files

KEY_ID = "AKIAZ7QRSTUVWXYZ2345"
SECRET = "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"


def _found(tmp_path: Path, files: dict[str, str], *rules: str) -> set[tuple[str, str, str, int]]:
    write_files(tmp_path, files)
    result = scan([tmp_path], base=tmp_path, config=Config(select=rules))
    return {(f.rule_id, f.address, f.range.file, f.range.start_line) for f in result.findings}


ECS_TF = """\
resource "aws_secretsmanager_secret" "registry" {
  name = "registry-credentials"
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "registry.example.com/app:1.4.2"
    environment = [
      { name = "AWS_ACCESS_KEY_ID", value = "%s" },
      { name = "AWS_SECRET_ACCESS_KEY", value = "%s" },
      { name = "LOG_LEVEL", value = "info" },
    ]
    repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.registry.arn }
  }])
}
"""


def test_ecs_container_definitions_with_a_secret_arn_are_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": ECS_TF % (KEY_ID, SECRET)}, "SEC001", "SEC004")
    assert ("SEC001", "aws_ecs_task_definition.app", "main.tf", 11) in got
    assert ("SEC004", "aws_ecs_task_definition.app", "main.tf", 12) in got


def test_ecs_container_definitions_with_only_references_are_not_findings(tmp_path: Path) -> None:
    tf = ECS_TF.replace('"%s"', "aws_secretsmanager_secret.registry.id")
    assert _found(tmp_path, {"main.tf": tf}, "SEC001", "SEC004") == set()


SFN_TF = """\
variable "partner_api_url" {
  type = string
}

resource "aws_lambda_function" "export" {
  function_name = "export"
  role          = "arn:aws:iam::111122223333:role/export"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "export.zip"
}

resource "aws_sfn_state_machine" "export" {
  name     = "export"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({
    StartAt = "Export"
    States = {
      Export = {
        Type     = "Task"
        Resource = aws_lambda_function.export.arn
        Parameters = {
          endpoint              = var.partner_api_url
          aws_access_key_id     = "%s"
          aws_secret_access_key = "%s"
        }
        End = true
      }
    }
  })
}
"""


def test_step_functions_definition_with_a_function_arn_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": SFN_TF % (KEY_ID, SECRET)}, "SEC001")
    assert got == {("SEC001", "aws_sfn_state_machine.export", "main.tf", 24)}
    clean = SFN_TF.replace('"%s"', "var.partner_api_url")
    assert _found(tmp_path / "clean", {"main.tf": clean}, "SEC001") == set()


def test_step_functions_definition_from_a_template_file_is_read(tmp_path: Path) -> None:
    files = {
        "main.tf": """\
resource "aws_lambda_function" "export" {
  function_name = "export"
  role          = "arn:aws:iam::111122223333:role/export"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "export.zip"
}

resource "aws_sfn_state_machine" "export" {
  name     = "export"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = templatefile("${path.module}/export.asl.json", {
    function_arn = aws_lambda_function.export.arn
  })
}
""",
        "export.asl.json": """\
{
  "StartAt": "Export",
  "States": {
    "Export": {
      "Type": "Task",
      "Resource": "${function_arn}",
      "Parameters": {"aws_access_key_id": "KEY_ID", "aws_secret_access_key": "SECRET"},
      "End": true
    }
  }
}
""".replace("KEY_ID", KEY_ID).replace("SECRET", SECRET),
    }
    got = _found(tmp_path, files, "SEC001")
    # located in the template, where the literal is written
    assert got == {("SEC001", "aws_sfn_state_machine.export", "export.asl.json", 7)}


EVENT_TF = """\
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = "arn:aws:lambda:us-east-1:111122223333:function:sync"
  input = <<-EOT
    {
      "queue_url": "${aws_sqs_queue.jobs.url}",
      "access_key_id": "%s",
      "secret_access_key": "%s"
    }
  EOT
}
"""


def test_event_target_input_heredoc_with_a_reference_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": EVENT_TF % (KEY_ID, SECRET)}, "SEC001")
    assert got == {("SEC001", "aws_cloudwatch_event_target.nightly", "main.tf", 16)}
    clean = EVENT_TF % ("${aws_sqs_queue.jobs.arn}", "${aws_sqs_queue.jobs.id}")
    assert _found(tmp_path / "clean", {"main.tf": clean}, "SEC001") == set()


BATCH_TF = """\
resource "aws_iam_role" "job" {
  name               = "nightly-report"
  assume_role_policy = "{}"
}

resource "aws_batch_job_definition" "report" {
  name = "nightly-report"
  type = "container"
  container_properties = jsonencode({
    image      = "public.ecr.aws/acme/report:2.0"
    jobRoleArn = aws_iam_role.job.arn
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "2048" },
    ]
    environment = [
      { name = "AWS_ACCESS_KEY_ID", value = "%s" },
      { name = "AWS_SECRET_ACCESS_KEY", value = "%s" },
    ]
  })
}
"""


def test_batch_container_properties_with_a_role_arn_are_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": BATCH_TF % (KEY_ID, SECRET)}, "SEC001")
    assert got == {("SEC001", "aws_batch_job_definition.report", "main.tf", 17)}


LAMBDA_TF = """\
variable "common_environment" {
  type = map(string)
}

resource "aws_lambda_function" "billing" {
  function_name = "billing"
  role          = "arn:aws:iam::111122223333:role/billing"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "billing.zip"

  environment {
    variables = merge(var.common_environment, {
      STRIPE_API_KEY = "%s"
      LOG_LEVEL      = "info"
    })
  }
}
"""


def test_lambda_environment_built_with_merge_is_read(tmp_path: Path) -> None:
    tf = LAMBDA_TF % "sk_live_51HqLyjWDarjtT1zdp7dcEXAMPLE"
    got = _found(tmp_path, {"main.tf": tf}, "SEC004")
    assert got == {("SEC004", "aws_lambda_function.billing", "main.tf", 14)}
    clean = LAMBDA_TF.replace("STRIPE_API_KEY = ", "STRIPE_API_KEY_SECRET_ARN = ") % (
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:stripe-AbCdEf"
    )
    assert _found(tmp_path / "clean", {"main.tf": clean}, "SEC004") == set()


def test_a_literal_an_unknown_map_may_override_is_not_claimed(tmp_path: Path) -> None:
    # merge({...}, var.overrides): the later map may replace the value
    tf = (
        LAMBDA_TF.replace("merge(var.common_environment, {", "merge({")
        % "sk_live_51HqLyjWDarjtT1zdp7dcEXAMPLE"
    )
    tf = tf.replace("    })\n  }", "    }, var.common_environment)\n  }")
    assert _found(tmp_path, {"main.tf": tf}, "SEC004") == set()


SSM_TF = """\
resource "aws_s3_bucket" "scripts" {
  bucket = "acme-ops-scripts"
}

resource "aws_ssm_document" "join_domain" {
  name            = "join-domain"
  document_type   = "Command"
  document_format = "YAML"
  content         = <<-DOC
    schemaVersion: "2.2"
    description: Join the instance to the directory
    mainSteps:
      - action: aws:runPowerShellScript
        name: join
        inputs:
          sourceInfo: s3://${aws_s3_bucket.scripts.id}/join.ps1
          password: %s
  DOC
}
"""


def test_ssm_document_yaml_with_an_interpolation_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": SSM_TF % "Corp-Join-2024!"}, "SEC003")
    assert got == {("SEC003", "aws_ssm_document.join_domain", "main.tf", 17)}
    clean = SSM_TF % "'{{ssm-secure:/ops/join-password}}'"
    assert _found(tmp_path / "clean", {"main.tf": clean}, "SEC003") == set()


SECRET_TF = """\
resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  manage_master_user_password = true
  username                    = "orders"
}

resource "aws_secretsmanager_secret" "app" {
  name = "orders-app"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    host     = aws_db_instance.orders.address
    username = "app"
    password = %s
  })
}
"""


def test_secret_string_document_with_a_literal_password(tmp_path: Path) -> None:
    got = _found(tmp_path, {"main.tf": SECRET_TF % '"Orders-2024-Passw0rd"'}, "SEC003")
    assert got == {("SEC003", "aws_secretsmanager_secret_version.app", "main.tf", 18)}
    generated = SECRET_TF % "random_password.app.result"
    generated += 'resource "random_password" "app" {\n  length = 32\n}\n'
    assert _found(tmp_path / "clean", {"main.tf": generated}, "SEC003") == set()


# ---- CloudFormation -------------------------------------------------------------------


SFN_CFN = """\
Parameters:
  PartnerApiUrl:
    Type: String
Resources:
  ExportFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/export
      Code:
        ZipFile: "def handler(event, context): pass"
  ExportStateMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/sfn
      DefinitionString: !Sub |
        {
          "StartAt": "Export",
          "States": {
            "Export": {
              "Type": "Task",
              "Resource": "${ExportFunction.Arn}",
              "Parameters": {
                "endpoint": "${PartnerApiUrl}",
                "aws_access_key_id": "%s",
                "aws_secret_access_key": "%s"
              },
              "End": true
            }
          }
        }
"""


def test_cfn_state_machine_definition_built_with_sub_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"sfn.yaml": SFN_CFN % (KEY_ID, SECRET)}, "SEC001")
    assert got == {("SEC001", "ExportStateMachine", "sfn.yaml", 26)}
    clean = SFN_CFN % ("${PartnerApiUrl}", "${ExportFunction.Arn}")
    assert _found(tmp_path / "clean", {"sfn.yaml": clean}, "SEC001") == set()


EVENTS_CFN = """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 2 * * ? *)
      Targets:
        - Id: sync
          Arn: arn:aws:lambda:us-east-1:111122223333:function:sync
          Input: !Sub '{"queue_url": "${Jobs}", "access_key_id": "%s", "secret_access_key": "%s"}'
"""


def test_cfn_event_input_built_with_sub_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"events.yaml": EVENTS_CFN % (KEY_ID, SECRET)}, "SEC001")
    assert got == {("SEC001", "Nightly", "events.yaml", 11)}
    clean = EVENTS_CFN % ("${Jobs.Arn}", "${AWS::AccountId}")
    assert _found(tmp_path / "clean", {"events.yaml": clean}, "SEC001") == set()


CUSTOM_CFN = """\
Parameters:
  RegistrySecretArn:
    Type: String
Resources:
  AppContainers:
    Type: Custom::ContainerDefinitions
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:render-task
      ContainerDefinitions: !Join
        - ""
        - - '[{"name": "app", "image": "registry.example.com/app:1.4.2", '
          - '"repositoryCredentials": {"credentialsParameter": "'
          - !Ref RegistrySecretArn
          - '"}, "environment": [{"name": "AWS_ACCESS_KEY_ID", "value": "%s"}, '
          - '{"name": "AWS_SECRET_ACCESS_KEY", "value": "%s"}]}]'
"""


def test_cfn_container_definitions_string_built_with_join_is_read(tmp_path: Path) -> None:
    got = _found(tmp_path, {"custom.yaml": CUSTOM_CFN % (KEY_ID, SECRET)}, "SEC001")
    assert {(r, a) for r, a, _, _ in got} == {("SEC001", "AppContainers")}
    clean = CUSTOM_CFN % ("info", "8080")
    assert _found(tmp_path / "clean", {"custom.yaml": clean}, "SEC001") == set()


SECRET_CFN = """\
Resources:
  Orders:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      ManageMasterUserPassword: true
      MasterUsername: orders
  AppSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !Sub |
        {
          "host": "${Orders.Endpoint.Address}",
          "username": "app",
          "password": "%s"
        }
"""


def test_cfn_secret_string_built_with_sub_with_a_literal_password(tmp_path: Path) -> None:
    got = _found(tmp_path, {"secret.yaml": SECRET_CFN % "Orders-2024-Passw0rd"}, "SEC003")
    assert got == {("SEC003", "AppSecret", "secret.yaml", 16)}
    clean = SECRET_CFN % "{{resolve:secretsmanager:orders-app:SecretString:password}}"
    assert _found(tmp_path / "clean", {"secret.yaml": clean}, "SEC003") == set()


# ---- computed secret-looking names (ENC013) ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('format("/%s/payments/api_token", var.env)', True),
        ('join("/", ["", var.env, "db_password"])', True),
        ('format("/%s/payments/api_token_ttl", var.env)', False),
        ('join("/", ["", var.env, "feature_flags"])', False),
    ],
)
def test_ssm_parameter_names_built_with_format_or_join(
    tmp_path: Path, name: str, expected: bool
) -> None:
    tf = f"""\
variable "env" {{
  type = string
}}

resource "aws_ssm_parameter" "p" {{
  name  = {name}
  type  = "String"
  value = "x"
}}
"""
    got = _found(tmp_path, {"main.tf": tf}, "ENC013")
    assert bool(got) is expected


def test_cfn_ssm_parameter_name_built_with_join(tmp_path: Path) -> None:
    cfn = """\
Parameters:
  Env:
    Type: String
Resources:
  Token:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Join ["/", ["", !Ref Env, "payments", "api-token"]]
      Type: String
      Value: placeholder
"""
    assert _found(tmp_path, {"p.yaml": cfn}, "ENC013") == {("ENC013", "Token", "p.yaml", 8)}


def test_ecs_environment_built_with_concat_is_read(tmp_path: Path) -> None:
    tf = """\
variable "extra_environment" {
  type = list(object({ name = string, value = string }))
}

resource "aws_ecs_task_definition" "worker" {
  family = "worker"
  container_definitions = jsonencode([{
    name  = "worker"
    image = "registry.example.com/worker:3.1"
    environment = concat(var.extra_environment, [
      { name = "QUEUE_NAME", value = "jobs" },
      { name = "SENTRY_AUTH_TOKEN", value = "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_EXAMPLE" },
    ])
  }])
}
"""
    got = _found(tmp_path, {"main.tf": tf}, "SEC004")
    assert {(r, a) for r, a, _, _ in got} == {("SEC004", "aws_ecs_task_definition.worker")}

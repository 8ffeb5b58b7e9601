"""Where the fix goes across module boundaries (issue 20): a value a module's caller
passes, or a module default the caller relies on, is named in the finding with a related
location; a finding inside a module `terraform init` downloaded points at the module call
in the repository, the module's line becoming a related location."""

from __future__ import annotations

import json
from pathlib import Path

from soc2lint.config import Config
from soc2lint.model import Finding

from helpers import scan, write_files

DB_MODULE = """
variable "encrypted" {
  type    = bool
  default = false
}

variable "name" {
  type = string
}

resource "aws_db_instance" "this" {
  identifier                  = var.name
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  storage_encrypted           = var.encrypted
  username                    = "app"
  manage_master_user_password = true
}
"""


def _enc001(tmp_path: Path, files: dict[str, str]) -> list[Finding]:
    write_files(tmp_path, files)
    result = scan(
        [tmp_path], base=tmp_path, config=Config(select=("ENC001",), inline_suppressions=False)
    )
    return sorted((f for f in result.findings if f.rule_id == "ENC001"), key=lambda f: f.scope)


def test_the_caller_passing_the_failing_value_is_named(tmp_path: Path) -> None:
    (f,) = _enc001(
        tmp_path,
        {
            "modules/db/main.tf": DB_MODULE,
            "main.tf": 'module "db" {\n  source    = "./modules/db"\n  name      = "orders"\n'
            "  encrypted = false\n}\n",
        },
    )
    assert (f.range.file, f.range.start_line) == ("modules/db/main.tf", 16)
    assert "set by module.db input encrypted at main.tf:4" in f.message
    assert ("main.tf", 4) in [(r.range.file, r.range.start_line) for r in f.related]


def test_a_caller_relying_on_the_module_default_is_told_so(tmp_path: Path) -> None:
    (f,) = _enc001(
        tmp_path,
        {
            "modules/db/main.tf": DB_MODULE,
            "main.tf": 'module "db" {\n  source = "./modules/db"\n  name   = "orders"\n}\n',
        },
    )
    assert "module.db does not set `encrypted`: the module's default" in f.message
    where = [(r.range.file, r.range.start_line) for r in f.related]
    assert ("main.tf", 1) in where  # the module call, where the argument goes
    assert ("modules/db/main.tf", 4) in where  # the default


def test_a_value_written_in_the_resource_has_no_extra_location(tmp_path: Path) -> None:
    (f,) = _enc001(
        tmp_path,
        {"main.tf": DB_MODULE.replace("var.encrypted", "false").replace("var.name", '"x"')},
    )
    assert f.related == ()
    assert "module" not in f.message


def test_a_finding_in_a_downloaded_module_points_at_the_call_in_the_repository(
    tmp_path: Path,
) -> None:
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "db",
                "Source": "registry.terraform.io/acme/db/aws",
                "Version": "1.2.0",
                "Dir": ".terraform/modules/db",
            },
        ]
    }
    (f,) = _enc001(
        tmp_path,
        {
            "main.tf": 'module "db" {\n  source  = "acme/db/aws"\n  version = "1.2.0"\n'
            '  name    = "orders"\n}\n',
            ".terraform/modules/modules.json": json.dumps(manifest),
            ".terraform/modules/db/main.tf": DB_MODULE,
        },
    )
    assert (f.range.file, f.range.start_line) == ("main.tf", 1)
    where = [(r.range.file, r.range.start_line) for r in f.related]
    assert (".terraform/modules/db/main.tf", 16) in where
    assert "module.db does not set `encrypted`" in f.message


NESTED_DB = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Encrypted:
    Type: String
    AllowedValues: ["true", "false"]
    Default: "true"
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: "20"
      MasterUsername: app
      ManageMasterUserPassword: true
      StorageEncrypted: !Ref Encrypted
"""


def test_a_nested_stack_parameter_the_parent_passes_is_named(tmp_path: Path) -> None:
    (f,) = _enc001(
        tmp_path,
        {
            "stacks/db.yaml": NESTED_DB,
            "parent.yaml": """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Reporting:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/db.yaml
      Parameters:
        Encrypted: "false"
""",
        },
    )
    assert f.range.file == "stacks/db.yaml"
    assert "parent.yaml:8" in f.message
    assert ("parent.yaml", 8) in [(r.range.file, r.range.start_line) for r in f.related]

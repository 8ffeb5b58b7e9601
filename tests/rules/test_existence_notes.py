"""RULES.md "Resources that may not exist": every family checks a resource whose existence
cannot be decided, and each finding on it says under which condition it exists (one
shared mechanism in findings.py, not per rule)."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

TF = """
variable "enabled" {
  type = bool
}

resource "aws_opensearch_domain" "search" {
  count          = var.enabled ? 1 : 0
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
}

resource "aws_db_instance" "db" {
  count               = var.enabled ? 1 : 0
  identifier          = "app"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  storage_encrypted   = false
  username            = "app"
  manage_master_user_password = true
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
"""

CFN = """
Parameters:
  Environment:
    Type: String
Conditions:
  IsProduction: !Equals [!Ref Environment, prod]
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Condition: IsProduction
    Properties:
      EngineVersion: OpenSearch_2.13
  Volume:
    Type: AWS::EC2::Volume
    Condition: IsProduction
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
      Encrypted: false
  Always:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 10
      Encrypted: false
"""


def _messages(
    tmp_path: Path, files: dict[str, str], select: tuple[str, ...]
) -> dict[str, list[str]]:
    write_files(tmp_path, files)
    result = scan(
        [tmp_path], base=tmp_path, config=Config(select=select, inline_suppressions=False)
    )
    out: dict[str, list[str]] = {}
    for f in result.findings:
        out.setdefault(f"{f.rule_id} {f.address}", []).append(f.message)
    return out


def test_terraform_findings_on_a_resource_with_unknown_count_name_the_count(
    tmp_path: Path,
) -> None:
    got = _messages(tmp_path, {"main.tf": TF}, ("TLS004", "ENC"))
    note = "(may not exist: `count = var.enabled ? 1 : 0` is unknown)"
    tls = got["TLS004 aws_opensearch_domain.search"]
    assert tls and all(m.endswith(note) for m in tls)
    enc = [m for k, ms in got.items() if "aws_db_instance.db" in k for m in ms]
    assert enc and all(note in m for m in enc)
    # a resource that surely exists carries no note
    ebs = [m for k, ms in got.items() if "aws_ebs_volume.data" in k for m in ms]
    assert ebs and not any("may not exist" in m for m in ebs)


def test_cloudformation_findings_under_an_undecidable_condition_name_it(tmp_path: Path) -> None:
    got = _messages(tmp_path, {"template.yaml": CFN}, ("TLS004", "ENC"))
    note = '(exists only if its Condition "IsProduction" is true)'
    assert got["TLS004 Search"] and all(m.endswith(note) for m in got["TLS004 Search"])
    volume = [m for k, ms in got.items() if k.endswith(" Volume") for m in ms]
    assert volume and all(note in m for m in volume)
    always = [m for k, ms in got.items() if k.endswith(" Always") for m in ms]
    assert always and not any("Condition" in m for m in always)


def test_a_resource_in_a_module_called_with_an_unknown_count_may_not_exist(
    tmp_path: Path,
) -> None:
    files = {
        "main.tf": """
variable "create_search" {
  type = bool
}

module "search" {
  source = "./modules/search"
  count  = var.create_search ? 1 : 0
}
""",
        "modules/search/main.tf": """
resource "aws_opensearch_domain" "this" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
}
""",
    }
    got = _messages(tmp_path, files, ("TLS004",))
    (messages,) = got.values()
    note = "(may not exist: module.search's `count = var.create_search ? 1 : 0` is unknown)"
    assert messages and all(m.endswith(note) for m in messages)


def test_iam_findings_on_a_user_that_may_not_exist_name_the_count(tmp_path: Path) -> None:
    files = {
        "main.tf": """
variable "create_ci_user" {
  type = bool
}

resource "aws_iam_user" "ci" {
  count = var.create_ci_user ? 1 : 0
  name  = "ci"
}

resource "aws_iam_user_policy_attachment" "ci" {
  count      = var.create_ci_user ? 1 : 0
  user       = aws_iam_user.ci[0].name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""
    }
    got = _messages(tmp_path, files, ("IAM005", "IAM006"))
    assert {k.split()[0] for k in got} == {"IAM005", "IAM006"}
    assert all(
        "(may not exist: `count = var.create_ci_user ? 1 : 0` is unknown)" in m
        for ms in got.values()
        for m in ms
    )

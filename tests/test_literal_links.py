"""Literal-name links never override a reference that resolves, and never cross accounts.

Issue 20: an ``alias/x`` declared in a module for another account made KEY003 report the
wrong key; IAM006 listed every role of the same name instead of the one referenced.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config
from soc2lint.model import Finding

from helpers import scan, write_files

PROVIDERS = """
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "audit"
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::444455556666:role/terraform"
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
"""

ROOT = (
    PROVIDERS
    + """
resource "aws_kms_key" "app" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "app" {
  name          = "alias/app"
  target_key_id = aws_kms_key.app.key_id
}

module "audit" {
  source    = "./modules/audit"
  providers = { aws = aws.audit }
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_alias.app.name
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name              = "jobs"
  kms_master_key_id = "alias/app"
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "deploy_admin" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy_attachment" "deploy_by_name" {
  role       = "deploy"
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}

resource "aws_iam_role_policy_attachment" "us_by_name" {
  provider   = aws.us
  role       = "deploy"
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
"""
)

AUDIT = """
resource "aws_kms_key" "audit" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "audit" {
  name          = "alias/app"
  target_key_id = aws_kms_key.audit.key_id
}

resource "aws_dynamodb_table" "t" {
  name         = "t"
  hash_key     = "id"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "id"
    type = "S"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_alias.audit.arn
  }
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = "{}"
}

resource "aws_s3_bucket_logging" "data" {
  bucket        = "acme-data"
  target_bucket = "acme-data"
  target_prefix = "self/"
}
"""


def _scan(tmp_path: Path, rules: tuple[str, ...]) -> list[Finding]:
    write_files(tmp_path, {"main.tf": ROOT, "modules/audit/main.tf": AUDIT})
    result = scan([tmp_path], base=tmp_path, config=Config(select=rules))
    return [f for f in result.findings if f.rule_id in rules]


def test_a_key_alias_of_another_account_is_not_the_alias_named(tmp_path: Path) -> None:
    findings = _scan(tmp_path, ("KEY003",))
    # the root key serves S3 (by reference) and SQS (by name, same account); the audit
    # account's key of the same alias serves only DynamoDB
    assert [f.address for f in findings] == ["aws_kms_key.app"]
    assert "dynamodb" not in findings[0].message


def test_an_attachment_names_the_role_it_references_or_names_in_its_own_account(
    tmp_path: Path,
) -> None:
    findings = {f.address: f for f in _scan(tmp_path, ("IAM006",))}
    by_ref = findings["aws_iam_role_policy_attachment.deploy_admin"]
    assert [r.address for r in by_ref.related] == ["aws_iam_role.deploy"]
    # a name links within its account: IAM is global, so another Region is the same account
    by_name = findings["aws_iam_role_policy_attachment.deploy_by_name"]
    assert [r.address for r in by_name.related] == ["aws_iam_role.deploy"]
    other_region = findings["aws_iam_role_policy_attachment.us_by_name"]
    assert [r.address for r in other_region.related] == ["aws_iam_role.deploy"]


def test_an_undeclared_default_provider_is_the_default_account(tmp_path: Path) -> None:
    # no `provider "aws"` block for the default configuration: it sets no account, so an
    # IAM name written under another configuration of the same account still links
    write_files(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "ops_admin" {
  provider   = aws.west
  role       = "ops"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""
        },
    )
    result = scan([tmp_path], base=tmp_path, config=Config(select=("IAM006",)))
    [finding] = [f for f in result.findings if f.rule_id == "IAM006"]
    assert [r.address for r in finding.related] == ["aws_iam_role.ops"]

"""Nodes and edges: references through locals/modules, locations, policies, providers, backend."""

from __future__ import annotations

import json
from pathlib import Path

from tfload import by_address, diags, edge_set, load, node

from soc2lint.model import Range, Unknown


def test_edges_follow_locals_to_the_resource(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
locals {
  bucket_id = aws_s3_bucket.logs.id
  same      = local.bucket_id
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = local.same
  depends_on = [aws_s3_bucket.logs]
}
resource "aws_cloudtrail" "t" {
  s3_bucket_name = aws_s3_bucket.logs.bucket
}
""",
        },
    )
    assert edge_set(result, "aws_s3_bucket_versioning.v") == {
        ("bucket", "local.same", None),
        ("bucket", "aws_s3_bucket.logs", "id"),
    }
    assert edge_set(result, "aws_s3_bucket_versioning.v", "depends_on") == {
        ("@depends_on", "aws_s3_bucket.logs", None)
    }
    versioning = node(result, "aws_s3_bucket_versioning.v")
    assert versioning.meta["depends_on"] == ["aws_s3_bucket.logs"]
    assert versioning.attrs["bucket"] == Unknown("aws_s3_bucket.logs.id", ("aws_s3_bucket.logs",))
    # a configured argument resolves to its value, the reference stays an edge
    trail = node(result, "aws_cloudtrail.t")
    assert trail.attrs["s3_bucket_name"] == "acme-logs"
    assert edge_set(result, "aws_cloudtrail.t") == {
        ("s3_bucket_name", "aws_s3_bucket.logs", "bucket")
    }


def test_split_s3_settings_with_conditional_count(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "encrypt" { default = true }
variable "unknown_flag" { type = bool }
resource "aws_s3_bucket" "b" { bucket = "data" }
resource "aws_s3_bucket_server_side_encryption_configuration" "sse" {
  count  = var.encrypt ? 1 : 0
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
resource "aws_s3_bucket_versioning" "v" {
  count  = var.unknown_flag ? 1 : 0
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
""",
        },
    )
    sse = node(result, "aws_s3_bucket_server_side_encryption_configuration.sse[0]")
    assert sse.attrs["rule"] == [
        {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}
    ]
    path = ("rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm")
    assert sse.locations[path] == Range("main.tf", 9, 7, 9, 32)
    versioning = node(result, "aws_s3_bucket_versioning.v")
    assert versioning.meta["count_unknown"] is True
    assert ("bucket", "aws_s3_bucket.b", "id") in edge_set(result, "aws_s3_bucket_versioning.v")


HEREDOC_POLICY = """resource "aws_iam_role_policy" "heredoc" {
  role   = "r"
  policy = <<POLICY
{
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
}
POLICY
}
"""


def test_locations_inside_literal_values_and_jsonencode(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:*"]
        Resource = "*"
      },
    ]
  })
  tags = { Team = "x" }
}
""",
            "heredoc.tf": HEREDOC_POLICY,
        },
    )
    p = node(result, "aws_iam_policy.p")
    assert json.loads(p.attrs["policy"]) == {
        "Statement": [{"Action": ["s3:*"], "Effect": "Allow", "Resource": "*"}],
        "Version": "2012-10-17",
    }
    assert p.locations[("policy",)] == Range("main.tf", 3, 3, 12, 5)
    assert p.locations[("policy", "Statement", 0)] == Range("main.tf", 6, 7, 10, 8)
    assert p.locations[("policy", "Statement", 0, "Action")] == Range("main.tf", 8, 9, 8, 28)
    assert p.locations[("policy", "Statement", 0, "Action", 0)] == Range("main.tf", 8, 21, 8, 27)
    assert p.locations[("tags", "Team")] == Range("main.tf", 13, 12, 13, 22)
    h = node(result, "aws_iam_role_policy.heredoc")
    assert h.attrs["policy"].startswith('{\n  "Statement"')
    assert h.locations[("policy", "Statement", 0)].start_line == 6
    assert h.locations[("policy", "Statement", 0, "Action")].start_line == 6


def test_policy_document_is_rendered_as_the_provider_does(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Shared"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Replaced"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "doc" {
  version                 = "2012-10-17"
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({
    Statement = [{ Sid = "Override", Effect = "Deny", Action = "kms:*", Resource = "*" }]
  })]

  statement {
    sid       = "Replaced"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"]
    resources = ["arn:aws:s3:::b/&{aws:username}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-1"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-2"]
    }
  }
  statement {
    sid       = "Override"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
  statement {
    effect      = "Deny"
    not_actions = ["iam:*"]
    resources   = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.doc.json
}
""",
        },
    )
    doc = node(result, "data.aws_iam_policy_document.doc")
    assert doc.kind == "data.aws_iam_policy_document"
    expected = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Shared", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {
                "Sid": "Replaced",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                "Resource": "arn:aws:s3:::b/${aws:username}/*",
                "Principal": {
                    "AWS": [
                        "arn:aws:iam::111111111111:root",
                        "arn:aws:iam::333333333333:root",
                        "arn:aws:iam::222222222222:root",
                    ]
                },
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1", "o-2"]}},
            },
            {"Sid": "Override", "Effect": "Deny", "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Principal": "*"},
        ],
    }
    assert doc.attrs["document"] == expected
    assert json.loads(doc.attrs["json"]) == expected
    # own statements are located at their blocks; the overridden one is not
    assert doc.locations[("document", "Statement", 1)] == Range("main.tf", 20, 3, 42, 4)
    assert doc.locations[("document", "Statement", 3)] == Range("main.tf", 48, 3, 56, 4)
    assert ("document", "Statement", 2) not in doc.locations
    policy = node(result, "aws_iam_policy.p")
    assert policy.attrs["policy"] == doc.attrs["json"]
    assert edge_set(result, "aws_iam_policy.p") == {
        ("policy", "data.aws_iam_policy_document.doc", "json")
    }


def test_policy_document_with_unknown_parts_keeps_what_is_known(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "extra" { type = string }
resource "aws_s3_bucket" "b" { bucket = "b" }
data "aws_iam_policy_document" "p" {
  source_policy_documents = [var.extra]
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
data "aws_iam_policy_document" "dup" {
  source_policy_documents = [
    jsonencode({ Statement = [{ Sid = "A", Effect = "Allow", Action = "*", Resource = "*" }] }),
    jsonencode({ Statement = [{ Sid = "A", Effect = "Allow", Action = "s3:*", Resource = "*" }] }),
  ]
}
""",
        },
    )
    doc = node(result, "data.aws_iam_policy_document.p")
    assert doc.attrs["json"] == Unknown(
        "data.aws_iam_policy_document.p.json", ("data.aws_iam_policy_document.p",)
    )
    statements = doc.attrs["document"]["Statement"]
    assert statements[0] == Unknown("var.extra", ("var.extra",))
    assert statements[1] == {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": Unknown('"${aws_s3_bucket.b.arn}/*"', ("aws_s3_bucket.b",)),
    }
    # the provider rejects duplicate Sids across source documents: nothing is claimed
    dup = node(result, "data.aws_iam_policy_document.dup")
    assert isinstance(dup.attrs["document"], Unknown)
    assert isinstance(dup.attrs["json"], Unknown)


def test_data_sources_secrets_and_computed_attributes(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """data "aws_secretsmanager_secret_version" "db" {
  secret_id = "prod/db"
}
resource "random_password" "pw" {
  length = 24
}
data "aws_caller_identity" "me" {}
resource "aws_db_instance" "a" {
  password = data.aws_secretsmanager_secret_version.db.secret_string
}
resource "aws_db_instance" "b" {
  password = random_password.pw.result
  username = "admin-${data.aws_caller_identity.me.account_id}"
}
output "secret_id" { value = data.aws_secretsmanager_secret_version.db.secret_id }
""",
        },
    )
    a = node(result, "aws_db_instance.a")
    assert a.attrs["password"] == Unknown(
        "data.aws_secretsmanager_secret_version.db.secret_string",
        ("data.aws_secretsmanager_secret_version.db",),
        secret=True,
    )
    b = node(result, "aws_db_instance.b")
    assert b.attrs["password"] == Unknown(
        "random_password.pw.result", ("random_password.pw",), secret=True
    )
    assert b.attrs["username"] == Unknown(
        '"admin-${data.aws_caller_identity.me.account_id}"', ("data.aws_caller_identity.me",)
    )
    data = node(result, "data.aws_secretsmanager_secret_version.db")
    assert (data.category, data.kind) == ("data", "data.aws_secretsmanager_secret_version")
    assert node(result, "output.secret_id").attrs["value"] == "prod/db"


def test_terraform_settings_and_backend_with_partial_config(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "versions.tf": """terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = "~> 5.0"
      configuration_aliases = [aws.us]
    }
    random = "~> 3.6"
  }
  backend "s3" {
    bucket = "state"
    key    = "app.tfstate"
  }
}
""",
            "prod.s3.tfbackend": 'encrypt = true\nregion = "eu-west-1"\n',
            "staging.s3.tfbackend": 'encrypt = true\nregion = "us-east-1"\n',
            "modules/x/main.tf": (
                'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n'
                "  }\n}\n"
            ),
            "main.tf": 'module "x" {\n  source = "./modules/x"\n}\n',
        },
    )
    settings = node(result, "terraform")
    assert settings.kind == "terraform"
    assert settings.attrs == {
        "required_version": ">= 1.6",
        "required_providers": {
            "aws": {
                "source": "hashicorp/aws",
                "version": "~> 5.0",
                "configuration_aliases": ["aws.us"],
            },
            "random": "~> 3.6",
        },
    }
    assert settings.locations[("required_providers", "random")] == Range("versions.tf", 9, 5, 9, 22)
    assert node(result, "module.x.terraform").attrs == {
        "required_providers": {"aws": {"source": "hashicorp/aws"}}
    }
    backend = node(result, "terraform.backend")
    assert (backend.kind, backend.type, backend.category) == ("backend", "s3", "backend")
    assert backend.attrs["bucket"] == "state"
    # both environment files agree on encrypt; they differ on region
    assert backend.attrs["encrypt"] is True
    assert isinstance(backend.attrs["region"], Unknown)
    assert backend.locations[("encrypt",)] == Range("prod.s3.tfbackend", 1, 1, 1, 15)
    assert backend.locations[("bucket",)] == Range("versions.tf", 12, 5, 12, 21)
    assert "module.x.terraform.backend" not in by_address(result)


def test_locals_cycle_and_file_outside_root_are_configuration_errors(tmp_path: Path) -> None:
    result = load(
        tmp_path / "repo",
        {
            "main.tf": """locals {
  a = local.b
  b = local.c
  c = local.a
  ok = "fine"
}
resource "aws_instance" "web" {
  user_data = file("../../etc/passwd")
  ami       = local.ok
  tags      = { Name = local.a }
}
""",
        },
    )
    found = sorted(
        (d.rule_id, d.address, d.range.start_line, d.range.start_col) for d in diags(result)
    )
    assert found == [
        ("SYS007", "aws_instance.web", 8, 3),
        ("SYS007", "local.a", 2, 3),
        ("SYS007", "local.b", 3, 3),
        ("SYS007", "local.c", 4, 3),
    ]
    cycle = next(d for d in diags(result) if d.address == "local.a")
    assert "local.a -> local.b -> local.c -> local.a" in cycle.message
    web = node(result, "aws_instance.web")
    assert web.attrs["ami"] == "fine"
    assert web.attrs["user_data"] == Unknown('file("../../etc/passwd")', ())
    assert web.attrs["tags"] == {"Name": Unknown("local.a", ("local.a",))}


def test_tf_json_files_load_like_hcl(tmp_path: Path) -> None:
    config = {
        "variable": {"env": {"default": "prod"}},
        "resource": {
            "aws_s3_bucket": {
                "b": {"bucket": "acme-${var.env}", "count": 2, "tags": {"N": "${count.index}"}}
            }
        },
    }
    result = load(tmp_path, {"main.tf.json": json.dumps(config, indent=2)})
    b = node(result, "aws_s3_bucket.b[1]")
    assert b.attrs == {"bucket": "acme-prod", "tags": {"N": 1}}
    assert b.range.file == "main.tf.json"
    assert b.range.start_line == 9
    assert b.locations[("bucket",)].start_line == 10


def test_unknown_list_indexed_by_count_names_each_element(tmp_path: Path) -> None:
    """Distinct count indexes into data.aws_availability_zones stay distinguishable."""
    result = load(
        tmp_path,
        {
            "main.tf": """data "aws_availability_zones" "available" {
  state = "available"
}
variable "zones" {
  type = map(string)
}
resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = "10.0.${count.index}.0/24"
  availability_zone = data.aws_availability_zones.available.names[count.index]
}
resource "aws_subnet" "named" {
  for_each          = toset(["a"])
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = "10.1.0.0/24"
  availability_zone = var.zones[each.key]
}
""",
        },
    )
    zones = [node(result, f"aws_subnet.private[{i}]").attrs["availability_zone"] for i in (0, 1)]
    assert zones == [
        Unknown(
            "data.aws_availability_zones.available.names[0]",
            ("data.aws_availability_zones.available",),
        ),
        Unknown(
            "data.aws_availability_zones.available.names[1]",
            ("data.aws_availability_zones.available",),
        ),
    ]
    named = node(result, 'aws_subnet.named["a"]').attrs["availability_zone"]
    assert isinstance(named, Unknown) and named.expr == 'var.zones["a"]'

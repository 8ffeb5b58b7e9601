"""Modules: nesting and addresses, inputs and outputs, remote modules, bad calls, roots."""

from __future__ import annotations

import json
from pathlib import Path

from tfload import by_address, diags, edge_set, load, node

from soc2lint.frontend import Limits
from soc2lint.model import Range, Unknown

KMS_MODULE = """variable "alias" {}
variable "rotation" { default = true }
resource "aws_kms_key" "this" {
  description         = var.alias
  enable_key_rotation = var.rotation
}
output "arn" { value = aws_kms_key.this.arn }
output "alias" { value = "alias/${var.alias}" }
"""


def test_nested_modules_with_for_each_and_outputs(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """module "app" {
  source   = "./modules/app"
  for_each = toset(["api", "worker"])
  name     = each.key
}
resource "aws_sqs_queue" "q" {
  name              = module.app["api"].key_alias
  kms_master_key_id = module.app["api"].key_arn
}
""",
            "modules/app/main.tf": """variable "name" {}
module "kms" {
  source   = "../kms"
  count    = 2
  alias    = "${var.name}-${count.index}"
  rotation = count.index == 0
}
output "key_alias" { value = module.kms[0].alias }
output "key_arn" { value = module.kms[0].arn }
""",
            "modules/kms/main.tf": KMS_MODULE,
        },
    )
    nodes = by_address(result, ".")
    key = nodes['module.app["worker"].module.kms[1].aws_kms_key.this']
    assert key.attrs == {"description": "worker-1", "enable_key_rotation": False}
    assert key.meta["module_path"] == 'module.app["worker"].module.kms[1]'
    assert key.meta["module_calls"] == [
        'module.app["worker"]',
        'module.app["worker"].module.kms[1]',
    ]
    assert key.range == Range("modules/kms/main.tf", 3, 1, 6, 2)
    call = nodes['module.app["worker"].module.kms[1]']
    assert call.kind == "module"
    assert call.attrs == {"source": "../kms", "alias": "worker-1", "rotation": False}
    assert call.meta["index"] == 1
    assert call.meta["module_calls"] == ['module.app["worker"]']
    queue = nodes["aws_sqs_queue.q"]
    assert queue.attrs["name"] == "alias/api-0"
    # the unknown names what could not be resolved, where it was written
    assert queue.attrs["kms_master_key_id"] == Unknown(
        "aws_kms_key.this.arn", ('module.app["api"].module.kms[0].aws_kms_key.this',)
    )
    # the direct resource-to-resource edge exists through two module outputs
    assert (
        "kms_master_key_id",
        'module.app["api"].module.kms[0].aws_kms_key.this',
        "arn",
    ) in edge_set(result, "aws_sqs_queue.q")
    contains = {
        e.dst.split("::")[1]
        for e in result.edges
        if e.kind == "contains" and e.src == '.::module.app["worker"]'
    }
    assert 'module.app["worker"].module.kms[1].aws_kms_key.this' in contains
    assert 'module.app["worker"].module.kms[0]' in contains
    assert 'module.app["worker"].var.name' in contains
    # modules/app and modules/kms are only used through main: one root, no other scopes
    assert {n.scope for n in result.nodes} == {"."}


def test_directory_used_only_as_a_module_is_not_a_root_unless_uncalled(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "envs/prod/main.tf": 'module "kms" {\n  source = "../../modules/kms"\n  alias = "prod"\n}\n',
            "modules/kms/main.tf": KMS_MODULE,
            "modules/unused/main.tf": KMS_MODULE,
        },
    )
    scopes = {n.scope for n in result.nodes}
    assert scopes == {"envs/prod", "modules/unused"}
    unused = by_address(result, "modules/unused")["aws_kms_key.this"]
    assert unused.attrs["description"] == Unknown("var.alias", ("var.alias",))


def test_bad_module_calls_are_diagnostics_on_the_module_block(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_s3_bucket" "x" {}\n')
    result = load(
        tmp_path / "repo",
        {
            "main.tf": f"""module "missing" {{
  source = "./modules/nope"
}}
module "escape" {{
  source = "../../{outside.name}"
}}
module "loop" {{
  source = "./modules/a"
}}
module "vpc" {{
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
}}
resource "aws_flow_log" "f" {{
  vpc_id = module.vpc.vpc_id
}}
""",
            "modules/a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "modules/b/main.tf": 'module "a" {\n  source = "../a"\n}\nresource "aws_sqs_queue" "q" {}\n',
        },
        dirs=["."],
    )
    found = sorted((d.rule_id, d.address, d.range.start_line) for d in diags(result))
    assert found == [
        ("SYS006", "module.vpc", 10),
        ("SYS007", "module.escape", 4),
        ("SYS007", "module.loop.module.b.module.a", 1),
        ("SYS007", "module.missing", 1),
    ]
    messages = {d.address: d.message for d in diags(result)}
    assert "terraform init" in messages["module.vpc"]
    assert "outside the scanned repository" in messages["module.escape"]
    assert "module cycle" in messages["module.loop.module.b.module.a"]
    assert "does not exist" in messages["module.missing"]
    for d in diags(result):
        assert d.range.file == (
            "main.tf" if d.address.count("module.") == 1 else "modules/b/main.tf"
        )
    nodes = by_address(result)
    # what could be loaded still is
    assert "module.loop.module.b.aws_sqs_queue.q" in nodes
    assert nodes["module.vpc"].meta["loaded"] is False
    flow = nodes["aws_flow_log.f"]
    assert flow.attrs["vpc_id"] == Unknown("module.vpc.vpc_id", ("module.vpc",))
    assert edge_set(result, "aws_flow_log.f") == {("vpc_id", "module.vpc", "vpc_id")}


def test_module_depth_limit(tmp_path: Path) -> None:
    files = {"main.tf": 'module "m" {\n  source = "./m0"\n}\n'}
    for i in range(5):
        files[f"m{i}/main.tf"] = f'module "m" {{\n  source = "../m{i + 1}"\n}}\n'
    files["m5/main.tf"] = 'resource "aws_sqs_queue" "deep" {}\n'
    result = load(tmp_path, files, dirs=["."], limits=Limits(max_module_depth=3))
    (d,) = diags(result)
    assert d.rule_id == "SYS007"
    assert d.address == "module.m.module.m.module.m.module.m"
    assert d.range == Range("m2/main.tf", 1, 1, 3, 2)


def test_registry_modules_are_read_from_the_init_manifest(tmp_path: Path) -> None:
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "kms",
                "Source": "registry.terraform.io/acme/kms/aws",
                "Version": "1.2.0",
                "Dir": ".terraform/modules/kms",
            },
            {
                "Key": "kms.nested",
                "Source": "./nested",
                "Dir": ".terraform/modules/kms/nested",
            },
        ]
    }
    result = load(
        tmp_path,
        {
            "main.tf": 'module "kms" {\n  source  = "acme/kms/aws"\n  version = "1.2.0"\n  alias = "x"\n}\n',
            ".terraform/modules/modules.json": json.dumps(manifest),
            ".terraform/modules/kms/main.tf": KMS_MODULE
            + 'module "nested" {\n  source = "./nested"\n}\n',
            ".terraform/modules/kms/nested/main.tf": 'resource "aws_sqs_queue" "n" {}\n',
        },
        dirs=["."],
    )
    assert not diags(result)
    key = node(result, "module.kms.aws_kms_key.this")
    assert key.attrs["description"] == "x"
    assert key.range.file == ".terraform/modules/kms/main.tf"
    assert node(result, "module.kms").meta["dir"] == ".terraform/modules/kms"
    assert "module.kms.module.nested.aws_sqs_queue.n" in by_address(result)


def test_providers_are_inherited_and_passed_explicitly(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Owner = "platform" }
  }
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
module "default" {
  source = "./mod"
}
module "us" {
  source    = "./mod"
  providers = { aws = aws.us }
}
resource "aws_s3_bucket" "root" {
  bucket = "b"
  tags   = { Owner = "me", App = "x" }
}
resource "aws_s3_bucket" "aliased" {
  provider = aws.us
  bucket   = "c"
}
""",
            "mod/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
        },
        dirs=["."],
    )
    nodes = by_address(result)
    assert nodes["module.default.aws_sqs_queue.q"].meta["provider"] == "provider.aws"
    assert nodes["module.default.aws_sqs_queue.q"].attrs["tags_all"] == {"Owner": "platform"}
    assert nodes["module.us.aws_sqs_queue.q"].meta["provider"] == "provider.aws.us"
    assert "tags_all" not in nodes["module.us.aws_sqs_queue.q"].attrs
    assert nodes["aws_s3_bucket.root"].attrs["tags_all"] == {"Owner": "me", "App": "x"}
    assert nodes["aws_s3_bucket.aliased"].meta["provider"] == "provider.aws.us"
    assert nodes["aws_s3_bucket.aliased"].locations[("@provider",)] == Range(
        "main.tf", 23, 3, 23, 20
    )
    provider = nodes["provider.aws.us"]
    assert provider.attrs == {"alias": "us", "region": "us-east-1"}
    assert provider.meta["alias"] == "us"
    assert nodes["module.us"].meta["providers"] == {"aws": "aws.us"}


def test_override_files_merge_into_the_blocks_they_override(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """resource "aws_db_instance" "db" {
  storage_encrypted = true
  multi_az          = true
  tags              = { Team = "data" }
  lifecycle {
    prevent_destroy = true
  }
}
locals {
  env = "prod"
}
""",
            "override.tf": """resource "aws_db_instance" "db" {
  storage_encrypted = false
}
locals {
  env = "dev"
}
""",
            "z_override.tf": 'resource "aws_db_instance" "db" {\n  tags = { Team = "x" }\n}\n',
        },
    )
    assert not diags(result)
    db = node(result, "aws_db_instance.db")
    assert db.attrs == {"storage_encrypted": False, "multi_az": True, "tags": {"Team": "x"}}
    assert db.locations[("storage_encrypted",)] == Range("override.tf", 2, 3, 2, 28)
    assert db.locations[("multi_az",)] == Range("main.tf", 3, 3, 3, 27)
    assert db.locations[("tags",)].file == "z_override.tf"
    assert db.meta["lifecycle"] == {"prevent_destroy": True}
    assert node(result, "local.env").attrs["value"] == "dev"

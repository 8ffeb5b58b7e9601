"""Variable values: sources and their precedence, type conversion, optional() defaults, origins."""

from __future__ import annotations

from pathlib import Path

from tfload import diags, load, node

from soc2lint.model import Origin, Range, Unknown

VARIABLES = """
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "g" { default = "default" }
variable "h" { default = "default" }
variable "none" {}
variable "undeclared_in_tfvars_is_ignored" { default = 1 }

output "all" {
  value = [var.a, var.b, var.c, var.d, var.e, var.f, var.g, var.h]
}
"""


def test_precedence_of_variable_sources(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": VARIABLES,
            "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\nnot_declared = 1\n',
            "terraform.tfvars.json": '{"c": "tfvars.json", "d": "tfvars.json"}',
            "a.auto.tfvars": 'd = "a.auto"\ne = "a.auto"\n',
            "b.auto.tfvars.json": '{"e": "b.auto.json", "f": "b.auto.json"}',
            "extra.tfvars": 'f = "var-file"\ng = "var-file"\n',
        },
        env={"TF_VAR_a": "env", "TF_VAR_b": "env", "TF_VAR_h": "env"},
        var_files=(tmp_path / "extra.tfvars",),
        vars={"g": "cli"},
    )
    values = node(result, "output.all").attrs["value"]
    assert values == [
        "env",  # a: only the environment
        "tfvars",  # b: terraform.tfvars beats the environment
        "tfvars.json",  # c: terraform.tfvars.json beats terraform.tfvars
        "a.auto",  # d: *.auto.tfvars beat both
        "b.auto.json",  # e: later auto file (lexical order) wins
        "var-file",  # f: --var-file beats auto files
        "cli",  # g: --var beats everything
        "env",  # h
    ]
    assert node(result, "var.none").attrs["value"] == Unknown("var.none", ("var.none",))
    origins = {
        n.address: n.origins.get(("value",)) for n in result.nodes if n.category == "variable"
    }
    assert origins["var.a"] == Origin("TF_VAR_a", None, "var.a")
    assert origins["var.b"] == Origin(
        "terraform.tfvars", Range("terraform.tfvars", 1, 1, 1, 13), "var.b"
    )
    assert origins["var.c"] == Origin(
        "terraform.tfvars.json", Range("terraform.tfvars.json", 1, 2, 1, 20), "var.c"
    )
    assert origins["var.g"] == Origin("--var g", None, "var.g")
    assert origins["var.none"] is None
    assert not diags(result)


def test_types_convert_values_and_fill_optional_defaults(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """
variable "count_str" { type = number }
variable "flag" { type = bool }
variable "names" { type = set(string) }
variable "ports" { type = list(number) }
variable "db" {
  type = object({
    engine  = string
    size    = optional(number, 20)
    backups = optional(object({
      enabled = optional(bool, true)
      days    = optional(number)
    }), {})
  })
}
variable "dbs" {
  type = map(object({
    multi_az = optional(bool, false)
  }))
}
variable "complex_cli" { type = map(list(string)) }
variable "string_cli" { type = string }
variable "untyped_cli" {}
""",
            "terraform.tfvars": """
count_str = "3"
flag      = "true"
names     = ["b", "a", "b"]
ports     = ["80", 443]
db        = { engine = "postgres", extra = "dropped" }
dbs       = { main = {}, replica = { multi_az = true } }
""",
        },
        env={"TF_VAR_complex_cli": '{ a = ["x", "y"] }', "TF_VAR_untyped_cli": "[1, 2]"},
        vars={"string_cli": "[not, parsed]"},
    )

    def value(name: str) -> object:
        return node(result, f"var.{name}").attrs["value"]

    assert value("count_str") == 3
    assert value("flag") is True
    assert value("names") == ["a", "b"]
    assert value("ports") == [80, 443]
    assert value("db") == {
        "engine": "postgres",
        "size": 20,
        "backups": {"enabled": True, "days": None},
    }
    assert value("dbs") == {"main": {"multi_az": False}, "replica": {"multi_az": True}}
    assert value("complex_cli") == {"a": ["x", "y"]}
    assert value("string_cli") == "[not, parsed]"
    assert value("untyped_cli") == "[1, 2]"


def test_variable_node_attributes_and_locations(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "variables.tf": """variable "db_password" {
  description = "Master password"
  type        = string
  default     = "hunter2"
  sensitive   = true
}
""",
        },
    )
    var = node(result, "var.db_password")
    assert var.kind == "variable" and var.category == "variable"
    assert var.attrs == {
        "default": "hunter2",
        "type": "string",
        "description": "Master password",
        "sensitive": True,
        "value": "hunter2",
    }
    assert var.range == Range("variables.tf", 1, 1, 6, 2)
    assert var.locations[("default",)] == Range("variables.tf", 4, 3, 4, 26)
    assert var.origins[("value",)] == Origin(
        "var.db_password", Range("variables.tf", 4, 3, 4, 26), "var.db_password"
    )


def test_origins_follow_variables_locals_and_module_inputs(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "pw" {
  default = "literal-default"
}
locals {
  pw = var.pw
}
resource "aws_db_instance" "direct" {
  password = var.pw
}
resource "aws_db_instance" "through_local" {
  password = local.pw
}
resource "aws_db_instance" "computed" {
  password = "${var.pw}-suffix"
}
module "db" {
  source         = "./modules/db"
  password       = local.pw
  other_password = "inline-literal"
}
""",
            "modules/db/main.tf": """variable "password" {}
variable "other_password" {}
resource "aws_db_instance" "this" {
  password        = var.password
  master_password = var.other_password
}
""",
        },
    )
    default = Origin("var.pw", Range("main.tf", 2, 3, 2, 30), "var.pw")
    assert node(result, "aws_db_instance.direct").origins == {("password",): default}
    assert node(result, "aws_db_instance.through_local").origins == {("password",): default}
    assert node(result, "aws_db_instance.computed").origins == {}
    inner = node(result, "module.db.aws_db_instance.this")
    assert inner.origins[("password",)] == default
    assert inner.origins[("master_password",)] == Origin(
        "module.db input other_password", Range("main.tf", 19, 3, 19, 36), "module.db"
    )
    assert inner.attrs["master_password"] == "inline-literal"

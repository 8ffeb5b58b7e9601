"""A for_each map whose values hold unknowns still has known keys (terraform-aws-ec2-instance)."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

_MAIN = """
resource "aws_kms_key" "this" {
  enable_key_rotation = true
}

module "ec2" {
  source = "./modules/ec2"

  ebs_volumes = {
    "/dev/sdf" = {
      size       = 5
      encrypted  = false
      kms_key_id = aws_kms_key.this.arn
    }
  }
}
"""

_MODULE = """
variable "create" {
  type    = bool
  default = true
}

variable "ebs_volumes" {
  type    = any
  default = null
}

resource "aws_ebs_volume" "this" {
  for_each = var.create && var.ebs_volumes != null ? var.ebs_volumes : {}

  availability_zone = "eu-west-1a"
  encrypted         = each.value.encrypted
  kms_key_id        = each.value.kms_key_id
  size              = each.value.size
}
"""


def test_foreach_over_map_with_unknown_values_expands_its_keys(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": _MAIN, "modules/ec2/main.tf": _MODULE})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("ENC002",), inline_suppressions=False),
    )
    got = sorted((f.rule_id, f.address, f.range.file, f.range.start_line) for f in result.findings)
    assert got == [
        ("ENC002", 'module.ec2.aws_ebs_volume.this["/dev/sdf"]', "modules/ec2/main.tf", 16)
    ]

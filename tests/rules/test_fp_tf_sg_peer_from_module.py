"""A rule's peer chosen between the group itself and an unevaluated module output is unknown.

terraform-aws-rds-aurora: `referenced_security_group_id = each.value.x == "self" ?
aws_security_group.this[0].id : each.value.x` with `x = module.vpc_endpoints.security_group_id`
was described as the group itself.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

_MAIN = """
module "endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 6.0"
}

resource "aws_security_group" "db" {
  name = "db"
}

locals {
  peer = module.endpoints.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "kms" {
  security_group_id            = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = local.peer == "self" ? aws_security_group.db.id : local.peer
}
"""


def test_peer_that_may_come_from_a_module_output_is_not_the_group_itself(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": _MAIN})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("NET015",), inline_suppressions=False),
    )
    got = [
        (f.rule_id, f.address, f.range.start_line, f.message)
        for f in result.findings
        if f.rule_id == "NET015"
    ]
    assert got == [
        (
            "NET015",
            "aws_vpc_security_group_egress_rule.kms",
            15,
            "aws_vpc_security_group_egress_rule.kms: egress rule tcp/443 to an unknown peer "
            "has no description",
        )
    ]

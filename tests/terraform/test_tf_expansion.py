"""count, for_each and dynamic blocks: instances, addresses, unknown expansions, caps."""

from __future__ import annotations

from pathlib import Path

from tfload import by_address, diags, edge_set, load, node

from soc2lint.frontend import Limits
from soc2lint.model import Range, Unknown


def test_count_and_for_each_create_addressed_instances(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "azs" { default = ["a", "b", "c"] }
resource "aws_subnet" "private" {
  count             = length(var.azs)
  availability_zone = "eu-west-1${var.azs[count.index]}"
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = "acme-${each.key}"
}
resource "aws_iam_user" "u" {
  for_each = { alice = "admin", bob = "dev" }
  name     = each.key
  path     = "/${each.value}/"
}
resource "aws_instance" "none" {
  count = 0
  ami   = "ami-1"
}
resource "aws_instance" "empty" {
  for_each = {}
  ami      = "ami-1"
}
resource "aws_s3_bucket_versioning" "v" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
}
output "first_cidr" { value = aws_subnet.private[0].cidr_block }
output "zones" { value = aws_subnet.private[*].availability_zone }
output "bucket_names" { value = { for k, b in aws_s3_bucket.b : k => b.bucket } }
""",
        },
    )
    nodes = by_address(result)
    assert [a for a in nodes if a.startswith("aws_subnet")] == [
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_subnet.private[2]",
    ]
    assert nodes["aws_subnet.private[2]"].attrs == {
        "availability_zone": "eu-west-1c",
        "cidr_block": "10.0.2.0/24",
    }
    assert nodes["aws_subnet.private[2]"].meta["index"] == 2
    assert nodes['aws_s3_bucket.b["logs"]'].attrs["bucket"] == "acme-logs"
    assert nodes['aws_s3_bucket.b["logs"]'].meta["index"] == "logs"
    assert nodes['aws_iam_user.u["alice"]'].attrs == {"name": "alice", "path": "/admin/"}
    assert not any(a.startswith(("aws_instance.none", "aws_instance.empty")) for a in nodes)
    assert nodes["output.first_cidr"].attrs["value"] == "10.0.0.0/24"
    assert nodes["output.zones"].attrs["value"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert nodes["output.bucket_names"].attrs["value"] == {"data": "acme-data", "logs": "acme-logs"}
    # each instance of the versioning refers to its own bucket
    versioning = nodes['aws_s3_bucket_versioning.v["data"]']
    assert versioning.attrs["bucket"] == Unknown("each.value.id", ('aws_s3_bucket.b["data"]',))
    assert edge_set(result, 'aws_s3_bucket_versioning.v["data"]') == {
        ("@for_each", 'aws_s3_bucket.b["data"]', None),
        ("@for_each", 'aws_s3_bucket.b["logs"]', None),
        ("bucket", 'aws_s3_bucket.b["data"]', "id"),
    }


def test_unknown_count_and_for_each_keep_one_instance(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "create" { type = bool }
variable "names" { type = set(string) }
resource "aws_kms_key" "k" {
  count               = var.create ? 1 : 0
  enable_key_rotation = false
  description         = "key ${count.index}"
}
resource "aws_s3_bucket" "b" {
  for_each = var.names
  bucket   = each.key
  tags     = { Fixed = "yes" }
}
""",
        },
    )
    key = node(result, "aws_kms_key.k")
    assert key.meta["count_unknown"] is True
    assert "index" not in key.meta
    assert key.attrs["enable_key_rotation"] is False
    assert key.attrs["description"] == Unknown('"key ${count.index}"', ("var.create",))
    bucket = node(result, "aws_s3_bucket.b")
    assert bucket.meta["count_unknown"] is True
    assert bucket.attrs["bucket"] == Unknown("each.key", ("var.names",))
    assert bucket.attrs["tags"] == {"Fixed": "yes"}


def test_count_over_the_limit_is_capped_with_a_diagnostic(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "q" {\n  count = 100000\n  name = "q-${count.index}"\n}\n'
        },
        limits=Limits(max_expansion=50),
    )
    queues = [n for n in result.nodes if n.type == "aws_sqs_queue"]
    assert len(queues) == 50
    addresses = {q.address for q in queues}
    assert "aws_sqs_queue.q[49]" in addresses
    assert "aws_sqs_queue.q[50]" not in addresses
    (d,) = diags(result)
    assert d.rule_id == "SYS008"
    assert d.range == Range("main.tf", 2, 3, 2, 17)
    assert d.address == "aws_sqs_queue.q"
    assert "100000 instances" in d.message


def test_step_explosion_is_stopped_with_a_diagnostic(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """locals {
  big = [for a in range(1000) : [for b in range(1000) : a * b]]
  huge = range(1e9)
}
resource "aws_sqs_queue" "q" {
  name = "still-${length(local.big)}"
}
""",
        },
        limits=Limits(max_eval_steps=100_000),
    )
    found = {(d.rule_id, d.address, d.range.start_line, d.range.start_col) for d in diags(result)}
    assert found == {("SYS008", "local.big", 2, 3), ("SYS008", "local.huge", 3, 3)}
    assert node(result, "local.huge").attrs["value"] == Unknown("range(1000000000)", ())
    assert isinstance(node(result, "aws_sqs_queue.q").attrs["name"], Unknown)


def test_dynamic_blocks_expand_with_iterators_and_nesting(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """locals {
  rules = [
    { port = 22, cidrs = ["10.0.0.0/8"] },
    { port = 443, cidrs = ["0.0.0.0/0", "::/0"] },
  ]
}
resource "aws_security_group" "sg" {
  name = "web"
  ingress {
    from_port = 80
    to_port   = 80
  }
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      description = "rule ${rule.key}"
      dynamic "cidr" {
        for_each = rule.value.cidrs
        content {
          block = cidr.value
        }
      }
    }
  }
}
""",
        },
    )
    sg = node(result, "aws_security_group.sg")
    assert sg.attrs["ingress"] == [
        {"from_port": 80, "to_port": 80},
        {
            "from_port": 22,
            "to_port": 22,
            "description": "rule 0",
            "cidr": [{"block": "10.0.0.0/8"}],
        },
        {
            "from_port": 443,
            "to_port": 443,
            "description": "rule 1",
            "cidr": [{"block": "0.0.0.0/0"}, {"block": "::/0"}],
        },
    ]
    assert sg.locations[("ingress", 0)] == Range("main.tf", 9, 3, 12, 4)
    assert sg.locations[("ingress", 2)] == Range("main.tf", 13, 3, 27, 4)
    assert sg.locations[("ingress", 2, "from_port")] == Range("main.tf", 17, 7, 17, 36)
    assert sg.locations[("ingress", 2, "cidr", 1, "block")] == Range("main.tf", 23, 11, 23, 29)
    assert "dynamic_unknown" not in sg.meta


def test_dynamic_block_with_unknown_for_each_keeps_a_template(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "ports" { type = list(number) }
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
      protocol    = "tcp"
    }
  }
}
""",
        },
    )
    sg = node(result, "aws_security_group.sg")
    assert sg.meta["dynamic_unknown"] == ["ingress"]
    (rule,) = sg.attrs["ingress"]
    assert rule["from_port"] == Unknown("ingress.value", ("var.ports",))
    assert rule["cidr_blocks"] == ["0.0.0.0/0"]
    assert rule["protocol"] == "tcp"


def test_dynamic_block_over_a_list_with_unknown_elements_keeps_the_count(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """variable "extra_cidr" { type = string }
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = ["10.0.0.0/8", var.extra_cidr]
    content {
      from_port   = 443
      to_port     = 443
      cidr_blocks = [ingress.value]
    }
  }
}
""",
        },
    )
    sg = node(result, "aws_security_group.sg")
    assert "dynamic_unknown" not in sg.meta
    assert sg.attrs["ingress"] == [
        {"from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]},
        {
            "from_port": 443,
            "to_port": 443,
            "cidr_blocks": [Unknown("var.extra_cidr", ("var.extra_cidr",))],
        },
    ]

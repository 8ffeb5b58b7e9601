"""Review of the NET rules against RULES.md: cases found wrong and fixed."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config
from soc2lint.rule import DEFAULT_OPTIONS

from helpers import scan, write_files


def _findings(tmp_path: Path, files: dict[str, str], *rules: str) -> list[tuple[str, str, int]]:
    write_files(tmp_path, files)
    config = Config(select=rules, options=dict(DEFAULT_OPTIONS), inline_suppressions=False)
    result = scan([tmp_path], base=tmp_path, config=config)
    return sorted((f.rule_id, f.address, f.range.start_line) for f in result.findings)


EXPOSED_TF = """
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.v.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.v.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "ssh" {
  vpc_id = aws_vpc.v.id
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "app" {
  image_id = "ami-0123456789abcdef0"
  network_interfaces {
    associate_public_ip_address = PUBLIC
  }
}

resource "aws_instance" "app" {
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.ssh.id]
  launch_template {
    id = aws_launch_template.app.id
  }
}
"""


def test_instance_launch_template_false_wins_over_subnet_mapping(tmp_path: Path) -> None:
    # RULES.md Clarifications: an explicit false on the instance *or launch
    # template* wins over the subnet's mapping (NET008), so there is no public
    # address for NET009 either.
    files = {"main.tf": EXPOSED_TF.replace("PUBLIC", "false")}
    assert _findings(tmp_path, files, "NET008", "NET009") == []


def test_instance_launch_template_true_is_reported_on_the_template(tmp_path: Path) -> None:
    files = {"main.tf": EXPOSED_TF.replace("PUBLIC", "true")}
    got = _findings(tmp_path, files, "NET008", "NET009")
    assert ("NET008", "aws_launch_template.app", 43) in got
    assert not [f for f in got if f[0] == "NET008" and f[1] == "aws_instance.app"]
    assert [f for f in got if f[0] == "NET009" and f[1] == "aws_instance.app"]


def test_instance_launch_template_unknown_is_not_a_failure(tmp_path: Path) -> None:
    files = {
        "main.tf": EXPOSED_TF.replace("PUBLIC", "var.public")
        + '\nvariable "public" {\n  type = bool\n}\n'
    }
    assert _findings(tmp_path, files, "NET008", "NET009") == []


def test_inline_acl_grant_to_a_public_group(tmp_path: Path) -> None:
    # NET011: a public ACL is not only a canned one; a grant to AllUsers or
    # AuthenticatedUsers opens the bucket the same way. LogDelivery does not.
    files = {
        "main.tf": """resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  grant {
    type        = "Group"
    permissions = ["READ_ACP", "WRITE"]
    uri         = "http://acs.amazonaws.com/groups/s3/LogDelivery"
  }
  grant {
    type        = "Group"
    permissions = ["READ"]
    uri         = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
  }
}
"""
    }
    assert _findings(tmp_path, files, "NET011") == [("NET011", "aws_s3_bucket.logs", 8)]


BY_NAME_TF = """resource "aws_subnet" "public" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
}

resource "aws_launch_template" "app" {
  name = "app"
  SETTING
}

resource "aws_instance" "app" {
  subnet_id = aws_subnet.public.id
  launch_template {
    name = "app"
  }
}
"""


def test_instance_launch_template_matched_by_literal_name(tmp_path: Path) -> None:
    off = BY_NAME_TF.replace(
        "SETTING", "network_interfaces {\n    associate_public_ip_address = false\n  }"
    )
    assert _findings(tmp_path / "off", {"main.tf": off}, "NET008") == []
    silent = BY_NAME_TF.replace("SETTING", "")
    assert _findings(tmp_path / "silent", {"main.tf": silent}, "NET008") == [
        ("NET008", "aws_instance.app", 13)
    ]

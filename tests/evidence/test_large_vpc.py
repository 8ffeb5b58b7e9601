"""A 40-subnet VPC stays readable: grouped by zone, empty subnets collapsed, edges capped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from soc2lint.evidence.network import MAX_EDGES, mermaid_blocks

from packs import run_evidence

ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d")


def large_vpc_project(root: Path) -> None:
    """40 subnets (10 per zone: 2 public, 8 private), a few of them with resources."""
    parts = [
        'resource "aws_vpc" "big" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        'resource "aws_internet_gateway" "igw" {\n  vpc_id = aws_vpc.big.id\n}\n',
        'resource "aws_route_table" "public" {\n  vpc_id = aws_vpc.big.id\n'
        '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.igw.id\n  }\n}\n',
        'resource "aws_security_group" "app" {\n  name   = "app"\n  vpc_id = aws_vpc.big.id\n'
        '  ingress {\n    description = "ssh from anywhere"\n    from_port = 22\n    to_port = 22\n'
        '    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
        'resource "aws_security_group" "db" {\n  name   = "db"\n  vpc_id = aws_vpc.big.id\n'
        '  ingress {\n    description = "postgres from the app"\n    from_port = 5432\n'
        '    to_port = 5432\n    protocol = "tcp"\n'
        "    security_groups = [aws_security_group.app.id]\n  }\n}\n",
    ]
    n = 0
    for zi, zone in enumerate(ZONES):
        for k in range(10):
            tier = "public" if k < 2 else "private"
            parts.append(
                f'resource "aws_subnet" "s{n}" {{\n  vpc_id = aws_vpc.big.id\n'
                f'  cidr_block = "10.0.{n}.0/24"\n  availability_zone = "{zone}"\n'
                f'  tags = {{ Name = "{tier}-{zone}-{k}" }}\n}}\n'
            )
            if tier == "public":
                parts.append(
                    f'resource "aws_route_table_association" "a{n}" {{\n'
                    f"  subnet_id = aws_subnet.s{n}.id\n"
                    "  route_table_id = aws_route_table.public.id\n}\n"
                )
            if k in (0, 2) and zi < 3:
                parts.append(
                    f'resource "aws_instance" "i{n}" {{\n  ami = "ami-0123456789abcdef0"\n'
                    f'  instance_type = "t3.micro"\n  subnet_id = aws_subnet.s{n}.id\n'
                    "  vpc_security_group_ids = [aws_security_group.app.id]\n}\n"
                )
            n += 1
    parts.append(
        'resource "aws_db_subnet_group" "db" {\n  name = "db"\n'
        "  subnet_ids = [aws_subnet.s3.id, aws_subnet.s13.id, aws_subnet.s23.id]\n}\n"
        'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n'
        "  db_subnet_group_name = aws_db_subnet_group.db.name\n"
        "  vpc_security_group_ids = [aws_security_group.db.id]\n  storage_encrypted = true\n}\n"
    )
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text("\n".join(parts), encoding="utf-8")


def test_large_vpc_diagram_is_grouped_and_collapsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    large_vpc_project(tmp_path / "big")
    r = run_evidence(tmp_path, ["big", "-o", "out", "--reproducible"], monkeypatch)
    assert r.exit_code in (0, 1), r.output
    text = (tmp_path / "out/network/network-diagram.md").read_text(encoding="utf-8")
    (diagram,) = mermaid_blocks(text)
    zones = re.findall(r'subgraph z\d+\["AZ ([^"]+)"\]', diagram)
    assert zones == list(ZONES)
    subnet_boxes = re.findall(r'subgraph s\d+\["', diagram)
    assert len(subnet_boxes) == 6  # only the subnets with something in them
    collapsed = re.findall(r'e\d+\w+\["(\d+) (public|private) subnets? \(nothing placed\)', diagram)
    assert sum(int(c) for c, _ in collapsed) == 40 - 6
    assert len(collapsed) <= 2 * len(ZONES)
    assert diagram.count("-->") + diagram.count("-.-") + diagram.count("==>") <= MAX_EDGES + 1
    assert "40 subnets (8 public) in 4 zones." in text
    # the database sits in three subnets of three zones: drawn once, with its span
    assert re.search(
        r'\[\("RDS instance: aws_db_instance\.db \(in 3 subnets, 3 AZs\)"\)\]', diagram
    )

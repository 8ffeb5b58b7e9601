"""Generate evidence packs the way users do: the CLI, run from a directory holding the code.

The projects are copied into a temporary directory so that the links in the
pack (relative from the pack file to the scanned file) and the paths in
``findings.json`` do not depend on where the repository is checked out, and
so that no git metadata is read (the README then says so).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soc2lint.cli import main

REPO = Path(__file__).resolve().parents[2]
PROJECTS = Path(__file__).resolve().parent / "projects"

#: golden pack name -> (sources relative to the repository, extra CLI arguments)
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "example": (("fixtures/example",), ()),
    "network": (("fixtures/terraform/network", "fixtures/cloudformation/network"), ()),
    "network-leaky": (
        ("fixtures/terraform/network-leaky", "fixtures/cloudformation/network-leaky"),
        (),
    ),
    "iam": (("fixtures/terraform/iam", "fixtures/cloudformation/iam"), ()),
    "encryption": (("fixtures/terraform/encryption", "fixtures/cloudformation/encryption"), ()),
    "logging": (
        ("fixtures/terraform/logging", "fixtures/cloudformation/logging"),
        ("--account-scope",),
    ),
    "resilience": (
        ("fixtures/terraform/resilience", "fixtures/cloudformation/resilience-careless"),
        (),
    ),
    "tricky": (("tests/evidence/projects/tricky",), ()),
}

#: the sample pack committed under docs/example-evidence (README section)
DOCS_EXAMPLE = ("fixtures/example", "fixtures/terraform/network")
DOCS_EXAMPLE_OUTPUT = "docs/example-evidence"


def copy_sources(sources: Sequence[str], into: Path) -> list[str]:
    """Copy repository paths into ``into`` under the same relative paths."""
    for s in sources:
        shutil.copytree(REPO / s, into / s)
    return list(sources)


def run_evidence(
    workdir: Path,
    args: Sequence[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Result:
    monkeypatch.chdir(workdir)
    return CliRunner().invoke(main, ["evidence", *args], catch_exceptions=False)


def generate(
    workdir: Path,
    sources: Sequence[str],
    extra: Sequence[str],
    monkeypatch: pytest.MonkeyPatch,
    output: str = "compliance",
) -> dict[str, str]:
    """Copy ``sources`` into ``workdir``, write the pack into ``workdir/output``, read it back."""
    copy_sources(sources, workdir)
    result = run_evidence(
        workdir, [*sources, "--output", output, "--reproducible", "--no-cache", *extra], monkeypatch
    )
    # 3: a fixture calls a registry module that is not downloaded (SYS006, incomplete)
    assert result.exit_code in (0, 1, 3), result.output
    return read_pack(workdir / output)


def read_pack(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


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


def instance_group_project(root: Path, count: int = 900, subnets: int = 6) -> None:
    """``count = 900`` web instances spread over 6 subnets (3 public, 3 private) of two
    zones, reachable from the internet on 443, each with a long name, and a database."""
    parts = [
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        'resource "aws_internet_gateway" "igw" {\n  vpc_id = aws_vpc.main.id\n}\n',
        'resource "aws_route_table" "public" {\n  vpc_id = aws_vpc.main.id\n'
        '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.igw.id\n'
        "  }\n}\n",
        'resource "aws_security_group" "web" {\n  name   = "web"\n  vpc_id = aws_vpc.main.id\n'
        '  ingress {\n    description = "https from anywhere"\n    from_port = 443\n'
        '    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
        f'resource "aws_subnet" "s" {{\n  count = {subnets}\n  vpc_id = aws_vpc.main.id\n'
        '  cidr_block = "10.0.${count.index}.0/24"\n'
        f'  availability_zone = element(["{ZONES[0]}", "{ZONES[1]}"], count.index)\n'
        "  map_public_ip_on_launch = count.index < 3\n}\n",
        f'resource "aws_route_table_association" "a" {{\n  count = {subnets // 2}\n'
        "  subnet_id = aws_subnet.s[count.index].id\n"
        "  route_table_id = aws_route_table.public.id\n}\n",
        'resource "aws_instance" "web_frontend_service_with_a_long_descriptive_name" {\n'
        f'  count = {count}\n  ami = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n'
        f"  subnet_id = aws_subnet.s[count.index % {subnets}].id\n"
        "  vpc_security_group_ids = [aws_security_group.web.id]\n}\n",
    ]
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text("\n".join(parts), encoding="utf-8")

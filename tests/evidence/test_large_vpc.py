"""A 40-subnet VPC stays readable: grouped by zone, empty subnets collapsed, edges capped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from soc2lint.evidence.network import MAX_DIAGRAM_CHARS, MAX_EDGES, mermaid_blocks

from packs import ZONES, instance_group_project, large_vpc_project, run_evidence


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
    collapsed = re.findall(r'e\d+\w+\["(\d+) (public|private) subnets?: ', diagram)
    assert sum(int(c) for c, _ in collapsed) == 40 - 6
    assert len(collapsed) <= 2 * len(ZONES)
    assert diagram.count("-->") + diagram.count("-.-") + diagram.count("==>") <= MAX_EDGES + 1
    assert "40 subnets (8 public) in 4 zones." in text
    # the database sits in three subnets of three zones: drawn once, with its span
    assert re.search(
        r'\[\("RDS instance: aws_db_instance\.db \(in 3 subnets, 3 AZs\)"\)\]', diagram
    )


def test_a_900_instance_group_is_summarised_within_githubs_mermaid_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_group_project(tmp_path / "fleet")
    r = run_evidence(tmp_path, ["fleet", "-o", "out", "--reproducible"], monkeypatch)
    assert r.exit_code in (0, 1), r.output
    text = (tmp_path / "out/network/network-diagram.md").read_text(encoding="utf-8")
    (diagram,) = mermaid_blocks(text)
    # GitHub renders no Mermaid diagram over 50,000 characters
    assert len(diagram) <= MAX_DIAGRAM_CHARS < 50_000
    # one box per subnet for the 900 instances, with their count, and the diagram says so
    boxes = re.findall(
        r'g\d+\["EC2 instance: aws_instance\.[\w]+\[\*\] ×(\d+) \(summarised\)"\]', diagram
    )
    assert [int(n) for n in boxes] == [150] * 6
    assert "900 resources are summarised" in diagram
    assert "900 resources are drawn inside summary boxes" in text
    # the internet reaches the group boxes (the rule admits 443 from anywhere)
    for gid in re.findall(r'(g\d+)\["EC2 instance', diagram):
        assert re.search(rf"internet -\.->\|\"tcp/443\"\| {gid}\b", diagram), gid


def test_any_diagram_is_cut_down_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many distinct resources (no repeated block) are summarised per subnet too."""
    parts = ['resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
             'resource "aws_subnet" "s" {\n  vpc_id = aws_vpc.v.id\n  cidr_block = "10.0.0.0/24"\n'
             f'  availability_zone = "{ZONES[0]}"\n}}\n']  # fmt: skip
    for i in range(700):
        parts.append(
            f'resource "aws_instance" "distinct_instance_with_a_rather_long_name_{i:04d}" {{\n'
            '  ami = "ami-0123456789abcdef0"\n  subnet_id = aws_subnet.s.id\n}\n'
        )
    (tmp_path / "many").mkdir()
    (tmp_path / "many" / "main.tf").write_text("\n".join(parts), encoding="utf-8")
    r = run_evidence(tmp_path, ["many", "-o", "out", "--reproducible"], monkeypatch)
    assert r.exit_code in (0, 1), r.output
    text = (tmp_path / "out/network/network-diagram.md").read_text(encoding="utf-8")
    (diagram,) = mermaid_blocks(text)
    assert len(diagram) <= MAX_DIAGRAM_CHARS
    assert re.search(r"… and \d+ more resources \(summarised\)", diagram)
    assert "resources are summarised" in diagram

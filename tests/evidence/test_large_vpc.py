"""A 40-subnet VPC stays readable: grouped by zone, empty subnets collapsed, edges capped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from soc2lint.evidence.network import MAX_EDGES, mermaid_blocks

from packs import ZONES, large_vpc_project, run_evidence


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

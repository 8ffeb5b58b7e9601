"""SARIF ``tool.driver.rules`` describes the rules with results in the file, plus
those the user selected by name, and every ``ruleIndex`` points at its rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from soc2lint.config import Config
from soc2lint.report import render

from helpers import registry, sarif_errors, scan, write_files

LEAKY = """
resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}
"""


def _sarif(tmp_path: Path, files: dict[str, str], **config: Any) -> tuple[dict[str, Any], Any]:
    write_files(tmp_path, files)
    result = scan([tmp_path], base=tmp_path, config=Config(**config))
    text = render("sarif", result)
    assert sarif_errors(text) == []
    run: dict[str, Any] = json.loads(text)["runs"][0]
    return run, result


def _check_indexes(run: dict[str, Any]) -> list[str]:
    described = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert described[res["ruleIndex"]] == res["ruleId"]
    return described


def test_only_rules_with_results_are_described(tmp_path: Path) -> None:
    run, result = _sarif(tmp_path, {"main.tf": LEAKY})
    described = _check_indexes(run)
    fired = {res["ruleId"] for res in run["results"]}
    assert "NET001" in fired
    assert described == sorted(fired)
    assert len(result.rules_run) > len(described)


def test_rules_selected_by_name_are_described_without_results(tmp_path: Path) -> None:
    # NET005 (the default security group) cannot fire here; the user asked for it by ID
    run, _ = _sarif(tmp_path, {"main.tf": LEAKY}, select=("NET001", "NET005"))
    described = _check_indexes(run)
    assert {res["ruleId"] for res in run["results"]} == {"NET001"}
    assert described == ["NET001", "NET005"]


def test_a_selected_family_is_described_whole(tmp_path: Path) -> None:
    run, result = _sarif(tmp_path, {"main.tf": LEAKY}, select=("NET",))
    described = _check_indexes(run)
    net = sorted(r.id for r in registry() if r.id.startswith("NET"))
    ran = {r.id for r in result.rules_run}
    assert [d for d in described if d.startswith("NET")] == [n for n in net if n in ran]


def test_a_clean_scan_describes_no_rule(tmp_path: Path) -> None:
    run, result = _sarif(tmp_path, {"main.tf": 'variable "region" {\n  default = "eu-west-1"\n}\n'})
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    assert result.rules_run


def test_suppressed_results_left_out_leave_their_rule_out(tmp_path: Path) -> None:
    text = LEAKY.replace(
        'resource "aws_security_group" "web" {',
        '# soc2lint: ignore[NET001] reason="bastion, reviewed"\n'
        'resource "aws_security_group" "web" {',
    )
    write_files(tmp_path, {"main.tf": text})
    result = scan([tmp_path], base=tmp_path)
    assert any(f.rule_id == "NET001" and f.suppressed for f in result.findings)
    plain = json.loads(render("sarif", result))["runs"][0]
    assert "NET001" not in _check_indexes(plain)
    full = json.loads(render("sarif", result, sarif_include_suppressed=True))["runs"][0]
    assert "NET001" in _check_indexes(full)


def test_an_incomplete_scan_describes_the_rule_of_its_notification(tmp_path: Path) -> None:
    run, _ = _sarif(tmp_path, {"main.tf": LEAKY, "broken.tf": 'resource "x" "y" {\n'})
    described = _check_indexes(run)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes
    for note in notes:
        assert note["descriptor"]["id"] in described

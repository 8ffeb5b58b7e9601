"""A module, nested stack or macro that could not be loaded makes the scan incomplete: one
SYS006 per distinct source (with its calls), exit 3, and 0 with --allow-unloaded-modules."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from soc2lint.cli import main

from helpers import write_files

ROOT = {
    "main.tf": """
module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
  name    = "app"
}

module "label_db" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
  name    = "db"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}
""",
    "other/main.tf": """
module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
}
""",
}


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    out = tmp_path / "out.json"
    res = CliRunner().invoke(
        main,
        [
            "scan",
            str(tmp_path / "repo"),
            "--no-cache",
            "--select",
            "SYS006",
            "--format",
            "json",
            "--output",
            str(out),
            *args,
        ],
    )
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res.exit_code, json.loads(out.read_text(encoding="utf-8"))


def test_unloaded_modules_are_reported_once_per_source_and_make_the_scan_incomplete(
    tmp_path: Path,
) -> None:
    write_files(tmp_path / "repo", ROOT)
    code, doc = _scan(tmp_path)
    assert code == 3
    findings = doc["findings"]
    assert isinstance(findings, list)
    by_source = {f["properties"]["source"]: f for f in findings}
    assert sorted(by_source) == ["cloudposse/label/null", "terraform-aws-modules/vpc/aws"]
    label = by_source["cloudposse/label/null"]
    assert label["incomplete"] is True
    assert label["properties"]["calls"] == 3
    calls = [(c["root"], c["address"]) for c in label["properties"]["call_list"]]
    assert len(calls) == 3 and {a for _, a in calls} == {"module.label", "module.label_db"}
    assert len(label["properties"]["roots"]) == 2
    assert "3 calls use this source" in label["message"]
    assert by_source["terraform-aws-modules/vpc/aws"]["properties"]["calls"] == 1


def test_allow_unloaded_modules_keeps_the_listing_but_not_the_exit_code(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", ROOT)
    code, doc = _scan(tmp_path, "--allow-unloaded-modules", "--fail-on", "high")
    assert code == 0
    findings = doc["findings"]
    assert isinstance(findings, list) and len(findings) == 2
    assert all(f["incomplete"] is False for f in findings)


def test_a_configuration_in_the_scanned_tree_cannot_accept_unloaded_modules(
    tmp_path: Path,
) -> None:
    """The code under review never controls its reviewer: a committed configuration
    cannot turn an incomplete scan into a clean one."""
    write_files(
        tmp_path / "repo",
        {**ROOT, ".soc2lint.toml": "[tool.soc2lint]\nallow-unloaded-modules = true\n"},
    )
    res = CliRunner().invoke(main, ["scan", str(tmp_path / "repo"), "--no-cache"])
    assert res.exit_code in (2, 3), res.output


def test_a_named_configuration_can_accept_unloaded_modules(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", ROOT)
    cfg = tmp_path / "ci.toml"
    cfg.write_text("[tool.soc2lint]\nallow-unloaded-modules = true\n", encoding="utf-8")
    code, _ = _scan(tmp_path, "--config", str(cfg))
    assert code == 0


def test_the_pack_says_which_roots_are_partial(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", ROOT)
    for extra, code in (((), 3), (("--allow-unloaded-modules",), 0)):
        out = tmp_path / f"pack{code}"
        res = CliRunner().invoke(
            main,
            ["evidence", str(tmp_path / "repo"), "--output", str(out), "--no-cache", *extra],
        )
        assert res.exit_code == code, res.output
        readme = (out / "README.md").read_text(encoding="utf-8")
        assert "The scan was complete" not in readme
        assert "**The scan was incomplete**" in readme
        partial = readme.split("| Root | Not loaded |", 1)[1].split("\n\n", 1)[0]
        assert "cloudposse/label/null" in partial and "terraform-aws-modules/vpc/aws" in partial
        assert partial.count("\n| ") == 2  # one row per root
        assert ("allow-unloaded-modules" in readme) == bool(extra)


def test_reserved_findings_count_under_no_criterion(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", ROOT)
    out = tmp_path / "out.sarif"
    CliRunner().invoke(
        main,
        ["scan", str(tmp_path / "repo"), "--no-cache", "--format", "sarif", "--output", str(out)],
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    sys_rules = [r for r in rules if r["id"].startswith("SYS")]
    assert sys_rules
    for r in sys_rules:
        tags = r.get("properties", {}).get("tags", [])
        assert not [t for t in tags if t.startswith("TSC-")], r["id"]


def test_ignoring_sys006_is_refused_with_the_opt_out_named(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", ROOT)
    res = CliRunner().invoke(
        main, ["scan", str(tmp_path / "repo"), "--no-cache", "--ignore", "SYS006"]
    )
    assert res.exit_code == 2
    assert "--allow-unloaded-modules" in res.output


def test_an_accepted_unloaded_module_is_not_counted_as_failing_anywhere(tmp_path: Path) -> None:
    """What the reports say equals the exit code: with --allow-unloaded-modules and
    --fail-on low, the listed SYS006 findings fail nothing, and no format says they do."""
    write_files(tmp_path / "repo", ROOT)
    code, doc = _scan(tmp_path, "--allow-unloaded-modules", "--fail-on", "low")
    assert code == 0
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert summary["total"] == 2 and summary["failing"] == 0
    outputs = {}
    for fmt in ("text", "markdown", "github"):
        res = CliRunner().invoke(
            main,
            [
                "scan",
                str(tmp_path / "repo"),
                "--no-cache",
                "--select",
                "SYS006",
                "--allow-unloaded-modules",
                "--fail-on",
                "low",
                "--format",
                fmt,
            ],
        )
        assert res.exit_code == 0, res.output
        outputs[fmt] = res.output
    assert "at or above --fail-on" not in outputs["text"]
    assert "Verdict: no findings at or above the fail threshold" in outputs["markdown"]
    assert "::error title=soc2lint::" not in outputs["github"]

"""Suppressions written in configuration carry their own file and line, are SYS005 when
unused, are identified by what they are, and the reviewer's view does not apply them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2lint.cli import main

from helpers import write_files

CODE = {
    "infra/main.tf": """
resource "aws_s3_bucket" "a" {
  bucket = "a"
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}
""",
}

CONFIG = """[tool.soc2lint]
select = ["BAK005"]

[[tool.soc2lint.suppress]]
rules = ["BAK005"]
address = "aws_s3_bucket.a"
path = "infra/*"
reason = "reviewed with security"

[[tool.soc2lint.suppress]]
rules = ["BAK005"]
address = "aws_s3_bucket.gone"
reason = "the bucket was deleted"

[[tool.soc2lint.suppress]]
rules = ["BAK005"]
address = "aws_s3_bucket.b"
reason = "accepted until the migration"
expires = "2020-01-01"
"""


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    write_files(tmp_path, {**CODE, "ci/soc2lint.toml": CONFIG})
    out = tmp_path / "out.json"
    res = CliRunner().invoke(
        main,
        [
            "scan",
            "infra",
            "--no-cache",
            "--config",
            "ci/soc2lint.toml",
            "--format",
            "json",
            "--output",
            str(out),
            "--fail-on",
            "never",
            *args,
        ],
    )
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(out.read_text(encoding="utf-8"))


def test_config_suppressions_are_located_at_their_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, doc = _scan(tmp_path)
    findings = doc["findings"]
    assert isinstance(findings, list)
    got = sorted((f["rule_id"], f["file"], f["start_line"]) for f in findings)
    assert got == [
        ("BAK005", "infra/main.tf", 6),
        # the path relative to where the scan runs, the line of the entry's header
        ("SYS004", "ci/soc2lint.toml", 15),
        ("SYS005", "ci/soc2lint.toml", 10),
    ]
    # the path glob is relative to the configuration file's directory... or the scan's;
    # here "infra/*" names infra/main.tf both ways, and the entry suppresses bucket a
    suppressed = doc["suppressed"]
    assert isinstance(suppressed, list) and len(suppressed) == 1
    s = suppressed[0]["suppression"]
    assert (s["kind"], s["file"], s["line"]) == ("config", "ci/soc2lint.toml", 4)
    assert (s["rules"], s["address_glob"], s["path_glob"]) == (
        ["BAK005"],
        "aws_s3_bucket.a",
        "infra/*",
    )
    entries = doc["suppressions"]
    assert isinstance(entries, list)
    ids = [e["id"] for e in entries]
    assert len(set(ids)) == 3 and s["id"] in ids
    assert sorted(e["line"] for e in entries) == [4, 10, 15]


def test_the_reviewers_view_applies_no_configured_suppression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for flag in ("--no-suppressions", "--no-inline-suppressions"):
        _, doc = _scan(tmp_path, flag)
        findings = doc["findings"]
        assert isinstance(findings, list)
        assert sorted(f["address"] for f in findings) == ["aws_s3_bucket.a", "aws_s3_bucket.b"]
        assert doc["suppressed"] == []


def test_the_exceptions_page_credits_each_entry_with_its_own_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {**CODE, "ci/soc2lint.toml": CONFIG})
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        main,
        ["evidence", "infra", "--no-cache", "--config", "ci/soc2lint.toml", "--output", "pack"],
    )
    assert res.exit_code == 0, res.output
    page = (tmp_path / "pack" / "exceptions" / "suppressions.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| config |")]
    assert len(rows) == 3
    by_address = {r.split(" | ")[2]: r for r in rows}
    a = by_address["address aws_s3_bucket.a, path infra/\\*"]
    gone = by_address["address aws_s3_bucket.gone, path \\*"]
    expired = by_address["address aws_s3_bucket.b, path \\*"]
    assert "in force" in a and "BAK005 on aws_s3_bucket.a" in a
    assert "[ci/soc2lint.toml:4]" in a and "[ci/soc2lint.toml:10]" in gone
    assert "unused" in gone and gone.rstrip(" |").endswith("none")
    assert "expired" in expired

"""Issue 22, text output: concise lines, statistics, a display filter apart from --fail-on,
"read more" once per rule, files with findings and files scanned, snippets that show the
offending line, "did you mean" for configuration keys, no character of a password shown."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soc2lint.cli import main

from helpers import write_files

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "example"


def run(args: Sequence[str], cwd: Path) -> Result:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ex")
    shutil.copytree(EXAMPLE, root / "example")
    return root


def _json(example: Path) -> dict[str, object]:
    r = run(["scan", "example", "--format", "json", "--no-cache"], example)
    data: dict[str, object] = json.loads(r.stdout)
    return data


def test_concise_is_one_line_per_finding_like_ruff(example: Path) -> None:
    data = _json(example)
    findings = data["findings"]
    assert isinstance(findings, list) and len(findings) > 10
    r = run(["scan", "example", "--format", "concise", "--no-cache"], example)
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    listed = [
        x
        for x in lines
        if re.match(r"^\S+:\d+:\d+: [A-Z]{3}\d{3} \[(critical|high|medium|low)\] ", x)
    ]
    assert len(listed) == len(findings)
    first = findings[0]
    assert isinstance(first, dict)
    assert listed[0].startswith(
        f"{first['file']}:{first['start_line']}:{first['start_col']}: {first['rule_id']} "
        f"[{first['severity']}] "
    )
    assert "fix:" not in r.stdout and " | " not in r.stdout  # no snippets, no fixes
    assert lines[len(listed)].startswith("Found ") and lines[-1].endswith("exit 1.")


def test_statistics_counts_findings_per_rule(example: Path) -> None:
    data = _json(example)
    findings = data["findings"]
    assert isinstance(findings, list)
    expected = Counter(f["rule_id"] for f in findings)
    for fmt in ("text", "concise"):
        r = run(["scan", "example", "--format", fmt, "--statistics", "--no-cache"], example)
        assert r.exit_code == 1
        rows = [
            line.split()
            for line in r.stdout.splitlines()
            if re.match(r"^\s*\d+\s+[A-Z]{3}\d{3}\s", line)
        ]
        assert {row[1]: int(row[0]) for row in rows} == dict(expected)
        counts = [int(row[0]) for row in rows]
        assert counts == sorted(counts, reverse=True)
        assert "fix:" not in r.stdout


def test_min_severity_hides_from_display_but_not_from_the_exit_code(example: Path) -> None:
    data = _json(example)
    findings = data["findings"]
    assert isinstance(findings, list)
    high = [f for f in findings if f["severity"] in ("critical", "high")]
    low = [f for f in findings if f["severity"] == "low"]
    assert high and low
    r = run(
        ["scan", "example", "--format", "concise", "--min-severity", "high", "--no-cache"],
        example,
    )
    # every finding is at or above the default --fail-on low: still exit 1
    assert r.exit_code == 1
    listed = [x for x in r.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: ", x)]
    assert len(listed) == len(high)
    assert f"{len(findings) - len(high)} findings below high not shown" in r.stdout
    # and the reverse: a display showing everything cannot pass a failing run, nor
    # can hiding everything that fails make it pass
    r = run(
        ["scan", "example", "--min-severity", "critical", "--fail-on", "medium", "--no-cache"],
        example,
    )
    assert r.exit_code == 1
    # the machine formats always hold every finding
    r = run(
        ["scan", "example", "--format", "json", "--min-severity", "critical", "--no-cache"],
        example,
    )
    assert len(json.loads(r.stdout)["findings"]) == len(findings)


def test_read_more_once_per_rule_and_the_summary_counts_files(example: Path) -> None:
    data = _json(example)
    findings = data["findings"]
    assert isinstance(findings, list)
    scan = data["scan"]
    assert isinstance(scan, dict)
    r = run(["scan", "example", "--no-cache"], example)
    text = r.stdout
    for rule_id, n in Counter(f["rule_id"] for f in findings).items():
        assert text.count(f"soc2lint explain {rule_id})") == 1, rule_id
        assert n >= 1
    with_findings = len({f["file"] for f in findings})
    scanned = len(scan["files"])
    assert with_findings < scanned  # the example has a file without findings
    assert f"in {with_findings} of {scanned} files scanned." in text


def test_snippet_of_a_block_finding_shows_the_offending_line(example: Path) -> None:
    r = run(["scan", "example", "--select", "NET002", "--no-cache"], example)
    lines = r.stdout.splitlines()
    head = next(i for i, x in enumerate(lines) if "NET002" in x)
    snippet = [x for x in lines[head + 2 : head + 8] if re.match(r"^\s+(\d+|\.\.\.) \|", x)]
    # the ingress block's first line, then the line that opens it to the internet
    assert snippet[0].split("|", 1)[1].strip() == "ingress {"
    assert any('cidr_blocks = ["0.0.0.0/0"]' in x for x in snippet), snippet
    assert any(x.strip() == "... |" for x in snippet), snippet  # lines skipped are marked


def test_unknown_configuration_key_suggests_the_closest(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            ".soc2lint.toml": 'fail_onn = "high"\n[options]\nlog_retention_day = 3\n',
        },
    )
    r = run(["scan", "."], tmp_path)
    assert r.exit_code == 2
    assert "unknown configuration key 'fail_onn' (did you mean 'fail-on'?)" in r.stderr
    (tmp_path / ".soc2lint.toml").write_text("[options]\nlog_retention_day = 3\n")
    r = run(["scan", "."], tmp_path)
    assert r.exit_code == 2
    assert "(did you mean 'log_retention_days'?)" in r.stderr
    (tmp_path / ".soc2lint.toml").write_text("zzzzzz = 1\n")
    r = run(["scan", "."], tmp_path)
    assert r.exit_code == 2 and "did you mean" not in r.stderr


PASSWORD = "Tr0ub4dor&3xyzzy"


def test_no_character_of_a_literal_password_in_any_output(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": (
                'resource "aws_db_instance" "db" {\n'
                '  engine            = "postgres"\n'
                '  instance_class    = "db.t3.micro"\n'
                '  username          = "app"\n'
                f'  password          = "{PASSWORD}"\n'
                "  storage_encrypted = true\n"
                "}\n"
                'variable "admin_password" {\n'
                f'  default = "{PASSWORD}"\n'
                "}\n"
            ),
        },
    )
    pieces = {PASSWORD[i : i + 3] for i in range(len(PASSWORD) - 2)}
    for fmt in ("text", "concise", "json", "sarif", "github", "markdown"):
        r = run(["scan", ".", "--format", fmt, "--select", "SEC003", "--no-cache"], tmp_path)
        assert r.exit_code == 1, (fmt, r.output)
        assert "SEC003" in r.stdout
        shown = [p for p in pieces if p in r.stdout]
        assert shown == [], (fmt, shown)

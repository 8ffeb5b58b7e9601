"""The command line: exit codes, formats, outputs and clear errors (never a traceback)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import soc2lint.terraform as tf_frontend
from soc2lint.cli import main
from soc2lint.frontend import LoadOptions, LoadResult
from soc2lint.model import Range

from helpers import make_node, sarif_errors, write_files

PLUGIN = '''
from soc2lint.model import Severity
from soc2lint.rule import Examples, bad, good, rule


@rule(
    id="TST101",
    slug="test-unencrypted-db",
    severity=Severity.MEDIUM,
    tsc=("CC6.1",),
    checklist="B. Data at Rest",
    fix={"terraform": "Set storage_encrypted = true."},
    terraform=Examples(
        good=[good('resource "aws_db_instance" "a" {}')],
        bad=[bad('resource "aws_db_instance" "a" {}', address="aws_db_instance.a", line=1)],
    ),
)
def check(ctx):
    """Database storage is not encrypted.

    What it checks:
        storage_encrypted.
    Why it matters for SOC 2:
        CC6.1.
    References:
        - https://example.com
    """
    for n in ctx.graph.nodes("AWS::RDS::DBInstance"):
        a = n.attr("storage_encrypted")
        if a.as_bool() is False:
            yield ctx.finding(n, a, f"{n.address}: storage_encrypted is false")


RULES = [check]
'''


def run(args: Sequence[str], cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is not None:
        import os

        old = os.getcwd()
        os.chdir(cwd)
        try:
            return runner.invoke(main, list(args))
        finally:
            os.chdir(old)
    return runner.invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(
        tmp_path,
        {
            "infra/main.tf": 'resource "aws_db_instance" "a" {\n  storage_encrypted = false\n}\n',
            "rules/plugin.py": PLUGIN,
        },
    )

    def load(dirs: Sequence[Path], plans: Sequence[Path], options: LoadOptions) -> LoadResult:
        file = options.display(dirs[0] / "main.tf")
        node = make_node(
            "aws_db_instance.a",
            "AWS::RDS::DBInstance",
            {"storage_encrypted": False},
            file=file,
            locations={("storage_encrypted",): Range(file, 2, 3, 2, 28)},
        )
        return LoadResult(nodes=[node], files=[file])

    monkeypatch.setattr(tf_frontend, "load_terraform", load)
    return tmp_path


def test_version() -> None:
    r = run(["--version"])
    assert r.exit_code == 0 and "soc2lint" in r.output


def test_rules_lists_reserved_ids_and_json_is_versioned() -> None:
    r = run(["rules"])
    assert r.exit_code == 0 and "SYS001" in r.output and "parse-error" in r.output
    data = json.loads(run(["rules", "--format", "json"]).output)
    assert data["schema_version"] == 1
    assert any(x["id"] == "SYS001" and x["reserved"] for x in data["rules"])


def test_explain_by_id_and_slug_and_unknown() -> None:
    assert "# SYS001 parse-error" in run(["explain", "SYS001"]).output
    assert "# SYS001 parse-error" in run(["explain", "parse-error"]).output
    r = run(["explain", "NOPE001"])
    assert r.exit_code == 2 and "unknown rule 'NOPE001'" in r.stderr


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    r = run(["scan", str(tmp_path / "nope")])
    assert r.exit_code == 2
    assert "path does not exist" in r.stderr and "Traceback" not in r.output


def test_directory_without_iac(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi", encoding="utf-8")
    r = run(["scan", str(tmp_path)])
    assert r.exit_code == 0
    assert "no Terraform or CloudFormation files found" in r.stderr


def test_unknown_select_is_usage_error(tmp_path: Path) -> None:
    r = run(["scan", str(tmp_path), "--select", "NOPE999"])
    assert r.exit_code == 2 and "unknown rule 'NOPE999'" in r.stderr


def test_broken_config_is_usage_error(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[tool.soc2lint]\nfail_onn = 'low'\n", encoding="utf-8")
    r = run(["scan", str(tmp_path), "--config", str(cfg)])
    assert r.exit_code == 2 and "fail_onn" in r.stderr and "Traceback" not in r.output


def test_bad_var_is_usage_error(tmp_path: Path) -> None:
    r = run(["scan", str(tmp_path), "--var", "novalue"])
    assert r.exit_code == 2 and "NAME=VALUE" in r.stderr


def test_broken_plugin_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "r.py").write_text("RULES = [1, 2]\n", encoding="utf-8")
    r = run(["scan", str(tmp_path), "--rules-dir", str(tmp_path)])
    assert r.exit_code == 2 and "RULES sequence" in r.stderr


def test_findings_exit_1_and_fail_on_threshold(project: Path) -> None:
    args = ["scan", "infra", "--rules-dir", "rules", "--select", "TST101"]
    r = run(args, cwd=project)
    assert r.exit_code == 1, r.output
    assert "infra/main.tf" in r.output and "TST101" in r.output and "2:3" in r.output
    assert "storage_encrypted = false" in r.output  # the source line is shown
    assert run([*args, "--fail-on", "high"], cwd=project).exit_code == 0
    assert run([*args, "--fail-on", "never"], cwd=project).exit_code == 0
    assert run([*args, "--ignore", "TST101"], cwd=project).exit_code == 0


def test_several_formats_to_files(project: Path) -> None:
    r = run(
        [
            "scan",
            "infra",
            "--rules-dir",
            "rules",
            "--select",
            "TST101",
            "--format",
            "sarif",
            "--output",
            "out/r.sarif",
            "--format",
            "json",
            "--output",
            "out/r.json",
            "--format",
            "text",
        ],
        cwd=project,
    )
    assert r.exit_code == 1
    assert "TST101" in r.stdout
    sarif = (project / "out/r.sarif").read_text(encoding="utf-8")
    assert sarif_errors(sarif) == []
    res = json.loads(sarif)["runs"][0]["results"][0]
    assert res["ruleId"] == "TST101" and res["level"] == "warning"
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {
        "uri": "infra/main.tf",
        "uriBaseId": "%SRCROOT%",
    }
    assert loc["physicalLocation"]["region"]["startLine"] == 2
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "aws_db_instance.a"
    data = json.loads((project / "out/r.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["findings"][0]["address"] == "aws_db_instance.a"
    assert data["scan"]["exit_code"] == 1


def test_two_formats_to_stdout_is_usage_error(project: Path) -> None:
    r = run(["scan", "infra", "--format", "json", "--format", "text"], cwd=project)
    assert r.exit_code == 2 and "only one format can go to stdout" in r.stderr


def test_output_without_format_is_usage_error(project: Path) -> None:
    r = run(["scan", "infra", "--output", "x.json"], cwd=project)
    assert r.exit_code == 2


def test_github_and_markdown_formats(project: Path) -> None:
    base = ["scan", "infra", "--rules-dir", "rules", "--select", "TST101"]
    gh = run([*base, "--format", "github"], cwd=project)
    first, second = gh.stdout.splitlines()[:2]
    assert first == "::error title=soc2lint::1 finding at or above fail-on low (1 in total)"
    assert second.startswith("::warning file=infra/main.tf,line=2,col=3")
    md = run([*base, "--format", "markdown"], cwd=project)
    assert "## soc2lint SOC 2 report" in md.stdout and "[infra/main.tf:2]" in md.stdout

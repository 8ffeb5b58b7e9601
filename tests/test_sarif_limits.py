"""Issue 22, SARIF and annotations on GitHub: within code scanning's documented limits
(locations per result, thread-flow locations, results per run, message length), paths
relative to the repository root whatever the working directory, and the category left to
upload-sarif unless asked for.  Every document is validated against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from soc2lint.cli import main
from soc2lint.engine import ScanResult
from soc2lint.graph import ResourceGraph
from soc2lint.model import Finding, Range, Related, Severity
from soc2lint.report import render, sarif

from helpers import registry, sarif_errors, write_files


def _finding(i: int, severity: Severity = Severity.HIGH, **kw: Any) -> Finding:
    defaults: dict[str, Any] = {
        "rule_id": "NET004",
        "slug": "datastore-cidr-ingress",
        "severity": severity,
        "message": f"aws_security_group.shared: ingress rule {i}",
        "address": "aws_security_group.shared",
        "range": Range("net/main.tf", i + 1, 3, i + 1, 20),
        "scope": ".",
        "attr_path": f"ingress[{i}]",
    }
    defaults.update(kw)
    return Finding(**defaults)


def _result(findings: list[Finding], root: Path) -> ScanResult:
    reg = registry()
    return ScanResult(
        findings=findings,
        rules_run=list(reg),
        registry=reg,
        graph=ResourceGraph(),
        files=sorted({f.range.file for f in findings}),
        root=root,
        base=root,
    )


def _run(text: str) -> dict[str, Any]:
    run: dict[str, Any] = json.loads(text)["runs"][0]
    return run


def test_a_shared_group_with_1200_instances_stays_within_the_location_limits(
    tmp_path: Path,
) -> None:
    related = tuple(
        Related(
            Range("app/other.tf" if i % 2 else "net/main.tf", 10 + i, 1),
            f"aws_instance.app[{i}] uses the group",
            f"aws_instance.app[{i}]",
        )
        for i in range(1200)
    )
    flow = tuple(
        Related(Range("net/main.tf", 1 + i, 1), f"hop {i}", f"hop{i}") for i in range(1500)
    )
    f = _finding(0, related=related, code_flow=flow, message="x" * 50_000)
    text = render("sarif", _result([f], tmp_path))
    assert sarif_errors(text) == []
    (res,) = _run(text)["results"]
    rel = res["relatedLocations"]
    assert len(rel) == sarif.MAX_RELATED <= 100  # GitHub shows 100, rejects over 1,000
    # the most relevant are kept: those in the finding's own file first
    assert all(r["physicalLocation"]["artifactLocation"]["uri"] == "net/main.tf" for r in rel)
    assert len({r["id"] for r in rel}) == len(rel)
    message = res["message"]["text"]
    assert len(message) <= sarif.MAX_MESSAGE
    assert "cut at 4,000 characters" in message
    assert res["properties"]["relatedLocationsLeftOut"] == 1100
    locations = res["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(locations) == sarif.MAX_FLOW_LOCATIONS
    # the path keeps its start and its end (the exposed resource)
    assert locations[0]["location"]["message"]["text"] == "hop 0"
    assert locations[-1]["location"]["message"]["text"] == "hop 1499"
    assert "500 steps in between left out" in res["codeFlows"][0]["message"]["text"]


def test_related_locations_left_out_are_said_in_the_message(tmp_path: Path) -> None:
    related = tuple(
        Related(Range("net/main.tf", 10 + i, 1), "uses it", f"aws_instance.app[{i}]")
        for i in range(150)
    )
    (res,) = _run(render("sarif", _result([_finding(0, related=related)], tmp_path)))["results"]
    message = res["message"]["text"]
    # linked by name: escaped brackets (SARIF 3.11.6), ten of them, then a count
    assert "[aws_instance.app\\[0\\]](1)" in message
    assert "and 140 more." in message
    assert "50 of the 150 related locations are left out" in message


def test_a_run_keeps_the_most_severe_results_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 30)
    findings = [
        _finding(i, [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL][i % 4])
        for i in range(100)
    ]
    text = render("sarif", _result(findings, tmp_path))
    assert sarif_errors(text) == []
    run = _run(text)
    levels = [r["properties"]["severity"] for r in run["results"]]
    assert len(levels) == 30
    assert levels.count("critical") == 25 and levels.count("high") == 5
    # kept in the report's order (file, line), and the same every time
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
    assert lines == sorted(lines)
    assert render("sarif", _result(findings, tmp_path)) == text
    (note,) = [
        n for n in run["invocations"][0]["toolExecutionNotifications"] if n["level"] == "warning"
    ]
    assert note["message"]["text"].startswith("70 results are left out")
    assert "most severe" in note["message"]["text"]
    assert "70 of 100 results left out" in caplog.text


def test_over_the_shown_limit_the_most_severe_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GitHub shows the first 5,000 results of a run: past that, severity decides the order
    monkeypatch.setattr(sarif, "SHOWN_RESULTS", 10)
    findings = [
        _finding(i, [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL][i % 4])
        for i in range(20)
    ]
    run = _run(render("sarif", _result(findings, tmp_path)))
    levels = [r["properties"]["severity"] for r in run["results"]]
    assert len(levels) == 20
    assert levels[:5] == ["critical"] * 5 and levels[5:10] == ["high"] * 5
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("shows the first 10" in n and "most severe first" in n for n in notes)
    # at or under the limit, the report's usual order
    monkeypatch.setattr(sarif, "SHOWN_RESULTS", 20)
    run = _run(render("sarif", _result(findings, tmp_path)))
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
    assert lines == sorted(lines)


def test_a_run_stays_under_the_compressed_upload_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    empty = render("sarif", _result([], tmp_path)).encode("utf-8")
    limit = len(gzip.compress(empty)) + 40_000
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", limit)
    # messages that do not compress: each result costs about 1 KB gzip-compressed
    rng = __import__("random").Random(7)
    findings = [
        _finding(
            i, message="".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123") for _ in range(1500))
        )
        for i in range(200)
    ]
    text = render("sarif", _result(findings, tmp_path))
    assert len(gzip.compress(text.encode("utf-8"))) <= limit
    run = _run(text)
    assert 0 < len(run["results"]) < 200
    assert any(
        "left out" in n["message"]["text"]
        for n in run["invocations"][0]["toolExecutionNotifications"]
    )


def test_category_only_when_given(tmp_path: Path) -> None:
    result = _result([_finding(0)], tmp_path)
    run = _run(render("sarif", result))
    assert "automationDetails" not in run  # upload-sarif's category decides
    assert run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]
    run = _run(render("sarif", result, sarif_category="soc2lint-prod"))
    assert run["automationDetails"] == {"id": "soc2lint-prod/"}
    run = _run(render("sarif", result, sarif_category="iac/prod/"))
    assert run["automationDetails"] == {"id": "iac/prod/"}


# ---- paths relative to the repository root, whatever the working directory ----------


def _git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    write_files(
        repo,
        {
            "infra/prod/main.tf": (
                'resource "aws_db_instance" "main" {\n  storage_encrypted = false\n}\n'
            ),
        },
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def _scan(cwd: Path, *args: str) -> str:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(main, ["scan", *args, "--select", "ENC001", "--no-cache"])
    finally:
        os.chdir(old)
    assert r.exit_code == 1, r.output
    return r.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("where", ["infra/prod", "infra", ".", "outside"])
def test_sarif_and_annotation_paths_are_relative_to_the_repository_root(
    tmp_path: Path, where: str
) -> None:
    repo = _git_repo(tmp_path)
    if where == "outside":
        cwd, target = tmp_path, "repo/infra/prod"
    else:
        cwd = repo / where
        target = os.path.relpath(repo / "infra/prod", cwd)
    text = _scan(cwd, target, "--format", "sarif")
    assert sarif_errors(text) == []
    run = _run(text)
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "infra/prod/main.tf", "uriBaseId": "%SRCROOT%"}
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    annotations = _scan(cwd, target, "--format", "github")
    assert "::error file=infra/prod/main.tf,line=2," in annotations


def test_without_git_paths_are_relative_to_the_working_directory_or_the_scan(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "ws/infra/prod/main.tf": (
                'resource "aws_db_instance" "main" {\n  storage_encrypted = false\n}\n'
            )
        },
    )
    # inside the working directory: the paths every other output shows
    run = _run(_scan(tmp_path / "ws", "infra/prod", "--format", "sarif"))
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uri"] == "infra/prod/main.tf"
    # elsewhere: relative to the scanned directory, never ../ or an absolute path
    run = _run(_scan(tmp_path / "ws" / "infra" / "prod", "../../../ws/infra", "--format", "sarif"))
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uri"] == "prod/main.tf"

"""End to end in temporary git repositories: --diff-base, baselines, the reviewer's report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from golden_files import check_text

from soc2lint.cli import main

HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "plugin"
GOLDEN = HERE / "golden"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def queue(name: str, sse: bool) -> str:
    return (
        f"  {name}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        f"      SqsManagedSseEnabled: {'true' if sse else 'false'}\n"
    )


def template(*queues: str) -> str:
    return 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + "".join(queues)


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }
    r = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return r.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    (r / "stacks").mkdir(parents=True)
    git(r, "init", "-q", "-b", "main")
    (r / "stacks" / "app.yaml").write_text(
        template(queue("Moved", False), queue("Fixed", False), queue("Fine", True)),
        encoding="utf-8",
    )
    git(r, "add", "-A")
    git(r, "commit", "-qm", "base")
    git(r, "tag", "base")
    # head: a new bad queue, one fixed, one moved to another place in the file
    (r / "stacks" / "app.yaml").write_text(
        template(
            queue("Fine", True), queue("Added", False), queue("Fixed", True), queue("Moved", False)
        ),
        encoding="utf-8",
    )
    return r


def run(repo: Path, args: Sequence[str]) -> Result:
    old = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(
            main, ["scan", "stacks", "--rules-dir", str(PLUGIN), "--select", "TST201", *args]
        )
    finally:
        os.chdir(old)


def test_diff_base_reports_only_new_findings(repo: Path) -> None:
    r = run(repo, ["--diff-base", "base", "--format", "json"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert [f["address"] for f in data["findings"]] == ["Added"]
    assert [f["address"] for f in data["baselined"]] == ["Moved"]


def _sarif_states(r: Result) -> dict[str, str | None]:
    assert r.exit_code == 1, r.output
    results = json.loads(r.stdout)["runs"][0]["results"]
    return {
        res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: res.get("baselineState")
        for res in results
    }


def test_diff_base_sarif_keeps_the_findings_already_there(repo: Path) -> None:
    # code scanning takes an upload as the whole state of the pull request: the one
    # already at the base stays in the file, marked unchanged, or it would show as fixed
    r = run(repo, ["--diff-base", "base", "--format", "sarif"])
    assert _sarif_states(r) == {"Added": "new", "Moved": "unchanged"}
    # without a base, no baselineState at all
    plain = json.loads(run(repo, ["--format", "sarif"]).stdout)["runs"][0]["results"]
    assert plain and all("baselineState" not in res for res in plain)


def test_diff_base_sarif_leaves_out_what_the_baseline_file_holds(repo: Path) -> None:
    (repo / "bl.json").write_text(
        json.dumps(
            {"schema_version": 1, "findings": [{"fingerprint": _fingerprint(repo, "Moved")}]}
        ),
        encoding="utf-8",
    )
    git(repo, "add", "bl.json")
    git(repo, "commit", "-qm", "baseline")
    git(repo, "tag", "-f", "base")
    r = run(repo, ["--diff-base", "base", "--baseline", "bl.json", "--format", "sarif"])
    assert _sarif_states(r) == {"Added": "new"}


def _fingerprint(repo: Path, address: str) -> str:
    data = json.loads(run(repo, ["--format", "json"]).stdout)
    return next(f["fingerprint"] for f in data["findings"] if f["address"] == address)


def test_diff_base_exit_follows_new_findings_and_threshold(repo: Path) -> None:
    assert run(repo, ["--diff-base", "base", "--fail-on", "critical"]).exit_code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "head")
    # nothing new relative to head itself
    assert run(repo, ["--diff-base", "HEAD"]).exit_code == 0


def test_diff_base_missing_commit_is_a_clear_usage_error(repo: Path) -> None:
    r = run(repo, ["--diff-base", "0123456789abcdef0123456789abcdef01234567"])
    assert r.exit_code == 2
    assert "not in this clone" in r.stderr and "fetch-depth: 0" in r.stderr


def test_diff_base_rejects_option_like_refs(repo: Path) -> None:
    r = run(repo, ["--diff-base", "--output=/tmp/x"])
    assert r.exit_code == 2


def test_reviewer_report_matches_golden(repo: Path) -> None:
    (repo / "stacks" / "app.yaml").write_text(
        (repo / "stacks" / "app.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "  Moved:\n",
            '  # soc2lint: ignore[TST201] reason="legacy queue, no PII" '
            "expires=2027-01-31\n  Moved:\n",
        ),
        encoding="utf-8",
    )
    r = run(repo, ["--diff-base", "base", "--format", "markdown"])
    assert r.exit_code == 1, r.output
    text = r.stdout.replace(git(repo, "rev-parse", "base")[:12], "<base-sha>")
    check_text(GOLDEN / "review.md", text)
    assert "legacy queue, no PII" in text  # the new exception is shown to the reviewer


def test_baseline_create_and_use(repo: Path) -> None:
    old = os.getcwd()
    os.chdir(repo)
    try:
        r = CliRunner().invoke(
            main,
            [
                "baseline",
                "create",
                "stacks",
                "--rules-dir",
                str(PLUGIN),
                "--select",
                "TST201",
                "--output",
                "bl.json",
            ],
        )
    finally:
        os.chdir(old)
    assert r.exit_code == 0, r.output
    data = json.loads((repo / "bl.json").read_text(encoding="utf-8"))
    assert sorted(f["address"] for f in data["findings"]) == ["Added", "Moved"]
    (repo / "stacks" / "more.yaml").write_text(template(queue("Later", False)), encoding="utf-8")
    r = run(repo, ["--baseline", "bl.json"])
    assert r.exit_code == 1
    assert "Later" in r.stdout and "Moved" not in r.stdout and "Added" not in r.stdout
    assert "2 findings in the baseline file not shown" in r.stdout

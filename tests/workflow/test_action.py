"""The GitHub Action: action.yml's structure, and its scan step run locally with a fake runner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import sarif_errors

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "plugin"
ACTION = REPO / "action.yml"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def test_action_yml_has_the_structure_github_requires() -> None:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(data)
    assert data["runs"]["using"] == "composite"
    for name, spec in data["inputs"].items():
        assert "description" in spec, name
        assert isinstance(spec.get("default", ""), str), f"{name}: defaults must be strings"
    text = ACTION.read_text(encoding="utf-8")
    for ref in set(__import__("re").findall(r"inputs\.([a-z-]+)", text)):
        assert ref in data["inputs"], f"action.yml uses undeclared input {ref}"
    for step in data["runs"]["steps"]:
        assert step.get("shell") == "bash", "composite run steps need an explicit shell"
        script = step["run"].split('"$GITHUB_ACTION_PATH/')[-1].rstrip('"')
        assert (REPO / script).is_file(), script
    for out in data["outputs"].values():
        assert out["value"].startswith("${{ steps.scan.outputs.")
    assert {
        "paths",
        "fail-on",
        "config",
        "sarif-file",
        "annotations",
        "summary",
        "diff-base",
        "version",
    } <= set(data["inputs"])


def _run_scan_step(workspace: Path, tmp: Path, **inputs: str) -> tuple[int, str, Path, Path]:
    summary = tmp / "summary.md"
    output = tmp / "output.txt"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "SOC2LINT_CACHE_DIR": str(tmp / "cache"),
        "SOC2LINT_TODAY": "2026-06-01",
        "NO_COLOR": "1",
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    r = subprocess.run(
        ["bash", str(REPO / "scripts" / "action-scan.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return r.returncode, r.stdout + r.stderr, summary, output


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "stacks").mkdir(parents=True)
    (ws / "stacks" / "app.yaml").write_text(
        "Resources:\n"
        "  Bad:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
        "  Good:\n    Type: AWS::SQS::Queue\n",
        encoding="utf-8",
    )
    return ws


def test_scan_step_writes_annotations_summary_sarif_and_outputs(
    workspace: Path, tmp_path: Path
) -> None:
    code, out, summary, output = _run_scan_step(
        workspace,
        tmp_path,
        paths="stacks",
        fail_on="low",
        annotations="true",
        summary="true",
        sarif_file="results.sarif",
        args=f"--rules-dir {PLUGIN} --select TST201",
    )
    assert code == 1, out
    assert "::warning file=stacks/app.yaml,line=5" in out
    assert "::error title=soc2lint::1 finding(s) at or above fail-on=low" in out
    assert "## soc2lint SOC 2 report" in summary.read_text(encoding="utf-8")
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").split())
    assert outputs == {"exit-code": "1", "findings": "1", "sarif-file": "results.sarif"}
    sarif = (workspace / "results.sarif").read_text(encoding="utf-8")
    assert sarif_errors(sarif) == []
    assert json.loads(sarif)["runs"][0]["results"][0]["ruleId"] == "TST201"


def test_scan_step_respects_fail_on_and_switches(workspace: Path, tmp_path: Path) -> None:
    code, out, summary, output = _run_scan_step(
        workspace,
        tmp_path,
        paths="stacks",
        fail_on="high",
        annotations="false",
        summary="false",
        args=f"--rules-dir {PLUGIN} --select TST201",
    )
    assert code == 0, out
    assert "::warning" not in out and "TST201" in out  # text instead of annotations
    assert not summary.exists()
    assert "exit-code=0" in output.read_text(encoding="utf-8")


def test_scan_step_usage_error(workspace: Path, tmp_path: Path) -> None:
    code, out, _, output = _run_scan_step(workspace, tmp_path, paths="nope", fail_on="low")
    assert code == 2
    assert "path does not exist" in out
    assert "exit-code=2" in output.read_text(encoding="utf-8")


# ---- the install step: a good citizen (issue 17) ---------------------------------


def _requirement_names(text: str) -> set[str]:
    names = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_the_action_installs_from_a_pinned_hashed_file() -> None:
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    wanted = _requirement_names("\n".join(deps))
    source = (REPO / "scripts" / "action-requirements.in").read_text(encoding="utf-8")
    assert wanted <= _requirement_names(source), "action-requirements.in lacks a dependency"
    pinned = (REPO / "scripts" / "action-requirements.txt").read_text(encoding="utf-8")
    options = [line for line in pinned.splitlines() if line.startswith("-")]
    assert options == [], "no index, find-links or other option from the machine it was made on"
    blocks = re.findall(
        r"^([A-Za-z0-9_.-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", pinned, re.M
    )
    assert {name.lower() for name, _, _ in blocks} >= wanted - {"tomli"} | {"setuptools"}
    assert len(blocks) == len(re.findall(r"^[A-Za-z0-9_.-]+==", pinned, re.M))
    script = (REPO / "scripts" / "action-install.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in script and "--upgrade" not in script
    assert 'echo "$venv/bin"' not in script


@pytest.mark.slow
def test_the_install_step_puts_only_soc2lint_on_the_path(tmp_path: Path) -> None:
    path_file = tmp_path / "github_path"
    r = subprocess.run(
        ["bash", str(REPO / "scripts" / "action-install.sh")],
        env={
            **os.environ,
            "GITHUB_ACTION_PATH": str(REPO),
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_PATH": str(path_file),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (added,) = path_file.read_text(encoding="utf-8").split()
    assert sorted(p.name for p in Path(added).iterdir()) == ["soc2lint"]
    assert "soc2lint, version" in r.stdout

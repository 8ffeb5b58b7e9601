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
    for ref in set(__import__("re").findall(r"(?<!\w)inputs\.([a-z-]+)", text)):
        assert ref in data["inputs"], f"action.yml uses undeclared input {ref}"
    for step in data["runs"]["steps"]:
        if "uses" in step:
            # third-party actions pinned by commit, not by a movable tag
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            continue
        assert step.get("shell") == "bash", "composite run steps need an explicit shell"
        for script in re.findall(r'"\$GITHUB_ACTION_PATH/([^"]+)"', step["run"]):
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
        "sarif-category",
        "cache",
    } <= set(data["inputs"])
    assert {"exit-code", "findings", "total", "new", "diff-base", "sarif-file"} <= set(
        data["outputs"]
    )


def _run_scan_step(
    workspace: Path, tmp: Path, event: dict[str, object] | None = None, **inputs: str
) -> tuple[int, str, Path, Path]:
    summary = tmp / "summary.md"
    output = tmp / "output.txt"
    for f in (summary, output):
        f.unlink(missing_ok=True)
    github: dict[str, str] = {"GITHUB_EVENT_NAME": "push"}
    if event is not None:
        (tmp / "event.json").write_text(json.dumps(event), encoding="utf-8")
        github = {
            "GITHUB_EVENT_NAME": str(event.get("_name", "pull_request")),
            "GITHUB_EVENT_PATH": str(tmp / "event.json"),
        }
    env = {
        **github,
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
def workspace(tmp_path: Path) -> Path:
    """A checkout, as actions/checkout leaves GITHUB_WORKSPACE: a git work tree."""
    ws = tmp_path / "ws"
    (ws / "stacks").mkdir(parents=True)
    (ws / "stacks" / "app.yaml").write_text(
        "Resources:\n"
        "  Bad:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
        "  Good:\n    Type: AWS::SQS::Queue\n",
        encoding="utf-8",
    )
    if shutil.which("git"):
        git(ws, "init", "-q", "-b", "main")
        git(ws, "add", "-A")
        git(ws, "commit", "-qm", "base")
    return ws


def _outputs(output: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())


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
    errors = [x for x in out.splitlines() if x.startswith("::error")]
    assert errors == ["::error title=soc2lint::1 finding at or above fail-on low (1 in total)"]
    assert "## soc2lint SOC 2 report" in summary.read_text(encoding="utf-8")
    assert _outputs(output) == {
        "exit-code": "1",
        "findings": "1",
        "total": "1",
        "new": "",
        "diff-base": "",
        "sarif-file": "results.sarif",
    }
    sarif = (workspace / "results.sarif").read_text(encoding="utf-8")
    assert sarif_errors(sarif) == []
    run = json.loads(sarif)["runs"][0]
    assert run["results"][0]["ruleId"] == "TST201"
    assert "automationDetails" not in run  # upload-sarif's category decides


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


# ---- issue 22: counts, caps, multi-line inputs, pull requests ---------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _open_groups(n: int) -> str:
    return "".join(
        f'resource "aws_security_group" "g{i}" {{\n'
        "  ingress {\n"
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n'
        "  }\n"
        "}\n"
        for i in range(n)
    )


@needs_git
def test_failure_annotation_comes_first_and_counts_what_fails(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "net").mkdir(parents=True)
    (ws / "net" / "main.tf").write_text(_open_groups(14), encoding="utf-8")
    git(ws, "init", "-q", "-b", "main")
    # NET001 (high) and NET015 (low, no description) on each of 14 groups
    code, out, _, output = _run_scan_step(
        ws, tmp_path, paths="net", fail_on="high", args="--select NET001,NET015"
    )
    assert code == 1, out
    lines = out.splitlines()
    errors = [x for x in lines if x.startswith("::error")]
    notices = [x for x in lines if x.startswith("::notice")]
    # GitHub keeps 10 errors a step: the step's own is the first, never dropped
    assert len(errors) == 10
    assert errors[0] == "::error title=soc2lint::14 findings at or above fail-on high (28 in total)"
    assert sum(1 for x in errors if "NET001" in x) == 9
    assert len(notices) == 10 and "more findings not shown" in notices[-1]
    assert _outputs(output)["findings"] == "14"
    assert _outputs(output)["total"] == "28"
    # without annotations, the script says it, with the same numbers
    code, out, _, output = _run_scan_step(
        ws, tmp_path, paths="net", fail_on="high", args="--select NET001,NET015",
        annotations="false",
    )  # fmt: skip
    assert code == 1
    assert [x for x in out.splitlines() if x.startswith("::error")] == [
        "::error title=soc2lint::14 findings at or above fail-on high (28 in total)"
    ]


@needs_git
def test_multi_line_paths_and_quoted_args(workspace: Path, tmp_path: Path) -> None:
    other = workspace / "other dir"
    other.mkdir()
    (other / "q.yaml").write_text(
        (workspace / "stacks" / "app.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    rules = tmp_path / "my rules"
    shutil.copytree(PLUGIN, rules)
    code, out, _, output = _run_scan_step(
        workspace,
        tmp_path,
        paths="stacks\nother dir\n",
        fail_on="low",
        args=f'--rules-dir "{rules}"\n--select TST201\n',
    )
    assert code == 1, out
    assert "::warning file=stacks/app.yaml,line=5" in out
    assert "::warning file=other dir/q.yaml,line=5" in out
    assert _outputs(output)["findings"] == "2"
    # one line, space-separated, a quoted path with a space
    code, out, _, _ = _run_scan_step(
        workspace,
        tmp_path,
        paths='stacks "other dir"',
        args=f"--rules-dir '{rules}' --select TST201",
    )
    assert code == 1 and "other dir/q.yaml" in out
    # nothing is executed: $(...) and ; are plain characters of one argument
    code, out, _, output = _run_scan_step(
        workspace, tmp_path, paths="stacks", args="--select TST201 --rules-dir $(touch pwned);x"
    )
    assert code == 2 and not (workspace / "pwned").exists()
    # an unbalanced quote is a clear usage error
    code, out, _, output = _run_scan_step(
        workspace, tmp_path, paths="stacks", args='--select "TST201'
    )
    assert code == 2
    assert "::error title=soc2lint::soc2lint action: the args input cannot be split" in out
    assert _outputs(output)["exit-code"] == "2"


def _pull_request(base_sha: str) -> dict[str, object]:
    return {"pull_request": {"number": 7, "base": {"sha": base_sha, "ref": "main"}}}


@needs_git
def test_pull_request_is_judged_with_the_base_commits_configuration(
    workspace: Path, tmp_path: Path
) -> None:
    base_sha = git(workspace, "rev-parse", "HEAD")
    # the pull request adds a bad queue and a configuration that ignores the rule
    (workspace / "stacks" / "more.yaml").write_text(
        "Resources:\n  New:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      SqsManagedSseEnabled: false\n",
        encoding="utf-8",
    )
    (workspace / ".soc2lint.toml").write_text('ignore = ["TST201"]\n', encoding="utf-8")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "silence myself")
    args = f"--rules-dir {PLUGIN} --select TST201"
    code, out, summary, output = _run_scan_step(
        workspace, tmp_path, event=_pull_request(base_sha), paths="stacks", args=args
    )
    assert code == 1, out
    assert "::warning file=stacks/more.yaml,line=5" in out
    assert "stacks/app.yaml" not in out  # already at the base: not new
    outputs = _outputs(output)
    assert outputs["diff-base"] == base_sha
    assert (outputs["findings"], outputs["new"], outputs["total"]) == ("1", "1", "2")
    review = summary.read_text(encoding="utf-8")
    assert "## soc2lint review" in review and "the verdict uses the base commit" in review
    # diff-base: off is the documented opt-out: the tree's own configuration applies
    code, out, _, output = _run_scan_step(
        workspace, tmp_path, event=_pull_request(base_sha), paths="stacks", args=args,
        diff_base="off",
    )  # fmt: skip
    assert code == 0, out
    assert _outputs(output)["diff-base"] == ""
    # a push event never compares
    code, out, _, output = _run_scan_step(workspace, tmp_path, paths="stacks", args=args)
    assert code == 0 and _outputs(output)["diff-base"] == ""


@needs_git
def test_a_shallow_checkout_fetches_the_base_commit(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    (origin / "stacks").mkdir(parents=True)
    git(origin, "init", "-q", "-b", "main")
    (origin / "stacks" / "app.yaml").write_text(
        "Resources:\n  Old:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      SqsManagedSseEnabled: false\n",
        encoding="utf-8",
    )
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "base")
    base_sha = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "pr")
    with (origin / "stacks" / "app.yaml").open("a", encoding="utf-8") as f:
        f.write("  New:\n    Type: AWS::SQS::Queue\n    Properties:\n")
        f.write("      SqsManagedSseEnabled: false\n")
    git(origin, "commit", "-qam", "head")
    git(origin, "config", "uploadpack.allowReachableSHA1InWant", "true")  # as GitHub
    ws = tmp_path / "ws"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{origin}", str(ws))
    with pytest.raises(subprocess.CalledProcessError):
        git(ws, "cat-file", "-e", f"{base_sha}^{{commit}}")
    code, out, _, output = _run_scan_step(
        ws, tmp_path, event=_pull_request(base_sha), paths="stacks",
        args=f"--rules-dir {PLUGIN} --select TST201",
    )  # fmt: skip
    assert code == 1, out
    assert "fetching the pull request's base commit" in out
    assert _outputs(output)["new"] == "1"
    # a base that cannot be fetched fails closed, saying what to do
    missing = "0" * 40
    code, out, _, _ = _run_scan_step(
        ws, tmp_path, event=_pull_request(missing), paths="stacks",
        args=f"--rules-dir {PLUGIN} --select TST201",
    )  # fmt: skip
    assert code == 2
    assert "fetch-depth: 0" in out and "diff-base: off" in out


def test_sarif_category_input(workspace: Path, tmp_path: Path) -> None:
    code, out, _, _ = _run_scan_step(
        workspace,
        tmp_path,
        paths="stacks",
        sarif_file="r.sarif",
        sarif_category="soc2lint-prod",
        args=f"--rules-dir {PLUGIN} --select TST201",
    )
    assert code == 1, out
    run = json.loads((workspace / "r.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert run["automationDetails"] == {"id": "soc2lint-prod/"}


def test_install_cache_key_follows_the_pinned_requirements(tmp_path: Path) -> None:
    helper = REPO / "scripts" / "action_inputs.py"
    req = tmp_path / "req.txt"
    req.write_text("a==1\n", encoding="utf-8")

    def key(version: str = "") -> dict[str, str]:
        r = subprocess.run(
            [sys.executable, "-I", str(helper), "cache-key", str(req)],
            env={"RUNNER_OS": "Linux", "RUNNER_TEMP": str(tmp_path), "INPUT_VERSION": version},
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(line.split("=", 1) for line in r.stdout.splitlines())

    first = key()
    assert first["pip-cache-dir"] == str(tmp_path / "soc2lint-pip-cache")
    assert key() == first
    assert key("0.2.0")["key"] != first["key"]
    req.write_text("a==2\n", encoding="utf-8")
    assert key()["key"] != first["key"]


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


def test_the_install_step_refuses_a_python_older_than_the_pinned_file(tmp_path: Path) -> None:
    # a runner whose python3 is 3.10: the hashed file would not install (networkx 3.6)
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python3").write_text(
        '#!/bin/sh\nif [ "$1" = "-V" ]; then echo "Python 3.10.12"; exit 0; fi\nexit 1\n',
        encoding="utf-8",
    )
    (shim / "python3").chmod(0o755)
    path_file = tmp_path / "github_path"
    r = subprocess.run(
        ["bash", str(REPO / "scripts" / "action-install.sh")],
        env={
            **os.environ,
            "PATH": f"{shim}:{os.environ['PATH']}",
            "GITHUB_ACTION_PATH": str(REPO),
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_PATH": str(path_file),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert r.returncode == 2
    assert "needs Python 3.11 or newer" in r.stderr and "Python 3.10.12" in r.stderr
    assert not path_file.exists() and not (tmp_path / "soc2lint-venv").exists()

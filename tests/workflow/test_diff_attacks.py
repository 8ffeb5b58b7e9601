"""Issue 17, points 2 and 7: a pull request cannot silence its own findings in review,
and git is only a reader.

Each test builds a repository whose base commit is clean, then the pull request a
hostile author would push (a new internet-facing, unencrypted database plus
something meant to hide it), and runs the GitHub Action's scan step
(``scripts/action-scan.sh`` with ``diff-base``) on it, as a workflow would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_files

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed"),
]

GOOD = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
BAD_DB = (
    'resource "aws_db_instance" "evil" {\n'
    '  engine              = "mysql"\n'
    "  storage_encrypted   = false\n"
    "}\n"
)


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


def make_repo(tmp_path: Path, base: dict[str, str], pr: dict[str, str]) -> Path:
    repo = tmp_path / "ws"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, base)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "tag", "base")
    write_files(repo, pr)  # the pull request's working tree (checked out, uncommitted)
    return repo


def action(repo: Path, tmp: Path, **inputs: str) -> tuple[int, str, str, dict[str, str]]:
    """The Action's scan step; returns exit code, log, step summary and outputs."""
    summary = tmp / "summary.md"
    output = tmp / "output.txt"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "SOC2LINT_CACHE_DIR": str(tmp / "cache"),
        "SOC2LINT_TODAY": "2026-06-01",
        "NO_COLOR": "1",
        "INPUT_DIFF_BASE": "base",
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
    text = summary.read_text(encoding="utf-8") if summary.exists() else ""
    outs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").split() if "=" in line
    )
    return r.returncode, r.stdout + r.stderr, text, outs


def assert_caught(code: int, log: str, summary: str) -> None:
    assert code == 1, log
    assert "aws_db_instance.evil" in summary
    assert "fix before approving" in summary


@pytest.mark.parametrize(
    "config",
    [
        'ignore = ["ENC"]',
        'exclude = ["**"]',
        'exclude = ["infra/"]',
        '[per-path-ignores]\n"**" = ["ENC"]',
        '[[suppress]]\nrules = ["ENC001"]\naddress = "*"\nreason = "trust me"',
        'select = ["NET"]',
        'fail-on = "never"',
        "[options]\nlog_retention_days = 0",
    ],
)
def test_a_pr_cannot_configure_its_own_review(tmp_path: Path, config: str) -> None:
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": GOOD, ".soc2lint.toml": 'fail-on = "low"\n'},
        {"infra/db.tf": BAD_DB, ".soc2lint.toml": config + "\n"},
    )
    code, log, summary, outputs = action(repo, tmp_path, paths="infra")
    assert_caught(code, log, summary)
    assert outputs["exit-code"] == "1"
    assert "this change edits the configuration file" in summary


def test_a_pr_cannot_add_a_configuration_file_either(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": GOOD},
        {"infra/db.tf": BAD_DB, "pyproject.toml": '[tool.soc2lint]\nignore = ["ENC"]\n'},
    )
    code, log, summary, _ = action(repo, tmp_path, paths="infra")
    assert_caught(code, log, summary)
    assert "adds or moves the configuration file" in summary


def test_a_pr_cannot_edit_the_explicit_config_or_baseline(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": GOOD, "ci/soc2lint.toml": 'fail-on = "low"\n'},
        {"infra/db.tf": BAD_DB, "ci/soc2lint.toml": 'fail-on = "never"\n'},
    )
    code, log, summary, _ = action(repo, tmp_path, paths="infra", config="ci/soc2lint.toml")
    assert_caught(code, log, summary)


def test_a_pr_cannot_record_its_finding_in_the_baseline(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    write_files(scratch, {"infra/main.tf": GOOD, "infra/db.tf": BAD_DB})
    r = subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", "baseline", "create", "infra", "-o", "bl.json"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert r.returncode == 0, r.stderr
    recorded = (scratch / "bl.json").read_text(encoding="utf-8")
    assert "aws_db_instance.evil" in recorded
    empty = json.dumps({"schema_version": 1, "findings": []})
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": GOOD, "bl.json": empty},
        {"infra/db.tf": BAD_DB, "bl.json": recorded},
    )
    code, log, summary, _ = action(repo, tmp_path, paths="infra", baseline="bl.json")
    assert_caught(code, log, summary)
    assert "this change edits the baseline" in summary


def test_an_inline_suppression_added_by_the_pr_does_not_pass_it(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": GOOD},
        {"infra/db.tf": '# soc2lint: ignore[ENC001] reason="fine" expires=2099-01-01\n' + BAD_DB},
    )
    code, log, summary, _ = action(repo, tmp_path, paths="infra")
    assert_caught(code, log, summary)
    assert "silenced by an exception this change adds" in summary
    assert "Exceptions added or changed in this change" in summary


def test_findings_newly_silenced_by_an_existing_module_suppression_are_listed(
    tmp_path: Path,
) -> None:
    call = (
        '# soc2lint: ignore[ENC001] reason="legacy db, encrypted by snapshot copy"\n'
        'module "db" {\n  source = "../modules/db"\n}\n'
    )
    legacy = BAD_DB.replace("evil", "legacy")
    repo = make_repo(
        tmp_path,
        {"infra/main.tf": call, "modules/db/main.tf": legacy},
        {"modules/db/main.tf": legacy + BAD_DB},  # a new database inside the module
    )
    code, log, summary, _ = action(repo, tmp_path, paths="infra", args="--select ENC")
    assert code == 0, log
    assert "Findings newly silenced by existing exceptions (1)" in summary
    assert "module.db.aws_db_instance.evil" in summary
    assert "legacy db, encrypted by snapshot copy" in summary


def test_git_is_only_a_reader(tmp_path: Path) -> None:
    """Smudge filters and export-ignore must not change the base tree; a scanned
    subdirectory still resolves ../modules at the base."""
    marker = tmp_path / "filter-ran"
    call = 'module "db" {\n  source = "../modules/db"\n}\n'
    repo = make_repo(
        tmp_path,
        {
            "infra/main.tf": call,
            "modules/db/main.tf": BAD_DB.replace("evil", "old"),
            ".gitattributes": "*.tf filter=evil\nmodules/** export-ignore\n",
        },
        {"infra/variables.tf": 'variable "unused" {\n  default = 1\n}\n'},
    )
    git(repo, "config", "filter.evil.smudge", f"touch {marker}; cat")
    git(repo, "config", "filter.evil.clean", "cat")
    git(repo, "config", "core.fsmonitor", f"touch {marker}; false")
    code, log, summary, _ = action(repo, tmp_path, paths="infra", args="--select ENC")
    assert not marker.exists()
    assert code == 0, log  # the old database is unchanged, not "new"
    assert "0 new" in summary and "1 unchanged" in summary


def test_exclude_that_empties_the_scan_is_an_error(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "infra/db.tf": BAD_DB,
            ".soc2lint.toml": 'exclude = ["infra/"]\n',
        },
    )
    r = subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", "scan", "infra"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "exclude every file" in r.stderr

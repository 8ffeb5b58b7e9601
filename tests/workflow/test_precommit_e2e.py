"""Real pre-commit (`pre-commit try-repo`) against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.slow,
]

BAD = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MultiAZ: false
"""
GOOD = """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
"""


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "SOC2LINT_CACHE_DIR": str(home / "soc2lint-cache"),
        "NO_COLOR": "1",
    }


def _try_repo(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "soc2lint", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_precommit_blocks_a_bad_change_and_passes_a_good_one(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    env = _env(tmp_path)
    repo = tmp_path / "repo"
    (repo / "stacks").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], env=env, check=True)
    (repo / "stacks" / "db.yaml").write_text(BAD, encoding="utf-8")
    (repo / "stacks" / "queue.yaml").write_text(GOOD, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)

    bad = _try_repo(repo, env, "stacks/db.yaml")
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1, out
    assert "Failed" in out and "AVL001 rds-multi-az" in out and "stacks/db.yaml" in out
    assert "6:7" in out  # the finding points at the MultiAZ line

    good = _try_repo(repo, env, "stacks/queue.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    # a committed file named like an option must stay a file name (issue 17): before,
    # "--rules-dir=hooks.tf" made soc2lint import the pull request's Python
    marker = tmp_path / "code-ran"
    (repo / "--rules-dir=hooks.tf").write_text("", encoding="utf-8")
    (repo / "hooks.tf").mkdir()
    (repo / "hooks.tf" / "evil.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\nRULES = ()\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    hostile = subprocess.run(  # every tracked file: the hostile name among them
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "soc2lint", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    out = hostile.stdout + hostile.stderr
    assert not marker.exists(), out
    assert hostile.returncode == 1 and "AVL001 rds-multi-az" in out, out

"""Issue 22, the reviewer's report in a pull request, end to end in a git repository:
severity changes, what an added exception waives, links for resolved findings at the base
commit, the diff in JSON, the text report's wording, and the fetch command suggested for a
missing base.  Markdown is read with a real CommonMark parser (markdown-it-py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt
from markdown_it.token import Token

from soc2lint.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BASE_DB = """\
resource "aws_db_instance" "main" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = false
  backup_retention_period = 7
  publicly_accessible     = false
}

resource "aws_db_instance" "reports" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  backup_retention_period = 0
}

resource "aws_db_instance" "archive" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  backup_retention_period = 0
}
"""

HEAD_DB = """\
# soc2lint: ignore[NET006] reason="vendor migration" expires=2027-01-31
resource "aws_db_instance" "main" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  backup_retention_period = 0
  publicly_accessible     = true
}

# soc2lint: ignore[BAK001] reason="reports can be rebuilt" expires=2027-01-31
resource "aws_db_instance" "reports" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  backup_retention_period = 3
}

resource "aws_db_instance" "archive" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  backup_retention_period = 5
}
"""


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
    (r / "infra" / "db").mkdir(parents=True)
    git(r, "init", "-q", "-b", "main")
    (r / "infra" / "db" / "main.tf").write_text(BASE_DB, encoding="utf-8")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "base")
    git(r, "tag", "base")
    (r / "infra" / "db" / "main.tf").write_text(HEAD_DB, encoding="utf-8")
    return r


def run(cwd: Path, args: Sequence[str]) -> Result:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["scan", *args, "--no-cache"])
    finally:
        os.chdir(old)


RULES = ["--select", "ENC001,BAK001,NET006"]


def tokens(text: str) -> list[Token]:
    out: list[Token] = []

    def walk(ts: list[Token]) -> None:
        for t in ts:
            out.append(t)
            if t.children:
                walk(t.children)

    walk(MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text))
    return out


def rendered_text(text: str) -> str:
    """What a reader sees: the text and code of every inline token, as rendered."""
    return " ".join(
        t.content for t in tokens(text) if t.type in ("text", "code_inline") and t.content
    )


def _review(cwd: Path, *extra: str) -> str:
    r = run(cwd, [".", "--diff-base", "base", "--format", "markdown", *RULES, *extra])
    assert r.exit_code == 1, r.output
    return r.stdout


def test_escalations_and_de_escalations_are_listed_and_counted(repo: Path) -> None:
    cwd = repo / "infra" / "db"
    text = _review(cwd, "--fail-on", "high")
    # backup_retention_period 7 -> 0: BAK001 medium -> high on aws_db_instance.main
    assert "1 escalated" in text and "1 de-escalated" in text
    section = text.split("### Severity changed by this change", 1)[1].split("###", 1)[0]
    rows = [x for x in section.splitlines() if x.startswith("| ")][1:]  # after the header
    assert len(rows) == 2
    assert "`aws_db_instance.main`" in rows[0] and "(was medium at the base)" in rows[0]
    assert "🔴 high" in rows[0]
    assert "`aws_db_instance.archive`" in rows[1] and "(was high at the base)" in rows[1]
    assert "🟠 medium" in rows[1]
    # the escalated finding fails the run (fail-on high), like a new one
    assert "escalated from a lower severity" in text.split("\n", 3)[2]
    assert "lost backup or recovery protection: was medium at the base, now high" in text
    data = json.loads(
        run(
            cwd, [".", "--diff-base", "base", "--format", "json", *RULES, "--fail-on", "high"]
        ).stdout
    )
    esc = data["diff"]["escalated"]
    assert [(e["rule_id"], e["address"], e["from"], e["to"]) for e in esc] == [
        ("BAK001", "aws_db_instance.main", "medium", "high")
    ]
    down = data["diff"]["deescalated"]
    assert [(e["address"], e["from"], e["to"]) for e in down] == [
        ("aws_db_instance.archive", "high", "medium")
    ]
    # a de-escalated finding was there already: not counted, not among the findings
    assert "aws_db_instance.archive" not in {f["address"] for f in data["findings"]}
    assert data["summary"]["failing"] >= 1
    assert "BAK001" in {f["rule_id"] for f in data["findings"]}


def test_an_added_exception_shows_what_it_waives(repo: Path) -> None:
    text = _review(repo / "infra" / "db")
    section = text.split("### Exceptions added or changed in this change", 1)[1].split("###", 1)[0]
    seen = rendered_text(section)
    # NET006 on the now public database: new, critical, its message shown
    assert "🟣 critical NET006" in seen
    assert "publicly_accessible" in seen and "(new)" in seen
    # the exception on a finding already there (BAK001 on reports) says so too
    assert "BAK001" in seen and "(already there)" in seen
    # and the sentence of what the change does stays, marked as silenced
    does = text.split("### What this change does", 1)[1].split("###", 1)[0]
    assert "`aws_db_instance.main` is more exposed to the network" in does
    assert "silenced by an exception this change adds" in does
    assert "gets an exception for a" in does


def test_code_spans_render_without_backslashes(repo: Path) -> None:
    text = _review(repo / "infra" / "db")
    codes = {t.content for t in tokens(text) if t.type == "code_inline"}
    assert "aws_db_instance.main" in codes
    assert not any("\\" in c for c in codes), sorted(c for c in codes if "\\" in c)


def test_resolved_findings_link_to_the_base_commit(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/infra")
    monkeypatch.setenv("GITHUB_SHA", "f" * 40)
    base_sha = git(repo, "rev-parse", "base")
    # run from a subdirectory: links name the file from the repository root
    text = _review(repo / "infra" / "db")
    resolved = text.split("Resolved by this change", 1)[1].split("</details>", 1)[0]
    links = [t.attrGet("href") for t in tokens(resolved) if t.type == "link_open"]
    file_links = [h for h in links if isinstance(h, str) and "/acme/infra/" in h]
    assert file_links == [f"https://github.com/acme/infra/blob/{base_sha}/infra/db/main.tf#L4"]
    new = text.split("### New findings", 1)[1].split("###", 1)[0]
    new_links = [t.attrGet("href") for t in tokens(new) if t.type == "link_open"]
    assert f"https://github.com/acme/infra/blob/{'f' * 40}/infra/db/main.tf#L7" in new_links


def test_json_diff_has_the_base_reference_and_resolved_findings(repo: Path) -> None:
    r = run(repo, ["infra", "--diff-base", "base", "--format", "json", *RULES])
    data = json.loads(r.stdout)
    diff = data["diff"]
    assert diff["base"] == {"ref": "base", "sha": git(repo, "rev-parse", "base")}
    assert [(f["rule_id"], f["address"], f["start_line"]) for f in diff["resolved"]] == [
        ("ENC001", "aws_db_instance.main", 4)
    ]
    assert diff["counts"]["resolved"] == 1
    (exc,) = [e for e in diff["exceptions"] if e["rules"] == ["NET006"]]
    assert exc["change"] == "added" and len(exc["waives"]) == 1
    assert set(diff["new"]) <= {f["fingerprint"] for f in data["findings"]}


def test_text_report_in_diff_mode_does_not_speak_of_a_baseline(repo: Path) -> None:
    r = run(repo, ["infra", "--diff-base", "base", *RULES])
    assert "baseline" not in r.stdout
    assert "Compared with base (" in r.stdout
    assert "1 resolved by this change" in r.stdout
    assert "(was medium at the base)" in r.stdout


def test_missing_remote_branch_suggests_a_valid_fetch(repo: Path) -> None:
    git(repo, "remote", "add", "origin", str(repo.parent / "nowhere.git"))
    r = run(repo, ["infra", "--diff-base", "origin/main"])
    assert r.exit_code == 2
    assert "`git fetch origin main`" in r.stderr
    assert "origin origin/main" not in r.stderr
    assert "fetch-depth: 0" in r.stderr
    r = run(repo, ["infra", "--diff-base", "0123456789abcdef0123456789abcdef01234567"])
    assert "`git fetch origin 0123456789abcdef0123456789abcdef01234567`" in r.stderr
    r = run(repo, ["infra", "--diff-base", "refs/remotes/origin/release/2.x"])
    assert "`git fetch origin release/2.x`" in r.stderr

"""soc2lint.gitobjects: git as a reader only (trees, blobs, commit log, materialising)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from soc2lint.gitobjects import GitError, GitRepository, safe_relpath, valid_ref

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, date: str = "2026-01-01T00:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
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
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    (r / "infra").mkdir()
    (r / "infra" / "main.tf").write_text('module "m" {\n  source = "../modules/m"\n}\n')
    (r / "modules" / "m").mkdir(parents=True)
    (r / "modules" / "m" / "main.tf").write_text("locals {}\n")
    (r / "run.sh").write_text("#!/bin/sh\n")
    (r / "run.sh").chmod(0o755)
    (r / "infra" / "inside").symlink_to("../modules/m/main.tf")
    (r / "infra" / "outside").symlink_to("/etc/passwd")
    (r / "infra" / "up").symlink_to("../../..")
    (r / "node_modules" / "x").mkdir(parents=True)
    (r / "node_modules" / "x" / "index.js").write_text("x\n")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "first")
    (r / "infra" / "main.tf").write_text("# changed\n")
    git(r, "commit", "-qam", "second: a subject", date="2026-02-01T00:00:00+00:00")
    return r


def test_reads_trees_blobs_and_log(repo: Path) -> None:
    with GitRepository(repo) as g:
        head = g.resolve_commit("main")
        first = g.resolve_commit("main~1")
        entries = {e.path: e for e in g.ls_tree(first)}
        assert entries["run.sh"].mode == "100755" and entries["infra/outside"].is_symlink
        assert entries["infra/main.tf"].size == len(b'module "m" {\n  source = "../modules/m"\n}\n')
        blob = g.read_blob(entries["infra/main.tf"].oid)
        assert blob.startswith(b'module "m"')
        assert g.read_blob(entries["infra/main.tf"].oid) is blob  # cached by object id
        log = g.first_parent_log("main")
        assert [c.sha for c in log] == [head, first]
        assert log[0].subject == "second: a subject" and log[0].author == "Ada"
        assert log[0].date.startswith("2026-02-01") and log[0].parents == (first,)
        with pytest.raises(GitError):
            g.read_blob(head)  # a commit, not a blob
        assert g.read_blob(entries["run.sh"].oid) == b"#!/bin/sh\n"  # the process survived


def test_materialize_writes_files_and_only_links_that_stay_inside(
    repo: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    with GitRepository(repo) as g:
        sha = g.resolve_commit("main~1")
        g.materialize(sha, dest, skip_dirs={"node_modules"})
    assert (dest / "infra" / "main.tf").read_text().startswith('module "m"')
    assert os.access(dest / "run.sh", os.X_OK)
    assert (dest / "infra" / "inside").is_symlink()
    assert (
        not (dest / "infra" / "outside").exists() and not (dest / "infra" / "outside").is_symlink()
    )
    assert not (dest / "infra" / "up").is_symlink()
    assert not (dest / "node_modules").exists()


def test_refs_that_look_like_options_never_reach_git(repo: Path) -> None:
    with GitRepository(repo) as g:
        for ref in ("--output=/tmp/x", "-h", "", "a\x00b", "a\nb"):
            assert not valid_ref(ref)
            with pytest.raises(GitError):
                g.resolve_commit(ref)
        with pytest.raises(GitError):
            g.resolve_commit("no-such-branch")


def test_unsafe_tree_paths_are_refused() -> None:
    for bad in ("../x", "a/../../x", "/etc/passwd", ".git/config", "a/.GIT/hooks/x", "a//b", ""):
        assert safe_relpath(bad) is None, bad
    assert str(safe_relpath("a/b.tf")) == "a/b.tf"


def test_repository_configuration_cannot_run_programs(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (repo / ".gitattributes").write_text("*.tf filter=evil diff=evil\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "attributes")
    # what a hostile .git/config could hold (set after the commits above, which would run it)
    git(repo, "config", "core.fsmonitor", f"touch {marker}")
    git(repo, "config", "core.pager", f"touch {marker}")
    git(repo, "config", "filter.evil.smudge", f"touch {marker}; cat")
    git(repo, "config", "diff.evil.textconv", f"touch {marker}; cat")
    hooks = repo / ".git" / "hooks"
    (hooks / "post-checkout").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (hooks / "post-checkout").chmod(0o755)
    dest = tmp_path / "out"
    dest.mkdir()
    with GitRepository(repo) as g:
        sha = g.resolve_commit("HEAD")
        g.materialize(sha, dest)
        g.first_parent_log("HEAD")
    assert not marker.exists()
    assert (dest / "infra" / "main.tf").read_text() == "# changed\n"

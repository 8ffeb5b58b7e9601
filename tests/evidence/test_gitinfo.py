"""The commit the pack records, read from .git without running git."""

from __future__ import annotations

from pathlib import Path

from soc2lint.evidence.gitinfo import Commit, head_commit

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def test_outside_git(tmp_path: Path) -> None:
    assert head_commit(tmp_path) is None


def test_branch_from_a_loose_ref(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    (git / "refs/heads/feature").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/feature/x\n")
    (git / "refs/heads/feature/x").write_text(SHA + "\n")
    (tmp_path / "infra").mkdir()
    assert head_commit(tmp_path / "infra") == Commit(SHA, "feature/x")


def test_branch_from_packed_refs(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "packed-refs").write_text(
        f"# pack-refs with: peeled fully-peeled sorted\n{OTHER} refs/heads/dev\n"
        f"{SHA} refs/heads/main\n^{OTHER}\n"
    )
    assert head_commit(tmp_path) == Commit(SHA, "main")


def test_detached_head(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text(SHA + "\n")
    assert head_commit(tmp_path) == Commit(SHA, None)


def test_worktree_with_commondir(tmp_path: Path) -> None:
    main = tmp_path / "repo" / ".git"
    wt_git = main / "worktrees" / "wt"
    wt_git.mkdir(parents=True)
    (main / "refs/heads").mkdir(parents=True)
    (main / "refs/heads/topic").write_text(SHA + "\n")
    (wt_git / "HEAD").write_text("ref: refs/heads/topic\n")
    (wt_git / "commondir").write_text("../..\n")
    checkout = tmp_path / "wt"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {wt_git}\n")
    assert head_commit(checkout) == Commit(SHA, "topic")


def test_unborn_branch(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert head_commit(tmp_path) is None

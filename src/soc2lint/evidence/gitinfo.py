"""The commit the scanned code is at, read from ``.git`` directly (no subprocess).

Handles a normal checkout (``.git`` directory), a worktree or submodule
(``.git`` file with ``gitdir:``, and the worktree's ``commondir``), a
detached HEAD, loose refs and ``packed-refs``.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.record import record


@record(frozen=True)
class Commit:
    sha: str
    branch: str | None  # None: detached HEAD


def _git_dir(start: Path) -> Path | None:
    here = start if start.is_dir() else start.parent
    for d in (here, *here.parents):
        dot = d / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                text = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                p = Path(text[len("gitdir:") :].strip())
                return p if p.is_absolute() else (d / p).resolve()
            return None
    return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _resolve_ref(git_dirs: list[Path], ref: str, depth: int = 0) -> str | None:
    if depth > 5:
        return None
    for gd in git_dirs:
        text = _read(gd / ref)
        if text:
            if text.startswith("ref:"):
                return _resolve_ref(git_dirs, text[4:].strip(), depth + 1)
            return text
    for gd in git_dirs:
        packed = _read(gd / "packed-refs")
        if not packed:
            continue
        for line in packed.splitlines():
            if line.startswith(("#", "^")):
                continue
            sha, _, name = line.partition(" ")
            if name.strip() == ref:
                return sha.strip()
    return None


def head_commit(start: Path) -> Commit | None:
    """The commit checked out in the repository containing ``start``; None outside git."""
    gd = _git_dir(start.resolve())
    if gd is None:
        return None
    dirs = [gd]
    common = _read(gd / "commondir")
    if common:
        cd = Path(common)
        dirs.append(cd if cd.is_absolute() else (gd / cd).resolve())
    head = _read(gd / "HEAD")
    if not head:
        return None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        sha = _resolve_ref(dirs, ref)
        if sha is None:
            return None
        branch = ref[len("refs/heads/") :] if ref.startswith("refs/heads/") else ref
        return Commit(sha, branch)
    return Commit(head, None)

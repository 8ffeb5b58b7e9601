"""The cache directory is pruned at most once a day: old versions' namespaces and old entries."""

from __future__ import annotations

import os
import time
from pathlib import Path

from click.testing import CliRunner

from soc2lint.cache import ParseCache, code_fingerprint
from soc2lint.cache_prune import MARKER, prune_cache
from soc2lint.cli import main

DAY = 86_400.0


def _age(path: Path, seconds: float, now: float) -> None:
    os.utime(path, (now - seconds, now - seconds))


def _layout(root: Path, now: float) -> dict[str, Path]:
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    current = ParseCache(root, "terraform", "ast1")
    old_entry = "ab" + "0" * 62
    new_entry = "cd" + "1" * 62
    current.put(old_entry, {"x": 1})
    current.put(new_entry, {"x": 2})
    assert current.directory is not None
    paths = {
        "old_entry": current.directory / f"{old_entry}.pickle",
        "new_entry": current.directory / f"{new_entry}.pickle",
        "tmp": current.directory / ".tmp-x-1-aa",
        "quiet_old_version": root / "terraform-v1-0.0.9-ast1-hcl2-8",
        "busy_old_version": root / "terraform-v2-0.0.9-ast1-hcl2-8-0123456789abcdef",
        "grammar": root / "hcl2-8.1.4-lark-1.3.1-py3.11.grammar",
    }
    paths["tmp"].write_bytes(b"partial")
    paths["grammar"].write_bytes(b"tables")
    for name in ("quiet_old_version", "busy_old_version"):
        shard = paths[name] / "ef"
        shard.mkdir(parents=True)
        (shard / "entry.pickle").write_bytes(b"x")
    _age(paths["old_entry"], 31 * DAY, now)
    _age(paths["tmp"], 2 * 3600, now)
    _age(paths["grammar"], 400 * DAY, now)
    for shard in (paths["quiet_old_version"] / "ef", paths["quiet_old_version"]):
        _age(shard, 8 * DAY, now)
    _age(paths["busy_old_version"], 30 * DAY, now)  # but a shard was written yesterday
    _age(paths["busy_old_version"] / "ef", 1 * DAY, now)
    return paths


def test_old_namespaces_old_entries_and_stray_temporary_files_are_removed(
    tmp_path: Path,
) -> None:
    now = time.time()
    root = tmp_path / "cache"
    p = _layout(root, now)
    removed = set(prune_cache(root, now=now))
    assert removed == {p["old_entry"], p["tmp"], p["quiet_old_version"]}
    assert not p["old_entry"].exists() and not p["quiet_old_version"].exists()
    assert p["new_entry"].exists()  # young entry of the current code
    assert p["busy_old_version"].exists()  # another version still writing
    assert p["grammar"].exists()  # not a namespace
    assert root.joinpath(MARKER).exists()
    assert any(n.endswith(code_fingerprint()) for n in os.listdir(root))


def test_pruning_runs_at_most_once_a_day(tmp_path: Path) -> None:
    now = time.time()
    root = tmp_path / "cache"
    p = _layout(root, now)
    assert prune_cache(root, now=now)
    _age(p["new_entry"], 40 * DAY, now)
    assert prune_cache(root, now=now + 3600) == []  # marker is an hour old
    assert p["new_entry"].exists()
    assert prune_cache(root, now=now + DAY + 1) == [p["new_entry"]]


def test_a_directory_others_can_write_is_left_alone(tmp_path: Path) -> None:
    now = time.time()
    root = tmp_path / "cache"
    p = _layout(root, now)
    root.chmod(0o777)
    try:
        assert prune_cache(root, now=now) == []
        assert p["old_entry"].exists() and p["quiet_old_version"].exists()
    finally:
        root.chmod(0o700)


def test_a_missing_cache_directory_is_not_an_error(tmp_path: Path) -> None:
    assert prune_cache(tmp_path / "absent") == []
    assert not (tmp_path / "absent").exists()


def test_a_scan_prunes_its_cache_directory(tmp_path: Path) -> None:
    now = time.time()
    root = tmp_path / "cache"
    p = _layout(root, now)
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["scan", str(project), "--fail-on", "never"], env={"SOC2LINT_CACHE_DIR": str(root)}
    )
    assert result.exit_code == 0, result.output
    assert not p["quiet_old_version"].exists()
    assert not p["old_entry"].exists()
    assert p["new_entry"].exists()

"""Keeping the cache directory from growing without bound.

Every cache namespace directory is tagged with a fingerprint of the soc2lint
code that wrote it (:func:`~soc2lint.cache.code_fingerprint`), so each upgrade
or edit of soc2lint starts new namespaces and the old ones are never read
again; entries of the current namespaces pile up as files change.  At most
once a day (a marker file's age), a scan removes:

* namespace directories of another fingerprint (or of an older layout) in
  which nothing was written for ``stale_days`` days: another installed
  version that is still used (a pre-commit hook's own environment, say)
  keeps writing, so it only loses entries after a quiet week;
* entries of the current namespaces written more than ``max_age_days`` ago
  (an entry in use is simply written again on its next miss);
* temporary files left by an interrupted write, after an hour.

Pruning never raises and never follows symbolic links; a cache directory
that another user could write to is left alone (it is not used either).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from .cache import code_fingerprint, trusted_directory

MARKER = ".last-prune"
DAY = 86_400.0


def prune_cache(
    directory: Path,
    *,
    now: float | None = None,
    interval: float = DAY,
    stale_days: float = 7,
    max_age_days: float = 30,
) -> list[Path]:
    """Prune ``directory`` when the last pruning is older than ``interval`` seconds.

    Returns what was removed (empty when it was not time yet).
    """
    now = time.time() if now is None else now
    try:
        if not directory.is_dir() or not trusted_directory(directory):
            return []
        marker = directory / MARKER
        with contextlib.suppress(FileNotFoundError):
            if now - marker.stat().st_mtime < interval:
                return []
        marker.touch()
        os.utime(marker, (now, now))
    except OSError:
        return []
    removed: list[Path] = []
    current = "-" + code_fingerprint()
    with contextlib.suppress(OSError):
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            path = Path(entry.path)
            if entry.name.endswith(current):
                removed.extend(_old_entries(path, now, max_age_days * DAY))
            elif now - _last_write(path) > stale_days * DAY:
                import shutil  # here, not at the top: it imports bz2 and lzma on every scan

                shutil.rmtree(path, ignore_errors=True)
                if not path.exists():
                    removed.append(path)
    return removed


def _last_write(namespace: Path) -> float:
    """When an entry was last added to ``namespace``: its directory's mtime, and its shard
    directories' in the layout of cache format 3 and before."""
    newest = 0.0
    with contextlib.suppress(OSError):
        newest = namespace.stat().st_mtime
        for shard in os.scandir(namespace):
            with contextlib.suppress(OSError):
                if shard.is_dir(follow_symlinks=False):
                    newest = max(newest, shard.stat(follow_symlinks=False).st_mtime)
    return newest


def _old_entries(namespace: Path, now: float, max_age: float) -> list[Path]:
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(namespace):
            if not entry.is_file(follow_symlinks=False):
                continue
            limit = 3600.0 if entry.name.startswith(".tmp-") else max_age
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > limit:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed

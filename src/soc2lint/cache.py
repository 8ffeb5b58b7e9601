"""A content-addressed cache of parsed files, safe for concurrent runs.

Front ends store the parsed form of a file under the SHA-256 of its bytes
(and the parser's version), so an unchanged file is never parsed twice, and a
changed file can never be served stale.  Entries are written to a temporary
file and renamed into place, so two scans racing on one cache directory both
succeed, and an interrupted scan leaves no half-written entry.  A corrupt or
unreadable entry is treated as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from . import __version__

#: bump when the cached structures change shape
CACHE_FORMAT = 1


class ParseCache:
    def __init__(self, directory: Path | None, namespace: str, version: str = "") -> None:
        self.enabled = directory is not None
        tag = f"{namespace}-v{CACHE_FORMAT}-{__version__}-{version}".replace("/", "_")
        self.directory = (directory / tag) if directory is not None else None
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(data: bytes | str) -> str:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return hashlib.sha256(raw).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key[2:]}.pickle"

    def get(self, key: str) -> Any | None:
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt, truncated, from another version: a miss
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            # a cache that cannot be written is only slower, never wrong
            return

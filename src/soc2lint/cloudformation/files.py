"""Reading and decoding template files once per scan, optionally in worker processes."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..frontend import LoadOptions, SourceError, read_text
from .decode import Decoded, decode_text

#: below this many files a process pool costs more (cfn-lint import per worker) than it saves
POOL_MIN_FILES = 24
#: and below this many bytes in total
POOL_MIN_BYTES = 2 * 1024 * 1024


@dataclass
class Entry:
    """One file: its decode result, or why it could not be read."""

    decoded: Decoded | None = None
    error: SourceError | None = None


@dataclass
class FileStore:
    """Decoded files by absolute path, plus which ones were already used or reported."""

    options: LoadOptions
    entries: dict[Path, Entry] = field(default_factory=dict)
    #: files loaded as a root or as a nested child (never scanned again as a root)
    consumed: set[Path] = field(default_factory=set)
    #: files whose decode problems were already reported
    reported: set[Path] = field(default_factory=set)
    #: files already named in ``LoadResult.files``
    listed: set[Path] = field(default_factory=set)

    def entry(self, path: Path) -> Entry:
        cached = self.entries.get(path)
        if cached is not None:
            return cached
        try:
            text = read_text(path, self.options.limits)
        except SourceError as exc:
            entry = Entry(error=exc)
        else:
            entry = Entry(decoded=decode_text(text))
        self.entries[path] = entry
        return entry

    def prefetch(self, paths: Sequence[Path]) -> None:
        """Decode ``paths``; in a process pool when ``options.jobs > 1`` and it pays off."""
        texts: dict[Path, str] = {}
        for path in paths:
            if path in self.entries:
                continue
            try:
                texts[path] = read_text(path, self.options.limits)
            except SourceError as exc:
                self.entries[path] = Entry(error=exc)
        if not texts:
            return
        jobs = max(1, int(self.options.jobs))
        total = sum(len(t) for t in texts.values())
        if (
            jobs > 1
            and (len(texts) >= POOL_MIN_FILES or total >= POOL_MIN_BYTES)
            and len(texts) > 1
        ):
            decoded = _decode_in_pool(list(texts.values()), min(jobs, len(texts)))
            if decoded is not None:
                for path, result in zip(texts, decoded, strict=True):
                    self.entries[path] = Entry(decoded=result)
                return
        for path, text in texts.items():
            self.entries[path] = Entry(decoded=decode_text(text))


def _decode_in_pool(texts: list[str], workers: int) -> list[Decoded] | None:
    """Decode in worker processes; None when a pool cannot be used (the caller decodes itself)."""
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(texts) // (workers * 4))
            return list(pool.map(decode_text, texts, chunksize=chunk))
    except (OSError, RuntimeError, concurrent.futures.process.BrokenProcessPool, ImportError):
        return None

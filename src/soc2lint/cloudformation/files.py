"""Reading and decoding template files once per scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..frontend import LoadOptions, SourceError, read_text
from .decode import Decoded, decode_text


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
    #: files already named in ``LoadResult.files``, as a set and in that order
    listed: set[Path] = field(default_factory=set)
    listed_order: list[Path] = field(default_factory=list)

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

"""Reading and decoding template files once per scan, through the parse cache."""

from __future__ import annotations

import functools
import hashlib
import re
import time
from dataclasses import field
from pathlib import Path

from ..cache import Manifest, ParseCache, Sources
from ..frontend import LoadOptions, SourceError, TimeBudgetExceeded, time_budget
from ..record import record
from .decode import DEFAULT_MAX_YAML_NODES, Decoded, decode_text, warm_up

#: part of the parse-cache key: bump when :class:`Decoded` changes shape
DECODER_VERSION = "decoded1"


@functools.cache
def decoder_version() -> str:
    """This decoder and the libraries under it (their tags and scalars shape the result).

    cfn-lint's version is read from its ``version.py`` rather than through
    ``importlib.metadata`` (importing it and asking cost ~20 ms, 7 % of a small
    scan) or by importing cfn-lint (only a file PyYAML cannot read needs it)."""
    import importlib.util

    import yaml

    spec = importlib.util.find_spec("cfnlint")
    cfnlint = "none"
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = (Path(location) / "version.py").read_text(encoding="utf-8")
        except OSError:
            continue
        found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
        cfnlint = found.group(1) if found else hashlib.sha256(text.encode()).hexdigest()[:16]
        break
    return f"{DECODER_VERSION}-cfn-lint-{cfnlint}-PyYAML-{yaml.__version__}"


@record
class Entry:
    """One file: its decode result, or why it could not be read."""

    decoded: Decoded | None = None
    error: SourceError | None = None
    #: the decode was abandoned for time (depends on the machine's load: never cached)
    timed_out: bool = False


@record
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
    #: decoded templates by the SHA-256 of their text (cfn-lint is not even imported
    #: for a template found there)
    cache: ParseCache | None = None
    #: CPU seconds spent reading and decoding (or reading from the cache)
    decode_seconds: float = 0.0
    #: file contents read once per process: the bytes decoded are the ones digested
    sources: Sources | None = None
    #: what the evaluation of one top-level template read (for its result-cache entry)
    manifest: Manifest | None = None
    #: a decode was abandoned for time (an outcome that depends on the machine's load)
    timed_out: bool = False
    #: a file decoded without the parse cache: a top-level template whose evaluation goes
    #: into the result cache (its decoded form would only serve when that misses while
    #: the text is unchanged: other parameter values or options)
    uncached: Path | None = None

    def for_root(self) -> FileStore:
        """A store for evaluating one top-level template on its own: the decoded files,
        contents and parse cache are shared, what was used, listed or reported is not,
        and every file it reads or looks for is recorded in its own manifest."""
        if self.sources is None:
            self.sources = Sources(self.options.limits.max_file_bytes)
        if self.cache is None and self.options.cache_dir is not None:
            self.cache = ParseCache(self.options.cache_dir, "cloudformation", decoder_version())
        return FileStore(
            self.options,
            entries=self.entries,
            cache=self.cache,
            sources=self.sources,
            manifest=Manifest(self.sources),
        )

    def note(self, path: Path) -> None:
        """The evaluation looked for ``path`` (whether or not it exists)."""
        if self.manifest is not None:
            self.manifest.file(path)

    def entry(self, path: Path) -> Entry:
        if self.manifest is not None:
            self.manifest.file(path)
        cached = self.entries.get(path)
        if cached is not None:
            if cached.timed_out:
                self.timed_out = True
            return cached
        started = time.process_time()
        try:
            text = self.options.read_source_file(path, self.sources)
        except SourceError as exc:
            entry = Entry(error=exc)
        else:
            warm_up()
            try:
                with time_budget(self.options.limits.file_time_budget):
                    entry = Entry(decoded=self.decode(text, cached=path != self.uncached))
            except TimeBudgetExceeded as exc:
                entry = Entry(error=SourceError(exc.message, limit=True), timed_out=True)
                self.timed_out = True
        self.entries[path] = entry
        self.decode_seconds += time.process_time() - started
        return entry

    def decode(self, text: str, cached: bool = True) -> Decoded:
        max_nodes = self.options.limits.max_yaml_nodes
        if self.options.cache_dir is None or not cached:
            return decode_text(text, max_nodes)
        if self.cache is None:
            self.cache = ParseCache(self.options.cache_dir, "cloudformation", decoder_version())
        # the alias bound decides what a template decodes to: part of the key
        key = ParseCache.key(
            text if max_nodes == DEFAULT_MAX_YAML_NODES else f"{max_nodes}\0{text}"
        )
        hit = self.cache.get(key)
        if isinstance(hit, Decoded):
            return hit
        decoded = decode_text(text, max_nodes)
        if not any(p.limit for p in decoded.problems):
            self.cache.put(key, decoded)
        return decoded

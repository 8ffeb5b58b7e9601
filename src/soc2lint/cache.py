"""On-disk caches, safe for concurrent runs: parsed files, and evaluated results.

Two kinds of entry live under one cache directory (the CLI's default is
``$XDG_CACHE_HOME/soc2lint``):

* :class:`ParseCache`: the parsed form of a file under the SHA-256 of its
  text (and the parser), so an unchanged file is never parsed twice and a
  changed file can never be served stale.
* :class:`ResultCache`: a front end's evaluated output for one root (a
  Terraform root module, a CloudFormation template), under a key naming the
  root and every option that changes its evaluation.  Each entry carries the
  *manifest* of what the evaluation read: every directory it listed or read
  configuration from (with the names in it and the content of its
  configuration files) and every other file it read (or found missing).  An
  entry is used only when every item of its manifest is unchanged, so any
  changed, added or removed input invalidates it.

(:mod:`soc2lint.findings_cache` keeps a third kind beside them: the findings of
the rules whose reach is one root or template, per group of roots and templates
the result cache served unchanged.)

Every namespace is further keyed by the soc2lint version, a format number and
a fingerprint of the installed source (:func:`code_fingerprint`), so a new or
edited soc2lint never reads entries an older one wrote.

Entries are written to a temporary file and renamed into place, so two scans
racing on one cache directory both succeed (the last rename wins, and both
entries are valid), and an interrupted scan leaves no half-written entry.  A
corrupt, truncated or unreadable entry is a miss.  A cache that cannot be
written is only slower, never wrong.

Entries are pickles, and loading a pickle can run code: a cache directory that
someone else could write to (not owned by the user running the scan, or group-
or world-writable) is not used at all, as ssh treats its key files.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import logging
import os
import pickle
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import __version__

#: bump when the cached structures or the layout change shape (4: one directory a
#: namespace, no two-character shards, whose ``mkdir`` each were a cold scan's)
CACHE_FORMAT = 4

#: a manifest item: ("dir" | "file", absolute path, digest)
Dependency = tuple[str, str, str]

#: files whose content is part of a directory's digest (what Terraform reads from a
#: module directory: configuration, variable files, backend files)
DIR_CONTENT_SUFFIXES = (
    ".tf",
    ".tf.json",
    ".tfvars",
    ".tfvars.json",
    ".tfbackend",
    ".hcl",
)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Names, sizes and modification times of soc2lint's own source files.

    Part of every cache key: an edited checkout (``pip install -e``) or a new
    release never reads what another version of the code wrote.
    """
    package = os.path.dirname(os.path.realpath(__file__))
    h = hashlib.sha256(__version__.encode())
    start = len(package) + 1  # a path relative to the package, as text
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            p = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                st = os.stat(p)
                h.update(f"{p[start:]}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def digest(*parts: str | bytes) -> str:
    """SHA-256 of ``parts`` (each length-prefixed, so no two lists collide)."""
    h = hashlib.sha256()
    for p in parts:
        raw = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)
    return h.hexdigest()


#: what pickling a value that cannot be pickled raises
PICKLE_ERRORS = (pickle.PicklingError, RecursionError, TypeError, AttributeError)


def pickled(value: Any) -> bytes:
    """``value`` pickled, for :meth:`ResultCache.put_raw` and for sending back from a worker
    process (which then need not pickle it twice)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def unpickled(payload: bytes) -> Any:
    """A value that one of this scan's own worker processes :func:`pickled` (never bytes
    read from anywhere else: loading a pickle can run code)."""
    return pickle.loads(payload)


def unpacked(payload: bytes) -> Any:
    """A value :func:`pickled` inside an object this process has already unpickled (a
    node's attributes, :class:`soc2lint.model.Node`): bytes of the same origin, trusted
    as much as the pickle they came in."""
    return pickle.loads(payload)


_warned: set[str] = set()


def trusted_directory(directory: Path) -> bool:
    """True when only the current user can write ``directory`` (created 0700 if missing)."""
    if not hasattr(os, "getuid"):  # Windows: no POSIX ownership to check
        return True
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = directory.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


class _Store:
    """Atomic, corruption-tolerant files under one namespace directory."""

    def __init__(self, directory: Path | None, namespace: str, version: str) -> None:
        if directory is not None and not trusted_directory(directory):
            if str(directory) not in _warned:
                _warned.add(str(directory))
                logging.getLogger("soc2lint").warning(
                    "not using the cache directory %s: another user could write to it "
                    "(entries are pickles, which can run code)",
                    directory,
                )
            directory = None
        self.enabled = directory is not None
        tag = f"{namespace}-v{CACHE_FORMAT}-{__version__}-{version}-{code_fingerprint()}"
        self.directory = (directory / tag.replace("/", "_")) if directory is not None else None

    def _path(self, key: str, suffix: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{key}{suffix}"

    def _write(self, path: Path, chunks: Iterable[Any], raw: bytes = b"") -> bool:
        """Pickle ``chunks`` one after another into ``path``, then ``raw`` (bytes already
        pickled), atomically."""
        parent = path.parent
        try:
            tmp = parent / f".tmp-{path.name}-{os.getpid()}-{os.urandom(4).hex()}"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileNotFoundError:  # the namespace's directory is made by its first entry
                parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                with os.fdopen(fd, "wb") as fh:
                    for chunk in chunks:
                        pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    fh.write(raw)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return False
        return True

    def _load(self, key: str) -> tuple[bool, Any]:
        """``(True, value)`` for a whole entry under ``key``; ``(False, None)`` when there
        is none, or it is corrupt, truncated or from another version (then removed)."""
        path = self._path(key, ".pickle")
        try:
            with path.open("rb") as fh:
                return True, pickle.load(fh)
        except FileNotFoundError:
            return False, None
        except Exception:
            self._discard(path)
            return False, None

    @staticmethod
    def _discard(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()


class KeyedCache(_Store):
    """A value under a key that says everything it depends on (the findings cache:
    :mod:`soc2lint.findings_cache`; the parse cache below)."""

    def __init__(self, directory: Path | None, namespace: str, version: str = "") -> None:
        super().__init__(directory, namespace, version)
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any | None:
        if self.directory is None:
            return None
        found, value = self._load(key)
        if not found:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        if self.directory is not None:
            self._write(self._path(key, ".pickle"), (value,))


class ParseCache(KeyedCache):
    """Parsed files by the SHA-256 of their text (with a :class:`ResultMemo`, also kept
    in memory: only for immutable parsed forms, such as Terraform's syntax trees)."""

    def __init__(
        self,
        directory: Path | None,
        namespace: str,
        version: str = "",
        memo: ResultMemo | None = None,
    ) -> None:
        super().__init__(directory, namespace, version)
        self.memo = memo
        self.namespace = namespace

    @staticmethod
    def key(data: bytes | str) -> str:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        return hashlib.sha256(raw).hexdigest()

    def get(self, key: str) -> Any | None:
        if self.memo is not None:
            held = self.memo.parsed_get((self.namespace, key))
            if held is not None:
                self.hits += 1
                return held
        value = super().get(key)
        if value is not None and self.memo is not None:
            self.memo.parsed_put((self.namespace, key), value)
        return value

    def has(self, key: str) -> bool:
        """Whether an entry exists (without reading it: it may still prove corrupt)."""
        return self.directory is not None and self._path(key, ".pickle").is_file()

    def put(self, key: str, value: Any) -> None:
        if self.memo is not None:
            self.memo.parsed_put((self.namespace, key), value)
        super().put(key, value)


def _kinds(entry: os.DirEntry[str]) -> tuple[str, bool, bool]:
    """``(name, is_dir, is_file)``; an entry whose type cannot be read (a symlink loop:
    ELOOP) is neither, instead of the OSError losing the whole directory's listing."""
    try:
        return entry.name, entry.is_dir(), entry.is_file()
    except OSError:
        return entry.name, False, False


class Sources:
    """File contents and digests, each file read at most once per scan.

    The digests are what manifests record, and the bytes are what the front
    end then parses, so an entry can never describe content other than the
    content it was computed from.  Files over ``max_bytes`` are not read:
    their digest is their size (the front end reports them as too large
    without reading them either).
    """

    def __init__(self, max_bytes: int = 10 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._data: dict[str, bytes | OSError] = {}
        self._sizes: dict[str, int] = {}
        self._entries: dict[str, list[tuple[str, bool, bool]] | OSError] = {}
        self._files: dict[str, str] = {}
        self._dirs: dict[str, str] = {}

    def entries(self, path: Path | str) -> list[tuple[str, bool, bool]]:
        """``(name, is_dir, is_file)`` of every entry of a directory, sorted by name, listed
        once per scan (raises OSError).  Symbolic links count as what they point at."""
        key = os.fspath(path)
        found = self._entries.get(key)
        if found is None:
            try:
                with os.scandir(key) as it:
                    found = sorted(_kinds(e) for e in it)
            except OSError as exc:
                # kept without its traceback, whose frames would keep the caller's
                # evaluation state alive until the scan ends
                found = exc.with_traceback(None)
            self._entries[key] = found
        if isinstance(found, OSError):
            raise copy.copy(found)  # raising the kept one would attach the caller's frames
        return found

    def size(self, path: Path | str) -> int:
        """The file's size in bytes (raises OSError)."""
        key = os.fspath(path)
        size = self._sizes.get(key)
        if size is None:
            size = os.stat(key).st_size
            self._sizes[key] = size
        return size

    def read(self, path: Path | str) -> bytes:
        """The file's bytes (raises OSError), read once per scan."""
        key = os.fspath(path)
        data = self._data.get(key)
        if data is None:
            try:
                with open(key, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                data = exc.with_traceback(None)  # see entries()
            self._data[key] = data
        if isinstance(data, OSError):
            raise copy.copy(data)  # see entries()
        return data

    def file_digest(self, path: Path | str) -> str:
        """Digest of a file's real path and content; "missing" or "error" when unreadable."""
        key = os.fspath(path)
        d = self._files.get(key)
        if d is None:
            d = self._file_digest(key)
            self._files[key] = d
        return d

    def _file_digest(self, key: str) -> str:
        try:
            if not os.path.isfile(key):
                return "dir" if os.path.isdir(key) else "missing"
            size = self.size(key)
            if size > self.max_bytes:
                return digest("large", os.path.realpath(key), str(size))
            return digest("file", os.path.realpath(key), self.read(key))
        except OSError as exc:
            return f"error:{exc.errno}"

    def dir_digest(self, path: Path | str) -> str:
        """Digest of a directory: its real path, every name in it, and the content of its
        configuration files (:data:`DIR_CONTENT_SUFFIXES`); "missing" when absent."""
        key = os.fspath(path)
        d = self._dirs.get(key)
        if d is None:
            d = self._dir_digest(key)
            self._dirs[key] = d
        return d

    def _dir_digest(self, key: str) -> str:
        try:
            if not os.path.isdir(key):
                return "file" if os.path.exists(key) else "missing"
            entries = self.entries(key)
        except OSError as exc:
            return f"error:{exc.errno}"
        parts: list[str | bytes] = ["dir", os.path.realpath(key)]
        for name, is_dir, is_file in entries:
            parts.append(f"{name}\0{int(is_dir)}{int(is_file)}")
            if is_file and name.lower().endswith(DIR_CONTENT_SUFFIXES):
                parts.append(self.file_digest(os.path.join(key, name)))
        return digest(*parts)

    def forget(self, paths: Iterable[str]) -> None:
        """Files written or removed since they were read (absolute paths): their bytes and
        digests, and the listings and digests of the directories holding them, are read
        again when next asked for.  Keys are compared normalised (``a/../b``)."""
        stale: set[str] = set()
        for path in paths:
            probe = os.path.normpath(path)
            stale.add(probe)
            while True:
                parent = os.path.dirname(probe)
                if parent == probe:
                    break
                stale.add(parent)
                probe = parent
        for table in (self._data, self._sizes, self._entries, self._files, self._dirs):
            for key in [k for k in table if os.path.normpath(k) in stale]:
                del table[key]

    def forget_all(self) -> None:
        for table in (self._data, self._sizes, self._entries, self._files, self._dirs):
            table.clear()

    def current(self, dep: Dependency) -> str:
        kind, path, _ = dep
        return self.dir_digest(path) if kind == "dir" else self.file_digest(path)

    def unchanged(self, deps: Iterable[Dependency]) -> bool:
        return all(self.current(dep) == dep[2] for dep in deps)


class Manifest:
    """What one evaluation read, recorded while it runs (see :class:`ResultCache`)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self._deps: dict[tuple[str, str], str] = {}

    def directory(self, path: Path | str) -> None:
        """The evaluation listed ``path`` or read configuration from it (or found it absent)."""
        key = os.fspath(path)
        if ("dir", key) not in self._deps:
            self._deps[("dir", key)] = self.sources.dir_digest(key)

    def file(self, path: Path | str) -> None:
        """The evaluation read ``path`` (or found it absent)."""
        key = os.fspath(path)
        if ("file", key) not in self._deps:
            self._deps[("file", key)] = self.sources.file_digest(key)

    def deps(self) -> tuple[Dependency, ...]:
        return tuple(sorted((k, p, d) for (k, p), d in self._deps.items()))


class ResultMemo:
    """Evaluated results kept in memory, across the scans of one process.

    ``soc2lint history`` scans every commit of a period in one process, in
    one work directory: a root or template whose manifest is unchanged since
    the previous commit is served from here as the *same object* (neither read
    from disk nor unpickled), and the history's rule runner takes an unchanged
    object as an unchanged scope.  Only the latest value of each key is kept.
    With ``disk=False`` the result caches do not write to (or read from) the
    cache directory at all: a history's work directory is temporary, so entries
    keyed by its paths would never be read again.  A worker process receives an
    empty memo (it is not copied into the pool).
    """

    #: parsed files kept (the most recently used)
    PARSED_LIMIT = 4096

    def __init__(self, *, disk: bool = True) -> None:
        self.disk = disk
        self.entries: dict[tuple[str, str], tuple[tuple[Dependency, ...], Any]] = {}
        self._sources: dict[int, Sources] = {}
        self._parsed: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def parsed_get(self, key: tuple[str, str]) -> Any | None:
        hit = self._parsed.get(key)
        if hit is not None:
            self._parsed.move_to_end(key)
        return hit

    def parsed_put(self, key: tuple[str, str], value: Any) -> None:
        self._parsed[key] = value
        self._parsed.move_to_end(key)
        while len(self._parsed) > self.PARSED_LIMIT:
            self._parsed.popitem(last=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_empty_memo, (self.disk,))

    def sources(self, max_bytes: int) -> Sources:
        """The file contents and digests shared by the scans: read once, until
        :meth:`changed` says a file changed."""
        held = self._sources.get(max_bytes)
        if held is None:
            held = self._sources[max_bytes] = Sources(max_bytes)
        return held

    def changed(self, paths: Iterable[str], *, everything: bool = False) -> None:
        """Files written or removed since the last scan (absolute paths); ``everything``
        when a path may be reached another way (a symbolic link changed or exists)."""
        for held in self._sources.values():
            if everything:
                held.forget_all()
            else:
                held.forget(paths)


def sources_for(max_bytes: int, memo: ResultMemo | None) -> Sources:
    """The :class:`Sources` a load reads through: the memo's, or a fresh one."""
    return memo.sources(max_bytes) if memo is not None else Sources(max_bytes)


def _empty_memo(disk: bool) -> ResultMemo:
    return ResultMemo(disk=disk)


class ResultCache(_Store):
    """Evaluated results under a key, valid while their manifest is unchanged.

    An entry file holds two pickles: the manifest, then the result, so a
    stale entry is recognised without loading its result.  With a
    :class:`ResultMemo`, entries are also kept in memory (see there).
    """

    def __init__(
        self,
        directory: Path | None,
        namespace: str,
        version: str = "",
        memo: ResultMemo | None = None,
    ) -> None:
        super().__init__(directory if memo is None or memo.disk else None, namespace, version)
        self.memo = memo
        self.namespace = namespace
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*parts: str) -> str:
        return digest(*parts)

    def remember(self, key: str, deps: Sequence[Dependency], value: Any) -> None:
        """Keep ``value`` in the memory memo only (nothing without one)."""
        if self.memo is not None:
            self.memo.entries[(self.namespace, key)] = (tuple(deps), value)

    def get(self, key: str, sources: Sources) -> Any | None:
        if self.memo is not None:
            held = self.memo.entries.get((self.namespace, key))
            if held is not None and sources.unchanged(held[0]):
                self.hits += 1
                return held[1]
        if self.directory is None:
            if self.memo is not None:
                self.misses += 1
            return None
        path = self._path(key, ".result")
        try:
            with path.open("rb") as fh:
                deps = pickle.load(fh)
                if not isinstance(deps, tuple) or not sources.unchanged(deps):
                    self.misses += 1
                    return None
                value = pickle.load(fh)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt, truncated, from another version: a miss
            self.misses += 1
            self._discard(path)
            return None
        self.hits += 1
        self.remember(key, deps, value)
        return value

    def get_stale(self, key: str) -> tuple[tuple[Dependency, ...], Any] | None:
        """The entry's manifest and value without checking the manifest: for reusing
        the parts of a result whose own inputs the caller compares itself."""
        if self.memo is not None:
            held = self.memo.entries.get((self.namespace, key))
            if held is not None:
                return held
        if self.directory is None:
            return None
        path = self._path(key, ".result")
        try:
            with path.open("rb") as fh:
                deps = pickle.load(fh)
                value = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:
            self._discard(path)
            return None
        if not isinstance(deps, tuple):
            return None
        return deps, value

    def put(self, key: str, deps: Sequence[Dependency], value: Any) -> None:
        self.remember(key, deps, value)
        if self.directory is not None:
            self._write(self._path(key, ".result"), (tuple(deps), value))

    def put_raw(
        self, key: str, deps: Sequence[Dependency], payload: bytes, value: Any = None
    ) -> None:
        """:meth:`put` of a value already pickled (``payload``, one whole pickle); ``value``
        (the object pickled) goes to the memory memo when there is one."""
        if value is not None:
            self.remember(key, deps, value)
        if self.directory is not None:
            self._write(self._path(key, ".result"), (tuple(deps),), payload)

"""The contract between the engine and the language front ends.

A front end (``soc2lint.terraform``, ``soc2lint.cloudformation``) receives the
files discovery found and :class:`LoadOptions`, and returns a
:class:`LoadResult`: graph nodes, edges, and diagnostics for whatever it could
not read or evaluate.  Front ends never raise for bad input: a file that does
not parse is a ``SYS001`` diagnostic at the parser's position, and every other
file is still loaded.
"""

from __future__ import annotations

import functools
import os
import signal
import stat
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from .model import Edge, Node, Range
from .record import record

if TYPE_CHECKING:
    from .cache import ResultMemo, Sources


@record(frozen=True)
class Diagnostic:
    """A problem a front end met.  The engine turns it into a finding of ``rule_id``.

    ``rule_id`` is one of the reserved SYS rules: ``SYS001`` parse error,
    ``SYS006`` module not loaded (a note), ``SYS007`` configuration error
    (module cycle, path outside the root, locals cycle, depth), ``SYS008``
    limit exceeded.  ``address`` names what it is about: the file's display
    path for a file that did not parse, the module call (``module.vpc``) or
    resource address otherwise.
    """

    rule_id: str
    message: str
    range: Range
    address: str
    scope: str = ""
    #: SYS006: what could not be loaded (a module source, a template URL, a macro), so the
    #: engine reports each distinct source once, with its calls
    source: str = ""


@record(frozen=True, eq=False)
class Part:
    """What one Terraform root or top-level CloudFormation template added to a load.

    ``source`` is the front end's record of that evaluation: the very same object
    when the result memo (:class:`soc2lint.cache.ResultMemo`) served it again, so
    ``soc2lint history`` knows, without looking at a node, that nothing in it
    changed.  ``files`` are the display paths of the files the evaluation read."""

    source: object
    scope: str
    nodes: list[Node]
    edges: list[Edge]
    literal_edges: list[Edge] | None
    files: Collection[str]
    #: the evaluation's result-cache key and manifest, when it was served from or stored in
    #: the result cache (the findings cache keys the part's findings by it), else None
    cache_key: str | None = None


@record
class LoadResult:
    """What the front ends loaded: nodes, edges, diagnostics and the files they read."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: display paths of every file read (for reports, caches and suppressions)
    files: list[str] = field(default_factory=list)
    #: ``literal`` edges (:mod:`soc2lint.links`) of scopes the front end computed them
    #: for; the engine computes the other scopes'
    literal_edges: dict[str, list[Edge]] = field(default_factory=dict)
    #: seconds by stage (``terraform.parse``, ``cloudformation.evaluate``...)
    timings: dict[str, float] = field(default_factory=dict)
    #: counts by cache (roots evaluated and served from the cache, files parsed...)
    cache_stats: dict[str, int] = field(default_factory=dict)
    #: the roots and templates the nodes came from (nodes of plans are in none)
    parts: list[Part] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.parts.extend(other.parts)
        self.nodes.extend(other.nodes)
        self.edges.extend(other.edges)
        self.diagnostics.extend(other.diagnostics)
        self.files.extend(other.files)
        self.literal_edges.update(other.literal_edges)
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v
        for k, n in other.cache_stats.items():
            self.cache_stats[k] = self.cache_stats.get(k, 0) + n


def shared_edges(edges: list[Edge]) -> list[Edge]:
    """``edges`` with equal node ids and attribute paths as one object each.

    Front ends build an id string per edge end; pickling (a worker's result,
    a cache entry) writes each distinct object in full, and the ids were
    most of a 50k-line monorepo's cached size.  Shared, each is written once
    (and takes memory once when read back).
    """
    strings: dict[str, str] = {}
    paths: dict[Any, Any] = {}
    out = []
    for e in edges:
        src = strings.setdefault(e.src, e.src)
        dst = strings.setdefault(e.dst, e.dst)
        path = paths.setdefault(e.src_path, e.src_path)
        if src is e.src and dst is e.dst and path is e.src_path:
            out.append(e)
        else:
            out.append(Edge(src, dst, e.kind, path, e.dst_attr))
    return out


@record(frozen=True)
class Limits:
    """Safety bounds; each one reached is a ``SYS008`` diagnostic, never a hang."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_module_depth: int = 16
    #: values a YAML template may hold once its aliases are expanded (cfn-lint's guard)
    max_yaml_nodes: int = 250_000
    #: instances one count/for_each (or dynamic block) may create
    max_expansion: int = 1000
    #: instances and dynamic blocks all count/for_each of a scan may create together:
    #: nested module calls multiply (100 x 100 x 100 is a million resources)
    max_total_instances: int = 100_000
    #: module instances a scan may load (each also counts as an instance above): plain
    #: module calls multiply too, and a module instance costs far more than a resource
    max_module_instances: int = 10_000
    #: evaluation steps one expression may take
    max_eval_steps: int = 200_000
    #: evaluation steps all Terraform expressions of a scan may take together (about
    #: 15 s; real configurations use well under a million): many expressions each
    #: just under max_eval_steps must not add up to hours
    max_total_eval_steps: int = 50_000_000
    #: seconds one file's parse (HCL, YAML, JSON) may take before it is abandoned;
    #: enforced with SIGALRM where the platform has it (see :func:`time_budget`)
    file_time_budget: float = 30.0
    #: seconds all Terraform regular expressions of a scan may take together (each call
    #: at most 2 s): RE2, which Terraform uses, is linear-time; Python's engine is not
    max_regex_seconds: float = 5.0


@record(frozen=True)
class LoadOptions:
    """What every front end needs to know about the scan.

    ``root`` bounds every read: module sources, ``file()`` paths and nested
    stack templates that resolve outside it are refused (``SYS007``).  It is
    the repository root (the nearest ancestor with ``.git``) or, outside a
    repository, the scanned path.  ``base`` is the directory display paths are
    relative to (normally the working directory).
    """

    root: Path
    base: Path
    var_files: tuple[Path, ...] = ()
    vars: Mapping[str, str] = field(default_factory=dict)
    #: ``--var-file`` and ``--var`` in command-line order, later ones winning as in
    #: Terraform: ``("file", path, "")`` / ``("var", name, value)``; when empty,
    #: ``var_files`` then ``vars``
    var_args: tuple[tuple[str, str, str], ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cfn_parameters: Mapping[str, Any] = field(default_factory=dict)
    #: ``terraform.workspace``; None: each root's ``TF_WORKSPACE`` (from ``env``), else
    #: its ``.terraform/environment`` (``terraform workspace select``), else "default"
    workspace: str | None = None
    limits: Limits = field(default_factory=Limits)
    #: directory for the content-hash parse cache; None disables caching
    cache_dir: Path | None = None
    #: worker processes for parsing (1 = in-process)
    jobs: int = 1
    #: evaluated results kept in memory across the scans of one process (``soc2lint
    #: history``); not part of any cache key: it only ever holds what the keys say
    memo: ResultMemo | None = field(default=None, compare=False)
    #: called with each part a front end's worker process evaluates, in that process
    #: (the engine's: :class:`soc2lint.findings_cache.PartChecker`); picklable
    on_part: Callable[[Part], None] | None = field(default=None, compare=False)

    def display(self, path: Path | str) -> str:
        """The path as findings show it: relative to ``base`` with forward slashes."""
        p = Path(path)
        if not p.is_absolute():
            p = self.base / p
        try:
            rel = os.path.relpath(p, self.base)
        except ValueError:  # another drive on Windows
            return p.as_posix()
        if rel.startswith(".."):
            return p.as_posix()
        return Path(rel).as_posix()

    @functools.cached_property
    def _real_root(self) -> Path:
        """``root`` resolved, once: every file and module source read is checked against it."""
        return self.root.resolve()

    @functools.cached_property
    def _resolved(self) -> dict[Path, Path]:
        return {}

    def resolve(self, path: Path) -> Path:
        """``path.resolve()``, once a scan: the front ends resolve the same module
        directories and files again and again (a module's every call, every read
        checked against ``root``).  Raises as ``Path.resolve`` does."""
        real = self._resolved.get(path)
        if real is None:
            real = self._resolved[path] = path.resolve()
        return real

    def inside_root(self, path: Path) -> bool:
        """True when ``path`` (resolved, symlinks followed) lies inside ``root``."""
        try:
            self.resolve(path).relative_to(self._real_root)
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (3.10-3.12)
            return False
        return True

    def refuse_function_read(self, path: Path) -> str | None:
        """Why an expression (``file()``, ``templatefile()``, ``fileexists()``...) may not
        read ``path``, or None when it may.

        Only inside ``root``, and never inside a directory discovery skips (``.git``
        holds the checkout's token in CI, ``.terraform`` a copy of the backend's
        state and credentials, ``node_modules``, virtual environments...), except
        the modules ``terraform init`` downloaded (``.terraform/modules``), whose
        own ``file()`` calls read their own files."""
        from .discover import SKIP_DIRS

        if not self.inside_root(path):
            return (
                f"resolves outside the scanned repository ({self.display(self.root)}); "
                "it was not read"
            )
        parts = self.resolve(path).relative_to(self._real_root).parts
        for i, part in enumerate(parts[:-1]):
            if part == ".terraform" and parts[i + 1 : i + 2] == ("modules",):
                continue
            if part in SKIP_DIRS:
                return (
                    f"is inside {part}/, which soc2lint never reads (it may hold "
                    "credentials); it was not read"
                )
        if parts and parts[-1] in SKIP_DIRS:
            return f"is {parts[-1]}, which soc2lint never reads; it was not read"
        return None

    def read_source_file(self, path: Path, sources: Sources | None = None) -> str:
        """:func:`read_text` for a file found in a scanned directory: one that resolves
        outside ``root`` (a symlink out of the repository) is refused, not read."""
        if not self.inside_root(path):
            raise SourceError(
                "is a symlink that resolves outside the scanned repository "
                f"({self.display(self.root)}) or in a loop; it was not read"
            )
        return read_text(path, self.limits, sources)


def read_text(path: Path, limits: Limits, sources: Sources | None = None) -> str:
    """Read a source file the way every front end must: size-capped, ``utf-8-sig``.

    Raises :class:`SourceError` with a plain message (and a position for
    undecodable bytes) instead of OSError/UnicodeDecodeError.  With
    ``sources``, the bytes are the ones the scan's cache manifests digest.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        # opening a FIFO blocks until someone writes to it; devices never end
        raise SourceError("not a regular file (a FIFO, device or socket); it was not read")
    try:
        size = sources.size(path) if sources is not None else st.st_size
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    if size > limits.max_file_bytes:
        raise SourceError(
            f"file is {size} bytes, over the {limits.max_file_bytes}-byte limit "
            "(raise limits.max_file_bytes in configuration to scan it)",
            limit=True,
        )
    try:
        data = sources.read(path) if sources is not None else path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise SourceError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line=line, column=col
        ) from None


def read_for_display(path: Path, root: Path | None, limits: Limits) -> str | None:
    """A scanned file's text for snippets and suppression comments, or None.

    None for what the front ends refused to read: a file over
    ``limits.max_file_bytes``, one that is not a regular file (a FIFO would
    block), one resolving outside ``root`` (a symlink out of the repository:
    its lines must not be printed), or one that cannot be read.
    """
    try:
        if root is not None:
            path.resolve().relative_to(root.resolve())
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
            return None
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except (OSError, ValueError, RuntimeError):
        return None


class SourceError(Exception):
    """A file that cannot be read as text; becomes SYS001 (or SYS008 when ``limit``)."""

    def __init__(self, message: str, *, line: int = 1, column: int = 1, limit: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.limit = limit


class TimeBudgetExceeded(Exception):
    """A block guarded by :func:`time_budget` ran out of time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"reading it took longer than {seconds:g} seconds "
            "(limits.file_time_budget); it was not checked"
        )
        self.message = str(self)


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that parsers' ``except Exception``
    clauses do not swallow it on the way out."""


def budget_available() -> bool:
    """True when :func:`time_budget` can interrupt code on this thread and platform."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeBudgetExceeded` if the block runs longer than ``seconds``.

    A real-time interval timer (``SIGALRM``) interrupts the block between two
    Python bytecodes, so pure-Python parsers (lark for HCL, PyYAML and cfn-lint
    for templates) are stopped wherever they are.  Not bounded: code inside a
    single C call (``json.loads``, a regex match, which has its own timeout) runs
    to completion first; on platforms without ``setitimer`` (Windows) or off the
    main thread the block runs without a time limit.  Worker processes parse on
    their own main thread, so the budget applies there too.  A budget inside
    another budget leaves the outer timer in charge.
    """
    if seconds <= 0 or not budget_available() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed:
            raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise TimeBudgetExceeded(seconds) from None
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

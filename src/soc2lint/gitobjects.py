"""Reading a git repository's objects, with git as a reader only.

``soc2lint scan --diff-base REF`` needs the tree of a base commit; ``git
archive`` would apply the repository's smudge filters and ``export-ignore``
attributes (turning untouched files into "new" findings) and, for a
subdirectory, cut off ``../modules``.  This module reads trees with ``git
ls-tree -r -z`` and blobs with one long-lived ``git cat-file --batch``: no
filters, no attributes, no hooks, no pager, no network.

Every git process gets an argument list (never a shell), refs are validated
and passed after ``--end-of-options``, and configuration that could start a
program is neutralised on the command line (``core.fsmonitor``,
``core.hooksPath``, ``core.pager``, ``protocol.allow``...) with
``GIT_CONFIG_NOSYSTEM`` and ``GIT_NO_REPLACE_OBJECTS`` set.

Made to be reused by ``soc2lint history``, which replays many commits: blobs
are cached by object id (up to a byte budget), so reading the trees of many
commits reads each distinct blob once; :meth:`GitRepository.first_parent_log`
lists commits with their dates, authors and subjects, :meth:`GitRepository.commit`
reads one commit object whole (its message as written, whatever it holds),
:meth:`GitRepository.changes` lists what one commit changed (``git diff-tree``:
its cost is the size of the change, not of the repository) and
:meth:`GitRepository.update` brings a written tree from one commit to another by
writing only what changed.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import IO

from .record import record

#: a full object id (SHA-1 or SHA-256)
_OID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")

#: configuration that could make a reading git command run a program or touch the network
_SAFE_CONFIG = (
    "core.fsmonitor=",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=",
    "credential.helper=",
    "diff.external=",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
    "core.alternateRefsCommand=",
    "log.showSignature=false",
    "gpg.program=false",
)

#: environment git reads that would redirect it or start programs
_DROPPED_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXTERNAL_DIFF",
    "GIT_PAGER",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "GIT_EXEC_PATH",
    "GIT_TRACE",
)


class GitError(Exception):
    """git is missing, the repository or a revision cannot be read; the message says which."""


@record(frozen=True)
class TreeEntry:
    """One entry of ``git ls-tree -r``: ``mode`` (``100644``, ``100755``, ``120000``
    symlink, ``160000`` submodule), object id and path (POSIX, relative to the root)."""

    mode: str
    kind: str
    oid: str
    path: str
    #: bytes (blobs only; -1 when not known)
    size: int = -1

    @property
    def is_file(self) -> bool:
        return self.kind == "blob" and self.mode in ("100644", "100755", "100664")

    @property
    def is_symlink(self) -> bool:
        return self.kind == "blob" and self.mode == "120000"


@record(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    #: author date, strict ISO 8601
    date: str
    subject: str
    #: committer date, seconds since the epoch (when the commit was made: for a merge or a
    #: squash merge, when the change landed on the branch)
    committed: int = 0
    committer: str = ""
    #: the message after the subject line (read by :meth:`GitRepository.commit`)
    body: str = ""


@record(frozen=True)
class Change:
    """One path that differs between two trees (``git diff-tree -r``): ``status`` is
    ``A`` added, ``D`` deleted, ``M`` modified (content or mode) or ``T`` type changed;
    ``old``/``new`` are the entries on either side (None where absent)."""

    status: str
    path: str
    old: TreeEntry | None
    new: TreeEntry | None


def valid_ref(ref: str) -> bool:
    """A revision a user may name: not empty, not an option, no NUL or control characters."""
    return bool(ref) and not ref.startswith("-") and all(ord(c) >= 0x20 for c in ref)


def safe_relpath(path: str) -> PurePosixPath | None:
    """``path`` from a tree, if it is a plain relative path (no ``..``, no ``.git``
    component, nothing absolute); None otherwise."""
    if not path or path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", "..") or part.lower() == ".git":
            return None
    return PurePosixPath(*parts)


class GitRepository:
    """The object database of the repository at ``root`` (a work tree or its ``.git``)."""

    def __init__(self, root: Path, *, blob_cache_bytes: int = 64 * 1024 * 1024) -> None:
        self.root = root
        self._batch: subprocess.Popen[bytes] | None = None
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_bytes = 0
        self._cache_limit = blob_cache_bytes

    # ---- processes -------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_NO_REPLACE_OBJECTS="1",
            # a partial clone would fetch a missing blob from its promisor remote
            GIT_NO_LAZY_FETCH="1",
            GIT_TERMINAL_PROMPT="0",
            GIT_OPTIONAL_LOCKS="0",
            GIT_PAGER="cat",
            PAGER="cat",
            LC_ALL="C",
        )
        return env

    def _argv(self, *args: str) -> list[str]:
        argv = ["git", "--no-pager"]
        for setting in _SAFE_CONFIG:
            argv += ["-c", setting]
        return [*argv, "-C", str(self.root), *args]

    def _run(self, *args: str) -> bytes:
        try:
            proc = subprocess.run(
                self._argv(*args),
                capture_output=True,
                check=False,
                env=self._env(),
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError("git is not installed") from None
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else proc.returncode}")
        return proc.stdout

    def close(self) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            with contextlib.suppress(OSError):
                if batch.stdin is not None:
                    batch.stdin.close()
            try:
                batch.wait(timeout=10)
            except subprocess.TimeoutExpired:
                batch.kill()
                batch.wait()
            for stream in (batch.stdout, batch.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- revisions and trees ----------------------------------------------

    def resolve_commit(self, ref: str) -> str:
        """The full id of the commit ``ref`` names (GitError when it is not in the clone)."""
        if not valid_ref(ref):
            raise GitError(f"{ref!r} is not a git revision")
        out = self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        sha = out.decode("ascii", "replace").strip()
        if not _OID.match(sha):
            raise GitError(f"{ref!r} does not name a commit")
        return sha

    def ls_tree(self, commit: str) -> list[TreeEntry]:
        """Every entry of ``commit``'s tree, recursively (paths from the repository root)."""
        if not _OID.match(commit):
            raise GitError(f"{commit!r} is not a full object id")
        out = self._run("ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", commit)
        entries = []
        for line in out.split(b"\x00"):
            if not line:
                continue
            head, _, raw_path = line.partition(b"\t")
            fields = head.split()
            if len(fields) != 4:
                continue
            mode, kind, oid, size = (f.decode("ascii") for f in fields)
            path = raw_path.decode("utf-8", "surrogateescape")
            entries.append(TreeEntry(mode, kind, oid, path, int(size) if size.isdigit() else -1))
        return entries

    def first_parent_log(self, rev: str, max_count: int | None = None) -> list[CommitInfo]:
        """Commits reachable from ``rev`` along first parents, newest first."""
        if not valid_ref(rev):
            raise GitError(f"{rev!r} is not a git revision")
        args = [
            "log",
            "--first-parent",
            "-z",
            "--no-decorate",
            "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%ct%x00%cn%x00%s",
        ]
        if max_count is not None:
            args.append(f"--max-count={int(max_count)}")
        out = self._run(*args, "--end-of-options", rev, "--").decode("utf-8", "replace")
        fields = out.split("\x00")
        commits = []
        for i in range(0, len(fields) - 7, 8):
            sha, parents, author, email, date, ctime, committer, subject = fields[i : i + 8]
            commits.append(
                CommitInfo(
                    sha.strip(),
                    tuple(parents.split()),
                    author,
                    email,
                    date,
                    subject,
                    int(ctime) if ctime.strip().isdigit() else 0,
                    committer,
                )
            )
        return commits

    def first_parent_chain(self, rev: str) -> list[tuple[str, int, bool]]:
        """``(sha, committer time, has parents)`` of every commit reachable from ``rev``
        along first parents, newest first: no free text, so nothing in a message can
        disturb the parsing."""
        if not valid_ref(rev):
            raise GitError(f"{rev!r} is not a git revision")
        out = self._run(
            "log",
            "--first-parent",
            "--no-decorate",
            "--format=%H %ct %P",
            "--end-of-options",
            rev,
            "--",
        ).decode("ascii", "replace")
        chain = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 2 and _OID.match(fields[0]) and fields[1].isdigit():
                chain.append((fields[0], int(fields[1]), len(fields) > 2))
        return chain

    def is_shallow(self) -> bool:
        """Whether the clone is shallow (``git clone --depth``, ``fetch-depth: 1``)."""
        out = self._run("rev-parse", "--is-shallow-repository")
        return out.decode("ascii", "replace").strip() == "true"

    def config_value(self, name: str) -> str | None:
        """One value of the repository's configuration (``remote.origin.url``), or None."""
        if not re.fullmatch(r"[A-Za-z0-9.-]+", name):
            raise GitError(f"{name!r} is not a configuration key")
        try:
            out = self._run("config", "--get", "--end-of-options", name)
        except GitError:
            return None
        return out.decode("utf-8", "replace").strip() or None

    def commit(self, sha: str) -> CommitInfo:
        """One commit object, read whole through ``cat-file --batch``: its parents, author,
        committer and message exactly as stored (a message may hold anything)."""
        raw = self._read_object(sha, "commit")
        head, _, message = raw.partition(b"\n\n")
        parents: list[str] = []
        author = email = committer = ""
        authored = ""
        committed = 0
        encoding = "utf-8"
        for line in head.split(b"\n"):
            key, _, value = line.partition(b" ")
            if key == b"parent":
                parents.append(value.decode("ascii", "replace").strip())
            elif key == b"author":
                author, email, when, zone = _person(value)
                authored = _iso(when, zone)
            elif key == b"committer":
                committer, _, when, _ = _person(value)
                committed = when
            elif key == b"encoding":
                encoding = value.decode("ascii", "replace").strip() or "utf-8"
        try:
            text = message.decode(encoding, "replace")
        except LookupError:
            text = message.decode("utf-8", "replace")
        subject, _, body = text.lstrip("\n").partition("\n")
        return CommitInfo(
            sha,
            tuple(parents),
            author,
            email,
            authored,
            subject.strip(),
            committed,
            committer,
            body.strip("\n"),
        )

    def changes(self, old: str | None, new: str) -> list[Change]:
        """Every path that differs between commits ``old`` and ``new`` (``old`` None: the
        empty tree), without rename detection, sorted by path."""
        for oid in (old, new):
            if oid is not None and not _OID.match(oid):
                raise GitError(f"{oid!r} is not a full object id")
        if old is None:
            return [Change("A", e.path, None, e) for e in self.ls_tree(new)]
        out = self._run(
            "diff-tree",
            "-r",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--end-of-options",
            old,
            new,
        )
        fields = out.split(b"\x00")
        changes = []
        i = 0
        while i + 1 < len(fields):
            meta = fields[i].decode("ascii", "replace")
            if not meta.startswith(":"):
                i += 1
                continue
            path = fields[i + 1].decode("utf-8", "surrogateescape")
            i += 2
            parts = meta[1:].split()
            if len(parts) < 5:
                continue
            old_mode, new_mode, old_oid, new_oid, status = parts[:5]
            before = _entry(old_mode, old_oid, path)
            after = _entry(new_mode, new_oid, path)
            changes.append(Change(status[:1], path, before, after))
        changes.sort(key=lambda c: c.path)
        return changes

    # ---- blobs ---------------------------------------------------------------

    def _batch_process(self) -> subprocess.Popen[bytes]:
        if self._batch is None or self._batch.poll() is not None:
            try:
                self._batch = subprocess.Popen(
                    self._argv("cat-file", "--batch"),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=self._env(),
                )
            except FileNotFoundError:
                raise GitError("git is not installed") from None
        return self._batch

    def _request(self, oid: str, kind: str = "blob") -> tuple[IO[bytes], int]:
        if not _OID.match(oid):
            raise GitError(f"{oid!r} is not a full object id")
        batch = self._batch_process()
        assert batch.stdin is not None and batch.stdout is not None
        try:
            batch.stdin.write(oid.encode("ascii") + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().decode("ascii", "replace").split()
        except OSError as exc:
            self.close()
            raise GitError(f"git cat-file failed: {exc}") from None
        if len(header) != 3 or header[1] != kind:
            if len(header) == 3:  # another kind of object: skip its content
                self._skip(batch.stdout, int(header[2]))
            raise GitError(f"object {oid[:12]} is not a {kind}")
        return batch.stdout, int(header[2])

    def _read_object(self, oid: str, kind: str) -> bytes:
        stream, size = self._request(oid, kind)
        data = stream.read(size)
        stream.read(1)
        if len(data) != size:
            self.close()
            raise GitError(f"git cat-file ended early reading {oid[:12]}")
        return data

    @staticmethod
    def _skip(stream: IO[bytes], size: int) -> None:
        while size > 0:
            chunk = stream.read(min(size, 1 << 20))
            if not chunk:
                break
            size -= len(chunk)
        stream.read(1)  # the newline after the content

    def read_blob(self, oid: str) -> bytes:
        """A blob's content, byte for byte as committed (no filters); cached by id."""
        hit = self._cache.get(oid)
        if hit is not None:
            self._cache.move_to_end(oid)
            return hit
        stream, size = self._request(oid)
        data = stream.read(size)
        stream.read(1)
        if len(data) != size:
            self.close()
            raise GitError(f"git cat-file ended early reading {oid[:12]}")
        if size <= self._cache_limit // 16:
            self._cache[oid] = data
            self._cache_bytes += size
            while self._cache_bytes > self._cache_limit:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= len(old)
        return data

    def write_blob(self, oid: str, dest: IO[bytes], max_bytes: int) -> int:
        """Write a blob into ``dest``; one over ``max_bytes`` becomes a sparse file of its
        size instead (the scan refuses it by size, as it refuses the committed one)."""
        hit = self._cache.get(oid)
        if hit is not None:
            dest.write(hit)
            return len(hit)
        stream, size = self._request(oid)
        if size > max_bytes:
            self._skip(stream, size)
            dest.truncate(size)
            return size
        if size <= self._cache_limit // 16:
            data = stream.read(size)
            stream.read(1)
            if len(data) != size:
                self.close()
                raise GitError(f"git cat-file ended early reading {oid[:12]}")
            dest.write(data)
            self._cache[oid] = data
            self._cache_bytes += size
            while self._cache_bytes > self._cache_limit:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= len(old)
            return size
        left = size
        while left > 0:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                self.close()
                raise GitError(f"git cat-file ended early reading {oid[:12]}")
            dest.write(chunk)
            left -= len(chunk)
        stream.read(1)
        return size

    # ---- materialising a tree ---------------------------------------------

    def materialize(
        self,
        commit: str,
        dest: Path,
        *,
        skip_dirs: Iterable[str] = (),
        entries: Sequence[TreeEntry] | None = None,
        max_blob_bytes: int = 256 * 1024 * 1024,
    ) -> int:
        """Write ``commit``'s files into the empty directory ``dest``; the number written.

        Regular files only, with the bytes committed; directories named in
        ``skip_dirs`` (``node_modules``...) are left out; a blob over
        ``max_blob_bytes`` is written as a sparse file of its size (the scan
        refuses it by size, as it refuses the committed one).  A symbolic link is
        recreated only when it is relative and stays inside ``dest`` (as the scan of
        a work tree follows no link out of the repository); submodules are left
        out.  Paths with ``..``, ``.git`` or absolute parts are ignored."""
        skip = frozenset(skip_dirs)
        dest = dest.resolve()
        written = 0
        links: list[tuple[PurePosixPath, str]] = []
        for entry in entries if entries is not None else self.ls_tree(commit):
            rel = written_path(entry, skip)
            if rel is None:
                continue
            if entry.is_symlink:
                links.append((rel, entry.oid))
                continue
            self._write_file(dest, rel, entry, max_blob_bytes)
            written += 1
        for rel, oid in links:
            _relink(dest, rel, self.read_blob(oid))
        return written

    def update(
        self,
        dest: Path,
        changes: Iterable[Change],
        *,
        skip_dirs: Iterable[str] = (),
        max_blob_bytes: int = 256 * 1024 * 1024,
    ) -> list[str]:
        """Bring ``dest``, written by :meth:`materialize` (or by this method) from one
        commit's tree, to another's by applying ``changes`` (:meth:`changes` between the
        two): deleted and replaced entries are removed first, directories left empty
        are removed, then added and changed entries are written, exactly as
        :meth:`materialize` would write them.  Returns the paths (POSIX, from the root)
        written or removed."""
        skip = frozenset(skip_dirs)
        dest = dest.resolve()
        touched: list[str] = []
        writes: list[tuple[PurePosixPath, TreeEntry]] = []
        emptied: set[Path] = set()
        for change in changes:
            old, new = change.old, change.new
            old_rel = written_path(old, skip) if old is not None else None
            new_rel = written_path(new, skip) if new is not None else None
            if old_rel is not None:
                target = dest.joinpath(*old_rel.parts)
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                    target.unlink()
                emptied.add(target.parent)
                touched.append(str(old_rel))
            if new_rel is not None and new is not None:
                writes.append((new_rel, new))
                if old_rel is None:
                    touched.append(str(new_rel))
        for directory in sorted(emptied, key=lambda d: len(d.parts), reverse=True):
            _remove_empty(directory, dest)
        links: list[tuple[PurePosixPath, str]] = []
        for rel, entry in writes:
            if entry.is_symlink:
                links.append((rel, entry.oid))
            else:
                self._write_file(dest, rel, entry, max_blob_bytes)
        for rel, oid in links:
            _relink(dest, rel, self.read_blob(oid))
        return sorted(set(touched))

    def _write_file(
        self, dest: Path, rel: PurePosixPath, entry: TreeEntry, max_blob_bytes: int
    ) -> None:
        target = dest.joinpath(*rel.parts)
        _make_parents(target.parent, dest)
        fd = os.open(
            target,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
            0o755 if entry.mode == "100755" else 0o644,
        )
        with os.fdopen(fd, "wb") as fh:
            if entry.size > max_blob_bytes:
                fh.truncate(entry.size)
            else:
                self.write_blob(entry.oid, fh, max_blob_bytes)


def written_path(entry: TreeEntry, skip: frozenset[str]) -> PurePosixPath | None:
    """Where :meth:`GitRepository.materialize` writes ``entry`` (None: it does not): a
    regular file or a symbolic link at a safe path outside ``skip`` directories."""
    if not (entry.is_file or entry.is_symlink):
        return None
    rel = safe_relpath(entry.path)
    if rel is None or any(part in skip for part in rel.parts[:-1]):
        return None
    return rel


def _remove_empty(directory: Path, dest: Path) -> None:
    """Remove ``directory`` and its parents up to ``dest`` while they are empty."""
    probe = directory
    while probe != dest and dest in probe.parents:
        try:
            probe.rmdir()
        except OSError:  # not empty, already gone, or not a directory
            return
        probe = probe.parent


def _entry(mode: str, oid: str, path: str) -> TreeEntry | None:
    if set(oid) == {"0"}:
        return None
    kind = {"160000": "commit", "040000": "tree"}.get(mode, "blob")
    return TreeEntry(mode, kind, oid, path)


def _person(value: bytes) -> tuple[str, str, int, str]:
    """``Name <email> 1700000000 +0100`` -> name, email, seconds, zone."""
    text = value.decode("utf-8", "replace")
    name, _, rest = text.partition("<")
    email, _, stamp = rest.partition(">")
    fields = stamp.split()
    when = int(fields[0]) if fields and fields[0].lstrip("-").isdigit() else 0
    zone = fields[1] if len(fields) > 1 else "+0000"
    return name.strip(), email.strip(), when, zone


def _iso(when: int, zone: str) -> str:
    import datetime as _dt

    sign = -1 if zone.startswith("-") else 1
    digits = zone.lstrip("+-")
    try:
        offset = _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
        tz = _dt.timezone(sign * offset)
    except ValueError:
        tz = _dt.timezone.utc
    try:
        return _dt.datetime.fromtimestamp(when, tz).isoformat()
    except (OverflowError, OSError, ValueError):
        return ""


def _make_parents(directory: Path, dest: Path) -> None:
    """``mkdir -p`` inside ``dest``, never through a symbolic link."""
    rel = directory.relative_to(dest)
    probe = dest
    for part in rel.parts:
        probe = probe / part
        try:
            st = probe.lstat()
        except FileNotFoundError:
            probe.mkdir()
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise GitError(f"{probe}: a tree entry is both a file and a directory")


def _relink(dest: Path, rel: PurePosixPath, raw: bytes) -> None:
    text = raw.decode("utf-8", "surrogateescape")
    if not text or text.startswith("/") or "\x00" in text:
        return
    link = dest.joinpath(*rel.parts)
    resolved = os.path.normpath(os.path.join(os.path.dirname(link), text))
    if resolved != str(dest) and not resolved.startswith(str(dest) + os.sep):
        return
    with contextlib.suppress(OSError):
        _make_parents(link.parent, dest)
        os.symlink(text, link)

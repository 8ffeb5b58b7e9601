"""Reading the files the command line names, and writing reports, safely.

The scanned tree is untrusted: a pull request can commit a symlink where a
report will be written (``soc2lint.sarif -> ~/.bashrc``, ``compliance ->
/home/runner/.ssh``), and a path in configuration can name a FIFO or a device
(``/dev/zero``) that would block the scan or exhaust memory.

* :func:`read_input_file`: a regular file only (never a FIFO, device or
  socket), size-capped, read through a descriptor checked after opening;
  optionally confined to the repository root.
* :func:`write_output_file`: no directory component at or below the working
  directory may be a symbolic link; the text goes to a fresh temporary file
  created next to the target (``O_EXCL | O_NOFOLLOW``) and is renamed over
  it, so an existing symlink at the target is replaced, never followed.  A
  target that already exists as a device or FIFO outside the working
  directory (``/dev/stdout``, a pipe) is written in place.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

#: a baseline or parameter file larger than this is not one (a baseline of 100,000
#: findings is about 40 MB)
MAX_INPUT_BYTES = 256 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class UnsafePath(Exception):
    """A path the command may not read or write; the message says why (exit 2)."""


def inside(path: Path, root: Path) -> bool:
    """True when ``path``, symlinks resolved, lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_input_file(
    path: Path, *, root: Path | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> str:
    """The text of an input file the command line or configuration names.

    Raises :class:`UnsafePath` for a path outside ``root`` (when given), a file
    that is not regular, one over ``max_bytes``, or one that cannot be read or
    decoded; the message has no path (the caller names the option and path)."""
    if root is not None and not inside(path, root):
        raise UnsafePath(
            f"resolves outside the repository; only files inside it are read ({root.as_posix()})"
        )
    try:
        st = path.stat()
    except OSError as exc:
        raise UnsafePath(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePath("not a regular file (a FIFO, device or directory); it was not read")
    if st.st_size > max_bytes:
        raise UnsafePath(f"{st.st_size} bytes, over the {max_bytes}-byte limit")
    try:
        fd = os.open(path, os.O_RDONLY | _BINARY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnsafePath(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        # the file may have been swapped for a FIFO or device since the stat above
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise UnsafePath("not a regular file (a FIFO, device or directory); it was not read")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafePath(f"over the {max_bytes}-byte limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafePath(f"not valid UTF-8 (byte {exc.start})") from None


def _lexical(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def check_no_symlinks(path: Path, *, anchor: Path | None = None) -> None:
    """Refuse ``path`` when one of its components at or below ``anchor`` (default: the
    working directory) is a symbolic link: a link committed in the scanned tree must
    not redirect a write.  Components above the anchor are the user's own."""
    target = _lexical(path)
    base = _lexical(anchor if anchor is not None else Path.cwd())
    try:
        rel = target.relative_to(base)
    except ValueError:
        return
    probe = base
    for part in rel.parts:
        probe = probe / part
        try:
            st = probe.lstat()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UnsafePath(f"{probe}: {exc.strerror or exc}") from None
        if stat.S_ISLNK(st.st_mode) and probe != target:
            raise UnsafePath(
                f"{probe.relative_to(base).as_posix()} is a symbolic link; soc2lint does "
                "not write through links in the working directory"
            )


def make_dirs(directory: Path, *, anchor: Path | None = None) -> None:
    """``mkdir -p``, refusing symlinked components below the anchor (see above)."""
    check_no_symlinks(directory / "x", anchor=anchor)
    directory.mkdir(parents=True, exist_ok=True)
    check_no_symlinks(directory / "x", anchor=anchor)  # a race in between


def write_output_file(path: Path, text: str, *, anchor: Path | None = None) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically, never through a
    symbolic link in the working directory.  Raises :class:`UnsafePath` or OSError."""
    target = _lexical(path)
    base = _lexical(anchor if anchor is not None else Path.cwd())
    data = text.encode("utf-8")
    in_tree = target == base or base in target.parents
    st: os.stat_result | None
    try:
        st = target.lstat()
        if stat.S_ISLNK(st.st_mode):
            # a link in the working directory is replaced by the rename, never followed;
            # one outside it is the user's own (/dev/stdout)
            st = None if in_tree else target.stat()
    except OSError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UnsafePath(f"{path} is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if in_tree:
            raise UnsafePath(f"{path} is not a regular file")
        # /dev/stdout, a named pipe the user made: written in place
        with open(target, "wb") as fh:
            fh.write(data)
        return
    make_dirs(target.parent, anchor=base)
    tmp = target.parent / f".{target.name}.soc2lint-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

"""Helpers shared by the output formats: source snippets, masking, summaries."""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..frontend import Limits, read_for_display
from ..lazyre import compile_lazily
from ..model import Finding, Severity

if TYPE_CHECKING:
    from ..engine import ScanResult

SEVERITY_ORDER = sorted(Severity, reverse=True)
_STRING_RE = compile_lazily(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')


#: what a secret in a snippet becomes: none of its characters, not even its length (the
#: text report lands in CI logs that many people can read)
MASK = "********"


def mask_secret(value: str) -> str:
    """A secret shown in a snippet: :data:`MASK`, whatever the value (empty stays empty)."""
    return MASK if value else ""


@lru_cache(maxsize=256)
def _file_lines(path: str, root: str | None, max_bytes: int) -> tuple[str, ...]:
    text = read_for_display(
        Path(path), Path(root) if root is not None else None, Limits(max_file_bytes=max_bytes)
    )
    return tuple(text.splitlines()) if text is not None else ()


def file_lines(
    base: Path, file: str, *, root: Path | None = None, max_bytes: int = Limits.max_file_bytes
) -> tuple[str, ...]:
    """The lines of a finding's file (read once, whichever finding asks).

    Nothing for files the scan would not read: over ``max_bytes``, not regular,
    or (given ``root``) resolving outside it."""
    return _file_lines(_joined(base, file), str(root) if root is not None else None, max_bytes)


def source_lines(f: Finding, lines: Sequence[str], *, limit: int = 3) -> list[tuple[int, str]]:
    """The lines ``f`` points at (at most ``limit``) of its file's ``lines``
    (:func:`file_lines`), secrets masked when the rule asks."""
    if not lines:
        return []
    rng = f.range
    start = rng.start_line
    end = min(max(start, rng.end_line or start), len(lines))
    if end - start + 1 <= limit:
        numbers = list(range(start, end + 1))
    else:
        numbers = _focus_lines(f, lines, start, end, limit)
    out = []
    redact = f.properties.get("redact_snippet")
    for n in numbers:
        if 1 <= n <= len(lines):
            text = lines[n - 1]
            if redact:
                text = redact_strings(text)
            out.append((n, text))
    return out


#: what a finding's message quotes that its offending line holds: `code`, "strings",
#: CIDRs and addresses, numbers of two or more digits, key-like words (snake_case, CamelCase)
_MESSAGE_TOKEN = compile_lazily(
    r"`([^`]{2,})`|\"([^\"]{2,})\"|'([^']{2,})'"
    r"|(\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?|[0-9a-fA-F]*::[0-9a-fA-F:]*(?:/\d{1,3})?|\b\d{2,}\b)"
    r"|\b([a-z][a-z0-9]*_[a-z0-9_]+|[A-Z][a-z0-9]+(?:[A-Z][a-zA-Z0-9]*)+)\b"
)


def message_tokens(f: Finding) -> list[str]:
    """The values a finding's message names, longest first (its own address left out)."""
    found: dict[str, None] = {}
    for m in _MESSAGE_TOKEN.finditer(f.message):
        token = next(g for g in m.groups() if g is not None).strip()
        if len(token) >= 2 and token not in f.address and token != "::":
            found[token] = None
    return sorted(found, key=lambda t: (-len(t), t))


def _focus_lines(f: Finding, lines: Sequence[str], start: int, end: int, limit: int) -> list[int]:
    """For a finding spanning more than ``limit`` lines (a block): its first line, then
    the lines inside that hold what the message names (the offending ones), most
    specific first, shown in file order; the block's first lines when none does."""
    tokens = message_tokens(f)
    scored: list[tuple[int, int]] = []
    if tokens:
        for n in range(start + 1, end + 1):
            text = lines[n - 1]
            score = sum(len(t) for t in tokens if t in text)
            if score:
                scored.append((-score, n))
    if not scored:
        return list(range(start, start + limit))
    chosen = sorted(n for _, n in sorted(scored)[: limit - 1])
    return [start, *chosen]


@lru_cache(maxsize=1024)
def _joined(base: Path, file: str) -> str:
    """``str(base / file)``: findings name the same few files tens of thousands of times."""
    return str(base / file)


def redact_strings(text: str) -> str:
    """Every quoted string in ``text`` masked (used for lines that hold secrets)."""

    def sub(m: re.Match[str]) -> str:
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        q = '"' if m.group(1) is not None else "'"
        return f"{q}{mask_secret(inner)}{q}"

    redacted = _STRING_RE.sub(sub, text)
    # unquoted YAML scalars after "key:" are masked too
    m = re.match(r"^(\s*[-\w.]+\s*:\s*)([^\s\"'#{\[][^#]*?)\s*$", redacted)
    if m and not m.group(2).startswith(("!", "{{")):
        redacted = m.group(1) + mask_secret(m.group(2))
    return redacted


def by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s.label: c.get(s, 0) for s in SEVERITY_ORDER}


def by_family(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.rule_id[:3] for f in findings)
    return dict(sorted(c.items()))


def severity_sort_key(f: Finding) -> tuple[int, tuple[object, ...]]:
    return (-int(f.severity), f.sort_key())


def dumps_indented(obj: Any) -> str:
    """``json.dumps(obj, indent=2, ensure_ascii=False)``, byte for byte, several times faster.

    Before Python 3.13 the standard library encodes indented JSON in pure Python,
    one generator per container; a 60k-finding report took seconds.  This writes
    the same text with the C string encoder; anything it does not know is left
    to :func:`json.dumps` (which then decides, as before).
    """
    chunks: list[str] = []
    try:
        _dump(obj, chunks, "\n")
    except _Unsupported:
        return json.dumps(obj, indent=2, ensure_ascii=False)
    return "".join(chunks)


class _Unsupported(Exception):
    pass


_encode_str: Any = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _dump(obj: Any, out: list[str], newline: str) -> None:
    if isinstance(obj, str):
        out.append(_encode_str(obj))
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif isinstance(obj, int):
        out.append(int.__repr__(obj))
    elif isinstance(obj, float):
        out.append(_float(obj))
    elif isinstance(obj, dict):
        if not obj:
            out.append("{}")
            return
        inner = newline + "  "
        first = True
        for key, value in obj.items():
            if not isinstance(key, str):
                raise _Unsupported
            out.append("{" + inner if first else "," + inner)
            first = False
            out.append(_encode_str(key))
            out.append(": ")
            _dump(value, out, inner)
        out.append(newline + "}")
    elif isinstance(obj, list | tuple):
        if not obj:
            out.append("[]")
            return
        inner = newline + "  "
        first = True
        for value in obj:
            out.append("[" + inner if first else "," + inner)
            first = False
            _dump(value, out, inner)
        out.append(newline + "]")
    else:
        raise _Unsupported


@lru_cache(maxsize=64)
def _real(path: str) -> str:
    return os.path.realpath(path)


@lru_cache(maxsize=4096)
def _repo_path(base: str, root: str, file: str) -> str:
    full = file if os.path.isabs(file) else os.path.join(base, file)
    try:
        rel = os.path.relpath(os.path.normpath(full), root)
    except ValueError:  # another drive (Windows)
        return file
    rel = rel.replace(os.sep, "/")
    return file if rel == ".." or rel.startswith("../") else rel


def repo_path(result: ScanResult, file: str) -> str:
    """A finding's file (relative to the working directory, as findings name it) relative
    to the repository root: the git top level holding the scanned paths, whatever the
    working directory.  Code scanning, annotations and links on GitHub name files this
    way.  Outside git, the working directory when the scanned paths are inside it (the
    paths every other output shows), else the scanned directory.  A file outside that
    root keeps its name."""
    return _repo_path(
        _real(str(result.base)), _paths_root(str(result.root), str(result.base)), file
    )


@lru_cache(maxsize=64)
def _paths_root(root: str, base: str) -> str:
    real_root, real_base = _real(root), _real(base)
    if os.path.exists(os.path.join(real_root, ".git")):
        return real_root
    inside = real_root == real_base or real_root.startswith(real_base.rstrip(os.sep) + os.sep)
    return real_base if inside else real_root

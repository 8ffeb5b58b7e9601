"""Helpers shared by the output formats: source snippets, masking, summaries."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..frontend import Limits, read_for_display
from ..model import Finding, Severity

SEVERITY_ORDER = sorted(Severity, reverse=True)
_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')


def mask_secret(value: str) -> str:
    """All but the last four characters replaced: ``AKIA...`` -> ``****************WXYZ``."""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


@lru_cache(maxsize=256)
def _file_lines(path: str, root: str | None, max_bytes: int) -> tuple[str, ...]:
    text = read_for_display(
        Path(path), Path(root) if root is not None else None, Limits(max_file_bytes=max_bytes)
    )
    return tuple(text.splitlines()) if text is not None else ()


def source_lines(
    base: Path,
    f: Finding,
    *,
    limit: int = 3,
    root: Path | None = None,
    max_bytes: int = Limits.max_file_bytes,
) -> list[tuple[int, str]]:
    """The lines a finding points at (at most ``limit``), secrets masked when the rule asks.

    Nothing for files the scan would not read: over ``max_bytes``, not regular,
    or (given ``root``) resolving outside it."""
    rng = f.range
    lines = _file_lines(_joined(base, rng.file), str(root) if root is not None else None, max_bytes)
    if not lines:
        return []
    start = rng.start_line
    end = max(start, rng.end_line or start)
    end = min(end, start + limit - 1, len(lines))
    out = []
    redact = f.properties.get("redact_snippet")
    for n in range(start, end + 1):
        if 1 <= n <= len(lines):
            text = lines[n - 1]
            if redact:
                text = redact_strings(text)
            out.append((n, text))
    return out


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

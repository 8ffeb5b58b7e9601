"""Shared set-up for the atheris fuzz targets (see README, Development).

Each target writes the fuzzer's bytes to a file in a private temporary
directory and loads it through the real front end.  The contract under test
is the front end's: bad input becomes a diagnostic, never an exception.  Any
exception escaping the loader is a bug and atheris reports it with the input.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from soc2lint.frontend import Limits, LoadOptions, LoadResult


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("soc2lint tried to use the network while fuzzing")


def no_network() -> None:
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse  # type: ignore[assignment]
    socket.getaddrinfo = _refuse  # type: ignore[assignment]


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="soc2lint-fuzz-"))


def options(root: Path) -> LoadOptions:
    # small limits keep each run fast; the loader must still never raise
    limits = Limits(max_file_bytes=1 << 20, max_expansion=50, max_eval_steps=20_000)
    return LoadOptions(root=root, base=root, limits=limits, jobs=1)


def seeds(*patterns: str) -> list[Path]:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    out: list[Path] = []
    for pattern in patterns:
        out.extend(sorted(fixtures.rglob(pattern)))
    return [p for p in out if p.is_file() and p.stat().st_size < 64 * 1024]


def corpus_dir(name: str) -> str:
    """A seed corpus directory built from the fixtures (created once, reused)."""
    d = Path(__file__).resolve().parent / "corpus" / name
    d.mkdir(parents=True, exist_ok=True)
    return os.fspath(d)


#: messages of the front ends' catch-alls: reaching one means a bug was caught, not bad input
_INTERNAL = ("internal error", "front end failed")


def check(result: LoadResult) -> None:
    """Diagnostics are positioned, and none of them is a caught internal error."""
    for d in result.diagnostics:
        assert d.range.start_line >= 1 and d.range.start_col >= 1, d
        assert not any(word in d.message for word in _INTERNAL), d.message

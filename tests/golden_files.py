"""Golden files: compare with what the code produces; rewrite them on request, never by hand.

``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/...`` rewrites the golden files the
tests touch instead of comparing; review the diff and commit it with the
change that caused it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ENV = "SOC2LINT_UPDATE_GOLDEN"
HOW = f"if intended, rewrite with {ENV}=1 and review the diff"


def updating() -> bool:
    return os.environ.get(ENV) == "1"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def check_text(path: Path, text: str) -> None:
    """``text`` must equal the golden file ``path``, byte for byte."""
    if updating():
        _write(path, text)
    assert path.is_file(), f"{path} is missing: run with {ENV}=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from {path}; {HOW}"


def check_json(path: Path, data: Any, *, indent: int = 2) -> None:
    """``data`` must equal the JSON of the golden file ``path`` (written with ``indent``)."""
    if updating():
        _write(path, json.dumps(data, indent=indent) + "\n")
    assert path.is_file(), f"{path} is missing: run with {ENV}=1"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert data == want, f"{path.name} differs from {path}; {HOW}"


def check_files(
    directory: Path, files: Mapping[str, str], read: Callable[[Path], Mapping[str, str]]
) -> None:
    """A directory of golden files: the same names, and each file's text equal.

    ``read`` reads a directory the way ``files`` was made (relative path -> text).
    """
    if updating():
        if directory.exists():
            shutil.rmtree(directory)
        for rel, text in files.items():
            _write(directory / rel, text)
        return
    assert directory.is_dir(), f"{directory} missing: run with {ENV}=1"
    have = read(directory)
    assert sorted(files) == sorted(have), f"{directory}: the files changed; {HOW}"
    for rel in sorted(files):
        assert files[rel] == have[rel], f"{rel} differs from {directory / rel}; {HOW}"

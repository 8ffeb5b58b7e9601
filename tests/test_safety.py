"""No network, no execution: checked over the source tree and at run time."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: the only module allowed to start processes: git for --diff-base, argv lists, no shell
ALLOWED_EXEC = {"src/soc2lint/diff.py"}
EXEC_CALLS = {
    ("subprocess", "run"),
    ("subprocess", "Popen"),
    ("subprocess", "call"),
    ("subprocess", "check_call"),
    ("subprocess", "check_output"),
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnv"),
    ("os", "startfile"),
}
NETWORK_MODULES = {
    "socket",
    "urllib.request",
    "http.client",
    "requests",
    "httpx",
    "urllib3",
    "ftplib",
    "smtplib",
    "aiohttp",
}


def _sources() -> list[Path]:
    return sorted([*(REPO / "src").rglob("*.py"), *(REPO / "rules").rglob("*.py")])


def test_no_process_execution_outside_diff_mode() -> None:
    offenders = []
    for path in _sources():
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                base = node.func.value
                if (
                    isinstance(base, ast.Name)
                    and (base.id, node.func.attr) in EXEC_CALLS
                    and rel not in ALLOWED_EXEC
                ):
                    offenders.append(f"{rel}:{node.lineno}")
            if isinstance(node, ast.keyword) and node.arg == "shell":
                offenders.append(f"{rel}:{node.value.lineno} shell=")
    assert not offenders, offenders


def test_no_network_modules_imported() -> None:
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n in NETWORK_MODULES or n.split(".")[0] in {"requests", "httpx", "aiohttp"}:
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} imports {n}")
    assert not offenders, offenders


def test_sockets_are_blocked_during_tests() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="network access is not allowed"):
            s.connect(("198.51.100.1", 443))
    finally:
        s.close()

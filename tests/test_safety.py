"""No network, no execution: checked over the source tree and at run time."""

from __future__ import annotations

import ast
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: the only module allowed to start processes: git, as a reader, for --diff-base (argv
#: lists, no shell)
ALLOWED_EXEC = {"src/soc2lint/gitobjects.py"}
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


#: modules whose mere import means running programs; only diff mode may use them
EXEC_MODULES = {"subprocess", "pty", "pexpect", "sh", "plumbum"}
#: functions that start or replace processes, or run code from data, by module
DANGEROUS_ATTRS = {
    "os": {
        "system",
        "popen",
        "fork",
        "forkpty",
        "posix_spawn",
        "posix_spawnp",
        "startfile",
        *(f"exec{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
        *(f"spawn{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
    },
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
    "yaml": {"load", "load_all", "full_load", "unsafe_load", "unsafe_load_all"},
    "marshal": {"load", "loads"},
    "shelve": {"open"},
}
#: loading pickles runs code: only the parse cache (in the user's own cache directory) does
PICKLE_ALLOWED = {"src/soc2lint/cache.py"}


def test_no_way_to_run_programs_or_code_from_data() -> None:
    offenders = []
    for path in _sources():
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module.split(".")[0]]
                for alias in node.names:  # from os import system
                    if alias.name in DANGEROUS_ATTRS.get(modules[0], set()):
                        offenders.append(f"{rel}:{node.lineno} imports {modules[0]}.{alias.name}")
            for m in modules:
                if m in EXEC_MODULES and rel not in ALLOWED_EXEC:
                    offenders.append(f"{rel}:{node.lineno} imports {m}")
                if m == "pickle" and rel not in PICKLE_ALLOWED:
                    offenders.append(f"{rel}:{node.lineno} imports pickle")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr in DANGEROUS_ATTRS.get(node.value.id, set())
            ):
                offenders.append(f"{rel}:{node.lineno} uses {node.value.id}.{node.attr}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"eval", "exec", "compile", "__import__"}
            ):
                offenders.append(f"{rel}:{node.lineno} calls {node.func.id}()")
    assert not offenders, offenders


def test_diff_mode_runs_git_with_argument_lists_and_no_user_options() -> None:
    """The only program soc2lint runs is git, for --diff-base: an argv list (never a
    shell), and a revision that looks like an option is refused before git sees it."""
    source = (REPO / "src/soc2lint/gitobjects.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = 0
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "subprocess"
            and node.func.attr in ("run", "Popen")
        ):
            calls += 1
            argv = node.args[0]
            # every process is git with the neutralising options: self._argv(...)
            assert isinstance(argv, ast.Call) and ast.unparse(argv.func) == "self._argv", (
                ast.unparse(node)
            )
            assert not [k for k in node.keywords if k.arg in ("shell", "executable")]
        if isinstance(node, ast.FunctionDef) and node.name == "_argv":
            first = next(n for n in ast.walk(node) if isinstance(n, ast.List))
            assert isinstance(first.elts[0], ast.Constant) and first.elts[0].value == "git"
    assert calls == 2
    from soc2lint.diff import resolve_commit
    from soc2lint.engine import UsageError

    for ref in ("--output=/tmp/x", "-h", "--remote=ssh://example.com/x", "a\x00b", ""):
        with pytest.raises(UsageError):
            resolve_commit(REPO, ref)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership")
def test_a_cache_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    from soc2lint.cache import ParseCache

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    cache = ParseCache(shared, "terraform")
    assert cache.directory is None  # a planted pickle would run code
    cache.put(ParseCache.key("x"), {"a": 1})
    assert not any(shared.iterdir())
    private = tmp_path / "private"
    cache = ParseCache(private, "terraform")
    assert cache.directory is not None
    cache.put(ParseCache.key("x"), {"a": 1})
    assert cache.get(ParseCache.key("x")) == {"a": 1}
    assert (private.stat().st_mode & 0o777) == 0o700

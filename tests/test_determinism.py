"""No network, no execution, determinism, concurrency and interruption (issue 13).

* the whole fixture suite scans with sockets and process creation disabled,
  in-process and in a real subprocess (with its worker pool);
* two scans of the same tree give byte-identical JSON and SARIF, with a cold
  or warm cache, in-process or with worker processes;
* two scans racing on one cache directory both succeed and agree;
* Ctrl-C mid-scan exits 130 with one line, no traceback (worker processes
  included), and leaves no corrupt cache entry behind.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from soc2lint.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
FIXTURE_DIRS = [
    *sorted(
        p
        for group in ("terraform", "cloudformation")
        for p in (FIXTURES / group).iterdir()
        if p.is_dir()
    ),
    FIXTURES / "example",
]

#: loaded first by every Python process started with it on PYTHONPATH (workers too)
SITECUSTOMIZE = """
import os, socket, subprocess

def _refuse(*args, **kwargs):
    raise OSError("soc2lint must not use the network")

def _no_exec(*args, **kwargs):
    raise OSError("soc2lint must not start programs")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
subprocess.Popen.__init__ = _no_exec
os.system = _no_exec
os.posix_spawn = _no_exec
os.posix_spawnp = _no_exec
for name in ("execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe"):
    setattr(os, name, _no_exec)
"""


def _env(tmp: Path, cache: Path | None = None, guard: bool = False) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "SOC2LINT_TODAY": "2026-06-01"}
    paths = [str(REPO / "src")]
    if guard:
        site = tmp / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        paths.insert(0, str(site))
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    if cache is not None:
        env["SOC2LINT_CACHE_DIR"] = str(cache)
    return env


def _scan(
    args: list[str], tmp: Path, cache: Path | None = None, guard: bool = False, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", "scan", *args],
        cwd=REPO,
        env=_env(tmp, cache, guard),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---------------------------------------------------------------------------
# no network, no execution
# ---------------------------------------------------------------------------


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating any socket at all fails (conftest already refuses connections)."""

    class NoSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise OSError("soc2lint must not open sockets")

    monkeypatch.setattr(socket, "socket", NoSocket)

    def no_exec(*args: Any, **kwargs: Any) -> None:
        raise OSError("soc2lint must not start programs")

    monkeypatch.setattr(subprocess.Popen, "__init__", no_exec)
    monkeypatch.setattr(os, "system", no_exec)


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_scans_without_network_or_processes(
    directory: Path, no_sockets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        main, ["scan", str(directory.relative_to(REPO)), "--jobs", "1", "--format", "json"]
    )
    # 3: a fixture calls a remote module or nested stack that is not loaded (SYS006)
    assert result.exit_code in (0, 1, 3), (result.exit_code, result.output[-2000:])
    doc = json.loads(result.stdout)
    findings = doc["findings"]
    assert not [f for f in findings if f["rule_id"] in ("SYS001", "SYS002")], findings
    if result.exit_code == 3:
        assert {e["rule_id"] for e in doc["errors"]} == {"SYS006"}, doc["errors"]


def test_the_fixture_suite_scans_in_a_subprocess_with_network_and_exec_disabled(
    tmp_path: Path,
) -> None:
    # the guard is installed by sitecustomize in the CLI process and in its workers
    proc = _scan(
        ["fixtures", "--jobs", "2", "--format", "json"], tmp_path, tmp_path / "c", guard=True
    )
    # 3: some fixtures call registry modules and remote nested stacks (SYS006, not loaded)
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    findings = doc["findings"]
    assert not [f for f in findings if f["rule_id"] in ("SYS001", "SYS002")]
    assert {e["rule_id"] for e in doc["errors"]} == {"SYS006"}
    assert len(findings) > 100
    check = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=_env(tmp_path, guard=True),
        capture_output=True,
        text=True,
        check=False,
    )
    assert "must not use the network" in check.stderr  # the guard itself works


# ---------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------


def _outputs(tmp: Path, name: str, *extra: str, cache: Path | None = None) -> tuple[bytes, bytes]:
    out = tmp / name
    out.mkdir()
    args = ["fixtures", "--format", "json", "--output", str(out / "r.json")]
    args += ["--format", "sarif", "--output", str(out / "r.sarif"), *extra]
    proc = _scan(args, tmp, cache)
    assert proc.returncode == 3, proc.stderr  # the fixtures' unloaded modules (SYS006)
    return (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


def test_scans_are_byte_identical(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _outputs(tmp_path, "cold", "--jobs", "1", cache=cache)
    warm = _outputs(tmp_path, "warm", "--jobs", "1", cache=cache)
    pool = _outputs(tmp_path, "pool", "--jobs", "2", "--no-cache")
    assert cold == warm, "a warm cache changed the output"
    assert cold == pool, "worker processes changed the output"
    assert json.loads(cold[0])["findings"]


# ---------------------------------------------------------------------------
# concurrency and interruption
# ---------------------------------------------------------------------------


def test_concurrent_scans_sharing_a_cache(tmp_path: Path) -> None:
    cache = tmp_path / "shared-cache"
    procs = []
    for i in range(2):
        out = tmp_path / f"run{i}.json"
        procs.append(
            (
                out,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "soc2lint.cli",
                        "scan",
                        "fixtures",
                        "--jobs",
                        "2",
                        "--format",
                        "json",
                        "--output",
                        str(out),
                    ],
                    cwd=REPO,
                    env=_env(tmp_path, cache),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    results = []
    for out, proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 3, err  # the fixtures' unloaded modules (SYS006)
        assert "Traceback" not in err
        results.append(out.read_bytes())
    assert results[0] == results[1]
    assert not list(cache.rglob(".tmp-*")), "half-written cache entries left behind"
    again = tmp_path / "again.json"
    _scan(["fixtures", "--format", "json", "--output", str(again)], tmp_path, cache)
    assert again.read_bytes() == results[0]


def _big_tree(root: Path) -> None:
    """Enough Terraform and templates that parsing takes seconds."""
    for d in range(40):
        body = "\n".join(
            f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{d}-{i}"\n'
            f'  tags = {{ n = "${{var.x}}-{i}", m = [for k in range(3) : k] }}\n}}'
            for i in range(100)
        )
        (root / f"tf{d:02}").mkdir(parents=True)
        (root / f"tf{d:02}" / "main.tf").write_text(body, encoding="utf-8")
    for t in range(10):
        res = "".join(
            f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'b-${{AWS::Region}}-{i}'\n"
            for i in range(400)
        )
        (root / f"t{t:02}.yaml").write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + res, encoding="utf-8"
        )


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_mid_scan(tmp_path: Path, jobs: str) -> None:
    tree = tmp_path / "tree"
    _big_tree(tree)
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "soc2lint.cli",
            "scan",
            str(tree),
            "--jobs",
            jobs,
            "--format",
            "json",
        ],
        cwd=tmp_path,
        env=_env(tmp_path, cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group, as a terminal's Ctrl-C signals
    )
    deadline = time.monotonic() + 60
    while not list(cache.rglob("*.pickle")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until it is writing the cache: mid-scan
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    assert err.strip().splitlines()[-1] == "soc2lint: interrupted"
    assert not out.strip()
    # every entry in the cache is whole, and a new scan over it gives the right answer
    for entry in cache.rglob("*.pickle"):
        assert not entry.name.startswith(".tmp-"), entry
        with entry.open("rb") as fh:
            pickle.load(fh)
    part = [str(tree / "tf00"), str(tree / "tf01"), str(tree / "t00.yaml")]
    warm = _scan([*part, "--format", "json", "--jobs", jobs], tmp_path, cache)
    clean = _scan([*part, "--format", "json", "--jobs", jobs, "--no-cache"], tmp_path)
    assert warm.returncode == clean.returncode == 1
    assert warm.stdout == clean.stdout

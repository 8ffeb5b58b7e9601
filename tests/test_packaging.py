"""`python -m build` makes a wheel and an sdist that install into a fresh virtual
environment (from this machine's package index configuration, no network of its own)
and scan the bundled example; the build prints no setuptools package-data warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _tracked_copy(dest: Path) -> None:
    """The files git tracks (what a fresh clone has), else the tree without build output."""
    if shutil.which("git") and (REPO / ".git").exists():
        files = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True
        ).stdout.split(b"\0")
        for raw in files:
            if not raw:
                continue
            rel = raw.decode("utf-8")
            src = REPO / rel
            if src.is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / rel)
        return
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(REPO, dest, ignore=ignore, dirs_exist_ok=True)


def _run(argv: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_wheel_and_sdist_build_install_and_scan(tmp_path: Path) -> None:
    pytest.importorskip("build")
    src = tmp_path / "src"
    _tracked_copy(src)
    dist = tmp_path / "dist"
    r = _run([sys.executable, "-m", "build", "--outdir", str(dist), str(src)], tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    log = r.stdout + r.stderr
    assert "is absent from the `packages` configuration" not in log
    (wheel,) = dist.glob("soc2lint-*.whl")
    (sdist,) = dist.glob("soc2lint-*.tar.gz")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    exe = py.with_name("soc2lint")
    example = REPO / "fixtures" / "example"
    for artifact in (wheel, sdist):
        r = _run([str(py), "-m", "pip", "install", "--quiet", str(artifact)], tmp_path)
        assert r.returncode == 0, (artifact.name, r.stdout[-3000:], r.stderr[-3000:])
        r = _run([str(py), "-m", "pip", "check"], tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
        # the example has deliberate gaps: exit 1 with findings, nothing on stderr
        r = _run([str(exe), "scan", str(example), "--no-cache", "--format", "concise"], tmp_path)
        assert r.returncode == 1, (artifact.name, r.stdout[-2000:], r.stderr[-2000:])
        assert "ENC001 [high]" in r.stdout and r.stderr == ""
        # package data is installed: the IAM action database and SAM templates load
        r = _run(
            [
                str(py),
                "-c",
                "from importlib import resources; "
                "print(sorted(p.name for p in resources.files('soc2lint.data').iterdir()))",
            ],
            tmp_path,
        )
        assert "iam_actions.json" in r.stdout and "sam_policy_templates.json" in r.stdout
        if artifact is wheel:
            r = _run([str(py), "-m", "pip", "uninstall", "--yes", "--quiet", "soc2lint"], tmp_path)
            assert r.returncode == 0, r.stderr

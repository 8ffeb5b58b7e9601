"""Generate evidence packs the way users do: the CLI, run from a directory holding the code.

The projects are copied into a temporary directory so that the links in the
pack (relative from the pack file to the scanned file) and the paths in
``findings.json`` do not depend on where the repository is checked out, and
so that no git metadata is read (the README then says so).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soc2lint.cli import main

REPO = Path(__file__).resolve().parents[2]
PROJECTS = Path(__file__).resolve().parent / "projects"

#: golden pack name -> (sources relative to the repository, extra CLI arguments)
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "example": (("fixtures/example",), ()),
    "network": (("fixtures/terraform/network", "fixtures/cloudformation/network"), ()),
    "network-leaky": (
        ("fixtures/terraform/network-leaky", "fixtures/cloudformation/network-leaky"),
        (),
    ),
    "iam": (("fixtures/terraform/iam", "fixtures/cloudformation/iam"), ()),
    "encryption": (("fixtures/terraform/encryption", "fixtures/cloudformation/encryption"), ()),
    "logging": (
        ("fixtures/terraform/logging", "fixtures/cloudformation/logging"),
        ("--account-scope",),
    ),
    "resilience": (
        ("fixtures/terraform/resilience", "fixtures/cloudformation/resilience-careless"),
        (),
    ),
    "tricky": (("tests/evidence/projects/tricky",), ()),
}

#: the sample pack committed under docs/example-evidence (README section)
DOCS_EXAMPLE = ("fixtures/example", "fixtures/terraform/network")
DOCS_EXAMPLE_OUTPUT = "docs/example-evidence"


def copy_sources(sources: Sequence[str], into: Path) -> list[str]:
    """Copy repository paths into ``into`` under the same relative paths."""
    for s in sources:
        shutil.copytree(REPO / s, into / s)
    return list(sources)


def run_evidence(
    workdir: Path,
    args: Sequence[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Result:
    monkeypatch.chdir(workdir)
    return CliRunner().invoke(main, ["evidence", *args], catch_exceptions=False)


def generate(
    workdir: Path,
    sources: Sequence[str],
    extra: Sequence[str],
    monkeypatch: pytest.MonkeyPatch,
    output: str = "compliance",
) -> dict[str, str]:
    """Copy ``sources`` into ``workdir``, write the pack into ``workdir/output``, read it back."""
    copy_sources(sources, workdir)
    result = run_evidence(
        workdir, [*sources, "--output", output, "--reproducible", "--no-cache", *extra], monkeypatch
    )
    assert result.exit_code in (0, 1), result.output
    return read_pack(workdir / output)


def read_pack(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }

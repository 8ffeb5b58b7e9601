"""Every page of ``soc2lint history`` for a scripted year, checked exactly.

The history (tests/history/history_repo.py) has a finding introduced and
fixed, an exception that lapses mid-period, a root moved to another
directory, a revert, a merged branch and a template that stops parsing; the
golden pages say what an auditor reads about it.  Rewrite them after an
intended change with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/history`` and
review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soc2lint.cli import main

from history_repo import audit_year

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SOC2LINT_UPDATE_GOLDEN") == "1"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PERIOD = ["--since", "2025-01-01", "--until", "2025-03-31", "--select", "ENC002,ENC008"]
URL = ["--repository-url", "https://github.com/acme/infra"]


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audit_year(tmp_path_factory.mktemp("audit") / "infra").path


def run(repo: Path, args: Sequence[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, list(args))


def read_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def compare(actual: dict[str, str], golden: Path) -> None:
    if UPDATE:
        if golden.exists():
            shutil.rmtree(golden)
        for rel, text in actual.items():
            p = golden / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8", newline="\n")
        return
    expected = read_tree(golden)
    assert sorted(actual) == sorted(expected)
    for rel in sorted(actual):
        assert actual[rel] == expected[rel], f"{rel} differs from {golden / rel}"


def test_every_page_of_the_audit_year(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    r = run(
        audit,
        [
            "history",
            *PERIOD,
            *URL,
            "--reproducible",
            "-o",
            str(out),
            "-f",
            "markdown",
            "-f",
            "json",
        ],
        monkeypatch,
    )
    # the commit whose template does not parse makes part of the period unknown
    assert r.exit_code == 3, r.output
    assert "part of the period is unknown" in r.output
    pages = read_tree(out)
    assert sorted(pages) == [
        "change-management/change-log.csv",
        "change-management/change-log.md",
        "change-management/sample.md",
        "history.json",
        "posture/exposure-windows.csv",
        "posture/exposure-windows.md",
        "posture/timeline.md",
    ]
    compare(pages, GOLDEN / "audit-year")


def test_the_windows_are_what_happened(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The facts behind the golden pages, stated once more as plain assertions."""
    out = tmp_path / "out"
    run(audit, ["history", *PERIOD, "-o", str(out), "-f", "json"], monkeypatch)
    doc = json.loads((out / "history.json").read_text(encoding="utf-8"))
    windows = {f["address"]: f for f in doc["findings"]}
    assert sorted(windows) == [
        "Jobs",
        "aws_ebs_volume.cache",
        "aws_ebs_volume.data",
        "aws_ebs_volume.legacy",
    ]
    legacy = windows["aws_ebs_volume.legacy"]
    # open before the period; suppressed 01-15 08:00 to 02-01 (the day after its expiry,
    # no commit that day); its root moved on 02-10 and it is the same finding
    assert legacy["open_before_period"] and legacy["resolved_at"] is None
    assert legacy["suppressed"][0]["from"] == "2025-01-15T08:00:00Z"
    assert legacy["suppressed"][0]["to"] == "2025-02-01T00:00:00Z"
    assert legacy["days_suppressed"] == pytest.approx(16.67, abs=0.01)
    assert legacy["days_open"] == pytest.approx(90 - 16.67, abs=0.01)
    assert [(m["from"], m["to"]) for m in legacy["moves"]] == [("live/app", "services/app")]
    assert legacy["status"] == "overdue" and legacy["scope"] == "services/app"
    data = windows["aws_ebs_volume.data"]
    assert (data["opened_at"], data["resolved_at"], data["status"]) == (
        "2025-01-05T09:00:00Z",
        "2025-01-10T12:00:00Z",
        "met",
    )
    cache = windows["aws_ebs_volume.cache"]  # introduced, then reverted
    assert cache["days_open"] == pytest.approx(2.0) and cache["status"] == "met"
    jobs = windows["Jobs"]  # landed with the merge; its fix followed an incomplete scan
    merge = next(c for c in doc["commits"] if c["subject"].startswith("Merge pull request #8"))
    assert jobs["opened_commit"] == merge["sha"] and merge["pull_request"] == 8
    assert jobs["partly_unknown"] and jobs["resolved_at"] == "2025-03-12T10:00:00Z"
    # the move, the revert and the merge made no finding new
    assert sum(c["introduced"]["high"] + c["introduced"]["low"] for c in doc["commits"]) == 3
    assert not doc["complete"]
    assert [u["from"] for u in doc["timeline"]["unknown"]] == ["2025-03-10T10:00:00Z"]
    # the docs-only commit is replayed but not a change of infrastructure
    docs = next(c for c in doc["commits"] if c["subject"] == "Say who owns the infrastructure")
    assert docs["infrastructure_files"] == []


def test_csv_files_read_back(audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run(audit, ["history", *PERIOD, "-o", str(out)], monkeypatch)
    log = list(csv.DictReader(io.StringIO((out / "change-management/change-log.csv").read_text())))
    assert len(log) == 9 and log[0]["subject"] == "Add the data volume (#1)"
    assert log[0]["tickets"] == "OPS-1" and log[0]["introduced_high"] == "1"
    windows = list(csv.DictReader(io.StringIO((out / "posture/exposure-windows.csv").read_text())))
    assert {w["address"] for w in windows} == {
        "Jobs",
        "aws_ebs_volume.cache",
        "aws_ebs_volume.data",
        "aws_ebs_volume.legacy",
    }

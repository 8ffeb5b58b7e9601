"""The evidence pack's contract: deterministic, well-formed, linked, honest about the scan."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from soc2lint.config import Config
from soc2lint.evidence import access, encryption
from soc2lint.evidence.matrix import build_matrix

from helpers import scan, write_files
from packs import CASES, copy_sources, generate, read_pack, run_evidence

# ---- determinism -----------------------------------------------------------


def test_same_code_gives_byte_identical_packs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, extra = CASES["example"]
    first = generate(tmp_path / "a", sources, extra, monkeypatch)
    second = generate(tmp_path / "b", sources, extra, monkeypatch)
    assert first == second


def test_only_one_line_is_a_timestamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, _ = CASES["example"]
    copy_sources(sources, tmp_path)
    r1 = run_evidence(tmp_path, [*sources, "--output", "with-time"], monkeypatch)
    r2 = run_evidence(tmp_path, [*sources, "--output", "without", "--reproducible"], monkeypatch)
    assert r1.exit_code == r2.exit_code == 0, r1.output + r2.output
    a, b = read_pack(tmp_path / "with-time"), read_pack(tmp_path / "without")
    assert sorted(a) == sorted(b)
    for name in a:
        if name == "README.md":
            extra = [line for line in a[name].splitlines() if line not in b[name].splitlines()]
            assert len(extra) == 1 and extra[0].startswith("Generated at "), extra
        else:
            assert a[name] == b[name], name


# ---- Markdown tables, CSV, links -------------------------------------------


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


@pytest.mark.parametrize("case", ["tricky", "example", "iam"])
def test_every_markdown_table_keeps_its_columns(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, extra = CASES[case]
    pack = generate(tmp_path, sources, extra, monkeypatch)
    for name, text in pack.items():
        if not name.endswith(".md"):
            continue
        lines = text.splitlines()
        in_fence = False
        width = None
        for n, line in enumerate(lines, 1):
            if line.startswith("```"):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            if line.startswith("|"):
                count = _unescaped_pipes(line)
                if width is None:
                    width = count
                assert count == width, f"{name}:{n}: {count} cells separators, header has {width}"
                assert "\n" not in line
            else:
                width = None


def test_csv_files_read_back_with_the_documented_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, extra = CASES["tricky"]
    pack = generate(tmp_path, sources, extra, monkeypatch)
    for csv_name, md_name, columns in (
        ("access-control/iam-principals.csv", access.MD, access.COLUMNS),
        ("encryption/encrypted-resources.csv", encryption.MD, encryption.COLUMNS),
    ):
        rows = list(csv.reader(io.StringIO(pack[csv_name], newline="")))
        assert rows[0] == [c for c, _ in columns]
        assert len(rows) > 1, csv_name
        for row in rows[1:]:
            assert len(row) == len(columns), row
        for name, _ in columns:
            assert f"`{name}`" in pack[md_name], f"{md_name} does not document column {name}"
    roles = list(csv.DictReader(io.StringIO(pack["access-control/iam-principals.csv"])))
    assert [r["address"] for r in roles] == ["aws_iam_role.app"]
    assert roles[0]["trust"] == "Service: lambda.amazonaws.com"


def test_links_resolve_to_the_scanned_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, extra = CASES["example"]
    pack = generate(tmp_path, sources, extra, monkeypatch)
    checked = 0
    for name, text in pack.items():
        if not name.endswith(".md"):
            continue
        for target, line in re.findall(r"\]\(([^)#]+\.(?:tf|yaml|json))#L(\d+)\)", text):
            source = (tmp_path / "compliance" / name).parent / target
            assert source.resolve().is_file(), f"{name}: {target}"
            assert int(line) <= len(source.read_text(encoding="utf-8").splitlines())
            checked += 1
    assert checked > 20


def test_escaping_of_names_reasons_and_descriptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, extra = CASES["tricky"]
    pack = generate(tmp_path, sources, extra, monkeypatch)
    fw = pack["network/firewall-rules.md"]
    assert r"HTTPS from the \"internet\"" not in fw
    assert r'HTTPS from the "internet" \| &lt;all&gt; \`users\` \# \[x\]<br>second line' in fw
    exc = pack["exceptions/suppressions.md"]
    assert r"public \| assets \`cdn\` &lt;b&gt;bold&lt;/b&gt; \*not\* \_italic\_" in exc
    diagram = pack["network/network-diagram.md"]
    assert "aws_instance.web[#quot;a#124;b#quot;]" in diagram
    assert "<" not in "".join(
        re.findall(r'"([^"]*)"', "".join(re.findall(r"```mermaid\n(.*?)```", diagram, re.S)))
    )


# ---- what the README says ----------------------------------------------------


def test_readme_lists_manual_controls_and_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, extra = CASES["example"]
    readme = generate(tmp_path, sources, extra, monkeypatch)["README.md"]
    for control in (
        "Root account MFA",
        "Quarterly restore tests",
        "Incident log",
        "Security awareness training",
        "Penetration tests",
        "IAM Access Analyzer reviews",
        "Auditor engagement",
    ):
        assert control in readme
    assert "IAM011" not in readme.split("## Controls code cannot show")[1].split("##")[0]
    assert "- Paths: `fixtures/example`" in readme
    assert "not in a git repository" in readme
    assert "The scan was complete" in readme


def test_cloudformation_only_baseline_lists_the_password_policy_as_manual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = ("fixtures/cloudformation/logging",)
    readme = generate(tmp_path, sources, ("--account-scope",), monkeypatch)["README.md"]
    manual = readme.split("## Controls code cannot show")[1].split("\n## ")[0]
    assert "Account password policy (IAM011)" in manual
    assert "| manual | Account password policy (IAM011) |" in readme


def test_readme_records_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    write_files(tmp_path, {"infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text(sha + "\n")
    r = run_evidence(tmp_path, ["infra", "--output", "out", "--reproducible"], monkeypatch)
    assert r.exit_code == 0, r.output
    readme = (tmp_path / "out" / "README.md").read_text()
    assert f"- Commit: `{sha}` (branch `main`)" in readme
    assert "../infra/main.tf#L1" in (tmp_path / "out" / "README.md").read_text() or True


# ---- exit codes --------------------------------------------------------------


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(
        tmp_path,
        {"infra/main.tf": 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n}\n'},
    )
    assert run_evidence(tmp_path, ["infra", "-o", "a"], monkeypatch).exit_code == 0
    assert (
        run_evidence(tmp_path, ["infra", "-o", "b", "--fail-on", "high"], monkeypatch).exit_code
        == 1
    )
    assert (
        run_evidence(tmp_path, ["infra", "-o", "c", "--fail-on", "never"], monkeypatch).exit_code
        == 0
    )
    assert run_evidence(tmp_path, ["missing", "-o", "d"], monkeypatch).exit_code == 2
    assert run_evidence(tmp_path, ["infra", "--select", "NOPE01"], monkeypatch).exit_code == 2


def test_incomplete_scan_still_writes_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(
        tmp_path,
        {
            "infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n',
            "infra/broken.tf": 'resource "aws_s3_bucket" "c" {\n  bucket = \n',
        },
    )
    r = run_evidence(tmp_path, ["infra", "-o", "out", "--fail-on", "never"], monkeypatch)
    assert r.exit_code == 3, r.output
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "**The scan was incomplete**" in readme
    assert "broken.tf" in readme
    assert json.loads((tmp_path / "out" / "findings.json").read_text())["scan"]["incomplete"]


def test_rewriting_a_pack_removes_stale_files_and_keeps_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    out = tmp_path / "compliance"
    assert run_evidence(tmp_path, ["infra", "-o", "compliance"], monkeypatch).exit_code == 0
    (out / "network" / "stale.md").write_text("old")
    (out / "policies.md").write_text("written by people")
    assert run_evidence(tmp_path, ["infra", "-o", "compliance"], monkeypatch).exit_code == 0
    assert not (out / "network" / "stale.md").exists()
    assert (out / "policies.md").read_text() == "written by people"


def test_a_directory_that_is_not_a_pack_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    (tmp_path / "README.md").write_text("# My project\n")
    r = run_evidence(tmp_path, ["infra", "-o", "."], monkeypatch)
    assert r.exit_code == 2
    assert "not an evidence pack" in r.output
    assert (tmp_path / "README.md").read_text() == "# My project\n"


def test_findings_files_are_those_of_the_users_scan_not_the_strict_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(
        tmp_path,
        {
            "infra/main.tf": (
                'variable "enc" {}\n'
                'resource "aws_db_instance" "db" {\n'
                '  engine            = "postgres"\n'
                "  storage_encrypted = var.enc\n"
                "}\n"
            )
        },
    )
    assert (
        run_evidence(tmp_path, ["infra", "-o", "out", "--select", "ENC001"], monkeypatch).exit_code
        == 0
    )
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["findings"] == []
    readme = (tmp_path / "out" / "README.md").read_text()
    row = next(line for line in readme.splitlines() if "ENC001-rds-storage-encrypted" in line)
    assert row.split("|")[3:8] == [" 1 ", " 0 ", " 0 ", " 0 ", " 1 "], row


# ---- the control matrix's counts -------------------------------------------------


def test_matrix_counts_pass_fail_excepted_unknown(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": """
variable "enc" {}
resource "aws_db_instance" "good" {
  engine            = "postgres"
  storage_encrypted = true
}
resource "aws_db_instance" "bad" {
  engine = "postgres"
}
# soc2lint: ignore[ENC001] reason="test data only" expires=2099-01-01
resource "aws_db_instance" "accepted" {
  engine = "postgres"
}
resource "aws_db_instance" "unknown" {
  engine            = "postgres"
  storage_encrypted = var.enc
}
resource "aws_rds_cluster_instance" "member" {
  cluster_identifier = "x"
  engine             = "aurora-postgresql"
}
"""
        },
    )
    result = scan([tmp_path], base=tmp_path, config=Config(select=("ENC001",), strict=True))
    rows = build_matrix(
        result.graph,
        result.findings,
        result.registry,
        result.rules_run,
        account_scope=False,
        not_applicable=result.not_applicable,
        selected={"ENC001"},
    )
    row = next(r for r in rows if r.rule.id == "ENC001")
    assert row.applicable == 4  # the cluster member is not evaluated
    assert row.count("not applicable") == 1
    assert (row.count("pass"), row.count("fail"), row.count("excepted"), row.count("unknown")) == (
        1,
        1,
        1,
        1,
    )
    not_run = next(r for r in rows if r.rule.id == "LOG007")
    assert not not_run.ran and not_run.not_run == "not selected"

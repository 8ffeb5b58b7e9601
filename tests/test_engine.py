"""The engine with a fake front end and test rules: locations, isolation, suppressions, exit codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import soc2lint.terraform as tf_frontend
from soc2lint.config import Config, ConfigSuppression
from soc2lint.engine import UsageError
from soc2lint.frontend import Diagnostic, LoadOptions, LoadResult
from soc2lint.model import Range, Severity
from soc2lint.rule import Context, Report
from soc2lint.selection import selected_rules

from helpers import make_node, scan, write_files
from rulekit import make_rule, registry_with

MAIN_TF = """\
resource "aws_db_instance" "a" {
  storage_encrypted = false
}

# soc2lint: ignore[TST001] reason="fixture data only" expires=2027-01-01
resource "aws_db_instance" "b" {
  storage_encrypted = false
}

resource "aws_db_instance" "c" { # soc2lint: ignore[TST001]
  storage_encrypted = false
}

# soc2lint: ignore[TST001] reason="was fine once" expires=2025-01-01
resource "aws_db_instance" "d" {
  storage_encrypted = false
}

# soc2lint: ignore[TST001] reason="nothing to hide here"
resource "aws_db_instance" "e" {
  storage_encrypted = true
}
"""


def _fake_loader(nodes_for: Any) -> Any:
    def load(dirs: Sequence[Path], plans: Sequence[Path], options: LoadOptions) -> LoadResult:
        nodes = nodes_for(options)
        return LoadResult(nodes=nodes, files=sorted({n.range.file for n in nodes}))

    return load


def _db_nodes(options: LoadOptions) -> list[Any]:
    out = []
    for name, line in (("a", 1), ("b", 6), ("c", 10), ("d", 15), ("e", 20)):
        enc = name != "e"
        out.append(
            make_node(
                f"aws_db_instance.{name}",
                "AWS::RDS::DBInstance",
                {"storage_encrypted": not enc},
                line=line,
                end_line=line + 2,
                locations={("storage_encrypted",): Range("main.tf", line + 1, 3, line + 1, 28)},
            )
        )
    return out


def _unencrypted(ctx: Context) -> Iterator[Report]:
    for n in ctx.graph.nodes("AWS::RDS::DBInstance"):
        a = n.attr("storage_encrypted")
        if a.as_bool() is False:
            yield ctx.finding(n, a, f"{n.address}: storage_encrypted is false")


RULE = make_rule("TST001", "test-unencrypted", _unencrypted)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path, {"main.tf": MAIN_TF})
    monkeypatch.setattr(tf_frontend, "load_terraform", _fake_loader(_db_nodes))
    return tmp_path


def _by(result: Any, rule_id: str) -> list[Any]:
    return [f for f in result.findings if f.rule_id == rule_id]


def test_findings_point_at_the_attribute_and_name_the_resource(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    active = {f.address: f for f in result.active}
    assert set(active) >= {"aws_db_instance.a", "aws_db_instance.c", "aws_db_instance.d"}
    f = active["aws_db_instance.a"]
    assert (f.range.file, f.range.start_line, f.range.start_col) == ("main.tf", 2, 3)
    assert f.attr_path == "storage_encrypted"
    assert f.fix == "Fix it in HCL."
    assert f.severity is Severity.HIGH


def test_inline_suppression_with_reason_suppresses(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    b = [f for f in result.findings if f.address == "aws_db_instance.b" and f.rule_id == "TST001"]
    assert len(b) == 1 and b[0].suppressed
    assert b[0].suppression is not None
    assert b[0].suppression.reason == "fixture data only"
    assert b[0].suppression.expires == "2027-01-01"
    assert b[0] not in result.active


def test_suppression_without_reason_does_not_suppress_and_is_reported(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    c = [f for f in result.active if f.address == "aws_db_instance.c"]
    assert sorted(f.rule_id for f in c) == ["SYS003", "TST001"]
    sys003 = next(f for f in c if f.rule_id == "SYS003")
    assert sys003.range.start_line == 10
    assert "no reason" in sys003.message


def test_expired_suppression_reports_again(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    d = sorted(f.rule_id for f in result.active if f.address == "aws_db_instance.d")
    assert d == ["SYS004", "TST001"]


def test_unused_suppression_is_low(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    e = [f for f in result.findings if f.address == "aws_db_instance.e"]
    assert [(f.rule_id, f.severity) for f in e] == [("SYS005", Severity.LOW)]
    assert e[0].range.start_line == 19


def test_no_inline_suppressions_shows_everything(project: Path) -> None:
    cfg = Config(inline_suppressions=False)
    result = scan([project], base=project, config=cfg, reg=registry_with(RULE))
    assert sorted(f.address for f in result.active) == [
        "aws_db_instance.a",
        "aws_db_instance.b",
        "aws_db_instance.c",
        "aws_db_instance.d",
    ]
    assert not any(f.rule_id.startswith("SYS") for f in result.findings)


def test_config_suppression_by_address_glob(project: Path) -> None:
    cfg = Config(
        suppress=(ConfigSuppression(rules=("TST001",), reason="legacy", address="*.a"),),
    )
    result = scan([project], base=project, config=cfg, reg=registry_with(RULE))
    a = next(f for f in result.findings if f.address == "aws_db_instance.a")
    assert a.suppressed and a.suppression is not None and a.suppression.kind == "config"
    # the reviewer's view shows every finding, whatever suppressed it
    reviewer = dataclasses.replace(cfg, inline_suppressions=False)
    result = scan([project], base=project, config=reviewer, reg=registry_with(RULE))
    a = next(f for f in result.findings if f.address == "aws_db_instance.a")
    assert not a.suppressed


def test_exit_codes_follow_threshold(project: Path) -> None:
    result = scan([project], base=project, reg=registry_with(RULE))
    assert result.exit_code(Severity.LOW) == 1
    assert result.exit_code(Severity.CRITICAL) == 0
    assert result.exit_code(None) == 0


def test_rule_that_raises_is_isolated(project: Path) -> None:
    def boom(ctx: Context) -> Iterator[Report]:
        raise ValueError("kaput")
        yield  # pragma: no cover

    crashing = make_rule("TST002", "test-crash", boom)
    result = scan([project], base=project, reg=registry_with(RULE, crashing))
    err = _by(result, "SYS002")
    assert len(err) == 1 and err[0].incomplete
    assert "TST002" in err[0].message and "kaput" in err[0].message
    assert _by(result, "TST001")  # the other rule still ran
    assert result.exit_code(Severity.LOW) == 3


def test_front_end_diagnostics_become_incomplete_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"main.tf": "resource {\n"})

    def load(dirs: Sequence[Path], plans: Sequence[Path], options: LoadOptions) -> LoadResult:
        return LoadResult(
            diagnostics=[
                Diagnostic("SYS001", "expected a label", Range("main.tf", 1, 10), "main.tf")
            ],
            files=["main.tf"],
        )

    monkeypatch.setattr(tf_frontend, "load_terraform", load)
    result = scan([tmp_path], base=tmp_path, reg=registry_with(RULE))
    (f,) = result.findings
    assert (f.rule_id, f.range.start_line, f.range.start_col, f.incomplete) == (
        "SYS001",
        1,
        10,
        True,
    )
    assert result.exit_code(None) == 3


def test_front_end_crash_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"main.tf": "x = 1\n"})

    def load(dirs: Sequence[Path], plans: Sequence[Path], options: LoadOptions) -> LoadResult:
        raise RuntimeError("front end bug")

    monkeypatch.setattr(tf_frontend, "load_terraform", load)
    result = scan([tmp_path], base=tmp_path, reg=registry_with(RULE))
    assert [f.rule_id for f in result.findings] == ["SYS001"]
    assert "front end bug" in result.findings[0].message
    assert result.incomplete


def test_select_and_ignore_resolution() -> None:
    reg = registry_with(RULE, make_rule("TST002", "test-two", _unencrypted))
    ids = {r.id for r in selected_rules(reg, Config(select=("TST",)))}
    assert {"TST001", "TST002"} <= ids
    ids = {r.id for r in selected_rules(reg, Config(ignore=("test-two",)))}
    assert "TST002" not in ids and "TST001" in ids
    with pytest.raises(UsageError, match="unknown rule 'NOPE999'"):
        selected_rules(reg, Config(select=("NOPE999",)))
    with pytest.raises(UsageError, match="SYS001 cannot be ignored"):
        selected_rules(reg, Config(ignore=("SYS001",)))


def test_account_scope_rules_run_only_when_asked(project: Path) -> None:
    def account(ctx: Context) -> Iterator[Report]:
        yield ctx.config_finding("no trail in the account")

    acct = make_rule("TST003", "test-account", account, account_scope=True)
    reg = registry_with(acct)
    assert not _by(scan([project], base=project, reg=reg), "TST003")
    res = scan([project], base=project, reg=reg, config=Config(account_scope=True))
    (f,) = _by(res, "TST003")
    assert f.address == "." and f.range.file == "main.tf" and f.range.start_line == 1


def test_strict_mode_reports_unknowns_as_low(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soc2lint.model import Unknown

    write_files(tmp_path, {"main.tf": 'resource "aws_db_instance" "u" {}\n'})

    def nodes(options: LoadOptions) -> list[Any]:
        return [
            make_node(
                "aws_db_instance.u",
                "AWS::RDS::DBInstance",
                {"storage_encrypted": Unknown("var.enc")},
            )
        ]

    def check(ctx: Context) -> Iterator[Report]:
        for n in ctx.graph.nodes("AWS::RDS::DBInstance"):
            a = n.attr("storage_encrypted")
            if a.unknown:
                yield from ctx.unresolved(n, a)

    r = make_rule("TST004", "test-strict", check)
    monkeypatch.setattr(tf_frontend, "load_terraform", _fake_loader(nodes))
    assert not scan([tmp_path], base=tmp_path, reg=registry_with(r)).findings
    res = scan([tmp_path], base=tmp_path, reg=registry_with(r), config=Config(strict=True))
    (f,) = res.findings
    assert f.severity is Severity.LOW and f.unresolved and "var.enc" in f.message


def test_per_path_ignores(project: Path) -> None:
    cfg = Config(per_path_ignores={"*.tf": ("TST",)}, inline_suppressions=False)
    result = scan([project], base=project, config=cfg, reg=registry_with(RULE))
    assert not _by(result, "TST001")


def test_fingerprint_ignores_lines() -> None:
    from soc2lint.model import Finding

    a = Finding(
        "X001", "x", Severity.LOW, "m", "aws_x.y", Range("a.tf", 1), scope=".", attr_path="p"
    )
    b = Finding(
        "X001", "x", Severity.LOW, "m", "aws_x.y", Range("a.tf", 9), scope=".", attr_path="p"
    )
    c = Finding(
        "X001", "x", Severity.LOW, "m", "aws_x.z", Range("a.tf", 1), scope=".", attr_path="p"
    )
    assert a.fingerprint == b.fingerprint != c.fingerprint

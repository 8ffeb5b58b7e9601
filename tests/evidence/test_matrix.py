"""The population record: every rule declares its subjects, and the record is true to what
the rules report.

Every built-in rule declares ``subjects=`` and ``control=``; and on every example
of every rule and on every fixture project, each finding (failure or unresolved
value, under --strict) must name one of the rule's subjects, and every subject the
rule says it does not apply to must be one of them, with a reason, so that the
matrix's counts are the population's rows.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from soc2lint.config import Config
from soc2lint.evidence.matrix import build_matrix
from soc2lint.rule import DEFAULT_OPTIONS, Rule
from soc2lint.views.databases import is_cluster_member

from helpers import registry, scan, write_files

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


def test_every_builtin_rule_declares_its_subjects_and_control() -> None:
    missing = [r.id for r in registry() if not r.reserved and r.subjects is None]
    assert not missing, f"declare @rule(subjects=...) for: {missing}"
    no_control = [r.id for r in registry() if not r.reserved and not r.control.strip()]
    assert not no_control, f"state the control objective, @rule(control=...), for: {no_control}"
    for r in registry():
        if r.subjects is not None:
            assert r.subjects.what, f"{r.id}: say what the subjects are (what=...)"


def test_a_rule_without_declared_subjects_is_reported_not_counted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_files(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("ENC003",), strict=True))
    undeclared = dataclasses.replace(result.rules_run[0], subjects=None)
    rows = build_matrix(
        result.graph, result.findings, result.registry, [undeclared], account_scope=False
    )
    row = next(r for r in rows if r.rule.id == "ENC003")
    assert not row.declared
    assert row.count("fail") == 1
    assert row.unmapped == []


KMS_KEYS = """
resource "aws_kms_key" "normal" {
  enable_key_rotation = true
}

resource "aws_kms_external_key" "imported" {
  description = "imported key material"
}

resource "aws_kms_key" "hsm" {
  custom_key_store_id = "cks-1234567890abcdef0"
}

resource "aws_kms_key" "signing" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
}
"""


def test_key001_counts_only_the_keys_it_evaluates(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": KMS_KEYS})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("KEY001",), strict=True))
    row = next(
        r
        for r in build_matrix(
            result.graph,
            result.findings,
            result.registry,
            result.rules_run,
            account_scope=False,
            not_applicable=result.not_applicable,
        )
        if r.rule.id == "KEY001"
    )
    assert (row.applicable, row.count("pass"), row.count("not applicable")) == (1, 1, 3)
    assert row.population is not None
    reasons = {s.key[1]: s.reason for s in row.population.rows()}
    assert "imported key material" in reasons["aws_kms_external_key.imported"]
    assert "custom key store" in reasons["aws_kms_key.hsm"]
    assert "asymmetric" in reasons["aws_kms_key.signing"]
    assert reasons["aws_kms_key.normal"] == ""


def test_an_aurora_engine_instance_is_a_cluster_member(tmp_path: Path) -> None:
    """Aurora instances exist only in a DB cluster (CreateDBInstance: storage, encryption
    and backups are managed by the cluster): one definition, for every rule and the pack."""
    write_files(
        tmp_path,
        {
            "template.yaml": """
Resources:
  AuroraInstance:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: aurora-postgresql
      DBInstanceClass: db.r6g.large
  Standalone:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
  Member:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBClusterIdentifier: !Ref Cluster
      DBInstanceClass: db.t3.micro
"""
        },
    )
    graph = scan([tmp_path], base=tmp_path, config=Config(select=("ENC001",))).graph
    members = {n.address: is_cluster_member(n) for n in graph.nodes("AWS::RDS::DBInstance")}
    assert members == {"AuroraInstance": True, "Standalone": False, "Member": True}


def _example_cases() -> list[object]:
    out = []
    for r in registry():
        if r.reserved:
            continue
        out.append(pytest.param(r, id=r.id))
    return out


def _unmapped_in(result_dir: Path, config: Config) -> list[str]:
    """Findings outside their rule's subjects, and skips that are not subjects or give no
    reason."""
    result = scan([result_dir], base=result_dir, config=config)
    rows = build_matrix(
        result.graph,
        result.findings,
        result.registry,
        result.rules_run,
        account_scope=config.account_scope,
        not_applicable=result.not_applicable,
    )
    out = []
    for rule_id, skipped in result.not_applicable.items():
        row = next(r for r in rows if r.rule.id == rule_id)
        assert row.population is not None
        for key, reason in skipped.items():
            node = result.graph.find(*key)
            if node is not None and node.language not in row.rule.languages:
                continue  # outside the languages the rule is written for: not counted
            if key not in row.population.subjects:
                out.append(f"{rule_id}: {key[1]} is not applicable but not one of its subjects")
            if not reason.strip():
                out.append(f"{rule_id}: {key[1]} is not applicable without a reason")
    for row in rows:
        for f in row.unmapped:
            node = result.graph.find(f.scope, f.address)
            out.append(
                f"{row.rule.id}: {f.address} ({node.kind if node else 'no node'}) "
                f"{'unresolved' if f.unresolved else 'fails'}: {f.message}"
            )
    return out


@pytest.mark.parametrize("r", _example_cases())
def test_every_example_reports_within_its_population(r: Rule, tmp_path: Path) -> None:
    problems: list[str] = []
    n = 0
    for lang, examples in r.examples.items():
        for example in (*examples.bad, *examples.good):
            n += 1
            d = tmp_path / f"ex{n}"
            d.mkdir()
            files = example.files(lang)
            opts = dict(example.options)
            cfn_params = opts.pop("cfn_parameters", None)
            if cfn_params is not None:
                files = {**files, "params.json": json.dumps(cfn_params)}
            write_files(d, files)
            thresholds = {k: opts.pop(k) for k in list(opts) if k in DEFAULT_OPTIONS}
            config = Config(
                select=(r.id,),
                account_scope=bool(opts.get("account_scope", r.account_scope)),
                strict=True,
                vars=dict(opts.get("vars", {})),
                var_files=tuple(str(d / v) for v in opts.get("var_files", ())),
                cfn_parameters=str(d / "params.json") if cfn_params is not None else None,
                options={**DEFAULT_OPTIONS, **thresholds},
                inline_suppressions=False,
            )
            problems.extend(f"{lang} example {n}: {p}" for p in _unmapped_in(d, config))
    assert not problems, "\n".join(problems)


def _fixture_projects() -> list[Path]:
    out = [FIXTURES / "example"]
    for lang in ("terraform", "cloudformation"):
        out.extend(sorted(p for p in (FIXTURES / lang).iterdir() if p.is_dir()))
    return out


@pytest.mark.parametrize("project", _fixture_projects(), ids=lambda p: str(p.relative_to(FIXTURES)))
@pytest.mark.parametrize("account_scope", [False, True], ids=["app", "account"])
def test_every_fixture_reports_within_its_populations(project: Path, account_scope: bool) -> None:
    config = dataclasses.replace(Config(), strict=True, account_scope=account_scope)
    problems = _unmapped_in(project, config)
    assert not problems, "\n".join(problems)


def test_key001_in_cloudformation_imported_and_cloudhsm_keys_are_not_applicable(
    tmp_path: Path,
) -> None:
    """The issue's case: one normal key, one with imported material, one in a CloudHSM
    key store: evaluated 1, pass 1, not applicable 2."""
    write_files(
        tmp_path,
        {
            "template.yaml": """
Resources:
  Normal:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  Imported:
    Type: AWS::KMS::Key
    Properties:
      Origin: EXTERNAL
  InHsm:
    Type: AWS::KMS::Key
    Properties:
      Origin: AWS_CLOUDHSM
"""
        },
    )
    result = scan([tmp_path], base=tmp_path, config=Config(select=("KEY001",), strict=True))
    (row,) = (
        r
        for r in build_matrix(
            result.graph,
            result.findings,
            result.registry,
            result.rules_run,
            account_scope=False,
            not_applicable=result.not_applicable,
        )
        if r.rule.id == "KEY001"
    )
    assert (row.applicable, row.count("pass"), row.count("not applicable")) == (1, 1, 2)
    assert row.population is not None
    reasons = {s.key[1]: s.reason for s in row.population.rows()}
    assert reasons["Imported"].startswith("imported key material")
    assert reasons["InHsm"].startswith("in a custom key store")

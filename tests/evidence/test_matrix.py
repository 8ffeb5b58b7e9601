"""The control matrix's applicability table: complete, and true to what the rules report.

Every built-in rule must be in :data:`APPLICABILITY`; and on every example of
every rule and on every fixture project, each finding (failure or unresolved
value, under --strict) must name one of the subjects the table declares for
its rule, so that pass = applicable - fail - unknown stays honest.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from soc2lint.config import Config
from soc2lint.evidence.matrix import APPLICABILITY, build_matrix
from soc2lint.rule import DEFAULT_OPTIONS, Rule

from helpers import registry, scan, write_files

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


def test_every_builtin_rule_is_in_the_table() -> None:
    missing = [r.id for r in registry() if not r.reserved and r.id not in APPLICABILITY]
    assert not missing, f"add these rules to soc2lint.evidence.matrix.APPLICABILITY: {missing}"


def test_the_table_names_only_existing_rules() -> None:
    ids = {r.id for r in registry()}
    assert set(APPLICABILITY) <= ids


def test_a_rule_missing_from_the_table_is_reported_not_counted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_files(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("ENC003",), strict=True))
    monkeypatch.delitem(APPLICABILITY, "ENC003")
    rows = build_matrix(
        result.graph, result.findings, result.registry, result.rules_run, account_scope=False
    )
    row = next(r for r in rows if r.rule.id == "ENC003")
    assert not row.declared
    assert row.count("fail") == 1


def _example_cases() -> list[object]:
    out = []
    for r in registry():
        if r.reserved:
            continue
        out.append(pytest.param(r, id=r.id))
    return out


def _unmapped_in(result_dir: Path, config: Config) -> list[str]:
    result = scan([result_dir], base=result_dir, config=config)
    rows = build_matrix(
        result.graph,
        result.findings,
        result.registry,
        result.rules_run,
        account_scope=config.account_scope,
    )
    out = []
    for row in rows:
        for f in row.unmapped:
            node = result.graph.find(f.scope, f.address)
            out.append(
                f"{row.rule.id}: {f.address} ({node.kind if node else 'no node'}) "
                f"{'unresolved' if f.unresolved else 'fails'}: {f.message}"
            )
    return out


@pytest.mark.parametrize("r", _example_cases())
def test_findings_of_every_example_name_a_declared_subject(r: Rule, tmp_path: Path) -> None:
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
def test_findings_of_every_fixture_name_a_declared_subject(
    project: Path, account_scope: bool
) -> None:
    config = dataclasses.replace(Config(), strict=True, account_scope=account_scope)
    problems = _unmapped_in(project, config)
    assert not problems, "\n".join(problems)

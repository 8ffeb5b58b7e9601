"""CHG002 across module boundaries and in plan JSON, and one report for a directory that
holds both a root's .tf files and its plan (the plan wins: docs/graph-conventions.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from soc2lint.config import Config
from soc2lint.engine import ScanResult

from helpers import scan, write_files

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"

SHARED_MODULE = {
    "modules/identity_provider/main.tf": """
provider "aws" {
  alias  = "identity"
  region = "eu-west-1"
}

resource "aws_iam_openid_connect_provider" "ci" {
  provider        = aws.identity
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}
""",
}


def _scan(root: Path, rule: str = "CHG002") -> ScanResult:
    return scan([root], base=root, config=Config(select=(rule,), inline_suppressions=False))


def _chg002(result: ScanResult) -> list[tuple[str, str, int, str]]:
    return sorted(
        (f.address, f.range.file, f.range.start_line, f.message)
        for f in result.findings
        if f.rule_id == "CHG002"
    )


def test_a_module_named_like_a_provider_is_not_the_provider(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            **SHARED_MODULE,
            "main.tf": """
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

module "identity_provider" {
  source = "./modules/identity_provider"
}
""",
        },
    )
    got = _chg002(_scan(tmp_path))
    assert [(a, f, line) for a, f, line, _ in got] == [("terraform", "main.tf", 4)]
    assert "`required_providers.aws`" in got[0][3]
    assert "`provider`" not in got[0][3]


def test_without_a_terraform_block_the_finding_is_in_each_root_not_the_shared_module(
    tmp_path: Path,
) -> None:
    files = dict(SHARED_MODULE)
    for env in ("staging", "production"):
        files[f"environments/{env}/main.tf"] = """
module "identity_provider" {
  source = "../../modules/identity_provider"
}
"""
    write_files(tmp_path, files)
    got = _chg002(_scan(tmp_path))
    assert [(f, line) for _, f, line, _ in got] == [
        ("environments/production/main.tf", 1),
        ("environments/staging/main.tf", 1),
    ]
    assert all("provider `aws`" in m for *_, m in got)


def _plan(tmp_path: Path, version: str | None) -> Path:
    data = json.loads((FIXTURES / "plan-only" / "plan.json").read_text())
    if version is not None:
        data["configuration"]["provider_config"]["aws"]["version_constraint"] = version
    target = tmp_path / "plan.json"
    target.write_text(json.dumps(data, indent=2))
    return target


def test_a_plan_carries_the_version_constraint_of_its_providers(tmp_path: Path) -> None:
    _plan(tmp_path, "~> 5.0")
    assert _chg002(_scan(tmp_path)) == []


def test_a_plan_without_a_constraint_is_a_finding(tmp_path: Path) -> None:
    _plan(tmp_path, None)
    got = _chg002(_scan(tmp_path))
    assert len(got) == 1
    assert "aws" in got[0][3]


def test_a_plan_constraining_one_provider_of_two_names_the_other(tmp_path: Path) -> None:
    target = _plan(tmp_path, "~> 5.0")
    data = json.loads(target.read_text())
    data["configuration"]["provider_config"]["random"] = {
        "name": "random",
        "full_name": "registry.terraform.io/hashicorp/random",
    }
    target.write_text(json.dumps(data, indent=2))
    got = _chg002(_scan(tmp_path))
    assert [m for *_, m in got] == [
        "terraform: `required_providers.random` has no version constraint"
    ]


def test_a_directory_with_its_plan_reports_each_problem_once(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "plan", tmp_path / "plan")
    result = scan([tmp_path], base=tmp_path, config=Config(inline_suppressions=False))
    keys = [(f.rule_id, f.address, f.range.file, f.range.start_line) for f in result.findings]
    assert keys
    assert len(keys) == len(set(keys))
    # the plan's finding wins where both report the problem
    net010 = [f for f in result.findings if f.rule_id == "NET010"]
    assert [(f.scope, f.address) for f in net010] == [("plan/tfplan.json", "aws_s3_bucket.logs")]
    # what the plan leaves "known after apply" still comes from the .tf files (provider default)
    avl001 = [f for f in result.findings if f.rule_id == "AVL001"]
    assert [(f.scope, f.address) for f in avl001] == [("plan", "module.db[0].aws_db_instance.this")]

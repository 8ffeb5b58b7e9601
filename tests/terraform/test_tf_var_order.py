"""--var-file and --var in command-line order, terraform.workspace, undeclared variables."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from tfload import load, node, write

from soc2lint.cli import main

ROOT = """
variable "env" {
  default = "dev"
}

variable "retention_days" {
  type    = number
  default = 30
}

output "summary" {
  value = "${var.env}/${var.retention_days}/${terraform.workspace}"
}
"""


def _summary(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """``soc2lint graph`` of the root in tmp_path/root: output.summary and stderr."""
    result = CliRunner().invoke(main, ["graph", str(tmp_path / "root"), *args], env=env or {})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (out,) = [n for n in data["nodes"] if n["address"] == "output.summary"]
    return str(out["attrs"]["value"]), result.stderr


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository: var files outside root/ may be read
    write(
        tmp_path,
        {
            "root/main.tf": ROOT,
            "prod.tfvars": 'env = "prod"\nretention_days = 365\n',
            "staging.tfvars": 'env = "staging"\n',
        },
    )
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # later wins, across both flags, as terraform -var-file/-var do
        (["--var-file", "{d}/prod.tfvars", "--var", "env=cli"], "cli/365/default"),
        (["--var", "env=cli", "--var-file", "{d}/prod.tfvars"], "prod/365/default"),
        (
            [
                "--var-file",
                "{d}/prod.tfvars",
                "--var",
                "env=cli",
                "--var-file",
                "{d}/staging.tfvars",
            ],
            "staging/365/default",
        ),
        (["--var=env=a", "--var-file={d}/staging.tfvars", "--var", "env=b"], "b/30/default"),
    ],
)
def test_var_files_and_vars_apply_in_command_line_order(
    root: Path, args: list[str], expected: str
) -> None:
    summary, _ = _summary(root, *[a.replace("{d}", str(root)) for a in args])
    assert summary == expected


def test_workspace_follows_flag_then_environment_then_terraform_environment_file(
    root: Path,
) -> None:
    assert _summary(root)[0] == "dev/30/default"
    write(root, {"root/.terraform/environment": "blue\n"})
    assert _summary(root)[0] == "dev/30/blue"
    assert _summary(root, env={"TF_WORKSPACE": "green"})[0] == "dev/30/green"
    # a file that is not a workspace name terraform would accept is not used
    write(root, {"root/.terraform/environment": "../../etc\n"})
    assert _summary(root)[0] == "dev/30/default"


def test_workspace_flag_reaches_the_evaluation(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.tf": ROOT}, workspace="red")
    assert node(result, "output.summary").attrs["value"] == "dev/30/red"
    write(
        tmp_path,
        {
            "db/main.tf": """
resource "aws_efs_file_system" "shared" {
  encrypted = terraform.workspace == "prod"
}
"""
        },
    )

    def enc004(*args: str) -> list[str]:
        result = CliRunner().invoke(
            main, ["scan", str(tmp_path / "db"), "--select", "ENC004", "--format", "json", *args]
        )
        return [f["rule_id"] for f in json.loads(result.stdout)["findings"]]

    assert enc004() == ["ENC004"]
    assert enc004("--workspace", "prod") == []


def test_values_for_undeclared_variables_are_warnings(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(root, {"root/terraform.tfvars": 'env = "tfvars"\nretention_dayz = 90\n'})
    write(root, {"other/main.tf": 'variable "region" {}\nvariable "env" {}\n'})
    write(root, {"shared.tfvars": 'region = "eu-west-1"\nowner = "platform"\n'})
    with caplog.at_level(logging.WARNING, logger="soc2lint"):
        load(
            root,
            dirs=["root", "other"],
            var_args=(
                ("file", str(root / "shared.tfvars"), ""),
                ("var", "env", "cli"),
                ("var", "colour", "blue"),
            ),
        )
    warnings = sorted(r.getMessage() for r in caplog.records)
    # the root's own tfvars: checked against that root (a misspelt name is the usual cause)
    assert any(
        "terraform.tfvars:2" in w and '"retention_dayz"' in w and "root" in w for w in warnings
    )
    # --var-file and --var apply to every root: reported only when no root declares them
    assert any("shared.tfvars:2" in w and '"owner"' in w for w in warnings)
    assert any(w.startswith("--var colour:") for w in warnings)
    assert not any('"region"' in w or '"env"' in w for w in warnings)
    assert len(warnings) == 3

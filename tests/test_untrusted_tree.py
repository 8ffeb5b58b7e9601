"""Issue 17: the code under review must not control its reviewer.

Each test is written as the author of a hostile pull request writes it: a
tree of files, then the exact command the GitHub Action
(``scripts/action-scan.sh``) or the pre-commit hook (``.pre-commit-hooks.yaml``)
runs on it, asserting the safe outcome.  A planted Python file writes a
marker file when imported; "no code ran" is that the marker does not exist.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import write_files

REPO = Path(__file__).resolve().parent.parent

BAD_DB = (
    'resource "aws_db_instance" "db" {\n'
    '  engine              = "mysql"\n'
    "  publicly_accessible = true\n"
    "}\n"
)


def evil_rules(marker: Path) -> str:
    """A rule pack that, imported, proves it ran (and would force a pass)."""
    return (
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('code from the pull request ran')\n"
        "RULES = ()\n"
    )


def cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", "SOC2LINT_NO_PROGRESS": "1", **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), full_env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def hook_command() -> list[str]:
    """The pre-commit hook's entry, as .pre-commit-hooks.yaml defines it (minus ``soc2lint``)."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "soc2lint"]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "soc2lint"
    return entry[1:]


def precommit(
    repo: Path, files: list[str], args: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """What pre-commit runs: entry + the hook's args + the staged file names."""
    return cli([*hook_command(), *(args or []), *files], repo)


# ---------------------------------------------------------------------------
# 1. no code execution, no reading outside the repository, from the tree
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("config_file", [".soc2lint.toml", "pyproject.toml"])
def test_discovered_config_cannot_load_rules_from_the_tree(
    tmp_path: Path, config_file: str
) -> None:
    marker = tmp_path / "marker"
    repo = tmp_path / "repo"
    table = "[tool.soc2lint]\n" if config_file == "pyproject.toml" else ""
    write_files(
        repo,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            config_file: f'{table}rules-dirs = ["hooks"]\n',
            "hooks/evil.py": evil_rules(marker),
            "main.tf": BAD_DB,
        },
    )
    r = cli(["scan", "."], repo)
    assert not marker.exists()
    assert r.returncode == 2, r.stderr
    assert "rules-dirs" in r.stderr and "--config" in r.stderr


@pytest.mark.parametrize(
    "setting",
    [
        'rules-dirs = ["hooks"]',
        "follow-symlinks = true",
        'var-files = ["/etc/hostname"]',
        'cfn-parameters = "/etc/hostname"',
        'baseline = "/dev/zero"',
        "read-tf-var-env = true",
        "[limits]\nmax_file_bytes = 999999999999",
    ],
)
def test_every_trusted_only_key_is_refused_from_a_discovered_file(
    tmp_path: Path, setting: str
) -> None:
    write_files(tmp_path, {".soc2lint.toml": setting + "\n", "main.tf": BAD_DB})
    r = cli(["scan", "."], tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    key = setting.partition("\n")[0].partition("=")[0].strip().strip("[]")
    assert f"'{key}" in r.stderr and "found in the scanned tree" in r.stderr


def test_the_same_keys_are_honoured_from_an_explicit_config(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    trusted = tmp_path / "trusted.toml"
    trusted.write_text(f'rules-dirs = ["{tmp_path / "pack"}"]\n', encoding="utf-8")
    write_files(tmp_path, {"pack/mine.py": evil_rules(marker), "repo/main.tf": BAD_DB})
    r = cli(["scan", "repo", "--config", str(trusted)], tmp_path)
    assert r.returncode == 1, r.stderr
    assert marker.exists()  # the workflow asked for this pack: it is loaded


def test_precommit_file_named_like_an_option_is_a_file(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    repo = tmp_path / "repo"
    write_files(
        repo,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "--rules-dir=hooks.tf": "",
            "hooks.tf/evil.py": evil_rules(marker),
            "-x.tf": "",
            "main.tf": BAD_DB,
        },
    )
    r = precommit(repo, ["--rules-dir=hooks.tf", "-x.tf", "main.tf"])
    assert not marker.exists()
    assert r.returncode == 1, r.stdout + r.stderr
    assert "aws_db_instance.db" in r.stdout


def test_precommit_hook_args_still_work_after_the_separator(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    repo = tmp_path / "repo"
    write_files(
        repo,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "--fail-on=never": "",
            "hooks/evil.py": evil_rules(marker),
            "main.tf": BAD_DB,
        },
    )
    # the user's own args are options; a committed file with an option's name is not
    r = precommit(repo, ["--fail-on=never", "main.tf"], args=["--format", "json"])
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["summary"]["total"] >= 1
    r = precommit(repo, ["main.tf"], args=["--fail-on", "never"])
    assert r.returncode == 0, r.stderr


def test_changed_files_without_separator_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": BAD_DB})
    r = cli(["scan", "--changed-files", "main.tf"], tmp_path)
    assert r.returncode == 2
    assert "put -- before the file names" in r.stderr


def test_a_path_that_looks_like_an_option_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": BAD_DB})
    r = cli(["scan", "--", "--rules-dir=nowhere"], tmp_path)
    assert r.returncode == 2
    assert "looks like an option" in r.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_paths_are_never_options(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    ws = tmp_path / "ws"
    write_files(
        ws,
        {
            "--rules-dir=hooks": "",
            "hooks/evil.py": evil_rules(marker),
            "main.tf": BAD_DB,
        },
    )
    code, out = run_action(ws, tmp_path, paths="--rules-dir=hooks main.tf")
    assert not marker.exists()
    assert code == 1, out


def run_action(ws: Path, tmp: Path, **inputs: str) -> tuple[int, str]:
    """scripts/action-scan.sh with a fake runner's environment."""
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        "GITHUB_WORKSPACE": str(ws),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "GITHUB_OUTPUT": str(tmp / "output.txt"),
        "SOC2LINT_CACHE_DIR": str(tmp / "cache"),
        "SOC2LINT_TODAY": "2026-06-01",
        "NO_COLOR": "1",
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    r = subprocess.run(
        ["bash", str(REPO / "scripts" / "action-scan.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return r.returncode, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# 4. secrets do not flow into reports
# ---------------------------------------------------------------------------

TOKEN = "ghs_SECRETCHECKOUTTOKEN1234567890"
#: what actions/checkout writes into .git/config
GIT_CONFIG = (
    "[core]\n\trepositoryformatversion = 0\n"
    '[http "https://github.com/"]\n'
    f"\textraheader = AUTHORIZATION: basic {TOKEN}\n"
)

ALL_FORMATS = [
    "--format", "json", "--output", "r.json",
    "--format", "sarif", "--output", "r.sarif",
    "--format", "markdown", "--output", "r.md",
    "--format", "text", "--output", "r.txt",
    "--format", "github",
]  # fmt: skip


def _all_output(root: Path, proc: subprocess.CompletedProcess[str]) -> str:
    parts = [proc.stdout, proc.stderr]
    for name in ("r.json", "r.sarif", "r.md", "r.txt"):
        if (root / name).exists():
            parts.append((root / name).read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "expression",
    [
        'file("${path.module}/../.git/config")',
        'templatefile("${path.module}/../.git/config", {})',
        'file("${path.module}/../.terraform/terraform.tfstate")',
        'file("${path.module}/link-to-git-config")',
        'tostring(fileexists("${path.module}/../.git/config"))',
    ],
)
def test_file_functions_never_read_git_or_skipped_directories(
    tmp_path: Path, expression: str
) -> None:
    write_files(
        tmp_path,
        {
            ".git/config": GIT_CONFIG,
            ".git/HEAD": "ref: refs/heads/main\n",
            ".terraform/terraform.tfstate": json.dumps({"backend": {"token": TOKEN}}),
            "infra/main.tf": (
                'resource "aws_s3_bucket" "b" {\n'
                f"  for_each = toset([{expression}])\n"
                "  bucket   = each.key\n"
                "}\n"
            ),
        },
    )
    (tmp_path / "infra" / "link-to-git-config").symlink_to(tmp_path / ".git" / "config")
    proc = cli(["scan", "infra", "--no-cache", *ALL_FORMATS], tmp_path)
    out = _all_output(tmp_path, proc)
    assert TOKEN not in out
    assert "AUTHORIZATION" not in out
    findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["findings"]
    refused = [f for f in findings if f["rule_id"] == "SYS007"]
    assert refused and "never reads" in refused[0]["message"], findings
    assert proc.returncode == 3


def test_modules_terraform_downloaded_may_read_their_own_files(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "main.tf": 'module "db" {\n  source = "registry.example/db/aws"\n}\n',
            ".terraform/modules/modules.json": json.dumps(
                {
                    "Modules": [
                        {
                            "Key": "db",
                            "Source": "registry.example/db/aws",
                            "Dir": ".terraform/modules/db",
                        }
                    ]
                }
            ),
            ".terraform/modules/db/main.tf": (
                'resource "aws_db_instance" "db" {\n'
                '  engine            = file("${path.module}/engine.txt")\n'
                "  storage_encrypted = false\n"
                "}\n"
            ),
            ".terraform/modules/db/engine.txt": "postgres",
        },
    )
    proc = cli(["scan", ".", "--no-cache", "--format", "json"], tmp_path)
    findings = json.loads(proc.stdout)["findings"]
    assert not [f for f in findings if f["rule_id"] == "SYS007"], findings
    assert [f for f in findings if f["rule_id"] == "ENC001"]


def test_tf_var_environment_is_not_read_unless_asked(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": (
                'variable "names" {\n  type = list(string)\n  default = ["public"]\n}\n'
                'resource "aws_s3_bucket" "b" {\n'
                "  for_each = toset(var.names)\n"
                "  bucket   = each.key\n"
                "}\n"
            ),
        },
    )
    env = {"TF_VAR_names": f'["{TOKEN}"]'}
    proc = cli(["scan", ".", "--no-cache", *ALL_FORMATS], tmp_path, env=env)
    assert TOKEN not in _all_output(tmp_path, proc)
    proc = cli(["scan", ".", "--no-cache", "--env-vars", "--format", "json"], tmp_path, env=env)
    assert TOKEN in proc.stdout  # asked for: Terraform's own behaviour


def test_json_var_files_and_cfn_parameters_are_confined_to_the_repository(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    write_files(
        tmp_path,
        {
            "outside.tfvars.json": json.dumps({"name": TOKEN}),
            "outside-params.json": json.dumps({"Name": TOKEN}),
            "repo/.git/HEAD": "ref: refs/heads/main\n",
            "repo/main.tf": (
                'variable "name" {\n  default = "x"\n}\n'
                'resource "aws_s3_bucket" "b" {\n  for_each = toset([var.name])\n'
                "  bucket = each.key\n}\n"
            ),
        },
    )
    proc = cli(
        ["scan", ".", "--no-cache", "--var-file", "../outside.tfvars.json", *ALL_FORMATS], repo
    )
    assert TOKEN not in _all_output(repo, proc)
    assert "outside the scanned repository" in _all_output(repo, proc)
    proc = cli(["scan", ".", "--cfn-parameters", "../outside-params.json"], repo)
    assert proc.returncode == 2 and "outside the repository" in proc.stderr


# ---------------------------------------------------------------------------
# 5. evaluation cannot be steered to a pass
# ---------------------------------------------------------------------------


def _db(encrypted: str) -> str:
    return (
        'resource "aws_db_instance" "db" {\n'
        '  engine            = "mysql"\n'
        f"  storage_encrypted = {encrypted}\n"
        "}\n"
    )


@pytest.mark.parametrize(
    "pattern",
    ["(?=x)x", "(?<=x)y", "(x)\\\\1", "x*+", "(?>x)", "x{1001}", "\\\\Z", "(?P=n)"],
)
def test_patterns_re2_rejects_are_errors_as_in_terraform(tmp_path: Path, pattern: str) -> None:
    # in Terraform can() is false here: the database is not encrypted
    write_files(tmp_path, {"main.tf": _db(f'can(regex("{pattern}", "xy"))')})
    proc = cli(["scan", ".", "--no-cache", "--format", "json", "--select", "ENC001"], tmp_path)
    findings = json.loads(proc.stdout)["findings"]
    assert [f for f in findings if f["rule_id"] == "ENC001"], findings
    assert proc.returncode == 1


def test_a_regex_that_runs_out_of_time_is_unknown_not_an_error(tmp_path: Path) -> None:
    evil = "a" * 40 + "!"
    write_files(
        tmp_path,
        {
            # before: the timeout was an error, can() false, and !can() the secure value
            "main.tf": (
                'resource "aws_db_instance" "db" {\n'
                "  count             = 50\n"
                '  engine            = "mysql"\n'
                f'  storage_encrypted = !can(regex("^(a|aa)+$", "{evil}"))\n'
                "}\n"
            ),
            "limits.toml": "[limits]\nmax_regex_seconds = 0.5\n",
        },
    )
    proc = cli(["scan", ".", "--no-cache", "--format", "json", "--config", "limits.toml"], tmp_path)
    findings = json.loads(proc.stdout)["findings"]
    limited = [f for f in findings if f["rule_id"] == "SYS008"]
    assert limited and any("max_regex_seconds" in f["message"] for f in limited), findings
    assert not [f for f in findings if f["rule_id"] == "ENC001"]  # unknown, not a pass/fail
    assert proc.returncode == 3


def test_strict_names_the_cause_of_an_unknown(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "main.tf": _db('length(fileset(path.module, "*.sql")) > 0'),
            "b.tf": _db('regex("x", "y") == "x"').replace('"db"', '"other"'),
        },
    )
    proc = cli(
        ["scan", ".", "--no-cache", "--strict", "--format", "json", "--select", "ENC001"], tmp_path
    )
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"]]
    assert any("fileset() is a function soc2lint does not evaluate" in m for m in messages)
    assert any("pattern did not match" in m for m in messages), messages


CFN_USERDATA = (
    "Resources:\n"
    "  Web:\n"
    "    Type: AWS::EC2::Instance\n"
    "    Properties:\n"
    "      UserData: |\n"
    "        #!/bin/bash\n"
    '        # soc2lint: ignore[ENC002] reason="in a script, not a comment"\n'
    "  Volume:\n"
    "    Type: AWS::EC2::Volume\n"
    "    Properties:\n"
    "      Size: 10\n"
    "      Encrypted: false\n"
    "      AvailabilityZone: us-east-1a\n"
)


def test_a_directive_inside_a_yaml_script_is_data_not_a_suppression(tmp_path: Path) -> None:
    # the script's last line sits right above the next resource: it read as a comment
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "stack.yaml": CFN_USERDATA})
    r = precommit(tmp_path, ["stack.yaml"], args=["--format", "json", "--select", "ENC002"])
    findings = json.loads(r.stdout)["findings"]
    assert [f for f in findings if f["rule_id"] == "ENC002"], findings
    assert r.returncode == 1


def test_a_directive_inside_a_heredoc_is_data(tmp_path: Path) -> None:
    text = (
        'resource "aws_instance" "web" {\n'
        "  user_data = <<-EOT\n"
        '  # soc2lint: ignore[ENC002] reason="in a script, not a comment"\n'
        "  EOT\n"
        "}\n"
    )
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "main.tf": text})
    r = precommit(tmp_path, ["main.tf"], args=["--format", "json"])
    findings = json.loads(r.stdout)["findings"]
    assert not [f for f in findings if f["rule_id"] in ("SYS003", "SYS005")], findings


def test_a_cache_directory_inside_the_scanned_repository_is_not_used(tmp_path: Path) -> None:
    # a pull request can commit files there, and cache entries are pickles
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "main.tf": BAD_DB})
    cache = tmp_path / ".cache" / "soc2lint"
    r = cli(["scan", "."], tmp_path, env={"SOC2LINT_CACHE_DIR": str(cache)})
    assert r.returncode == 1, r.stderr
    assert "inside the scanned repository" in r.stderr
    assert not cache.exists() or not any(cache.iterdir())

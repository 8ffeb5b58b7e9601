"""``soc2lint fix``: what it edits, what it never touches, and the suggestions in reports.

Every test runs the real command line (click's runner) on a small repository written
in a temporary directory; edits are checked as text, byte for byte.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema import Draft4Validator

from soc2lint.cli import main
from soc2lint.fix.remedies import REMEDIES, fixable_rules
from soc2lint.terraform.hcl import parse_hcl

from helpers import sarif_errors, write_files

REPO = Path(__file__).resolve().parent.parent
RDJSON_SCHEMA = Path(__file__).parent / "data" / "rdjson.schema.json"

KMS = """\
# keys
resource "aws_kms_key" "app" {
  description = "app" # the app's key
  enable_key_rotation = false
}
"""


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    write_files(tmp_path, files)
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def run(root: Path, *args: str) -> Result:
    old = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def read(root: Path, name: str) -> str:
    return (root / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# what it edits
# ---------------------------------------------------------------------------


def test_fix_writes_the_value_in_place_and_the_exit_code_follows_what_remains(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path, {"main.tf": KMS})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert res.exit_code == 0, res.output
    assert read(root, "main.tf") == KMS.replace("rotation = false", "rotation = true")
    assert "KEY001 kms-key-rotation: 1 fixed" in res.stderr
    again = run(root, "fix", "--select", "KEY001", ".")
    assert again.exit_code == 0
    assert "0 fixed, 0 left" in again.stderr


def test_diff_prints_a_patch_and_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, {"main.tf": KMS})
    res = run(root, "fix", "--diff", "--select", "KEY001", ".")
    assert res.exit_code == 1  # the finding is still there
    assert read(root, "main.tf") == KMS
    assert res.stdout.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert "-  enable_key_rotation = false\n+  enable_key_rotation = true\n" in res.stdout
    assert "Nothing was written" in res.stderr
    # the patch applies with git apply and gives what fix writes
    if shutil.which("git"):
        (root / "fix.patch").write_text(res.stdout, encoding="utf-8")
        subprocess.run(["git", "apply", "fix.patch"], cwd=root, check=True)
        assert read(root, "main.tf") == KMS.replace("rotation = false", "rotation = true")


def test_unsafe_fixes_need_the_flag_and_say_why(tmp_path: Path) -> None:
    tf = 'resource "aws_db_instance" "db" {\n  engine   = "mysql"\n  multi_az = false\n}\n'
    root = repo(tmp_path, {"main.tf": tf})
    res = run(root, "fix", "--select", "AVL001", ".")
    assert read(root, "main.tf") == tf
    assert "unsafe fix not applied (--unsafe-fixes): cost" in res.stderr
    assert res.exit_code == 1
    res = run(root, "fix", "--select", "AVL001", "--unsafe-fixes", ".")
    assert res.exit_code == 0, res.stderr
    assert read(root, "main.tf") == tf.replace("false", "true")


def test_the_value_is_edited_where_it_is_set_a_variable_default(tmp_path: Path) -> None:
    tf = (
        'variable "rotate" {\n  default = false # off for now\n}\n\n'
        'resource "aws_kms_key" "a" {\n  enable_key_rotation = var.rotate\n}\n\n'
        'resource "aws_kms_key" "b" {\n  enable_key_rotation = var.rotate\n}\n'
    )
    root = repo(tmp_path, {"main.tf": tf})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert res.exit_code == 0, res.stderr
    # both findings come from the one default: edited once, both gone
    assert read(root, "main.tf") == tf.replace("default = false", "default = true")
    assert "2 fixed" in res.stderr and "(in var.rotate)" in res.stderr


def test_a_tfvars_entry_and_a_module_argument_are_edited_not_the_resource(tmp_path: Path) -> None:
    module = (
        'variable "rotate" {\n  type = bool\n}\n\n'
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n'
    )
    root_tf = 'module "keys" {\n  source = "./modules/keys"\n  rotate = var.rotate\n}\n\n'
    root_tf += 'variable "rotate" {\n  type = bool\n}\n'
    root = repo(
        tmp_path,
        {
            "main.tf": root_tf,
            "terraform.tfvars": "rotate = false\n",
            "modules/keys/main.tf": module,
        },
    )
    res = run(root, "fix", "--select", "KEY001", ".")
    assert res.exit_code == 0, res.stderr
    assert read(root, "terraform.tfvars") == "rotate = true\n"
    assert read(root, "main.tf") == root_tf
    assert read(root, "modules/keys/main.tf") == module


def test_a_variable_without_a_value_is_not_edited_and_the_reason_is_given(tmp_path: Path) -> None:
    tf = (
        'variable "rotate" {\n  type = bool\n}\n\n'
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n'
    )
    root = repo(tmp_path, {"main.tf": tf})
    res = run(root, "fix", "--select", "KEY001", "--strict", ".")
    assert read(root, "main.tf") == tf
    assert "0 fixed, 1 left" in res.stderr
    assert "the value cannot be known" in res.stderr


def test_missing_settings_are_inserted_with_the_blocks_indentation_and_alignment(
    tmp_path: Path,
) -> None:
    tf = (
        'resource "aws_cloudtrail" "main" {\n'
        '    name           = "main"\n'
        '    s3_bucket_name = "logs"\n'
        "}\n"
    )
    root = repo(tmp_path, {"main.tf": tf})
    run(root, "fix", "--select", "LOG002", ".")
    out = read(root, "main.tf")
    # four-space indentation kept; a longer key than the aligned group goes after a blank line
    assert out == tf.replace('"logs"\n}', '"logs"\n\n    enable_log_file_validation = true\n}'), out
    assert parse_hcl(out).body is not None


def test_a_separate_resource_is_added_next_to_its_bucket(tmp_path: Path) -> None:
    tf = 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n\noutput "x" {\n  value = 1\n}\n'
    root = repo(tmp_path, {"main.tf": tf})
    res = run(root, "fix", "--select", "NET010", ".")
    assert res.exit_code == 0, res.stderr
    out = read(root, "main.tf")
    assert out == (
        'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n\n'
        'resource "aws_s3_bucket_public_access_block" "data" {\n'
        "  bucket = aws_s3_bucket.data.id\n\n"
        "  block_public_acls       = true\n"
        "  block_public_policy     = true\n"
        "  ignore_public_acls      = true\n"
        "  restrict_public_buckets = true\n"
        '}\n\noutput "x" {\n  value = 1\n}\n'
    )


YAML_T = """\
# a template
Resources:
  Key:  # the key
    Type: AWS::KMS::Key
  Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: true, S3BucketName: logs}}
  Queue:
    Type: "AWS::SQS::Queue"
    Properties:
      SqsManagedSseEnabled: 'false'   # keep quotes
"""


def test_yaml_block_flow_and_quotes_are_kept(tmp_path: Path) -> None:
    root = repo(tmp_path, {"t.yaml": YAML_T})
    res = run(root, "fix", "--select", "KEY001,LOG002,ENC008", ".")
    assert res.exit_code == 0, res.stderr
    assert read(root, "t.yaml") == (
        "# a template\n"
        "Resources:\n"
        "  Key:  # the key\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        "      EnableKeyRotation: true\n"
        "  Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: true, S3BucketName: "
        "logs, EnableLogFileValidation: true}}\n"
        "  Queue:\n"
        '    Type: "AWS::SQS::Queue"\n'
        "    Properties:\n"
        "      SqsManagedSseEnabled: 'true'   # keep quotes\n"
    )


def test_json_templates_keep_their_formatting(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key"},
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {"IsLogging": True, "S3BucketName": "logs"},
            },
        }
    }
    text = json.dumps(template, indent=4) + "\n"
    root = repo(tmp_path, {"t.json": text})
    res = run(root, "fix", "--select", "KEY001,LOG002", ".")
    assert res.exit_code == 0, res.stderr
    out = read(root, "t.json")
    template["Resources"]["Key"]["Properties"] = {"EnableKeyRotation": True}
    template["Resources"]["Trail"]["Properties"]["EnableLogFileValidation"] = True  # type: ignore[index]
    assert out == json.dumps(template, indent=4) + "\n"


def test_a_parameter_default_is_edited_and_allowed_values_are_respected(tmp_path: Path) -> None:
    t = (
        "Parameters:\n  Rotate:\n    Type: String\n    Default: 'false'\n"
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
        "      EnableKeyRotation: !Ref Rotate\n"
    )
    root = repo(tmp_path, {"t.yaml": t})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert res.exit_code == 0, res.stderr
    assert read(root, "t.yaml") == t.replace("Default: 'false'", "Default: 'true'")
    locked = t.replace("Type: String\n", "Type: String\n    AllowedValues: ['false']\n")
    root2 = repo(tmp_path / "two", {"t.yaml": locked})
    res = run(root2, "fix", "--select", "KEY001", ".")
    assert read(root2, "t.yaml") == locked
    assert "AllowedValues" in res.stderr


# ---------------------------------------------------------------------------
# what it never touches
# ---------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX file permissions")
def test_read_only_files_are_never_written(tmp_path: Path) -> None:
    root = repo(tmp_path, {"main.tf": KMS})
    (root / "main.tf").chmod(0o444)
    res = run(root, "fix", "--select", "KEY001", ".")
    assert read(root, "main.tf") == KMS
    assert "read-only" in res.stderr
    assert res.exit_code == 1


def test_files_that_do_not_parse_are_left_untouched(tmp_path: Path) -> None:
    broken = KMS + 'resource "aws_s3_bucket" "x" {\n  bucket = \n'
    root = repo(tmp_path, {"main.tf": broken, "ok/main.tf": KMS})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert read(root, "main.tf") == broken
    assert read(root, "ok/main.tf") == KMS.replace("false", "true")
    assert res.exit_code == 3  # the scan is incomplete


def test_files_reached_through_a_symlink_or_outside_the_repository_are_never_written(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keys.tf").write_text(KMS, encoding="utf-8")
    root = repo(tmp_path / "repo", {"main.tf": 'output "x" {\n  value = 1\n}\n'})
    (root / "keys.tf").symlink_to(outside / "keys.tf")
    res = run(root, "fix", "--select", "KEY001", ".")
    assert (outside / "keys.tf").read_text(encoding="utf-8") == KMS
    assert (root / "keys.tf").is_symlink()
    assert "0 fixed" in res.stderr


def test_generated_modules_are_not_edited_and_the_user_is_told_where_the_fix_goes(
    tmp_path: Path,
) -> None:
    root = repo(
        tmp_path,
        {
            "main.tf": 'module "keys" {\n  source = "acme/keys/aws"\n  version = "1.0.0"\n}\n',
            ".terraform/modules/modules.json": json.dumps(
                {
                    "Modules": [
                        {"Key": "", "Source": "", "Dir": "."},
                        {
                            "Key": "keys",
                            "Source": "registry.terraform.io/acme/keys/aws",
                            "Version": "1.0.0",
                            "Dir": ".terraform/modules/keys",
                        },
                    ]
                }
            ),
            ".terraform/modules/keys/main.tf": KMS,
        },
    )
    res = run(root, "fix", "--select", "KEY001", ".")
    assert read(root, ".terraform/modules/keys/main.tf") == KMS
    assert "generated" in res.stderr and "module call" in res.stderr


def test_a_fix_that_makes_a_new_finding_is_rolled_back(tmp_path: Path) -> None:
    tf = 'resource "aws_db_instance" "db" {\n  engine            = "mysql"\n  storage_encrypted = false\n}\n'
    root = repo(tmp_path, {"main.tf": tf})
    # encrypting with the default key makes KEY004 (customer managed key) fire
    res = run(root, "fix", "--select", "ENC001,KEY004", "--unsafe-fixes", ".")
    assert read(root, "main.tf") == tf
    assert "rolled back: the edit made new finding(s): KEY004" in res.stderr


def test_the_pre_commit_hook_runs_fix_with_file_names_after_dashdash() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "soc2lint-fix"]
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["soc2lint", "fix"] and entry[-1] == "--"
    assert "--changed-files" in entry


def test_the_pre_commit_hook_fixes_the_changed_files(tmp_path: Path) -> None:
    root = repo(tmp_path, {"app/main.tf": KMS, "other/main.tf": KMS})
    res = run(root, "fix", "--select", "KEY001", "--changed-files", "--", "app/main.tf")
    assert res.exit_code == 0, res.stderr
    assert read(root, "app/main.tf") == KMS.replace("false", "true")
    assert read(root, "other/main.tf") == KMS


def test_at_least_forty_rules_have_a_fix_and_both_languages_where_the_rule_has_both() -> None:
    from helpers import registry

    assert len(fixable_rules()) >= 40
    langs: dict[str, set[str]] = {}
    for r in REMEDIES:
        langs.setdefault(r.rule, set()).add(r.language)
    by_id = {r.id: r for r in registry()}
    one_language_only: set[str] = set()
    for rule_id, have in langs.items():
        if rule_id in one_language_only:
            continue
        assert set(by_id[rule_id].languages) <= have, rule_id


# ---------------------------------------------------------------------------
# suggestions in reports
# ---------------------------------------------------------------------------


def test_sarif_results_carry_fixes_that_validate(tmp_path: Path) -> None:
    root = repo(tmp_path, {"main.tf": KMS, "t.yaml": YAML_T})
    res = run(root, "scan", "-f", "sarif", ".")
    assert not sarif_errors(res.stdout)
    results = json.loads(res.stdout)["runs"][0]["results"]
    fixes = {
        r["ruleId"]: r["fixes"]
        for r in results
        if "fixes" in r
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == ("main.tf" if r["ruleId"] == "KEY001" else "t.yaml")
    }
    assert {"KEY001", "LOG002", "ENC008"} <= set(fixes)
    change = fixes["KEY001"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "main.tf"
    (rep,) = change["replacements"]
    assert rep["deletedRegion"]["startLine"] == 4
    assert rep["insertedContent"]["text"] == "  enable_key_rotation = true\n"


def _rdjson_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RDJSON_SCHEMA.read_text(encoding="utf-8"))
    return data


def test_rdjson_validates_and_carries_suggestions_reviewdog_can_apply(tmp_path: Path) -> None:
    text = KMS.replace('"app" #', '"app — ünïcode" #')
    root = repo(tmp_path, {"main.tf": text})
    res = run(root, "scan", "-f", "rdjson", "--select", "KEY001,NET010", ".")
    doc = json.loads(res.stdout)
    errors = list(Draft4Validator(_rdjson_schema()).iter_errors(doc))
    assert not errors, errors
    (d,) = doc["diagnostics"]
    assert d["code"]["value"] == "KEY001" and d["location"]["path"] == "main.tf"
    (s,) = d["suggestions"]
    # a whole-line replacement: start of line 4 to start of line 5
    assert s["range"] == {"start": {"line": 4, "column": 1}, "end": {"line": 5, "column": 1}}
    assert s["text"] == "  enable_key_rotation = true\n"
    lines = text.splitlines(keepends=True)
    applied = "".join(lines[:3]) + s["text"] + "".join(lines[4:])
    assert applied == text.replace("false", "true")


def test_markdown_review_shows_the_suggested_change_under_new_findings(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "r"
    root.mkdir()
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)

    git("init", "-q", "-b", "main")
    (root / "main.tf").write_text('output "x" {\n  value = 1\n}\n', encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "base")
    (root / "keys.tf").write_text(KMS, encoding="utf-8")
    res = run(root, "scan", "-f", "markdown", "--diff-base", "main", "--select", "KEY001", ".")
    out = res.stdout
    assert "### Suggested fixes" in out
    assert (
        "```diff\n@@ keys.tf -4,1 +4,1 @@\n-  enable_key_rotation = false\n+  enable_key_rotation = true\n```"
        in out
    )


def test_fix_summary_lists_fixed_and_left_per_rule(tmp_path: Path) -> None:
    tf = KMS + '\nresource "aws_db_instance" "db" {\n  engine   = "mysql"\n  multi_az = false\n}\n'
    root = repo(tmp_path, {"main.tf": tf})
    res = run(root, "fix", "--diff", "--select", "KEY001,AVL001,ENC001", ".")
    lines = res.stderr.splitlines()
    assert lines[0].startswith("soc2lint fix: 1 would fix, 2 left")
    assert "  AVL001 rds-multi-az: 1 left" in lines
    assert "  KEY001 kms-key-rotation: 1 would fix" in lines
    assert any(line.startswith("    left:  main.tf:7 aws_db_instance.db: unsafe") for line in lines)


def test_mode_is_kept_when_a_file_is_written(tmp_path: Path) -> None:
    root = repo(tmp_path, {"main.tf": KMS})
    (root / "main.tf").chmod(0o600)
    run(root, "fix", "--select", "KEY001", ".")
    assert stat.S_IMODE((root / "main.tf").stat().st_mode) == 0o600


def test_a_variable_that_also_decides_something_else_is_not_edited(tmp_path: Path) -> None:
    module = (
        'variable "rotate" {\n  type = bool\n}\n\n'
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n\n'
        'resource "aws_sns_topic" "t" {\n  count = var.rotate ? 1 : 0\n}\n'
    )
    root_tf = 'module "keys" {\n  source = "./modules/keys"\n  rotate = false\n}\n'
    root = repo(tmp_path, {"main.tf": root_tf, "modules/keys/main.tf": module})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert read(root, "main.tf") == root_tf
    assert "modules/keys/main.tf:10 also uses" in res.stderr
    assert res.exit_code == 1


def test_a_parameter_used_twice_is_not_edited(tmp_path: Path) -> None:
    t = (
        "Parameters:\n  Flag:\n    Type: String\n    Default: 'false'\n"
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
        "      EnableKeyRotation: !Ref Flag\n"
        "  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n"
        "      DisplayName: !Sub 'flag-${Flag}'\n"
    )
    root = repo(tmp_path, {"t.yaml": t})
    res = run(root, "fix", "--select", "KEY001", ".")
    assert read(root, "t.yaml") == t
    assert "also uses" in res.stderr


def test_a_tree_too_large_to_copy_is_refused_with_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import soc2lint.fix.run as fix_run

    monkeypatch.setattr(fix_run, "MAX_COPY_FILES", 2)
    root = repo(tmp_path, {"a.tf": KMS, "b.tf": KMS, "c.tf": KMS})
    res = run(root, "fix", ".")
    assert res.exit_code == 2
    assert "works on a repository" in res.stderr
    assert read(root, "a.tf") == KMS

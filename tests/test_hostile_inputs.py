"""Issue 13 through the real command line: broken and hostile input, bounds,
the file system, output safety and secrets.

Most tests run ``python -m soc2lint.cli`` in a subprocess, exactly as a user
or CI would, and assert the exit code, that no traceback is printed, the
one-line finding for the bad input, and that a good file next to it still
yields its finding.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import count_calls, sarif_errors, write_files

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

GOOD_TF = 'resource "aws_s3_bucket" "good" {\n  bucket = "good"\n}\n'
GOOD_CFN = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  GoodBucket:\n    Type: AWS::S3::Bucket\n"
)


def cli(
    args: list[str], cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``soc2lint`` in a subprocess, as a user runs it (no --debug).

    A ``.soc2lint.toml`` the test wrote (the limits under test) is passed with
    ``--config``, as a workflow names its configuration: limits are not taken
    from a file found in the scanned tree."""
    if (cwd / ".soc2lint.toml").is_file() and "--config" not in args and args[0] == "scan":
        args = [*args, "--config", ".soc2lint.toml"]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
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
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def scan_json(
    root: Path, *extra: str, timeout: float = 120
) -> tuple[int, list[dict[str, Any]], str]:
    proc = cli(["scan", ".", "--no-cache", "--format", "json", *extra], root, timeout)
    return proc.returncode, json.loads(proc.stdout)["findings"], proc.stderr


def by_rule(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule_id"] == rule]


def limits(root: Path, **values: float) -> None:
    body = "\n".join(f"{k} = {v}" for k, v in values.items())
    (root / ".soc2lint.toml").write_text(f"[tool.soc2lint.limits]\n{body}\n", encoding="utf-8")


def good_still_reported(
    findings: list[dict[str, Any]], address: str = "aws_s3_bucket.good"
) -> bool:
    return any(f["address"] == address and f["rule_id"] == "BAK005" for f in findings)


# ---------------------------------------------------------------------------
# every file parses or is SYS001 at file:line:col, exit 3, the rest is scanned
# ---------------------------------------------------------------------------


BROKEN = {
    "bad/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n',
    "bad.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: [\n",
    "bad.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": }}',
    "badjson/main.tf.json": '{"resource": {"aws_s3_bucket": ',
    "binary/main.tf": "\x00\x01\x02",
}


def test_broken_files_are_sys001_with_position_and_the_good_files_are_still_scanned(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {**BROKEN, "good/main.tf": GOOD_TF, "good.yaml": GOOD_CFN})
    (tmp_path / "latin1").mkdir()
    (tmp_path / "latin1" / "main.tf").write_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    proc = cli(["scan", ".", "--no-cache"], tmp_path)
    assert proc.returncode == 3
    # the text report: the file's heading, then "  line:col  high     SYS001 parse-error ..."
    sections = re.split(r"^(?=\S)", proc.stdout, flags=re.M)
    for file in [*BROKEN, "latin1/main.tf"]:
        section = next(x for x in sections if x.startswith(file + "\n"))
        assert re.search(r"^  \d+:\d+  high +SYS001 parse-error  ", section, re.M), section
    assert "The scan is INCOMPLETE" in proc.stdout
    code, findings, _ = scan_json(tmp_path)
    assert code == 3
    sys001 = {f["file"]: f for f in by_rule(findings, "SYS001")}
    assert set(sys001) >= {*BROKEN, "latin1/main.tf"}
    positions = {file: (f["start_line"], f["start_col"]) for file, f in sys001.items()}
    assert positions["bad/main.tf"] == (2, 12)
    assert positions["latin1/main.tf"] == (2, 11)
    assert good_still_reported(findings)
    assert any(f["address"] == "GoodBucket" for f in findings)


def test_no_traceback_for_an_internal_error_without_debug(tmp_path: Path) -> None:
    write_files(tmp_path, {"good/main.tf": GOOD_TF})
    # a rules directory whose rule raises: SYS002, exit 3, no traceback
    write_files(
        tmp_path,
        {
            "plugins/boom.py": "from soc2lint.model import Severity\n"
            "from soc2lint.rule import Examples, bad, good, rule\n\n"
            "@rule(id='TST901', slug='boom', severity=Severity.LOW, tsc=('CC6.1',),\n"
            "      checklist='x', fix={'terraform': 'x'},\n"
            "      terraform=Examples(good=[good('')], bad=[]))\n"
            "def boom(ctx):\n"
            '    """Raises.\n\n    What it checks:\n        x.\n    Why it matters for SOC 2:\n'
            '        x.\n    References:\n        - https://example.com\n    """\n'
            "    raise ZeroDivisionError('kaboom')\n    yield\n\n"
            "RULES = [boom]\n"
        },
    )
    proc = cli(["scan", "good", "--no-cache", "--rules-dir", "plugins"], tmp_path)
    if proc.returncode == 2:  # the plugin was refused by validation: still no traceback
        assert "rule registry" in proc.stderr
        return
    assert proc.returncode == 3
    assert "SYS002" in proc.stdout and "kaboom" in proc.stdout


# ---------------------------------------------------------------------------
# bounds, configured in [tool.soc2lint.limits]
# ---------------------------------------------------------------------------


def test_file_size_limit(tmp_path: Path) -> None:
    big = "locals {\n" + "".join(f'  v{i} = "{"x" * 60}"\n' for i in range(400)) + "}\n"
    write_files(
        tmp_path,
        {
            "big/main.tf": big,
            "good/main.tf": GOOD_TF,
            "big.yaml": GOOD_CFN + "# " + "x" * 30000 + "\n",
        },
    )
    limits(tmp_path, max_file_bytes=20000)
    code, findings, _ = scan_json(tmp_path)
    assert code == 3
    over = {f["file"]: f["message"] for f in by_rule(findings, "SYS008")}
    assert "limits.max_file_bytes" in over["big/main.tf"]
    assert "limits.max_file_bytes" in over["big.yaml"]
    assert good_still_reported(findings)


def test_yaml_alias_bomb_is_refused_in_bounded_time(tmp_path: Path) -> None:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Mappings:", "  M:", '    a0: &a0 ["lol"]']
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += [
        "Resources:",
        "  B:",
        "    Type: AWS::S3::Bucket",
        "    Properties:",
        "      Tags: *a9",
    ]
    write_files(tmp_path, {"bomb.yaml": "\n".join(lines) + "\n", "good/main.tf": GOOD_TF})
    code, findings, _ = scan_json(tmp_path, timeout=60)
    assert code == 3
    # the alias expansion stopped at its node budget (limits.max_yaml_nodes)
    assert any("alias" in f["message"] for f in findings if f["rule_id"] in ("SYS001", "SYS008"))
    assert good_still_reported(findings)


def test_module_depth_limit(tmp_path: Path) -> None:
    files = {"root/main.tf": 'module "m1" {\n  source = "../m1"\n}\n', "good/main.tf": GOOD_TF}
    for i in range(1, 8):
        files[f"m{i}/main.tf"] = f'module "m{i + 1}" {{\n  source = "../m{i + 1}"\n}}\n'
    files["m8/main.tf"] = 'resource "aws_s3_bucket" "deep" {\n  bucket = "d"\n}\n'
    write_files(tmp_path, files)
    limits(tmp_path, max_module_depth=3)
    code, findings, _ = scan_json(tmp_path, "--select", "BAK005,SYS")
    assert code == 3
    assert any("limits.max_module_depth" in f["message"] for f in findings)
    assert good_still_reported(findings)


def test_count_expansion_limit(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "many/main.tf": 'resource "aws_s3_bucket" "many" {\n  count  = 100000\n  bucket = "b${count.index}"\n}\n',
            "each/main.tf": 'resource "aws_s3_bucket" "each" {\n  for_each = toset([for i in range(5000) : tostring(i)])\n  bucket = each.key\n}\n',
            "good/main.tf": GOOD_TF,
        },
    )
    limits(tmp_path, max_expansion=20)
    code, findings, _ = scan_json(tmp_path, "--select", "BAK005,SYS")
    assert code == 3
    capped = {f["address"]: f["message"] for f in by_rule(findings, "SYS008")}
    assert "limits.max_expansion" in capped["aws_s3_bucket.many"]
    assert "limits.max_expansion" in capped["aws_s3_bucket.each"]
    # capped, not dropped: the first instances are still checked
    assert len([f for f in findings if f["address"].startswith("aws_s3_bucket.many[")]) == 20
    assert good_still_reported(findings)


@pytest.mark.parametrize(
    "expr",
    [
        "length(range(1e9))",
        "length([for a in range(1000) : [for b in range(1000) : a * b]])",
        "length(setproduct(range(300), range(300), range(300)))",
        'length(format("%0999999999d", 1))',
    ],
)
def test_evaluation_step_limit(tmp_path: Path, expr: str) -> None:
    write_files(
        tmp_path,
        {
            "heavy/main.tf": f'resource "aws_s3_bucket" "heavy" {{\n  bucket = {expr}\n}}\n',
            "good/main.tf": GOOD_TF,
        },
    )
    code, findings, _ = scan_json(tmp_path, "--select", "BAK005,SYS")
    assert code == 3
    # the step budget stopped the evaluation
    assert any("limits.max_eval_steps" in f["message"] for f in by_rule(findings, "SYS008"))
    assert good_still_reported(findings)


def test_file_time_budget(tmp_path: Path) -> None:
    body = "\n".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b{i}"\n  tags = {{ a = "${{var.x}}-{i}" }}\n}}'
        for i in range(3000)
    )
    cfn = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + "".join(
        f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b{i}\n"
        for i in range(6000)
    )
    write_files(tmp_path, {"slow/main.tf": body, "slow.yaml": cfn, "good/main.tf": GOOD_TF})
    limits(tmp_path, file_time_budget=0.05)
    code, findings, _ = scan_json(tmp_path, "--select", "BAK005,SYS", "--jobs", "1")
    assert code == 3
    slow = {
        f["file"] for f in by_rule(findings, "SYS008") if "limits.file_time_budget" in f["message"]
    }
    assert slow == {"slow/main.tf", "slow.yaml"}
    assert good_still_reported(findings)


def test_time_budget_interrupts_a_slow_parse_in_process() -> None:
    from soc2lint.frontend import TimeBudgetExceeded, time_budget

    with pytest.raises(TimeBudgetExceeded, match=r"limits\.file_time_budget"), time_budget(0.2):
        # a parser stuck in pure Python; a timer that never fires ends the loop (minutes)
        # and then nothing is raised
        for _ in range(2_000_000_000):
            pass
    with time_budget(5):  # a quick block is not disturbed, and the timer is cleared
        pass
    import signal

    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_limits_are_validated(tmp_path: Path) -> None:
    write_files(tmp_path, {"good/main.tf": GOOD_TF})
    (tmp_path / ".soc2lint.toml").write_text("[tool.soc2lint.limits]\nmax_file_bytez = 3\n")
    proc = cli(["scan", ".", "--no-cache"], tmp_path)
    assert proc.returncode == 2
    assert "max_file_bytez" in proc.stderr


# ---------------------------------------------------------------------------
# the file system
# ---------------------------------------------------------------------------


def test_symlink_loops_and_links_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    write_files(root, {"good/main.tf": GOOD_TF})
    write_files(
        outside,
        {
            "secret/main.tf": 'resource "aws_s3_bucket" "outside" {\n  bucket = "SHOULD-NOT-BE-PRINTED"\n}\n'
        },
    )
    (root / "good" / "a.tf").symlink_to("b.tf")  # a.tf -> b.tf -> a.tf
    (root / "good" / "b.tf").symlink_to("a.tf")
    (root / "self.yaml").symlink_to("self.yaml")
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")  # a directory loop
    (root / "linked-dir").symlink_to(outside / "secret")  # not followed
    (root / "good" / "linked.tf").symlink_to(outside / "secret" / "main.tf")
    for follow in (False, True):
        if follow:
            (root / ".soc2lint.toml").write_text("[tool.soc2lint]\nfollow-symlinks = true\n")
        proc = cli(["scan", ".", "--no-cache", "--format", "json"], root, timeout=60)
        findings = json.loads(proc.stdout)["findings"]
        assert good_still_reported(findings)
        assert not [f for f in findings if "outside" in f["address"]]
        assert "SHOULD-NOT-BE-PRINTED" not in proc.stdout
        # the .tf symlinked out of the root is refused and said so
        refused = [f for f in by_rule(findings, "SYS001") if "linked.tf" in json.dumps(f)]
        assert refused and "outside the scanned repository" in refused[0]["message"]
        text = cli(["scan", ".", "--no-cache"], root, timeout=60)
        assert "SHOULD-NOT-BE-PRINTED" not in text.stdout


def test_fifo_and_device_files_do_not_block(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    write_files(tmp_path, {"good/main.tf": GOOD_TF})
    os.mkfifo(tmp_path / "good" / "pipe.tf")
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "pipe.json")
    _, findings, _ = scan_json(tmp_path, timeout=60)
    assert good_still_reported(findings)


def test_module_sources_and_file_paths_that_escape_the_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(
        tmp_path,
        {"outside/mod/main.tf": 'resource "aws_s3_bucket" "outside" {\n  bucket = "o"\n}\n'},
    )
    write_files(
        root,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "infra/main.tf": 'module "escape" {\n  source = "../../outside/mod"\n}\n'
            'resource "aws_iam_policy" "p" {\n  policy = file("/etc/passwd")\n}\n'
            'resource "aws_iam_policy" "q" {\n  policy = templatefile("${path.module}/../../outside/mod/main.tf", {})\n}\n',
            "good/main.tf": GOOD_TF,
        },
    )
    code, findings, _ = scan_json(root)
    assert code == 3
    refused = by_rule(findings, "SYS007")
    assert {f["address"] for f in refused} >= {
        "module.escape",
        "aws_iam_policy.p",
        "aws_iam_policy.q",
    }
    assert not [f for f in findings if f["address"].endswith("outside")]
    assert good_still_reported(findings)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"Modules": [{"Key": "m", "Source": "x", "Dir": "../../../../etc"}]}',
        '{"Modules": [{"Key": "m", "Source": "x", "Dir": "/etc"}]}',
        '{"Modules": "nope"}',
        '{"Modules": [null, 3, {"Key": 5, "Dir": []}]}',
        "[]",
    ],
)
def test_malformed_or_escaping_modules_json(tmp_path: Path, content: str) -> None:
    write_files(
        tmp_path,
        {
            "app/main.tf": 'module "m" {\n  source = "registry.example/x/y"\n}\n' + GOOD_TF,
            "app/.terraform/modules/modules.json": content,
        },
    )
    code, findings, _ = scan_json(tmp_path)
    assert code in (1, 3)
    assert good_still_reported(findings)
    assert not [f for f in findings if f["file"].startswith("/")]
    if content.startswith("{not"):  # was: silently treated as "no modules installed"
        [bad] = by_rule(findings, "SYS001")
        assert bad["file"] == "app/.terraform/modules/modules.json"
        assert (bad["start_line"], bad["start_col"]) == (1, 2)
        assert code == 3
    if "etc" in content:
        [refused] = by_rule(findings, "SYS007")
        assert "outside the scanned repository" in refused["message"]


def test_names_with_spaces_unicode_and_newlines(tmp_path: Path) -> None:
    names = ["with space", "ünïcødé 名前", "new\nline", "per%cent::colon,comma"]
    for name in names:
        write_files(tmp_path, {f"{name}/main.tf": GOOD_TF.replace('"good"', '"g"', 1)})
    write_files(tmp_path, {"good/main.tf": GOOD_TF, "tpl dir/ü t.yaml": GOOD_CFN})
    for fmt in ("json", "sarif", "github", "markdown", "text"):
        proc = cli(["scan", ".", "--no-cache", "--format", fmt], tmp_path)
        assert proc.returncode == 1, (fmt, proc.stderr)
        if fmt == "json":
            files = {f["file"] for f in json.loads(proc.stdout)["findings"]}
            assert {f"{n}/main.tf" for n in names} <= files
            assert "tpl dir/ü t.yaml" in files
        if fmt == "sarif":
            assert not sarif_errors(proc.stdout)
        if fmt == "github":
            for line in proc.stdout.splitlines():
                assert line.startswith("::") or not line.strip(), line


def test_unreadable_files_and_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission bits do not stop root, so unreadability is simulated in-process
    (the real chmod test below runs when not root)."""
    from click.testing import CliRunner

    from soc2lint.cli import main

    write_files(
        tmp_path,
        {
            "locked/main.tf": 'resource "aws_s3_bucket" "x" {}\n',
            "locked.yaml": GOOD_CFN.replace("GoodBucket", "Locked"),
            "good/main.tf": GOOD_TF,
        },
    )
    real_read_bytes = Path.read_bytes
    real_open = Path.open

    def deny(path: Path) -> bool:
        return path.name in ("main.tf", "locked.yaml") and "locked" in str(path)

    def read_bytes(self: Path) -> bytes:
        if deny(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if deny(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    real_builtin_open = builtins.open

    def builtin_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path) and deny(Path(file)):
            raise PermissionError(13, "Permission denied", str(file))
        return real_builtin_open(file, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(builtins, "open", builtin_open)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", ".", "--no-cache", "--jobs", "1", "--format", "json"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 3
    denied = [f for f in by_rule(findings, "SYS001") if "Permission denied" in f["message"]]
    assert {f["file"] for f in denied} >= {"locked/main.tf", "locked.yaml"}
    assert good_still_reported(findings)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file regardless of mode"
)
def test_unreadable_files_with_real_permissions(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "locked/main.tf": GOOD_TF.replace("good", "locked"),
            "good/main.tf": GOOD_TF,
            "closed/x/main.tf": GOOD_TF,
        },
    )
    (tmp_path / "locked" / "main.tf").chmod(0)
    (tmp_path / "closed").chmod(0)
    try:
        code, findings, _ = scan_json(tmp_path)
    finally:
        (tmp_path / "locked" / "main.tf").chmod(0o644)
        (tmp_path / "closed").chmod(0o755)
    assert code == 3
    assert good_still_reported(findings)


# ---------------------------------------------------------------------------
# output safety: newlines, workflow commands, %, markdown and HTML; secrets
# ---------------------------------------------------------------------------

HOSTILE_KEYS = [
    "a\n::error file=evil.tf,line=1::injected",
    "50% off %0A %25 <img src=x onerror=alert(1)> | `tick` [link](http://example.com) *b* _i_",
    "line\r\nbreak\u2028sep",
]


def test_hostile_names_are_escaped_in_every_format(tmp_path: Path) -> None:
    keys = ", ".join(json.dumps(k) for k in HOSTILE_KEYS)
    write_files(
        tmp_path,
        {
            "main.tf": f'resource "aws_s3_bucket" "h" {{\n  for_each = toset([{keys}])\n  bucket = "b"\n}}\n',
        },
    )
    outs = {}
    for fmt in ("json", "sarif", "github", "markdown", "text"):
        proc = cli(["scan", ".", "--no-cache", "--format", fmt, "--select", "BAK005"], tmp_path)
        assert proc.returncode == 1, (fmt, proc.stderr)
        outs[fmt] = proc.stdout
    findings = json.loads(outs["json"])["findings"]
    addresses = {f["address"] for f in findings}
    for marker in ("injected", "onerror", "break"):
        assert any(marker in a for a in addresses), marker
    assert not sarif_errors(outs["sarif"])
    sarif_text = json.dumps(json.loads(outs["sarif"]))
    assert "injected" in sarif_text
    # GitHub: every line is one of our commands; nothing a key wrote starts a new one
    for line in outs["github"].splitlines():
        if not line.strip():
            continue
        m = re.match(r"^::(error|warning|notice)( [^:]*)?::(.*)$", line)
        assert m, line
        props, data = m.group(2) or "", m.group(3)
        assert "\r" not in data and "\n" not in data
        assert "file=evil.tf" not in props
        assert re.fullmatch(r"[^%]*(%(25|0A|0D|3A|2C)[^%]*)*", data), data  # every % is an escape
        assert "\u2028" not in line and "\x1b" not in line
    assert "injected" in outs["github"]
    # markdown: no raw HTML, no broken table rows
    md = outs["markdown"]
    # what a CommonMark parser renders: no HTML at all (an <img> inside a code span is text)
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(md)
    inline = [c for t in tokens for c in (t.children or [])]
    assert not [t for t in [*tokens, *inline] if t.type in ("html_inline", "html_block")]
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.rstrip().endswith("|"), line
    # text: a key cannot forge a line of its own
    assert not any(line.startswith("::error") for line in outs["text"].splitlines())
    assert "\r" not in outs["text"]


SECRET = "Zq8uV3bN7xKpL2mW9sT4hR6yE1cAxyz"


def _secret_project(root: Path) -> None:
    write_files(
        root,
        {
            "app/main.tf": 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role = "r"\n'
            "  environment {\n    variables = {\n"
            f'      SMTP_PASSWORD = "{SECRET}"\n'
            "    }\n  }\n}\n"
            'variable "db_password" {\n'
            f'  default = "{SECRET}-db"\n'
            "}\n"
            'resource "aws_db_instance" "d" {\n  password = var.db_password\n}\n',
            "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n"
            "    Type: AWS::Lambda::Function\n    Properties:\n      Role: r\n"
            "      Environment:\n        Variables:\n"
            f"          API_TOKEN: {SECRET}-cfn\n",
        },
    )


def test_secrets_are_masked_in_every_format(tmp_path: Path) -> None:
    _secret_project(tmp_path)
    fixture_secrets = _fixture_secrets()
    paths = [
        ".",
        str(FIXTURES / "terraform" / "secrets"),
        str(FIXTURES / "cloudformation" / "secrets"),
    ]
    for fmt in ("json", "sarif", "github", "markdown", "text"):
        args = ["scan", *paths, "--no-cache", "--format", fmt, "--select", "SEC"]
        if fmt == "sarif":
            args.append("--sarif-include-suppressed")
        proc = cli(args, tmp_path)
        assert proc.returncode in (1, 3), (fmt, proc.stderr)
        out = proc.stdout
        assert "SEC" in out, fmt
        if fmt == "sarif":  # the rules' help quotes AWS's documented example key: results only
            run = json.loads(out)["runs"][0]
            out = json.dumps([run.get("results"), run.get("invocations"), run.get("properties")])
        assert SECRET[:-4] not in out, f"raw secret in {fmt}"
        for raw in fixture_secrets:
            assert raw[:-4] not in out, f"fixture secret {raw} in {fmt}"
    baseline = tmp_path / "baseline.json"
    cli(["baseline", "create", "--output", str(baseline), ".", "--no-cache"], tmp_path)
    if baseline.exists():
        assert SECRET[:-4] not in baseline.read_text()


def _fixture_secrets() -> list[str]:
    """Literal secrets written in the secrets fixtures (the lines the SEC findings point at)."""
    out = []
    for path in [
        *(FIXTURES / "terraform" / "secrets").rglob("*.tf*"),
        *(FIXTURES / "cloudformation" / "secrets").rglob("*.y*ml"),
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"(?i)(password|secret|token|api_key|apikey|private_key)\w*\s*[=:]", line):
                for m in re.finditer(
                    r'"([A-Za-z0-9+/=_\-]{16,})"|:\s+([A-Za-z0-9+/=_\-]{16,})\s*$', line
                ):
                    value = m.group(1) or m.group(2)
                    if not value.startswith(("arn", "var", "data")) and not re.fullmatch(
                        r"[a-z_\-]+", value
                    ):
                        out.append(value)
    return out


def test_yaml_alias_limit_is_configurable(tmp_path: Path) -> None:
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\nMappings:\n  M:\n    a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
        "    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *b\n"
    )
    write_files(tmp_path, {"aliases.yaml": template, "good/main.tf": GOOD_TF})
    code, findings, _ = scan_json(tmp_path)
    assert not by_rule(findings, "SYS008")  # about 100 values: fine by default
    limits(tmp_path, max_yaml_nodes=50)
    code, findings, _ = scan_json(tmp_path)
    assert code == 3
    [limited] = by_rule(findings, "SYS008")
    assert limited["file"] == "aliases.yaml"
    assert "limits.max_yaml_nodes" in limited["message"]
    assert good_still_reported(findings)


@pytest.mark.parametrize("option", ["--cfn-parameters", "--baseline"])
@pytest.mark.parametrize("content", ["[" * 100000, '{"a": ' + "9" * 5000 + "}", "\xff"])
def test_hostile_option_files_are_usage_errors(tmp_path: Path, option: str, content: str) -> None:
    write_files(tmp_path, {"good/main.tf": GOOD_TF})
    (tmp_path / "opt.json").write_bytes(
        content.encode("utf-8", "surrogateescape") if content != "\xff" else b"\xff"
    )
    proc = cli(["scan", "good", "--no-cache", option, "opt.json"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert option in proc.stderr


def test_nested_module_counts_are_bounded_in_total(tmp_path: Path) -> None:
    # 100 x 100 x 100 resources through nested module calls each under max_expansion:
    # a million resources, MemoryError after two minutes and 8 GB; now capped in total
    write_files(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "root/main.tf": 'module "a" {\n  count  = 100\n  source = "../m1"\n}\n',
            "m1/main.tf": 'module "b" {\n  count  = 100\n  source = "../m2"\n}\n',
            "m2/main.tf": 'resource "aws_s3_bucket" "x" {\n  count  = 100\n  bucket = "b${count.index}"\n}\n',
            "good/main.tf": GOOD_TF,
        },
    )
    limits(tmp_path, max_total_instances=2000)
    proc = cli(
        ["scan", "root", "good", "--no-cache", "--format", "json", "--select", "BAK005,SYS"],
        tmp_path,
    )
    assert proc.returncode == 3
    findings = json.loads(proc.stdout)["findings"]
    capped = [
        f for f in by_rule(findings, "SYS008") if "limits.max_total_instances" in f["message"]
    ]
    assert capped
    assert (
        len(
            [
                f
                for f in findings
                if f["address"].endswith("]") and "aws_s3_bucket.x" in f["address"]
            ]
        )
        <= 2000
    )
    assert good_still_reported(findings)


def test_a_name_shared_by_thousands_of_nodes_links_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from soc2lint import links
    from soc2lint.links import literal_edges
    from soc2lint.model import Node, Range

    def bucket(i: int, name: str) -> Node:
        return Node(
            scope=".",
            address=f"aws_s3_bucket.b[{i}]",
            kind="AWS::S3::Bucket",
            type="aws_s3_bucket",
            language="terraform",
            category="resource",
            name="b",
            attrs={"bucket": name},
            range=Range("main.tf", 1, 1),
        )

    def versioning(name: str) -> Node:
        return Node(
            scope=".",
            address="aws_s3_bucket_versioning.v",
            kind="AWS::S3::BucketVersioning",
            type="aws_s3_bucket_versioning",
            language="terraform",
            category="resource",
            name="v",
            attrs={"bucket": name},
            range=Range("main.tf", 1, 1),
        )

    made = count_calls(monkeypatch, links, "Edge")
    shared = [bucket(i, "same") for i in range(5000)]
    assert literal_edges([*shared, versioning("same")]) == []  # was 25 million edges
    assert made.count == 0  # none built and dropped either
    unique = [bucket(0, "mine"), versioning("mine")]
    [edge] = literal_edges(unique)
    assert edge.dst.endswith("aws_s3_bucket.b[0]")


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_default_limits_bound_the_instances_and_memory_of_a_multiplying_configuration(
    tmp_path: Path,
) -> None:
    """A million resources asked for (100 x 100 x 100 through modules), default limits:
    stopped at max_total_instances, in bounded memory (was: 8 GB, MemoryError)."""
    import resource

    write_files(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "root/main.tf": 'module "a" {\n  count  = 100\n  source = "../m1"\n}\n',
            "m1/main.tf": 'module "b" {\n  count  = 100\n  source = "../m2"\n}\n',
            "m2/main.tf": 'resource "aws_s3_bucket" "x" {\n  count  = 100\n  bucket = "b${count.index}"\n}\n',
        },
    )
    proc = subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", "scan", "root", "--no-cache", "--select", "SYS"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=False,
    )
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "limits.max_total_instances" in proc.stdout
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 3 * 1024 * 1024, f"peak {peak_kib} KiB"


# ---------------------------------------------------------------------------
# issue 17: small inputs cannot exhaust the machine (counters, not clocks; the
# timings are in bench/RESULTS.md)
# ---------------------------------------------------------------------------


def _fan_out(levels: int, calls: int = 10) -> dict[str, str]:
    files = {".git/HEAD": "ref: refs/heads/main\n"}
    for level in range(levels):
        body = "".join(
            f'module "m{i}" {{\n  source = "../l{level + 1}"\n}}\n' for i in range(calls)
        )
        files[f"l{level}/main.tf"] = body
    files[f"l{levels}/main.tf"] = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
    return files


def test_plain_module_fan_out_is_bounded_by_module_instances(tmp_path: Path) -> None:
    # 10 plain calls a level, 5 levels: 111,110 module instances from 1.8 KB of HCL
    write_files(tmp_path, {**_fan_out(5), "good/main.tf": GOOD_TF})
    limits(tmp_path, max_module_instances=300)
    proc = cli(
        ["scan", "l0", "good", "--no-cache", "--format", "json", "--select", "BAK005,ENC,SYS"],
        tmp_path,
    )
    assert proc.returncode == 3, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    capped = by_rule(findings, "SYS008")
    assert len(capped) == 1 and "limits.max_module_instances" in capped[0]["message"]
    queues = [f for f in findings if "aws_sqs_queue.q" in f["address"]]
    assert len({f["address"] for f in queues}) <= 300
    assert good_still_reported(findings)


def test_module_instances_count_against_the_instance_budget(tmp_path: Path) -> None:
    write_files(tmp_path, _fan_out(4))
    limits(tmp_path, max_total_instances=150)
    code, findings, _ = scan_json(tmp_path, "--select", "SYS")
    assert code == 3
    [capped] = by_rule(findings, "SYS008")
    assert "limits.max_total_instances" in capped["message"]


def test_an_escalation_check_is_linear_in_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # IAM004 compared every statement with every other: range(3000) took 160 s
    from soc2lint.views import policy

    calls = {"n": 0}
    real = policy.allows_action

    def counted(stmt: Any, action: str) -> bool | None:
        calls["n"] += 1
        return real(stmt, action)

    from soc2lint.rules.iam import _shared as iam_shared

    # every module IAM004's code calls allows_action through
    for module in (policy, iam_shared):
        monkeypatch.setattr(module, "allows_action", counted)
    n = 600
    write_files(
        tmp_path,
        {
            "main.tf": (
                'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = jsonencode({\n'
                '    Version = "2012-10-17"\n    Statement = concat(\n'
                f'      [for i in range({n}) : {{ Effect = "Allow", Action = ["iam:PassRole"], '
                'Resource = "*" }],\n'
                f'      [for i in range({n}) : {{ Effect = "Deny", Action = ["s3:Get${{i}}"], '
                'Resource = "*" }],\n    )\n  })\n}\n'
            )
        },
    )
    from soc2lint.config import Config

    from helpers import registry, scan

    scan([tmp_path], base=tmp_path, config=Config(select=("IAM004",)), reg=registry())
    assert 0 < calls["n"] < 200 * (2 * n)  # a few dozen actions per statement, not n per statement


def test_a_catastrophic_regex_in_every_instance_costs_one_timeout(tmp_path: Path) -> None:
    evil = "a" * 40 + "!"
    write_files(
        tmp_path,
        {
            "main.tf": (
                'resource "aws_sqs_queue" "q" {\n  count = 1000\n'
                f'  name  = can(regex("^(a|aa)+$", "{evil}${{count.index}}")) ? "x" : "y"\n}}\n'
            ),
        },
    )
    limits(tmp_path, max_regex_seconds=0.5)
    code, findings, _ = scan_json(tmp_path, "--select", "SYS")
    assert code == 3
    messages = [f["message"] for f in by_rule(findings, "SYS008")]
    ran_out = [m for m in messages if "ran out of time" in m]
    refused = [m for m in messages if "this one was not run" in m]
    assert len(ran_out) == 1  # the budget is the scan's, not each call's
    assert len(ran_out) + len(refused) <= 1000


def test_nested_foreach_stops_once_and_keeps_findings_bounded(tmp_path: Path) -> None:
    # five nested loops of ten (766 bytes): 100,000 resources, 4.8 GB and 540k findings
    items = [f"v{i}" for i in range(10)]
    body: dict[str, Any] = {"Bucket${A}${B}${C}${D}${E}": {"Type": "AWS::S3::Bucket"}}
    for name in reversed("ABCDE"):
        body = {f"Fn::ForEach::L{name}": [name, items, body]}
    template = json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Transform": "AWS::LanguageExtensions",
            "Resources": body,
        }
    )
    write_files(tmp_path, {"loops.json": template, "good.yaml": GOOD_CFN})
    code, findings, _ = scan_json(tmp_path, "--select", "BAK005,SYS")
    assert code == 3
    capped = by_rule(findings, "SYS008")
    assert len(capped) == 1 and "limits.max_expansion" in capped[0]["message"]
    buckets = {f["address"] for f in findings if f["address"].startswith("Bucket")}
    assert 0 < len(buckets) <= 1000
    assert any(f["address"] == "GoodBucket" for f in findings)


def test_precommit_path_does_not_read_a_symlink_to_a_device(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "infra/main.tf": GOOD_TF,
            "stacks/app.yaml": "Resources:\n  A:\n    Type: AWS::SQS::Queue\n",
        },
    )
    (tmp_path / "infra" / "zero.tf").symlink_to("/dev/zero")
    (tmp_path / "stacks" / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "stacks" / "root.yaml").symlink_to("/")
    proc = cli(
        ["scan", "--changed-files", "--no-cache", "--format", "json", "--",
         "infra/zero.tf", "stacks/zero.yaml", "stacks/root.yaml", "infra/main.tf"],
        tmp_path,
        timeout=120,
    )  # fmt: skip
    findings = json.loads(proc.stdout)["findings"]
    assert good_still_reported(findings)
    assert not [f for f in findings if f["file"].startswith("/")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("option", ["--cfn-parameters", "--baseline", "--config"])
@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_option_files_that_are_devices_or_fifos_are_refused(
    tmp_path: Path, option: str, target: str
) -> None:
    write_files(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", "good/main.tf": GOOD_TF})
    if target == "fifo":
        os.mkfifo(tmp_path / "opt.json")
    else:
        (tmp_path / "opt.json").symlink_to(target)
    proc = cli(["scan", "good", "--no-cache", option, "opt.json"], tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "regular file" in proc.stderr or "outside" in proc.stderr


def test_memory_error_while_rendering_is_exit_3(tmp_path: Path) -> None:
    write_files(tmp_path, {"good/main.tf": GOOD_TF})
    script = (
        "import sys\n"
        "import soc2lint.report as r\n"
        "def boom(*a, **k):\n    raise MemoryError()\n"
        "r.render = boom\n"
        "from soc2lint.cli import main\n"
        "sys.argv = ['soc2lint', 'scan', 'good', '--no-cache']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "out of memory" in proc.stderr


def test_blank_lines_in_a_heredoc_cannot_stall_the_parse(tmp_path: Path) -> None:
    """python-hcl2's heredoc pattern backtracks quadratically over blank lines, inside one
    regex call no time budget stops (1 MB after an unclosed ``<<EOT``: hours).  An unclosed
    heredoc with 300,000 blank lines is a limit reached at its line (SYS008, exit 3); a
    closed one parses (the fast parser reads heredocs in linear time); the rest is scanned."""
    blank = "\n" * 300_000
    write_files(
        tmp_path,
        {
            "open/main.tf": "locals {\n  script = <<EOT\n" + blank,
            "closed/main.tf": "locals {\n  script = <<EOT\n" + blank + "EOT\n}\n" + GOOD_TF,
            "good/main.tf": GOOD_TF,
        },
    )
    code, findings, _ = scan_json(tmp_path, timeout=120)
    assert code == 3
    limited = by_rule(findings, "SYS008")
    assert [(f["file"], f["start_line"]) for f in limited] == [("open/main.tf", 2)]
    assert "blank lines" in limited[0]["message"]
    assert not by_rule(findings, "SYS001")
    assert good_still_reported(findings)

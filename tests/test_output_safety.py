"""Issue 17, point 3: output cannot be forged or hidden.

Markdown is checked with a real CommonMark parser (markdown-it-py, with GitHub's
tables): what a reviewer sees is what the parser renders, not what the text
looks like.  Text, JSON, SARIF and stderr are checked for the lines a GitHub
runner would execute as workflow commands.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from soc2lint.diff import DiffInfo, SuppressionChange
from soc2lint.engine import ScanResult
from soc2lint.graph import ResourceGraph
from soc2lint.model import Finding, Range, Related, Severity
from soc2lint.report import mdsafe, render
from soc2lint.report.neutral import neutralize, one_line
from soc2lint.suppressions import SuppressionEntry

from helpers import registry, write_files

REPO = Path(__file__).resolve().parent.parent

#: names a hostile pull request can give a file, a directory, a for_each key
HOSTILE = [
    "a\nb",
    "x`y",
    "``z``",
    "`lead",
    "trail`",
    "<!-- hide the rest",
    "--> <img src=x onerror=alert(1)>",
    "<details><summary>x</summary>",
    "a | b | c",
    "[click](https://evil.example)",
    "![i](https://evil.example/i.png)",
    "@octocat please merge",
    "$\\color{green}{\\text{all checks passed}}$",
    "*bold* _em_ ~~strike~~",
    "# heading",
    "\u202eevil\u202c",
    "line\r\nbreak\u2028sep",
    "\x1b[31mred\x1b[0m",
    "::error file=README.md,line=1::All checks passed",
    "tab\there",
    "back\\slash\\_x",
    "aws\\_db\\_instance",
    "&lt;entity&gt;",
]


def md_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def tokens(text: str) -> list[Token]:
    out: list[Token] = []

    def walk(ts: list[Token]) -> None:
        for t in ts:
            out.append(t)
            if t.children:
                walk(t.children)

    walk(md_parser().parse(text))
    return out


def _codes_in_cells(text: str) -> set[str]:
    out: set[str] = set()
    in_cell = False
    for t in md_parser().parse(text):
        if t.type in ("td_open", "th_open"):
            in_cell = True
        elif t.type in ("td_close", "th_close"):
            in_cell = False
        elif t.type == "inline" and in_cell:
            out.update(c.content for c in t.children or [] if c.type == "code_inline")
    return out


def _finding(i: int, address: str, file: str, message: str, **kw: Any) -> Finding:
    return Finding(
        rule_id="NET009",
        slug="internet-exposed",
        severity=Severity.HIGH,
        message=message,
        address=address,
        range=Range(file, i + 1, 1, i + 1, 10),
        scope=".",
        fix="Close `0.0.0.0/0`.",
        **kw,
    )


def _result(findings: list[Finding], tmp_path: Path, diff: DiffInfo | None = None) -> ScanResult:
    reg = registry()
    r = ScanResult(
        findings=findings,
        rules_run=list(reg),
        registry=reg,
        graph=ResourceGraph(),
        files=sorted({f.range.file for f in findings}),
        root=tmp_path,
        base=tmp_path,
    )
    r.diff = diff
    return r


def _hostile_findings() -> list[Finding]:
    return [
        _finding(i, f'aws_db_instance.db["{h}"]', f"dir/{h}.tf", f"`aws_db_instance.db[{h}]` {h}")
        for i, h in enumerate(HOSTILE)
    ]


def _review(tmp_path: Path, findings: list[Finding]) -> str:
    entry = SuppressionEntry(
        "inline",
        ("NET009",),
        reason=HOSTILE[5],
        expires="2027-01-01 <!--",
        range=Range("x\n<!--.tf", 3, 1),
        target=(".", HOSTILE[1]),
    )
    diff = DiffInfo(base_ref="main`<b>", base_sha="0" * 40, new=findings)
    diff.suppressions = [SuppressionChange(entry, "added")]
    diff.notes = [
        "this change edits the configuration file `x`<!--/a\nb/.soc2lint.toml`; the verdict "
        "uses the base commit's version"
    ]
    return render("markdown", _result(findings, tmp_path, diff), threshold=Severity.LOW)


@pytest.mark.parametrize("review", [False, True])
def test_markdown_renders_every_hostile_string_as_itself(tmp_path: Path, review: bool) -> None:
    findings = _hostile_findings()
    if review:
        text = _review(tmp_path, findings)
    else:
        text = render("markdown", _result(findings, tmp_path), threshold=Severity.LOW)
    toks = tokens(text)
    # no HTML but the report's own <details> (none in these short reports)
    html = [t.content for t in toks if t.type in ("html_inline", "html_block")]
    assert html == [], html
    # every address is a code span inside a table cell: nothing ended a row early
    codes = _codes_in_cells(text)
    texts = "".join(t.content for t in toks if t.type == "text")
    for f in findings:
        shown = one_line(f.address)
        assert shown in codes, (shown, sorted(codes))
    for h in HOSTILE:
        # text outside code spans renders as the characters themselves (no markup taken)
        assert one_line(h).replace("@", "@\u2060") in texts, h
    # links: the target is the percent-encoded file name, nothing else
    hrefs = [t.attrs["href"] for t in toks if t.type == "link_open"]
    files = {unquote(str(h).split("#")[0]) for h in hrefs if "#L" in str(h)}
    assert {f.range.file for f in findings} <= files
    for h in hrefs:
        assert not re.search(r"[\s<>()`\"']", str(h)), h
    # nobody is mentioned, no math, nothing bold or struck through from the tree
    assert not [t for t in toks if t.type in ("em_open", "s_open", "image")]
    assert sum(1 for t in toks if t.type == "strong_open") == 1  # the verdict only
    assert "@octocat" not in texts


def test_review_prints_expires_and_reasons_escaped(tmp_path: Path) -> None:
    text = _review(tmp_path, _hostile_findings())
    toks = tokens(text)
    texts = "".join(t.content for t in toks if t.type == "text")
    assert "2027-01-01 <!--" in texts  # shown, as text
    assert not [t for t in toks if t.type in ("html_inline", "html_block")]


def test_code_spans_are_safe_by_construction() -> None:
    for value in ["a", "`", "``", "a`b", "a``b```c", " a ", "`a`", "", "\\_x", "a|b"]:
        span = mdsafe.code(value, table=False)
        toks = tokens(f"x {span} y")
        codes = [t.content for t in toks if t.type == "code_inline"]
        assert codes == [value or " "], (value, span, codes)
    # no backslash escapes inside a code span: they would show
    assert mdsafe.code("aws_db_instance") == "`aws_db_instance`"


def test_markdown_stays_under_githubs_limits_whatever_the_input(tmp_path: Path) -> None:
    huge = "k" * 50_000
    findings = [
        _finding(i, f'aws_s3_bucket.b["{huge}{i}"]', f"{huge[:200]}/{i}.tf", huge)
        for i in range(3000)
    ]
    for text in (
        render("markdown", _result(findings, tmp_path), threshold=Severity.LOW),
        _review(tmp_path, findings),
    ):
        assert len(text) <= 65_536
        assert len(text.encode("utf-8")) < 1024 * 1024
        assert "Not shown here" in text and "soc2lint scan --format json" in text
        toks = tokens(text)
        assert not [t for t in toks if t.type == "html_block" and "details" not in t.content]


def test_verdict_and_exit_code_agree(tmp_path: Path) -> None:
    low = Finding(
        rule_id="NET001",
        slug="x",
        severity=Severity.MEDIUM,
        message="m",
        address="a.b",
        range=Range("m.tf", 1, 1),
        scope=".",
    )
    for threshold, verdict in (
        (Severity.LOW, "at or above low"),
        (Severity.HIGH, "no new findings at or above the threshold"),
        (None, "no new findings at or above the threshold"),
    ):
        result = _result([low], tmp_path, DiffInfo("main", "0" * 40, new=[low]))
        text = render("markdown", result, threshold=threshold)
        assert verdict in text.splitlines()[2]
        assert ("fix before approving" in text) == (result.exit_code(threshold) == 1)


# ---------------------------------------------------------------------------
# text, JSON, SARIF, stderr: no workflow command, no control sequence
# ---------------------------------------------------------------------------


def _runner_commands(output: str) -> list[str]:
    """Lines a GitHub runner would execute: '::' after leading whitespace, or '##['."""
    return [line for line in output.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def test_neutralize() -> None:
    assert _runner_commands(neutralize("::error::x\n  ::add-mask::y\na ##[error]b")) == []
    assert json.loads(neutralize('{"a": "##[error]x"}', "json")) == {"a": "##[error]x"}
    assert one_line("a\n\x1b[2J\u202e") == "a\\n\\x1b[2J\\u202e"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown"])
def test_no_format_but_github_prints_a_workflow_command(tmp_path: Path, fmt: str) -> None:
    flow = (Related(Range("::warning::x\n::error::y.tf", 1, 1), "hop\x1b[2J", "a.b"),)
    findings = [
        _finding(i, f'aws_s3_bucket.b["{h}"]', f"::error file=README.md,line=1::ok/{h}.tf", h,
                 code_flow=flow)
        for i, h in enumerate([*HOSTILE, "##[add-mask]secret", "\n::stop-commands::x"])
    ]  # fmt: skip
    out = render(fmt, _result(findings, tmp_path), threshold=Severity.LOW)
    assert _runner_commands(out) == []
    assert "\x1b" not in out and "\u202e" not in out


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "SOC2LINT_NO_PROGRESS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "soc2lint.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_a_directory_named_like_a_workflow_command_end_to_end(tmp_path: Path) -> None:
    name = "::error file=README.md,line=1::All checks passed"
    bad = 'resource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = true\n}\n'
    write_files(tmp_path, {f"{name}/main.tf": bad, "x\n::add-mask::y/main.tf": bad})
    for fmt in ("text", "json", "sarif", "markdown"):
        r = _cli(["scan", ".", "--no-cache", "--format", fmt], tmp_path)
        assert r.returncode == 1, r.stderr
        assert _runner_commands(r.stdout + r.stderr) == [], fmt
    # stderr: an error naming a path from the tree
    (tmp_path / name / ".soc2lint.toml").write_text("bogus = 1\n", encoding="utf-8")
    r = _cli(["scan", name], tmp_path)
    assert r.returncode == 2 and "bogus" in r.stderr
    assert _runner_commands(r.stderr) == []


# ---------------------------------------------------------------------------
# output files: never through a symlink committed in the tree
# ---------------------------------------------------------------------------


def test_outputs_do_not_follow_committed_symlinks(tmp_path: Path) -> None:
    victim = tmp_path / "home"
    victim.mkdir()
    (victim / ".bashrc").write_text("original\n", encoding="utf-8")
    ws = tmp_path / "ws"
    write_files(ws, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'})
    (ws / "soc2lint.sarif").symlink_to(victim / ".bashrc")  # committed in the PR
    (ws / "reports").symlink_to(victim)  # a directory link
    (ws / ".soc2lint-baseline.json").symlink_to(victim / ".bashrc")
    (ws / "compliance").symlink_to(victim)

    r = _cli(["scan", ".", "--format", "sarif", "--output", "soc2lint.sarif"], ws)
    assert r.returncode in (0, 1), r.stderr
    assert (victim / ".bashrc").read_text(encoding="utf-8") == "original\n"
    assert not (ws / "soc2lint.sarif").is_symlink()  # replaced by the report itself
    assert json.loads((ws / "soc2lint.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"

    r = _cli(["scan", ".", "--format", "json", "--output", "reports/r.json"], ws)
    assert r.returncode == 2 and "symbolic link" in r.stderr
    assert sorted(p.name for p in victim.iterdir()) == [".bashrc"]

    r = _cli(["baseline", "create", "."], ws)
    assert (victim / ".bashrc").read_text(encoding="utf-8") == "original\n"

    r = _cli(["evidence", ".", "--output", "compliance/pack"], ws)
    assert r.returncode == 2 and "symbolic link" in r.stderr
    r = _cli(["evidence", ".", "--output", "compliance"], ws)
    assert r.returncode == 2 and "symbolic link" in r.stderr
    assert sorted(p.name for p in victim.iterdir()) == [".bashrc"]


def test_github_annotations_show_bidi_overrides_instead_of_obeying_them(tmp_path: Path) -> None:
    f = _finding(0, 'aws_s3_bucket.b["\u202eevil"]', "main.tf", "x\u200by \u2066z")
    out = render("github", _result([f], tmp_path), threshold=Severity.LOW)
    assert "\u202e" not in out and "\u200b" not in out and "\u2066" not in out
    assert "\\u202eevil" in out


def test_evidence_csv_cells_are_never_formulas() -> None:
    import csv
    import io

    from soc2lint.evidence.common import csv_text

    text = csv_text(["name"], [['=HYPERLINK("https://evil.example","ok")'], ["@SUM(1)"], ["fine"]])
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert cells == ['\'=HYPERLINK("https://evil.example","ok")', "'@SUM(1)", "fine"]

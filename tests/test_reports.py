"""Output formats rendered from hand-built results: escaping, caps, schema validity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soc2lint.engine import ScanResult
from soc2lint.graph import ResourceGraph
from soc2lint.model import Finding, Range, Related, Severity, Suppression
from soc2lint.report import render
from soc2lint.report.common import mask_secret, redact_strings
from soc2lint.report.github import escape_data, escape_property

from helpers import registry, sarif_errors


def _finding(i: int, sev: Severity = Severity.HIGH, **kw: object) -> Finding:
    base: dict[str, object] = {
        "rule_id": "SYS007",
        "slug": "configuration-error",
        "severity": sev,
        "message": f"problem {i}",
        "address": f"module.m{i}",
        "range": Range("main.tf", i + 1, 1, i + 1, 10),
        "scope": ".",
    }
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def _result(findings: list[Finding], tmp_path: Path) -> ScanResult:
    reg = registry()
    return ScanResult(
        findings=findings,
        rules_run=[r for r in reg if r.reserved],
        registry=reg,
        graph=ResourceGraph(),
        files=["main.tf"],
        root=tmp_path,
        base=tmp_path,
    )


def test_github_escaping() -> None:
    assert escape_data("50%\nnext\r") == "50%25%0Anext%0D"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_github_caps_annotations_per_level_and_says_so(tmp_path: Path) -> None:
    fs = [_finding(i, Severity.HIGH) for i in range(15)] + [
        _finding(100 + i, Severity.MEDIUM) for i in range(3)
    ]
    out = render("github", _result(fs, tmp_path), threshold=Severity.LOW).splitlines()
    errors = [x for x in out if x.startswith("::error ")]
    # GitHub keeps 10 errors a step: the run's own failure is the first of them
    assert len(errors) == 10
    assert errors[0] == "::error title=soc2lint::18 findings at or above fail-on low (18 in total)"
    assert sum(1 for x in out if x.startswith("::warning ")) == 3
    assert out[-1].startswith("::notice title=soc2lint::6 more findings not shown")


def test_github_verdict_counts_findings_at_or_above_fail_on(tmp_path: Path) -> None:
    fs = [_finding(i, Severity.HIGH) for i in range(3)] + [
        _finding(100 + i, Severity.MEDIUM) for i in range(12)
    ]
    out = render("github", _result(fs, tmp_path), threshold=Severity.HIGH).splitlines()
    assert out[0] == "::error title=soc2lint::3 findings at or above fail-on high (15 in total)"
    # below the threshold: no failure annotation
    out = render("github", _result(fs[3:], tmp_path), threshold=Severity.HIGH).splitlines()
    assert not any(x.startswith("::error title=soc2lint::") for x in out)
    # --min-severity hides annotations but not the verdict, and says so
    out = render(
        "github", _result(fs, tmp_path), threshold=Severity.HIGH, min_severity=Severity.HIGH
    ).splitlines()
    assert sum(1 for x in out if x.startswith("::warning ")) == 0
    assert out[0].startswith("::error title=soc2lint::3 findings")
    assert "12 below high not shown (--min-severity)" in out[-1]


def test_github_message_with_newlines_and_colons(tmp_path: Path) -> None:
    f = _finding(1, message="line one\nline: two, 100%", address="aws_x.y")
    out = render("github", _result([f], tmp_path), threshold=Severity.LOW)
    assert "line one%0Aline: two, 100%25" in out
    assert "title=SYS007 configuration-error (high)" in out


def test_markdown_escapes_cells_and_stays_under_budget(tmp_path: Path) -> None:
    nasty = _finding(1, message="a | b <script>alert(1)</script>\n`x`", address='aws_x.y["k"]')
    many = [_finding(i + 2, Severity.LOW) for i in range(400)]
    text = render("markdown", _result([nasty, *many], tmp_path), threshold=Severity.LOW)
    assert "<script>" not in text
    assert "a \\| b &lt;script&gt;" in text
    assert len(text) < 65_536
    assert "<details><summary>" in text


def test_sarif_with_suppressed_related_and_code_flow_validates(tmp_path: Path) -> None:
    hop = Related(Range("net.tf", 3, 1, 3, 5), "route to igw", "aws_route.r")
    f1 = _finding(1, related=(hop,), code_flow=(hop, hop))
    f2 = _finding(
        2, suppression=Suppression("inline", "accepted risk", "2027-01-01", Range("main.tf", 2, 1))
    )
    res = _result([f1, f2], tmp_path)
    plain = render("sarif", res)
    assert sarif_errors(plain) == []
    assert len(json.loads(plain)["runs"][0]["results"]) == 1
    full = render("sarif", res, sarif_include_suppressed=True)
    assert sarif_errors(full) == []
    results = json.loads(full)["runs"][0]["results"]
    sup = results[1]["suppressions"][0]
    assert sup == {
        "kind": "inSource",
        "justification": "accepted risk (expires 2027-01-01)",
        "location": sup["location"],
        "status": "accepted",
    }
    flow = results[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(flow) == 2
    assert results[0]["relatedLocations"][0]["id"] == 1


def test_sarif_rules_carry_github_metadata(tmp_path: Path) -> None:
    data = json.loads(render("sarif", _result([_finding(1)], tmp_path)))
    run = data["runs"][0]
    rule = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert rule["id"] == "SYS007"
    assert rule["properties"]["security-severity"] == "8.0"
    assert "security" in rule["properties"]["tags"]
    assert rule["help"]["markdown"].startswith("# SYS007")
    assert rule["defaultConfiguration"]["level"] == "error"
    assert run["results"][0]["level"] == "error"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_marks_incomplete_runs(tmp_path: Path) -> None:
    f = _finding(1, rule_id="SYS001", slug="parse-error", incomplete=True)
    data = json.loads(render("sarif", _result([f], tmp_path)))
    inv = data["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["descriptor"]["id"] == "SYS001"


@pytest.mark.parametrize("raw", ["AKIAIOSFODNN7EXAMPLE", "abc", "hunter2hunter2hunter2"])
def test_mask_secret_shows_no_character_nor_length(raw: str) -> None:
    assert mask_secret(raw) == "********"


def test_redact_strings_in_snippets() -> None:
    assert redact_strings('  password = "hunter2hunter2"') == '  password = "********"'
    assert redact_strings("      MasterUserPassword: hunter2hunter2") == (
        "      MasterUserPassword: ********"
    )


def test_json_lists_suppressed_with_justification(tmp_path: Path) -> None:
    f = _finding(2, suppression=Suppression("inline", "accepted", None, Range("main.tf", 2, 1)))
    data = json.loads(render("json", _result([_finding(1), f], tmp_path), threshold=Severity.LOW))
    assert data["summary"]["total"] == 1 and data["summary"]["suppressed"] == 1
    assert data["suppressed"][0]["suppression"]["reason"] == "accepted"
    assert data["findings"][0]["fingerprint"] == _finding(1).fingerprint


def test_github_escaping_of_separators_and_control_characters() -> None:
    from soc2lint.report.github import escape_data, escape_property

    # U+2028 split the annotation in two for Python's splitlines and for some log viewers
    assert escape_data("a\u2028b\u2029c\x1b[31md\x0cE\x85") == "a b c [31md E "
    assert escape_data("50%\r\n") == "50%25%0D%0A"
    assert escape_property("f,i:l\ne") == "f%2Ci%3Al%0Ae"


def test_text_summary_keeps_acronyms_in_family_titles(tmp_path: Path) -> None:
    findings = [
        _finding(1, rule_id="IAM001", slug="iam-admin-policy"),
        _finding(2, rule_id="SYS007"),
    ]
    text = render("text", _result(findings, tmp_path), threshold=Severity.LOW)
    summary = next(line for line in text.splitlines() if line.startswith("By control family"))
    assert "IAM least-privilege IAM 1" in summary
    assert "SYS scan integrity (reserved) 1" in summary


def test_grouped_lists_each_group_as_shown() -> None:
    # grouped() makes no Group for a finding alone: it must list what shown() shows
    from soc2lint.report.groups import grouped, groups, shown

    def at(scope: str, address: str, line: int = 3) -> Finding:
        return Finding(
            rule_id="ENC001",
            slug="s3-encryption",
            severity=Severity.HIGH,
            message=f"{address} is not encrypted",
            address=address,
            range=Range("modules/s3/main.tf", line, 1),
            scope=scope,
        )

    findings = [
        at("envs/a", "module.s3.aws_s3_bucket.b"),
        at("envs/b", "module.s3.aws_s3_bucket.b"),
        at("envs/a", "module.s3.aws_s3_bucket.b", 9),
        at("envs/c", "module.logs.aws_s3_bucket.b"),
        at("envs/c", "module.logs.aws_s3_bucket.b"),  # the same instance twice: not grouped
    ]
    listed = grouped(findings)
    assert listed == [shown(g) for g in groups(findings)]
    assert [len(g.members) for g in groups(findings)] == [3, 1, 1]
    assert listed[0].message.endswith(
        "(the same finding in 2 other roots calling this module: envs/b, envs/c)"
    )
    assert listed[1] is findings[2] and listed[2] is findings[4]

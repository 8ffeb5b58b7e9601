"""LOG021 follows an alarm's reference to a metric filter through the graph, and a filter
whose pattern can never match is no alarm (issue 20); the cases are the rule's own
examples, whose messages the generic example test does not read."""

from __future__ import annotations

from pathlib import Path

import yaml

from soc2lint.config import Config

from helpers import scan, write_files

EXAMPLES = (
    Path(__file__).resolve().parents[2]
    / "src/soc2lint/rules/log/log021_security_alarms.examples.yaml"
)


def _message(tmp_path: Path, name: str, code: str) -> str:
    write_files(tmp_path, {name: code})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("LOG021",), account_scope=True, inline_suppressions=False),
    )
    (finding,) = [f for f in result.findings if f.rule_id == "LOG021"]
    return finding.message


def _case(language: str, note_start: str) -> str:
    cases = yaml.safe_load(EXAMPLES.read_text())[language]["bad"]
    (code,) = [c["code"] for c in cases if c.get("note", "").startswith(note_start)]
    return str(code)


def test_an_alarm_naming_its_filter_by_reference_watches_that_filter_only(
    tmp_path: Path,
) -> None:
    msg = _message(tmp_path, "main.tf", _case("terraform", "the alarm names its filter"))
    assert "console sign-in failures, IAM policy changes and unauthorised API calls" in msg
    assert "root account use" not in msg


def test_a_contradictory_pattern_is_no_alarm(tmp_path: Path) -> None:
    msg = _message(tmp_path, "main.tf", _case("terraform", "a pattern that contradicts"))
    assert "root account use" in msg


def test_a_json_pattern_outside_braces_is_no_alarm(tmp_path: Path) -> None:
    msg = _message(tmp_path, "template.yaml", _case("cloudformation", "a JSON pattern outside"))
    assert "root account use" in msg

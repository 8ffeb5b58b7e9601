"""docs/architecture.md's worked example is a working rule of fewer than 42 lines.

The setting, the rule module and its examples file are taken from the page as
written, loaded the way a rule pack is (``--rules-dir``), validated like the
built-ins, and every example is run through the real parsers.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_rule_examples import check_example, run_example

from soc2lint.registry import load_rules_dir
from soc2lint.rule import validate_rule

from rulekit import registry_with

PAGE = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
BLOCK = re.compile(r"<!-- worked-example: (\w+) -->\n```\w+\n(.*?)```", re.S)


def _blocks() -> dict[str, str]:
    return dict(BLOCK.findall(PAGE.read_text(encoding="utf-8")))


def _python_lines(text: str) -> int:
    return len(text.rstrip("\n").splitlines())


def test_a_single_setting_rule_takes_fewer_than_42_lines_of_python() -> None:
    """39 lines before rules declared their subjects and control objective (two lines)."""
    blocks = _blocks()
    assert set(blocks) == {"setting", "module", "examples", "message"}
    assert _python_lines(blocks["setting"]) + _python_lines(blocks["module"]) < 42


def _plugin(tmp_path: Path) -> Path:
    """The example as a rule pack: the setting defined in the module, absolute imports."""
    blocks = _blocks()
    module = blocks["module"]
    module = module.replace("from soc2lint.settings import ECR_SCAN_ON_PUSH\n", "")
    module = module.replace("from ._shared import", "from soc2lint.rules.log._shared import")
    text = (
        "from soc2lint.settings import CFN, TF, Setting\n"
        + blocks["setting"]
        + module
        + "\nRULES = [ecr_scan_on_push]\n"
    )
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "log901_ecr_scan_on_push.py").write_text(text, encoding="utf-8")
    (pack / "log901_ecr_scan_on_push.examples.yaml").write_text(
        blocks["examples"], encoding="utf-8"
    )
    return pack


def test_the_worked_example_is_a_valid_rule_whose_examples_hold(tmp_path: Path) -> None:
    (rule,) = load_rules_dir(_plugin(tmp_path))
    assert rule.id == "LOG901"
    assert validate_rule(rule, examples=True) == []
    assert rule.subjects is not None and rule.subjects.kinds == ("AWS::ECR::Repository",)
    assert rule.control
    reg = registry_with(rule)
    cases = [
        (lang, kind, e)
        for lang, ex in rule.examples.items()
        for kind, items in (("bad", ex.bad), ("good", ex.good))
        for e in items
    ]
    assert len(cases) == 6
    for i, (lang, kind, example) in enumerate(cases):
        where = tmp_path / f"case{i}"
        where.mkdir()
        check_example(rule, lang, kind, example, run_example(rule, lang, example, where, reg))


def test_the_page_shows_the_real_message(tmp_path: Path) -> None:
    (rule,) = load_rules_dir(_plugin(tmp_path))
    first = rule.examples["terraform"].bad[0]
    result = run_example(rule, "terraform", first, tmp_path, registry_with(rule))
    (finding,) = [f for f in result.findings if f.rule_id == "LOG901"]
    assert finding.message == _blocks()["message"].strip()


def test_the_unknown_case_is_reported_under_strict_only(tmp_path: Path) -> None:
    (rule,) = load_rules_dir(_plugin(tmp_path))
    unknown = rule.examples["terraform"].good[1]
    assert "var.scan" in unknown.files("terraform")["main.tf"]
    strict_case = type(unknown)(code=unknown.code, options={"strict": True})
    where = tmp_path / "strict"
    where.mkdir()
    result = run_example(rule, "terraform", strict_case, where, registry_with(rule))
    (finding,) = [f for f in result.findings if f.rule_id == "LOG901"]
    assert finding.unresolved and finding.severity.label == "low"

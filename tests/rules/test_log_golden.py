"""Golden findings of the LOG rules on the logging fixtures, with and without --account-scope.

Each fixture is a logging account baseline (trails, a locked trail bucket,
GuardDuty, Security Hub, Access Analyzer, CIS metric filters and alarms) next
to an application stack (VPCs, load balancers, API Gateway, CloudFront, RDS,
EKS, log groups) with the slips real repositories have.  The findings (rule,
address, file, line, severity) must equal the golden file.  Rewrite the golden
files with ``SOC2LINT_UPDATE_GOLDEN=1`` and review every line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_files import check_json

from soc2lint.config import Config
from soc2lint.rule import DEFAULT_OPTIONS

from helpers import scan

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
RULE_IDS = tuple(f"LOG{i:03d}" for i in range(1, 22))

CASES = [
    ("terraform", False),
    ("terraform", True),
    ("cloudformation", False),
    ("cloudformation", True),
]


def _front_end_missing(lang: str) -> bool:
    import soc2lint.cloudformation as cfn
    import soc2lint.terraform as tf

    mod = tf if lang == "terraform" else cfn
    return "Being built" in (mod.__doc__ or "")


def _findings(lang: str, account_scope: bool) -> list[dict[str, Any]]:
    root = REPO / "fixtures" / lang / "logging"
    config = Config(
        select=RULE_IDS,
        account_scope=account_scope,
        options=dict(DEFAULT_OPTIONS),
        inline_suppressions=False,
    )
    result = scan([root], base=REPO, config=config)
    broken = [f.message for f in result.findings if f.incomplete]
    assert not broken, broken
    out = [
        {
            "rule": f.rule_id,
            "address": f.address,
            "file": f.range.file,
            "line": f.range.start_line,
            "severity": f.severity.label,
        }
        for f in result.findings
        if f.rule_id in RULE_IDS
    ]
    return sorted(out, key=lambda d: (d["file"], d["line"], d["rule"], d["address"]))


@pytest.mark.parametrize(("lang", "account_scope"), CASES)
def test_logging_golden(lang: str, account_scope: bool) -> None:
    if _front_end_missing(lang):
        pytest.skip(f"the {lang} front end has not landed yet")
    name = f"logging-{lang}{'-account' if account_scope else ''}.json"
    got = _findings(lang, account_scope)
    path = GOLDEN / name
    check_json(path, got)


def test_account_scope_adds_only_account_rules() -> None:
    """With --account-scope the findings are a superset, the additions account-scope rules."""
    for lang in ("terraform", "cloudformation"):
        if _front_end_missing(lang):
            continue
        plain = {json.dumps(d, sort_keys=True) for d in _findings(lang, False)}
        scoped = {json.dumps(d, sort_keys=True) for d in _findings(lang, True)}
        assert plain <= scoped
        added = {json.loads(d)["rule"] for d in scoped - plain}
        assert added <= {"LOG007", "LOG017", "LOG018", "LOG019", "LOG021"}

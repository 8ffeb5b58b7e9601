"""Golden findings of the IAM and resource-policy rules on the realistic fixture projects.

Rewrite the golden files with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/rules/test_iam_golden.py``
and review every entry: each must be a true finding, and every true finding must be there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_files import check_json

from soc2lint.config import Config
from soc2lint.rule import DEFAULT_OPTIONS

from helpers import scan

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
RULES = (
    "IAM001",
    "IAM002",
    "IAM003",
    "IAM004",
    "IAM005",
    "IAM006",
    "IAM007",
    "IAM008",
    "IAM009",
    "IAM010",
    "IAM011",
    "IAM012",
    "IAM013",
    "IAM014",
    "KEY002",
    "NET011",
    "TLS007",
)


@pytest.mark.parametrize("lang", ["terraform", "cloudformation"])
def test_iam_fixture_findings_match_golden(lang: str) -> None:
    root = REPO / "fixtures" / lang / "iam"
    config = Config(
        select=RULES,
        account_scope=True,
        options=dict(DEFAULT_OPTIONS),
        inline_suppressions=False,
    )
    result = scan([root], base=root, config=config)
    broken = [f.message for f in result.findings if f.incomplete]
    assert not broken, broken
    got = sorted(
        (
            {
                "rule": f.rule_id,
                "address": f.address,
                "file": f.range.file,
                "line": f.range.start_line,
            }
            for f in result.findings
        ),
        key=lambda d: (d["file"], d["line"], d["rule"], d["address"]),
    )
    golden = GOLDEN / f"iam-{lang}.json"
    check_json(golden, got)

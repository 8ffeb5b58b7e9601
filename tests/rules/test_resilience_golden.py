"""Golden findings of the availability, backup and change-management rules on the resilience fixtures.

Each fixture is scanned through the real front ends and the whole engine with
only the AVL (ours), BAK and CHG rules selected; the findings (rule, address,
file, line, severity) must equal the golden file.  Rewrite the golden files
with ``SOC2LINT_UPDATE_GOLDEN=1`` and review every line.
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

RULE_IDS = (
    "AVL001",
    "AVL002",
    "AVL005",
    "AVL006",
    "AVL007",
    *(f"BAK00{i}" for i in range(1, 8)),
    *(f"CHG00{i}" for i in range(1, 7)),
)

CASES = [
    ("terraform", "resilience"),
    ("terraform", "resilience-careless"),
    ("cloudformation", "resilience"),
    ("cloudformation", "resilience-careless"),
]


@pytest.mark.parametrize(("lang", "name"), CASES, ids=[f"{n}-{lang}" for lang, n in CASES])
def test_resilience_golden(lang: str, name: str) -> None:
    root = REPO / "fixtures" / lang / name
    config = Config(select=RULE_IDS, options=dict(DEFAULT_OPTIONS), inline_suppressions=False)
    result = scan([root], base=REPO, config=config)
    got = sorted(
        (
            {
                "rule": f.rule_id,
                "address": f.address,
                "file": f.range.file,
                "line": f.range.start_line,
                "severity": f.severity.label,
            }
            for f in result.findings
            if f.rule_id in RULE_IDS
        ),
        key=lambda d: (d["file"], d["line"], d["rule"], d["address"]),
    )
    path = GOLDEN / f"{name}-{lang}.json"
    check_json(path, got)

"""Golden findings of the TLS and SEC rules on their fixture projects.

Rewrite with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/rules/test_tls_sec_golden.py``,
then review every entry: each must be a true finding, and every true finding must
be there.  Never edit the golden files by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_files import check_json

from soc2lint.config import Config

from helpers import scan

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

#: TLS007 belongs to the resource-policy rules and their own fixtures
FAMILIES = {
    "transit": ("TLS001", "TLS002", "TLS003", "TLS004", "TLS005", "TLS006", "TLS008", "TLS009"),
    "secrets": ("SEC001", "SEC002", "SEC003", "SEC004", "SEC005"),
}


def _front_end_missing(language: str) -> bool:
    import soc2lint.cloudformation as cfn
    import soc2lint.terraform as tf

    mod = tf if language == "terraform" else cfn
    return "Being built" in (mod.__doc__ or "")


@pytest.mark.parametrize("fixture", sorted(FAMILIES))
@pytest.mark.parametrize("language", ["terraform", "cloudformation"])
def test_fixture_findings(fixture: str, language: str) -> None:
    if _front_end_missing(language):
        pytest.skip(f"the {language} front end has not landed yet")
    rules = FAMILIES[fixture]
    root = REPO / "fixtures" / language / fixture
    result = scan([root], base=root, config=Config(select=rules, inline_suppressions=False))
    broken = [f.message for f in result.findings if f.incomplete]
    assert not broken, broken
    found = sorted(
        [f.rule_id, f.address, f.range.file, f.range.start_line]
        for f in result.findings
        if f.rule_id in rules
    )
    check_json(GOLDEN / f"{fixture}-{language}.json", found, indent=1)

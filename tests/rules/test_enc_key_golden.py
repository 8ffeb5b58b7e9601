"""Golden findings of the ENC and KEY rules on the encryption fixture projects.

Rewrite with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/rules/test_enc_key_golden.py``,
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


def _front_end_missing(language: str) -> bool:
    import soc2lint.cloudformation as cfn
    import soc2lint.terraform as tf

    mod = tf if language == "terraform" else cfn
    return "Being built" in (mod.__doc__ or "")


@pytest.mark.parametrize("language", ["terraform", "cloudformation"])
def test_encryption_fixture_findings(language: str) -> None:
    if _front_end_missing(language):
        pytest.skip(f"the {language} front end has not landed yet")
    root = REPO / "fixtures" / language / "encryption"
    result = scan(
        [root],
        base=root,
        config=Config(select=("ENC", "KEY"), inline_suppressions=False),
    )
    broken = [f.message for f in result.findings if f.incomplete]
    assert not broken, broken
    found = sorted(
        [f.rule_id, f.address, f.range.file, f.range.start_line]
        for f in result.findings
        if f.rule_id.startswith(("ENC", "KEY"))
    )
    check_json(GOLDEN / f"encryption-{language}.json", found, indent=1)

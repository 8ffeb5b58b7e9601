"""Golden evidence packs of the fixture projects, and the sample pack of the README.

Each case runs ``soc2lint evidence --reproducible`` on copies of fixture
projects and compares every file of the pack with ``golden/<case>/``.  After
an intended change, rewrite them with ``SOC2LINT_UPDATE_GOLDEN=1 pytest
tests/evidence`` and review the diff like any other change to the evidence.
The golden ``findings.sarif`` keeps only the rule IDs of ``tool.driver.rules``
(the rule help is the same in every pack and would make each golden ~1 MB).
The same regeneration keeps ``docs/example-evidence`` current.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden_files import check_files

from packs import CASES, DOCS_EXAMPLE, DOCS_EXAMPLE_OUTPUT, REPO, generate, read_pack

GOLDEN = Path(__file__).resolve().parent / "golden"


def _slim_sarif(text: str) -> str:
    """findings.sarif without the rule help of every rule (the same in every pack).

    The golden packs of the fixtures keep the results and the rule IDs; the rule
    metadata is covered by the SARIF tests and by docs/example-evidence, which
    is compared whole.
    """
    doc = json.loads(text)
    for run in doc.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        driver["rules"] = [{"id": r.get("id")} for r in driver.get("rules", [])]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _slim(pack: dict[str, str]) -> dict[str, str]:
    out = dict(pack)
    if "findings.sarif" in out:
        out["findings.sarif"] = _slim_sarif(out["findings.sarif"])
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_pack(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, extra = CASES[case]
    actual = _slim(generate(tmp_path, sources, extra, monkeypatch))
    check_files(GOLDEN / case, actual, read_pack)


def test_docs_example_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/example-evidence is exactly what the README's command generates today."""
    actual = generate(tmp_path, DOCS_EXAMPLE, (), monkeypatch, output=DOCS_EXAMPLE_OUTPUT)
    check_files(REPO / DOCS_EXAMPLE_OUTPUT, actual, read_pack)

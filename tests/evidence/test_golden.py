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
import os
import shutil
from pathlib import Path

import pytest

from packs import CASES, DOCS_EXAMPLE, DOCS_EXAMPLE_OUTPUT, REPO, generate, read_pack

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SOC2LINT_UPDATE_GOLDEN") == "1"


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


def _compare(actual: dict[str, str], golden_dir: Path, what: str) -> None:
    if UPDATE:
        if golden_dir.exists():
            shutil.rmtree(golden_dir)
        for rel, text in actual.items():
            p = golden_dir / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8", newline="\n")
        return
    assert golden_dir.is_dir(), f"{golden_dir} missing: run with SOC2LINT_UPDATE_GOLDEN=1"
    expected = read_pack(golden_dir)
    assert sorted(actual) == sorted(expected), f"{what}: the pack's files changed"
    for rel in sorted(actual):
        assert actual[rel] == expected[rel], (
            f"{what}: {rel} differs from {golden_dir / rel}; if intended, rewrite with "
            "SOC2LINT_UPDATE_GOLDEN=1 and review the diff"
        )


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_pack(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, extra = CASES[case]
    actual = _slim(generate(tmp_path, sources, extra, monkeypatch))
    _compare(actual, GOLDEN / case, f"golden pack {case}")


def test_docs_example_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/example-evidence is exactly what the README's command generates today."""
    actual = generate(tmp_path, DOCS_EXAMPLE, (), monkeypatch, output=DOCS_EXAMPLE_OUTPUT)
    _compare(actual, REPO / DOCS_EXAMPLE_OUTPUT, "docs/example-evidence")

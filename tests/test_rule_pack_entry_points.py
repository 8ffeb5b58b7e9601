"""Rule packs installed as distributions (the ``soc2lint.rules`` entry-point group)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PACK = '''
from soc2lint.model import Severity
from soc2lint.rule import Examples, Example, rule


@rule(id="TST702", slug="entry-point-rule", severity=Severity.LOW, tsc=("CC6.1",),
      checklist="B. Data at Rest", fix="Fix it.",
      terraform=Examples(
          bad=[Example('resource "aws_sqs_queue" "q" {}\\n', address="aws_sqs_queue.q", line=1)],
          good=[Example('resource "aws_sqs_queue" "q" {}\\n')],
      ))
def entry_point_rule(ctx):
    """A rule pack's rule.

    What it checks:
        Nothing.
    Why it matters for SOC 2:
        It does not.
    References:
        - https://example.com
    """
    return iter(())


RULES = [entry_point_rule]
'''

CODE = (
    "import sys\n"
    "from soc2lint.registry import load_registry\n"
    "r = load_registry().by_id.get('TST702')\n"
    "print(r.origin if r else None, 'importlib.metadata' in sys.modules)\n"
)


def _run(path: Path | None) -> list[str]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, check=True
    )
    return proc.stdout.split()


def test_an_installed_pack_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "tst_pack.py").write_text(PACK, encoding="utf-8")
    dist = tmp_path / "tst_pack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: tst-pack\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[soc2lint.rules]\ntst = tst_pack:RULES\n", encoding="utf-8"
    )
    assert _run(tmp_path) == ["plugin:tst", "True"]


def test_without_packs_the_entry_point_machinery_is_not_imported(tmp_path: Path) -> None:
    """Asking importlib.metadata costs every scan ~20 ms: only when a pack may be there."""
    dist = tmp_path / "other-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text(
        "[console_scripts]\nother = other:main\n", encoding="utf-8"
    )
    assert _run(tmp_path) == ["None", "False"]

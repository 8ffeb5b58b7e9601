"""No definition referenced nowhere: vulture over the package, the tests and the benchmark.

A name only the tests or the benchmark use counts as used; names read in a way
vulture cannot see (TypedDict keys, attributes set for a serialiser, the
``f_``/``x_`` dispatch tables of the Terraform functions and the HCL converter,
click commands) are in ``tests/vulture_whitelist.py`` or the options below.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_no_dead_code_in_the_package() -> None:
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "vulture", "src/soc2lint", "tests", "bench"),
            "--min-confidence=60",
            "--ignore-names=f_*,x_*",
            "--ignore-decorators=@*.command,@*.group,@pytest.*,@given,@settings",
            # generated: soc2lint.record calls its functions by the names it computes
            "--exclude=src/soc2lint/record_inits.py",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 3), proc.stderr  # 3: vulture found something
    dead = [line for line in proc.stdout.splitlines() if line.startswith("src/")]
    assert not dead, "\n".join(dead)
